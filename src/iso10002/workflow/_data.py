"""Step data: model values for the fields a step sets, JSON for the event."""

from __future__ import annotations

import enum
import functools
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.serialization import from_dict
from iso10002.workflow._validation import field_type

__all__ = [
    "Setter",
    "compile_setters",
    "is_empty",
    "missing_requirements",
    "split_data",
]

_FIELDS: dict[str, attrs.Attribute[Any]] = attrs.fields_dict(Complaint)


def _is_class(annotation: Any) -> bool:
    """Tell whether ``annotation`` is a plain class (not ``tuple[X, ...]``).

    On Python 3.10 a parameterised generic such as ``tuple[X, ...]`` passes
    ``isinstance(annotation, type)``, yet ``isinstance(value, it)`` raises.
    """
    return isinstance(annotation, type) and typing.get_origin(annotation) is None


def _coerce_one(annotation: Any, value: Any, path: str) -> Any:
    """Turn plain data into the model value ``annotation`` names, when it is plain."""
    if typing.get_origin(annotation) is tuple:
        if not isinstance(value, (list, tuple)):
            return value  # the model's own validators name the field and the problem
        (item, *_) = typing.get_args(annotation)
        return tuple(_coerce_one(item, v, f"{path}[{i}]") for i, v in enumerate(value))
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
    else:
        options = [annotation]
    for target in options:
        if not _is_class(target) or isinstance(value, target):
            return value
        if attrs.has(target) and isinstance(value, Mapping):
            try:
                return from_dict(target, value)
            except ValidationError as exc:
                raise exc.prefixed(path) from None
        if issubclass(target, enum.Enum):
            try:
                return target(value)
            except ValueError:
                allowed = [m.value for m in target]
                raise ValidationError.single(
                    path, f"must be one of {allowed}"
                ) from None
    return value


Setter = Callable[[Any], Any]
"""Coerce, convert and validate one value for a complaint field a step sets."""


def _accepted(annotation: Any) -> tuple[type, ...]:
    """Return the classes whose instances a field takes without coercion."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
    else:
        options = [annotation]
    return tuple(t for t in options if _is_class(t))


def _setter(name: str) -> Setter:
    annotation = field_type(name)
    accepted = _accepted(annotation)
    field = _FIELDS[name]
    converter: Callable[[Any], Any] | None = (
        field.converter if callable(field.converter) else None
    )
    validator: Any = field.validator

    def set_value(value: Any) -> Any:
        if not isinstance(value, accepted):
            value = _coerce_one(annotation, value, name)
        if converter is not None:
            value = converter(value)
        if validator is not None:
            validator(None, field, value)
        return value

    return set_value


def compile_setters(sets: Iterable[str]) -> dict[str, Setter]:
    """Return a :data:`Setter` for each complaint field a step sets, by name."""
    return {name: _setter(name) for name in sets}


def split_data(
    data: Mapping[str, Any], trigger: str, setters: Mapping[str, Setter]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split step data into checked field values and event data.

    Args:
        data: The step's data: a mapping, not empty (the engine checks both).
        trigger: The step's trigger, for messages.
        setters: The step's :func:`compile_setters`.

    Returns:
        ``(values, event_data)``: converted, validated values for the fields
        the step sets, and the rest (not yet checked as JSON).

    Raises:
        ValidationError: if ``data`` names a complaint field the step does
            not set, or holds a bad value for one it sets.
    """
    values: dict[str, Any] = {}
    event: dict[str, Any] = {}
    for key, value in data.items():
        setter = setters.get(key)
        if setter is not None:
            values[key] = setter(value)
        elif key in _FIELDS:
            raise ValidationError.single(
                key, f"is not set by step {trigger!r} (it sets {sorted(setters)})"
            )
        else:
            event[key] = value
    return values, event


def is_empty(value: Any) -> bool:
    """Tell whether a required value counts as missing."""
    return value is None or (isinstance(value, (str, tuple, list, dict)) and not value)


@functools.cache
def _parts(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def _value_at(complaint: Complaint, path: str) -> Any:
    value: Any = complaint
    for part in _parts(path):
        if value is None:
            return None
        value = getattr(value, part)
    return value


def missing_requirements(complaint: Complaint, requires: tuple[str, ...]) -> list[str]:
    """Return the paths of ``requires`` that are empty on ``complaint``.

    What the engine checks after a step: every field (or dotted path, e.g.
    ``decision.outcome``) the step requires must be set. ``None``, empty
    strings and empty collections count as empty.

    Args:
        complaint: The complaint as the step left it.
        requires: Field paths, e.g. a :attr:`Step.requires`.

    Returns:
        The empty paths, in the order given; empty when all are set.

    .. versionadded:: 0.1.0
    """
    return [
        path
        for path in requires
        if is_empty(
            getattr(complaint, path) if "." not in path else _value_at(complaint, path)
        )
    ]
