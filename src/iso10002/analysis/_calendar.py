"""Business-day arithmetic for analysis, cached so a million complaints stay fast."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Protocol, runtime_checkable

from iso10002.errors import ValidationError

__all__ = ["DayCalendar", "DayCounter", "default_calendar"]


@runtime_checkable
class DayCalendar(Protocol):
    """The part of :class:`iso10002.calendars.BusinessCalendar` analysis needs."""

    @property
    def zone(self) -> tzinfo:
        """Return the organisation's local time zone."""
        ...

    def is_business_day(self, day: date) -> bool:
        """Tell whether ``day`` is a working day."""
        ...


def default_calendar() -> DayCalendar:
    """Return Monday-to-Friday in UTC, the calendar used when none is given."""
    from iso10002.calendars import WeekdayCalendar  # noqa: PLC0415 - keep import light

    return WeekdayCalendar(zone="UTC")


class DayCounter:
    """Count business days between local dates with a cumulative table.

    ``elapsed(a, b)`` is the number of business days ``d`` with ``a < d <= b``:
    the business days after the day of receipt up to the day of the event,
    which is how "by close of the third business day after the day of receipt"
    is reckoned.
    """

    __slots__ = ("_base", "_calendar", "_cumulative", "zone")

    def __init__(self, calendar: DayCalendar | None) -> None:
        """Wrap ``calendar`` (weekdays in UTC when ``None``)."""
        calendar = default_calendar() if calendar is None else calendar
        if not isinstance(calendar, DayCalendar):
            raise ValidationError.single(
                "calendar", "must provide zone and is_business_day(date)"
            )
        self._calendar = calendar
        self.zone: tzinfo = calendar.zone
        self._base = 0
        self._cumulative: list[int] = []

    def local_date(self, at: datetime) -> date:
        """Return the local day of the instant ``at``."""
        return at.astimezone(self.zone).date()

    def _extend(self, ordinal: int) -> None:
        if not self._cumulative:
            self._base = ordinal - 400
        if ordinal < self._base:
            first = ordinal - 400
            prefix: list[int] = []
            running = 0
            for o in range(first, self._base):
                running += self._calendar.is_business_day(date.fromordinal(o))
                prefix.append(running)
            self._cumulative = prefix + [c + running for c in self._cumulative]
            self._base = first
        cumulative = self._cumulative
        running = cumulative[-1] if cumulative else 0
        for o in range(self._base + len(cumulative), ordinal + 401):
            running += self._calendar.is_business_day(date.fromordinal(o))
            cumulative.append(running)

    def upto(self, ordinal: int) -> int:
        """Count business days from the table's start up to the day ``ordinal``."""
        index = ordinal - self._base
        if index < 0 or index >= len(self._cumulative):
            self._extend(ordinal)
            index = ordinal - self._base
        return self._cumulative[index]

    def elapsed(self, start: date, end: date) -> int:
        """Count business days ``d`` with ``start < d <= end`` (0 if none)."""
        if end <= start:
            return 0
        return self.upto(end.toordinal()) - self.upto(start.toordinal())
