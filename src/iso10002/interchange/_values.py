"""Read one source cell as the value its field needs: text, choice, date, amount."""

from __future__ import annotations

import enum
import re
from datetime import date, datetime, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = [
    "CellError",
    "cell_text",
    "parse_amount",
    "parse_bool",
    "parse_choice",
    "parse_date",
    "parse_instant",
]

_TIME_DIRECTIVES = re.compile(r"%[HIMSXcTRp]")
_TRUE = frozenset({"yes", "y", "true", "t", "1"})
_FALSE = frozenset({"no", "n", "false", "f", "0"})
_MAX_DIGITS = 30


class CellError(ValueError):
    """A cell that cannot be read as its field's value (the message says why)."""


def cell_text(value: Any) -> str:
    """Return a cell as stripped text ('' when empty), refusing nested values."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    msg = f"must be a single value, not a JSON {type(value).__name__}"
    raise CellError(msg)


def parse_choice(text: str, choices: type[enum.Enum]) -> enum.Enum:
    """Return the member of ``choices`` named by ``text`` (its value or name)."""
    folded = text.strip().lower().replace(" ", "_").replace("-", "_")
    for member in choices:
        if folded in (str(member.value), member.name.lower()):
            return member
    allowed = [str(m.value) for m in choices]
    msg = f"{text[:60]!r} is not one of {allowed} (map it in [values])"
    raise CellError(msg)


def parse_bool(text: str) -> bool:
    """Return the yes or no that ``text`` says."""
    folded = text.lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    msg = f"{text[:60]!r} is not yes or no"
    raise CellError(msg)


def parse_amount(text: str) -> Decimal:
    """Return an amount written with an optional thousands separator."""
    cleaned = text.replace(",", "").replace("_", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        msg = f"{text[:60]!r} is not an amount"
        raise CellError(msg) from None
    if not value.is_finite() or value < 0 or value.adjusted() > _MAX_DIGITS:
        msg = f"{text[:60]!r} is not a finite, non-negative amount"
        raise CellError(msg)
    return value


def _day_only(text: str, formats: tuple[str, ...]) -> tuple[datetime, bool]:
    """Parse ``text`` as ISO 8601 or one of ``formats``; tell whether it is a date."""
    if len(text) == len("2026-01-01"):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return datetime(day.year, day.month, day.day), True  # noqa: DTZ001 - naive on purpose
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")), False
    except ValueError:
        pass
    for fmt in formats:
        try:
            parsed = datetime.strptime(text, fmt)  # noqa: DTZ007 - zone applied below
        except ValueError:
            continue
        return parsed, not _TIME_DIRECTIVES.search(fmt)
    msg = f"{text[:60]!r} is not a date in ISO 8601" + (
        f" or {list(formats)}" if formats else ""
    )
    raise CellError(msg)


def parse_instant(
    text: str, *, zone: tzinfo, formats: tuple[str, ...]
) -> tuple[datetime, bool, bool]:
    """Return ``(instant in UTC, known only to the day, had no offset)``.

    A date is its day's start in ``zone``; a datetime without an offset is
    read in ``zone``.
    """
    if len(text) > 100:  # noqa: PLR2004 - no date is this long
        msg = "is too long for a date"
        raise CellError(msg)
    parsed, day = _day_only(text, formats)
    naive = parsed.tzinfo is None
    try:
        aware = parsed.replace(tzinfo=zone) if naive else parsed
        return aware.astimezone(timezone.utc), day, naive
    except (OverflowError, ValueError):
        msg = f"{text[:60]!r} is out of range"
        raise CellError(msg) from None


def parse_date(text: str, formats: tuple[str, ...]) -> date:
    """Return the calendar date ``text`` names (a datetime gives its date)."""
    parsed, _day = _day_only(text, formats)
    return parsed.date()
