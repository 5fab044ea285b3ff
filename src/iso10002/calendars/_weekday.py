"""The dependency-free calendar: weekdays, minus the organisation's closures."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, tzinfo

from iso10002.calendars._base import CalendarBase
from iso10002.calendars._protocol import BusinessHours

__all__ = ["WeekdayCalendar"]


class WeekdayCalendar(CalendarBase):
    """Monday to Friday are business days, except the dates listed as closed.

    Needs no extra package. Use :class:`iso10002.calendars.holidays.HolidaysCalendar`
    (extra ``holidays``) to close public holidays too.

    Args:
        zone: The organisation's IANA time zone, e.g. ``"Europe/London"``.
        hours: Business hours (09:00 to 17:00 by default).
        weekend: Weekday numbers never worked (0 = Monday; Saturday and Sunday
            by default).
        closed: Extra dates the organisation is closed.

    Raises:
        ValidationError: for an unknown zone, bad hours, weekend or dates.

    .. versionadded:: 0.1.0
    """

    __slots__ = ()

    def __init__(
        self,
        *,
        zone: str | tzinfo = "UTC",
        hours: BusinessHours | None = None,
        weekend: Iterable[int] = (5, 6),
        closed: Iterable[date] = (),
    ) -> None:
        """Build the calendar from its settings."""
        super().__init__(zone=zone, hours=hours, weekend=weekend, closed=closed)

    def __repr__(self) -> str:
        """Show the zone and how many closures were added."""
        return f"WeekdayCalendar(zone={self.zone!s}, closed={len(self.closed)} dates)"
