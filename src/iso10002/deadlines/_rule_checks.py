"""The field validators and converters of the deadline rules."""

from __future__ import annotations

import re
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.validators import check_json

__all__ = [
    "check_amount",
    "check_event_name",
    "check_json_mapping",
    "check_pack_name",
    "check_step",
    "check_version",
    "copy_dict",
]

_MAX_AMOUNT = 3660
_MAX_NAME = 100
_PACK_NAME = re.compile(r"[a-z0-9]+([._-][a-z0-9]+)*")
_STEP = re.compile(r"[a-z][a-z0-9_]*")


def check_json_mapping(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Refuse anything but a mapping of JSON data."""
    if not isinstance(value, dict):
        raise ValidationError.single(attribute.name, "must be a mapping of JSON data")
    check_json(value, attribute.name)


def check_event_name(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Refuse anything but a CamelCase event name."""
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z][A-Za-z0-9]*", value):
        raise ValidationError.single(attribute.name, "must be a CamelCase event name")


def check_amount(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Refuse an amount that is not an integer from 1 to the maximum."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError.single(
            attribute.name, f"must be an integer, not {type(value).__name__}"
        )
    if value < 1:
        raise ValidationError.single(
            attribute.name, "must be a positive amount (at least 1)"
        )
    if value > _MAX_AMOUNT:
        raise ValidationError.single(attribute.name, f"must be at most {_MAX_AMOUNT}")


def check_step(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Refuse anything but a short snake_case step name."""
    if (
        not isinstance(value, str)
        or not _STEP.fullmatch(value)
        or len(value) > _MAX_NAME
    ):
        raise ValidationError.single(attribute.name, "must be a snake_case step name")


def copy_dict(value: Any) -> Any:
    """Return a copy of a dict (anything else unchanged, for the validator)."""
    return dict(value) if isinstance(value, dict) else value


def check_pack_name(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Refuse anything but a short dotted lowercase pack name."""
    if (
        not isinstance(value, str)
        or not _PACK_NAME.fullmatch(value)
        or len(value) > _MAX_NAME
    ):
        raise ValidationError.single(
            attribute.name, "must be a dotted lowercase name such as 'uk.fca.disp'"
        )


def check_version(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Refuse a version that is not an integer of at least 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError.single(attribute.name, "must be an integer of at least 1")
