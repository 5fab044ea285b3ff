"""Counting business days fast: a cumulative table over any business calendar."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Protocol, runtime_checkable

from iso10002.errors import ValidationError

__all__ = ["DayCalendar", "DayCounter"]


@runtime_checkable
class DayCalendar(Protocol):
    """The part of a :class:`~iso10002.calendars.BusinessCalendar` counting needs.

    .. versionadded:: 0.1.0
    """

    @property
    def zone(self) -> tzinfo:
        """Return the organisation's local time zone."""
        ...

    def is_business_day(self, day: date) -> bool:
        """Tell whether ``day`` is a working day."""
        ...


class DayCounter:
    """Count business days between local dates with a cumulative table.

    One convention, the calendars' own
    (:meth:`~iso10002.calendars.BusinessCalendar.business_days_between`):
    :meth:`between` counts the business days ``d`` with ``start <= d < end``.
    The business days *after* the day of receipt up to the day of an event
    ("by close of the third business day after the day of receipt") are
    ``between(receipt + 1 day, event + 1 day)``, or ``upto(event) -
    upto(receipt)`` on ordinals, which is how the KPIs count them. A million
    complaints ask the calendar about each day once.

    Args:
        calendar: The business calendar (Monday to Friday in UTC when ``None``).

    Raises:
        ValidationError: for a calendar without ``zone`` and ``is_business_day``.

    .. versionadded:: 0.2.0
    """

    __slots__ = ("_base", "_calendar", "_cumulative", "zone")

    def __init__(self, calendar: DayCalendar | None = None) -> None:
        """Wrap ``calendar`` (weekdays in UTC when ``None``)."""
        if calendar is None:
            from iso10002.calendars._weekday import (  # noqa: PLC0415 - no cycle
                WeekdayCalendar,
            )

            calendar = WeekdayCalendar(zone="UTC")
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
        """Count business days from the table's start through the day ``ordinal``.

        Only differences of two counts mean anything: ``upto(b) - upto(a)``
        is ``between`` the days after ``a`` through ``b``.
        """
        index = ordinal - self._base
        if index < 0 or index >= len(self._cumulative):
            self._extend(ordinal)
            index = ordinal - self._base
        return self._cumulative[index]

    def between(self, start: date, end: date) -> int:
        """Count business days ``d`` with ``start <= d < end`` (0 if none)."""
        if end <= start:
            return 0
        return self.upto(end.toordinal() - 1) - self.upto(start.toordinal() - 1)
