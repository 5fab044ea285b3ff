"""Step data: model values for the fields a step sets, JSON for the event."""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.serialization import from_dict
from iso10002.workflow._validation import field_type

__all__ = ["is_empty", "missing_requirements", "split_data"]

_COMPLAINT_FIELDS = frozenset(a.name for a in attrs.fields(Complaint))


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
        if not isinstance(target, type) or isinstance(value, target):
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


def split_data(
    data: Mapping[str, Any] | None, trigger: str, sets: frozenset[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split step data into field updates and event data.

    Returns:
        ``(updates, event_data)``.

    Raises:
        ValidationError: if data names a complaint field the step does not set.
    """
    if not data:
        return {}, {}
    if not isinstance(data, Mapping):
        raise ValidationError.single("data", "must be a mapping")
    updates: dict[str, Any] = {}
    event: dict[str, Any] = {}
    for key, value in data.items():
        if key in sets:
            updates[key] = _coerce_one(field_type(key), value, key)
        elif key in _COMPLAINT_FIELDS:
            raise ValidationError.single(
                key, f"is not set by step {trigger!r} (it sets {sorted(sets)})"
            )
        else:
            event[key] = value
    return updates, event


def is_empty(value: Any) -> bool:
    """Tell whether a required value counts as missing."""
    return value is None or (isinstance(value, (str, tuple, list, dict)) and not value)


def _value_at(complaint: Complaint, path: str) -> Any:
    value: Any = complaint
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part)
    return value


def missing_requirements(complaint: Complaint, requires: tuple[str, ...]) -> list[str]:
    """Return the required paths that are empty on ``complaint``."""
    return [path for path in requires if is_empty(_value_at(complaint, path))]
