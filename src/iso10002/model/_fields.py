"""Field metadata for personal data, and copying model values with changes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeAlias, TypeVar

import attrs

from iso10002.errors import ValidationError

__all__ = ["PERSONAL", "evolve", "is_personal"]

PERSONAL: Mapping[str, bool] = {"iso10002.personal": True}
"""Field metadata marking personal data, used by redaction and erasure."""


def is_personal(attribute: attrs.Attribute[Any]) -> bool:
    """Tell whether an attrs field is marked as personal data."""
    return bool(attribute.metadata.get("iso10002.personal", False))


_SETATTR = object.__setattr__
_T = TypeVar("_T")


def evolve(instance: _T, **changes: Any) -> _T:
    """Return a copy of a model value with ``changes``, validating only those.

    Like :func:`attrs.evolve`, but the fields that do not change are not
    validated again (they were when ``instance`` was built): each changed
    value goes through its field's converter and validator, then the class's
    cross-field checks (``__attrs_post_init__``) run on the result.

    Args:
        instance: A model value, e.g. a :class:`~iso10002.model.HistoryEvent`.
        **changes: New values by field name.

    Returns:
        The new value.

    Raises:
        ValidationError: naming the field, if a change is invalid or unknown.

    .. versionadded:: 0.1.0
    """
    fields, copy = _fields_of(type(instance))
    new: _T = copy(instance)
    for name, value in changes.items():
        field = fields.get(name)
        if field is None:
            raise ValidationError.single(
                name, f"is not a field of {type(instance).__name__}"
            )
        checked = field.converter(value) if callable(field.converter) else value
        if field.validator is not None:
            field.validator(new, field, checked)
        _SETATTR(new, name, checked)
    post_init = getattr(new, "__attrs_post_init__", None)
    if post_init is not None:
        post_init()
    return new


_Plan: TypeAlias = "tuple[dict[str, attrs.Attribute[Any]], Callable[[Any], Any]]"
_FIELDS_CACHE: dict[type, _Plan] = {}


def _fields_of(cls: type) -> _Plan:
    found = _FIELDS_CACHE.get(cls)
    if found is None:
        if not attrs.has(cls):
            raise ValidationError.single(
                "instance", f"{cls.__name__} is not a model class"
            )
        fields = attrs.fields_dict(cls)
        found = _FIELDS_CACHE[cls] = (fields, _make_copier(cls, tuple(fields)))
    return found


def _make_copier(cls: type, names: tuple[str, ...]) -> Callable[[Any], Any]:
    """Generate a straight-line shallow copy for an attrs class (no validation).

    Only used on values that were validated when built; the generated source
    contains nothing but the class's own field names.
    """
    lines = ["def copy(inst):", "    new = new_(cls)"]
    lines += [f"    set_(new, {name!r}, inst.{name})" for name in names]
    lines.append("    return new")
    namespace: dict[str, Any] = {"cls": cls, "new_": object.__new__, "set_": _SETATTR}
    exec("\n".join(lines), namespace)  # noqa: S102 - generated from attrs field names
    copier: Callable[[Any], Any] = namespace["copy"]
    return copier
