"""Generated, unchecked constructors for values whose fields are already valid.

An engine makes a new complaint version and a history event per step. Most of
their fields are copied from a validated value or were computed and checked by
the caller (a sequence number, a destination state checked when the workflow
was compiled), so validating them again is most of the cost of a step. These
builders skip validation entirely, which is why they are private: callers pass
only values that were validated or copied from a validated instance.

The generated source contains nothing but the class's own attrs field names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs

__all__ = ["advancer", "builder"]

_T = TypeVar("_T")


def _names(cls: Any) -> tuple[str, ...]:
    """Return the attrs field names of ``cls``, in definition order."""
    return tuple(attrs.fields_dict(cls))


def _dict_setter(cls: type) -> Any | None:
    """Return the ``__dict__`` descriptor's ``__set__`` of a dict class, else None."""
    for klass in cls.__mro__:
        slot = klass.__dict__.get("__dict__")
        if slot is not None:
            return slot.__set__
    return None


def _setters(cls: type) -> dict[str, Any]:
    """Return the generated code's namespace entries that set each field.

    A slotted field is set through its slot descriptor's ``__set__``. Fields
    of a class with an instance ``__dict__`` are set with
    ``object.__setattr__`` in field order, so the instance's dict shares its
    keys with every other instance of the class.
    """
    found: dict[str, Any] = {"setattr_": object.__setattr__}
    for name in attrs.fields_dict(cls):
        slot = cls.__dict__.get(name)
        if slot is not None and hasattr(slot, "__set__"):
            found[f"set_{name}"] = slot.__set__
    return found


def _set_line(namespace: dict[str, Any], name: str, value: str) -> str:
    if f"set_{name}" in namespace:
        return f"    set_{name}(new, {value})"
    return f"    setattr_(new, {name!r}, {value})"


def _compile(source: str, name: str, namespace: dict[str, Any]) -> Any:
    exec(source, namespace)  # noqa: S102 - generated from attrs field names only
    return namespace[name]


def builder(cls: type[_T]) -> Callable[..., _T]:
    """Return ``build(*fields)`` making a ``cls`` from every field, unchecked.

    The arguments are positional, in the class's field order (a positional
    call is the cheapest CPython makes); no converter, validator or
    post-init check runs.
    """
    names = _names(cls)
    namespace: dict[str, Any] = {"cls": cls, "new_": object.__new__, **_setters(cls)}
    lines = [f"def build({', '.join(names)}, /):", "    new = new_(cls)"]
    set_dict = _dict_setter(cls)
    if set_dict is None:
        lines += [_set_line(namespace, n, n) for n in names]
    else:
        # Copy a blank layout's dict: the copy shares the class's keys, and
        # filling it costs less than setting each attribute.
        layout = object.__new__(cls)
        for name in names:
            object.__setattr__(layout, name, None)
        namespace.update(set_dict=set_dict, layout=layout.__dict__)
        lines.append("    values = layout.copy()")
        lines += [f"    values[{n!r}] = {n}" for n in names]
        lines.append("    set_dict(new, values)")
    lines.append("    return new")
    built: Callable[..., _T] = _compile("\n".join(lines), "build", namespace)
    return built


def advancer(cls: type[_T], *replaced: str) -> Callable[..., _T]:
    """Return ``advance(inst, changes, *values)``: a copy of ``inst``, changed.

    ``changes`` maps further field names to new values (it may be empty; it
    must name only fields of ``cls`` not in ``replaced``, which is not
    checked); ``values`` are given positionally in the order of ``replaced``. Every
    other field is copied from ``inst``. Nothing is checked. For a class with
    an instance ``__dict__`` the copy is one ``dict.copy()``, which keeps the
    keys shared and costs a third of setting each field.
    """
    names = _names(cls)
    unknown = set(replaced) - set(names)
    if unknown:
        msg = f"{cls.__name__} has no fields {sorted(unknown)}"
        raise ValueError(msg)
    if len(set(replaced)) != len(replaced):
        msg = f"fields named twice: {sorted(replaced)}"
        raise ValueError(msg)
    params = ", ".join(("inst", "changes", *(f"v_{n}" for n in replaced)))
    set_dict = _dict_setter(cls)
    namespace: dict[str, Any] = {"cls": cls, "new_": object.__new__}
    lines = [f"def advance({params}):", "    new = new_(cls)"]
    if set_dict is not None:
        namespace["set_dict"] = set_dict
        lines.append("    values = inst.__dict__.copy()")
        lines.append("    if changes:")
        lines.append("        values.update(changes)")
        lines += [f"    values[{n!r}] = v_{n}" for n in replaced]
        lines.append("    set_dict(new, values)")
    else:
        namespace.update(_setters(cls))
        lines += [
            _set_line(namespace, n, f"v_{n}" if n in replaced else f"inst.{n}")
            for n in names
        ]
        lines.append("    for name, value in changes.items():")
        lines.append("        setattr_(new, name, value)")
    lines.append("    return new")
    advanced: Callable[..., _T] = _compile("\n".join(lines), "advance", namespace)
    return advanced
