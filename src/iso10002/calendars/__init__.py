"""Business calendars: which days count, in the organisation's own time zone.

``WeekdayCalendar`` needs nothing but the standard library; the calendar that
knows public holidays lives in :mod:`iso10002.calendars.holidays` (extra
``holidays``). Stored instants stay in UTC; days and close of business are
reckoned in the calendar's zone.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.calendars._base import aware_instant
from iso10002.calendars._fallback import MissingCalendarWarning, fallback_calendar
from iso10002.calendars._protocol import BusinessCalendar, BusinessHours
from iso10002.calendars._weekday import WeekdayCalendar

__all__ = [
    "BusinessCalendar",
    "BusinessHours",
    "MissingCalendarWarning",
    "WeekdayCalendar",
    "aware_instant",
    "fallback_calendar",
]

publish(globals())
