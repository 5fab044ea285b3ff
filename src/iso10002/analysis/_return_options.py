"""What the regulatory returns check alike: the business calendar, the regimes."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from iso10002.calendars import BusinessCalendar, fallback_calendar
from iso10002.errors import ValidationError

__all__ = ["business_calendar", "chosen_regimes"]


def business_calendar(calendar: object, what: str) -> BusinessCalendar:
    """Return ``calendar``, or warn and fall back to weekdays in UTC when ``None``.

    Raises:
        ValidationError: if ``calendar`` is not a business calendar.
    """
    if calendar is None:
        return fallback_calendar(what, stacklevel=4)
    if not isinstance(calendar, BusinessCalendar):
        raise ValidationError.single(
            "calendar", "must be a BusinessCalendar (zone, days and close of business)"
        )
    return calendar


def chosen_regimes(regimes: object) -> frozenset[str] | None:
    """Return the pack names a return is restricted to, or ``None`` for all.

    One name (a string) or a collection of names is accepted.

    Raises:
        ValidationError: for an empty collection, or a name that is not a
            non-empty string.

    .. versionadded:: 0.2.0
    """
    if regimes is None:
        return None
    names = (regimes,) if isinstance(regimes, str) else regimes
    if not isinstance(names, Collection) or isinstance(names, Mapping):
        raise ValidationError.single(
            "regimes", "must be a pack name or a collection of pack names"
        )
    if not names:
        raise ValidationError.single(
            "regimes",
            "must name at least one pack (None counts every complaint)",
        )
    for index, name in enumerate(names):
        if not isinstance(name, str) or not name.strip():
            raise ValidationError.single(
                f"regimes[{index}]", "must be a pack name (a non-empty string)"
            )
    return frozenset(names)
