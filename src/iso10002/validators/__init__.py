"""attrs validators and converters that raise :class:`~iso10002.errors.ValidationError`.

The checks the model uses on every field, for host applications and extensions
that define their own attrs values with the same rules (plain single-line text,
timezone-aware datetimes in UTC, tuples of one type, bounded JSON data). Each
validator has attrs' signature ``(instance, attribute, value)`` and raises a
:class:`~iso10002.errors.ValidationError` naming the field::

    import attrs
    from iso10002.validators import aware, optional, text, to_utc

    @attrs.frozen
    class Visit:
        reason: str = attrs.field(validator=text())
        at: datetime = attrs.field(converter=to_utc, validator=aware)
        note: str | None = attrs.field(default=None, validator=optional(text()))

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, TypeAlias, TypeVar

import attrs

from iso10002._publish import publish
from iso10002.errors import ValidationError
from iso10002.validators._json import (
    LONE_SURROGATES,
    MAX_EVENT_DATA_CHARS,
    MAX_HISTORY_DATA_CHARS,
    MAX_JSON_DEPTH,
    MAX_JSON_INTEGER,
    check_json,
    json_chars,
)

__all__ = [
    "LONG_TEXT",
    "MAX_EVENT_DATA_CHARS",
    "MAX_HISTORY_DATA_CHARS",
    "MAX_JSON_DEPTH",
    "MAX_JSON_INTEGER",
    "SHORT_TEXT",
    "Validator",
    "aware",
    "check_json",
    "instance_of",
    "json_chars",
    "non_negative",
    "optional",
    "text",
    "to_tuple",
    "to_utc",
    "tuple_of",
]

T = TypeVar("T")
Validator: TypeAlias = Callable[[Any, "attrs.Attribute[Any]", Any], None]
"""An attrs validator: ``check(instance, attribute, value)``, raising on bad values.

.. versionadded:: 0.1.0
"""

SHORT_TEXT = 500
"""Default longest length of a :func:`text` field, in characters (names, codes).

.. versionadded:: 0.1.0
"""

LONG_TEXT = 20_000
"""Longest length of a free-text field (descriptions, notes), in characters.

