"""The converter, configured in one place: :func:`configure_converter`.

Model classes are structured field by field: each field's value through the
hook of its type, then through the field's own converter and validator (the
class's plan of checks, :func:`iso10002.model.versions.plan_of`), each once.
Every problem is collected, as cattrs' own ``ClassValidationError`` and
``IterableValidationError`` with notes naming the field or index, so one
error can list them all (see ``_errors``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.fns import identity

from iso10002.errors import ValidationError
from iso10002.model.versions import plan_of
from iso10002.serialization import _hooks as h
from iso10002.serialization._errors import OWN_PATHS

__all__ = ["configure_converter"]

_NEW = object.__new__
_NONE = type(None)
_EXACT: dict[Any, tuple[type, ...]] = {
    str: (str,),
    int: (int,),
    bool: (bool,),
    str | None: (str, _NONE),
    int | None: (int, _NONE),
    bool | None: (bool, _NONE),
}
_SETATTR = object.__setattr__


def configure_converter(converter: cattrs.Converter) -> cattrs.Converter:
    """Register the project's hooks on ``converter`` (and on no other).

    Args:
        converter: A new converter, made with ``forbid_extra_keys=True`` and
            ``unstruct_collection_overrides={tuple: list}``.

    Returns:
        ``converter``, configured.
    """
    # Primitive hooks go through singledispatch, which would also catch
    # ``(str, Enum)`` subclasses: model enums get exact hooks, others are
    # routed to the enum hook from inside the primitive hooks.
    structure: list[tuple[Any, Callable[[Any, Any], Any]]] = [
        (str, h.structure_str),
        (int, h.structure_int),
        (float, h.structure_float),
        (bool, h.structure_bool),
        (datetime, h.structure_datetime),
        (date, h.structure_date),
        (Decimal, h.structure_decimal),
        (timedelta, h.structure_timedelta),
    ]
    unstructure: list[tuple[Any, Callable[[Any], Any]]] = [
        (datetime, datetime.isoformat),
        (date, date.isoformat),
        (timedelta, h.unstructure_timedelta),
        (Decimal, str),
    ]
    for enum_cls in h.model_enums():
        structure.append((enum_cls, h.structure_enum))
        unstructure.append((enum_cls, h.unstructure_enum))
    for target, hook in structure:
        converter.register_structure_hook(target, hook)
    for target, unhook in unstructure:
        converter.register_unstructure_hook(target, unhook)
    # Optional JSON scalars unstructure to themselves; cattrs inlines an
    # ``identity`` hook into the code it generates instead of calling it.
    converter.register_unstructure_hook_func(lambda t: t in h.PASSTHROUGH, identity)
    converter.register_unstructure_hook_factory(
        h.optional_model, lambda t: _unstructure_optional(converter, t)
    )
    converter.register_unstructure_hook_func(lambda t: t == dict[str, Any], h.copy_json)
    converter.register_unstructure_hook_factory(
        h.is_homogeneous_tuple, lambda t: _unstructure_tuple(converter, t)
    )
    converter.register_structure_hook_factory(
        attrs.has, lambda cl: _AttrsHook(converter, cl)
    )
    converter.register_structure_hook_factory(
        h.is_homogeneous_tuple, lambda t: _structure_tuple(converter, t)
    )
    converter.register_structure_hook_factory(
        h.is_optional, lambda t: _structure_optional(converter, t)
    )
    return converter


def _unstructure_optional(converter: cattrs.Converter, target: Any) -> Any:
    """Unstructure ``X | None`` with ``X``'s own hook, without a runtime dispatch."""
    (inner,) = (a for a in target.__args__ if a is not type(None))
    hook = converter.get_unstructure_hook(inner)

    def unstructure(value: Any) -> Any:
        return None if value is None else hook(value)

    return unstructure


def _unstructure_tuple(converter: cattrs.Converter, target: Any) -> Any:
    """Unstructure ``tuple[X, ...]`` to a list, as cattrs would, without a generator."""
    item = target.__args__[0]
    if item in h.PASSTHROUGH:
        return list
    hook = converter.get_unstructure_hook(item)

    def unstructure(value: tuple[Any, ...]) -> list[Any]:
        return [hook(element) for element in value]

    return unstructure


def _structure_optional(converter: cattrs.Converter, target: Any) -> Any:
    """Structure ``X | None`` with ``X``'s own hook, without a runtime dispatch."""
    (inner,) = (a for a in target.__args__ if a is not _NONE)
    hook = converter.get_structure_hook(inner)

    def structure(value: Any, _target: Any) -> Any:
        return None if value is None else hook(value, inner)

    return structure


def _structure_tuple(converter: cattrs.Converter, target: Any) -> Any:
    """Structure ``tuple[X, ...]`` from a JSON array only (never a string)."""
    item_type = target.__args__[0]
    item_hook = converter.get_structure_hook(item_type)

    def structure(value: Any, _target: Any) -> tuple[Any, ...]:
        if value.__class__ is not list and not isinstance(value, (list, tuple)):
            msg = f"must be a list, not {type(value).__name__}"
            raise TypeError(msg)
        try:
            return tuple([item_hook(item, item_type) for item in value])
        except Exception as refused:  # noqa: BLE001 - name each refused item
            errors = _refused_items(value, item_hook, item_type) or [refused]
        msg = f"While structuring {target!r}"
        raise IterableValidationError(msg, errors, target)

    return structure


