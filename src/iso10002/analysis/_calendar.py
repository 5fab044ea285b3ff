"""Business-day arithmetic for analysis: the calendars' counter, and the default."""

from __future__ import annotations

from iso10002.calendars import DayCalendar, DayCounter, WeekdayCalendar

__all__ = ["DayCalendar", "DayCounter", "default_calendar"]


def default_calendar() -> DayCalendar:
    """Return Monday-to-Friday in UTC, the calendar used when none is given."""
    return WeekdayCalendar(zone="UTC")