.. versionadded:: 0.1.0
"""

# Control characters, and lone surrogates (not encodable as UTF-8, refused by
# PostgreSQL and most JSON consumers).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _fail(attribute: attrs.Attribute[Any], message: str) -> ValidationError:
    return ValidationError.single(attribute.name, message)


_BAD_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def _why(char: str) -> str:
    if char in "\r\n":
        return "must be a single line"
    if "\ud800" <= char <= "\udfff":
        return LONE_SURROGATES
    return "must not contain control characters"


def text(
    *, max_length: int = SHORT_TEXT, allow_empty: bool = False, multiline: bool = False
) -> Validator:
    """Make a validator for a string: type, not blank, length, no control characters.

    Args:
        max_length: Longest accepted length, in characters.
        allow_empty: Accept ``""`` and whitespace-only strings.
        multiline: Accept line breaks and tabs (other control characters and
            lone surrogates are always refused).

    Returns:
        An attrs validator raising :class:`~iso10002.errors.ValidationError`
        naming the field.

    .. versionadded:: 0.1.0
    """
    bad = _CONTROL if multiline else _BAD_SINGLE_LINE

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value.__class__ is not str and not isinstance(value, str):
            raise _fail(attribute, f"must be a string, not {type(value).__name__}")
        if not allow_empty and (not value or value.isspace()):
            raise _fail(attribute, "must not be empty")
        if len(value) > max_length:
            raise _fail(attribute, f"must be at most {max_length} characters")
        found = bad.search(value)
        if found:
            raise _fail(attribute, _why(found.group()))

    return check


def optional(validator: Validator) -> Validator:
    """Make a validator that accepts ``None`` or whatever ``validator`` accepts.

    Args:
        validator: The validator for values that are not ``None``.

    Returns:
        An attrs validator.

    .. versionadded:: 0.1.0
    """

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            validator(inst, attribute, value)

    return check


def instance_of(*types: type) -> Validator:
    """Make a validator for the value's type (``bool`` is not accepted as ``int``).

    Args:
        *types: The accepted types.

    Returns:
        An attrs validator raising :class:`~iso10002.errors.ValidationError`
        naming the field and the types.

    .. versionadded:: 0.1.0
    """
    names = " or ".join(t.__name__ for t in types)

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) and bool not in types:
            raise _fail(attribute, f"must be {names}, not bool")
        if not isinstance(value, types):
            raise _fail(attribute, f"must be {names}, not {type(value).__name__}")

    return check


def non_negative(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validate a non-negative ``int`` (booleans refused); an attrs validator.

    Raises:
        ValidationError: naming the field.

    .. versionadded:: 0.1.0
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(attribute, f"must be an integer, not {type(value).__name__}")
    if value < 0:
        raise _fail(attribute, "must not be negative")


def to_utc(value: Any) -> Any:
    """Convert an aware datetime to UTC; leave anything else for the validator.

    An attrs converter, used with :func:`aware` as the validator.

    Args:
        value: The value given for the field.

    Returns:
        The same instant in UTC, or ``value`` unchanged if it is not an aware
        datetime (or cannot be expressed in UTC).

    .. versionadded:: 0.1.0
    """
    if isinstance(value, datetime) and value.tzinfo is timezone.utc:
        return value
    if isinstance(value, datetime) and value.utcoffset() is not None:
        try:
            return value.astimezone(timezone.utc)
        except OverflowError:  # the validator names the field
            return value
    return value


def aware(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validate a timezone-aware datetime that UTC can express; an attrs validator.

    Raises:
        ValidationError: naming the field, for a naive datetime or another type.

    .. versionadded:: 0.1.0
    """
    if not isinstance(value, datetime):
        raise _fail(attribute, f"must be a datetime, not {type(value).__name__}")
    if value.tzinfo is timezone.utc:
        return
    if value.utcoffset() is None:
        raise _fail(attribute, "must be timezone-aware (naive datetimes are refused)")
    try:
        value.astimezone(timezone.utc)
    except OverflowError:
        raise _fail(
            attribute, "must be within years 1 to 9999 once converted to UTC"
        ) from None


def to_tuple(value: Any) -> Any:
    """Turn a list into a tuple; leave anything else for the validator.

    An attrs converter, used with :func:`tuple_of` as the validator.

    Args:
        value: The value given for the field.

    Returns:
        A tuple of the list's items, or ``value`` unchanged.

    .. versionadded:: 0.1.0
    """
    if isinstance(value, list):
        return tuple(value)
    return value


def _check_item(item: str, path: str) -> None:
    if not item.strip() or len(item) > SHORT_TEXT:
        raise ValidationError.single(
            path, f"must be a non-empty string of at most {SHORT_TEXT} characters"
        )
    found = _BAD_SINGLE_LINE.search(item)
    if found:
        raise ValidationError.single(path, _why(found.group()))


def tuple_of(item_type: type, *, max_items: int = 1000) -> Validator:
    """Make a validator for a tuple whose items are all of ``item_type``.

    String items must also be non-empty single lines of at most
    :data:`SHORT_TEXT` characters.

    Args:
        item_type: The type of every item.
        max_items: Most items accepted.

    Returns:
        An attrs validator raising :class:`~iso10002.errors.ValidationError`
        naming the field, or the item (``field[3]``).

    .. versionadded:: 0.1.0
    """

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple):
            raise _fail(attribute, f"must be a tuple, not {type(value).__name__}")
        if len(value) > max_items:
            raise _fail(attribute, f"must have at most {max_items} items")
        for i, item in enumerate(value):
            if not isinstance(item, item_type):
                raise ValidationError.single(
                    f"{attribute.name}[{i}]",
                    f"must be {item_type.__name__}, not {type(item).__name__}",
                )
            if isinstance(item, str):
                _check_item(item, f"{attribute.name}[{i}]")

    return check


publish(globals())