def _refused_items(value: Any, hook: Any, item_type: Any) -> list[Exception]:
    """Return the error of each item ``hook`` refuses, noted with its index."""
    errors: list[Exception] = []
    for i, item in enumerate(value):
        try:
            hook(item, item_type)
        except Exception as exc:  # noqa: BLE001 - noted with its index
            errors.append(_note(exc, IterableValidationNote(f"item {i}", i, item_type)))
    return errors


class _AttrsHook:
    """The structure hook of an attrs class: every field checked, once.

    Each field's value goes through its type's hook, then the class's own
    ``__init__`` applies defaults, converters, validators and cross-field
    checks. When one of those refuses, every field is checked on its own so
    that one error lists every problem, each noted with its field.
    """

    def __init__(self, converter: cattrs.Converter, cl: type) -> None:
        plan = plan_of(cl)
        self.cl = cl
        self.checks = plan.checks
        self.post_init = plan.post_init
        self.names = frozenset(plan.names)
        self.steps: list[tuple[int, str, str, Any, Any, tuple[type, ...]]] = []
        self.defaults: dict[str, tuple[Any, Any]] = {}
        for a in attrs.fields(attrs.resolve_types(cl)):
            default: Any = a.default
            factory: Any = None
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                default, factory = None, default.factory
            self.defaults[a.name] = (default, factory)
            hook = converter.get_structure_hook(a.type)
            # A JSON scalar of exactly its field's type is its own structured
            # value: its hook would return it unchanged.
            exact = _EXACT.get(a.type, ())
            position = len(self.steps)
            self.steps.append(
                (position, a.name, a.alias or a.name, hook, a.type, exact)
            )
        self.validators = [
            (i, name, field, validate)
            for i, (name, (field, _, validate)) in enumerate(self.checks.items())
            if validate is not None
        ]

    def __call__(self, value: Any, _target: Any) -> Any:
        """Structure ``value``; raise ``ClassValidationError`` naming each field."""
        if not isinstance(value, Mapping):
            msg = f"must be an object, not {type(value).__name__}"
            raise TypeError(msg)
        # Each problem with its field's position: reported in field order,
        # unknown fields and the cross-field checks last.
        errors: list[tuple[int, Exception]] = []
        structured = self._structure(value, errors)
        if not errors:
            try:
                return self.cl(**structured)
            except ValidationError:
                # A check refused: check each field to name every problem.
                self._validate(structured, errors)
                if not errors:
                    raise
        else:
            self._validate(structured, errors)
        errors.sort(key=lambda found: found[0])
        msg = f"While structuring {self.cl.__name__}"
        raise ClassValidationError(msg, [e for _, e in errors], self.cl) from None

    def _structure(
        self, value: Mapping[Any, Any], errors: list[tuple[int, Exception]]
    ) -> dict[str, Any]:
        """Return each given field's value through its type's hook, by init name."""
        structured: dict[str, Any] = {}
        for i, name, alias, hook, type_, exact in self.steps:
            if name in value:
                item = value[name]
                if item.__class__ not in exact:
                    try:
                        item = hook(item, type_)
                    except Exception as exc:  # noqa: BLE001 - noted with the field
                        errors.append((i, _noted(exc, name, type_)))
                        continue
                structured[alias] = item
            elif self.defaults[name] == (attrs.NOTHING, None):
                errors.append((i, _noted(KeyError(name), name, type_)))
        if not self.names.issuperset(value):
            extra = {str(key) for key in value if key not in self.names}
            error = ForbiddenExtraKeysError("", self.cl, extra)
            errors.append((len(self.steps), error))
        return structured

    def _validate(
        self, structured: dict[str, Any], errors: list[tuple[int, Exception]]
    ) -> None:
        """Run each field's converter and validator, then the cross-field checks."""
        new, present = self._partial(structured)
        complete = not errors
        for i, name, field, validate in self.validators:
            if name not in present:
                continue
            try:
                validate(new, field, getattr(new, name))
            except ValidationError as exc:
                errors.append((i, _noted(exc, OWN_PATHS, field.type)))
            except Exception:
                if complete:  # else a consequence of a field refused already
                    raise
        if not errors and self.post_init is not None:
            try:
                self.post_init(new)
            except ValidationError as exc:
                errors.append((len(self.steps) + 1, _noted(exc, OWN_PATHS, self.cl)))

    def _partial(self, structured: dict[str, Any]) -> tuple[Any, set[str]]:
        """Return an instance holding the converted values given, and their names."""
        new: Any = _NEW(self.cl)
        present: set[str] = set()
        for _, name, alias, _, _, _ in self.steps:
            if alias in structured:
                item = structured[alias]
            else:
                default, factory = self.defaults[name]
                if default is attrs.NOTHING:
                    continue  # missing or refused: already a problem
                item = default if factory is None else factory()
            convert = self.checks[name][1]
            _SETATTR(new, name, item if convert is None else convert(item))
            present.add(name)
        return new, present


def _noted(exc: Exception, name: str, type_: Any) -> Exception:
    return _note(exc, AttributeValidationNote(f"field {name!r}", name, type_))


def _note(exc: Exception, note: str) -> Exception:
    """Add ``note`` to ``exc`` as cattrs reads notes (``add_note`` is 3.11+)."""
    exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[attr-defined]
    return exc
