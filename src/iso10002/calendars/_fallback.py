"""The calendar used when none is given, and the warning that says so."""

from __future__ import annotations

import warnings

from iso10002.calendars._weekday import WeekdayCalendar

__all__ = ["MissingCalendarWarning", "fallback_calendar"]


class MissingCalendarWarning(UserWarning):
    """A figure or a deadline is being reckoned without the organisation's calendar.

    Raised as a warning (shown once per call site by Python's default filter)
    when a handler or a regulatory return falls back to Monday-to-Friday in
    UTC: days of receipt near midnight and every public holiday may then be
    wrong. Pass the organisation's calendar, e.g.
    ``HolidaysCalendar("GB-ENG")``.

    .. versionadded:: 0.2.0
    """


def fallback_calendar(what: str, *, stacklevel: int = 3) -> WeekdayCalendar:
    """Warn that ``what`` got no calendar and return Monday-to-Friday in UTC.

    For code that accepts an optional business calendar, so every fallback
    warns the same way, with :class:`MissingCalendarWarning`.

    Args:
        what: What was given no calendar, for the message (``"fca_return"``).
        stacklevel: Passed to ``warnings.warn``; the default points at the
            caller of the function that calls this one.

    Returns:
        A :class:`WeekdayCalendar` in UTC.

    .. versionadded:: 0.1.0
    """
    warnings.warn(
        f"{what} was given no business calendar: using Monday to Friday in UTC, "
        "which misplaces days of receipt near midnight and ignores public "
        "holidays; pass the organisation's calendar",
        MissingCalendarWarning,
        stacklevel=stacklevel,
    )
    return WeekdayCalendar(zone="UTC")
