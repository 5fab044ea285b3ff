"""The facts a holding response records, checked before they reach the history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from iso10002.errors import ValidationError

__all__ = ["holding_data"]

_MAX_URL = 300


_SURROGATES = range(0xD800, 0xE000)
_CONTROL = frozenset(chr(i) for i in range(32)) - {"\t", "\n", "\r"}


def _bad(char: str) -> bool:
    return char in _CONTROL or ord(char) in _SURROGATES


def _text(field: str, value: object, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError.single(field, "must be non-empty text")
    if len(value) > limit:
        raise ValidationError.single(field, f"must be at most {limit} characters")
    if any(_bad(c) for c in value):
        raise ValidationError.single(field, "must not hold control characters")
    return value


def _flag(field: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationError.single(field, "must be true or false")
    return value


def holding_data(
    *,
    reason: str | None,
    expected_by: datetime | date | None,
    ombudsman_rights: bool,
    ombudsman_website: str | None,
    time_limit_notice: bool,
) -> dict[str, Any]:
    """Return the ``HoldingResponseSent`` event data for these facts.

    Raises:
        ValidationError: naming the field, for blank or oversized text, a
            naive ``expected_by``, or a flag that is not a bool.
    """
    # The reason's text is a personal note (see handler._notes); the event
    # records its reason code only.
    del reason
    data: dict[str, Any] = {}
    if expected_by is not None:
        if isinstance(expected_by, datetime):
            if expected_by.utcoffset() is None:
                raise ValidationError.single(
                    "expected_by", "must be timezone-aware (or a date)"
                )
        elif not isinstance(expected_by, date):
            raise ValidationError.single("expected_by", "must be a date or datetime")
        data["expected_by"] = expected_by.isoformat()
    if _flag("ombudsman_rights", ombudsman_rights):
        data["ombudsman_rights"] = True
    if ombudsman_website is not None:
        data["ombudsman_website"] = _text(
            "ombudsman_website", ombudsman_website, _MAX_URL
        )
    if _flag("time_limit_notice", time_limit_notice):
        data["time_limit_notice"] = True
    return data
