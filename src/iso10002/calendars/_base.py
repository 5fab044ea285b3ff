"""Business-day arithmetic shared by calendars; subclasses say which days are closed."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from iso10002.calendars._protocol import BusinessHours
from iso10002.errors import ValidationError

__all__ = ["CalendarBase", "aware_instant", "resolve_zone"]

_END_OF_DAY = time(23, 59, 59)
_ONE_DAY = timedelta(days=1)
_MAX_BUSINESS_DAYS = 100_000
_ALL_WEEKDAYS = frozenset(range(7))


def resolve_zone(zone: str | tzinfo) -> tzinfo:
    """Turn an IANA zone name (or a ``tzinfo``) into a ``tzinfo``.

    Raises:
        ValidationError: naming ``zone`` when the name is unknown.
    """
    if isinstance(zone, tzinfo):
        return zone
    if not isinstance(zone, str) or not zone.strip():
        raise ValidationError.single(
            "zone", "must be an IANA time zone name or a tzinfo"
        )
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError.single("zone", f"unknown time zone {zone!r}") from None


def aware_instant(field: str, value: object) -> datetime:
    """Check that ``value`` is a timezone-aware datetime and return it.

    What calendars and deadline functions do with the instants they are given.

    Args:
        field: The name errors report.
        value: The value to check.

    Returns:
        ``value``, unchanged.

    Raises:
        ValidationError: naming ``field`` for naive datetimes and other types.

    .. versionadded:: 0.1.0
    """
    if not isinstance(value, datetime):
        raise ValidationError.single(
            field, f"must be a datetime, not {type(value).__name__}"
        )
    if value.utcoffset() is None:
        raise ValidationError.single(
            field, "must be timezone-aware (naive datetimes are refused)"
        )
    return value


def _day(field: str, value: object) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError.single(
            field, f"must be a date, not {type(value).__name__}"
        )
    return value


def _count(field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError.single(
            field, f"must be an integer, not {type(value).__name__}"
        )
    if value < 0:
        raise ValidationError.single(field, "must not be negative")
    if value > _MAX_BUSINESS_DAYS:
        raise ValidationError.single(field, f"must be at most {_MAX_BUSINESS_DAYS}")
    return value


def _weekend(value: Iterable[int]) -> frozenset[int]:
    try:
        days = frozenset(value)
    except TypeError:
        raise ValidationError.single(
            "weekend", "must be a set of weekday numbers"
        ) from None
    if not days <= frozenset(range(7)) or any(isinstance(d, bool) for d in days):
        raise ValidationError.single(
            "weekend", "must hold weekday numbers 0 (Monday) to 6"
        )
    if days == _ALL_WEEKDAYS:
        raise ValidationError.single(
            "weekend", "must leave at least one working weekday"
        )
    return days


def _closed_dates(value: Iterable[date]) -> frozenset[date]:
    try:
        days = tuple(value)
    except TypeError:
        raise ValidationError.single(
            "closed", "must be a collection of dates"
        ) from None
    for i, day in enumerate(days):
        _day(f"closed[{i}]", day)
    return frozenset(days)


class CalendarBase:
    """Business-day arithmetic in a local zone; subclasses define ``_holiday``."""

    __slots__ = ("_closed", "_hours", "_table", "_weekend", "_zone")

    def __init__(
        self,
        *,
        zone: str | tzinfo,
        hours: BusinessHours | None,
        weekend: Iterable[int],
        closed: Iterable[date],
    ) -> None:
        """Validate and keep the settings shared by every calendar."""
        self._zone = resolve_zone(zone)
        if hours is not None and not isinstance(hours, BusinessHours):
            raise ValidationError.single("hours", "must be BusinessHours")
        self._hours = hours or BusinessHours()
        self._weekend = _weekend(weekend)
        self._closed = _closed_dates(closed)
        # Sorted ordinals of every business day in the years looked at so far:
        # counting becomes a binary search, whatever the calendar's holidays cost.
        # Replaced as one tuple (first year, last year, ordinals) so that
        # concurrent readers always see a consistent table.
        self._table: tuple[int, int, list[int]] = (0, -1, [])

    @property
    def zone(self) -> tzinfo:
        """Return the organisation's local time zone."""
        return self._zone

    @property
    def hours(self) -> BusinessHours:
        """Return the business hours of a working day."""
        return self._hours

    @property
    def weekend(self) -> frozenset[int]:
        """Return the weekdays (0 = Monday) that are never worked."""
        return self._weekend

    @property
    def closed(self) -> frozenset[date]:
        """Return the organisation's own extra closed dates."""
        return self._closed

    def _holiday(self, day: date) -> bool:
        """Tell whether ``day`` is a public holiday (none by default)."""
        del day
        return False

    def _open(self, day: date) -> bool:
        return (
            day.weekday() not in self._weekend
            and day not in self._closed
            and not self._holiday(day)
        )

    def is_business_day(self, day: date) -> bool:
        """Tell whether ``day`` is a working day.

        Args:
            day: A local calendar day.

        Returns:
            ``False`` on weekends, public holidays and the organisation's closures.

        Raises:
            ValidationError: if ``day`` is not a ``date``.
        """
        return self._open(_day("day", day))

    def local_date(self, at: datetime) -> date:
        """Return the local calendar day on which the instant ``at`` falls.

        Raises:
            ValidationError: if ``at`` is naive.
        """
        return aware_instant("at", at).astimezone(self._zone).date()

    def is_business_time(self, at: datetime) -> bool:
        """Tell whether ``at`` falls within business hours on a business day.

        Raises:
            ValidationError: if ``at`` is naive.
        """
        local = aware_instant("at", at).astimezone(self._zone)
        if not self._open(local.date()):
            return False
        return (
            self._hours.opens <= local.time().replace(tzinfo=None) < self._hours.closes
        )

    def next_business_day(self, day: date) -> date:
        """Return the first business day strictly after ``day``.

        Raises:
            ValidationError: if ``day`` is not a ``date``.
        """
        return self.add_business_days(day, 1)

    def _cover(self, first: int, last: int) -> tuple[int, int, list[int]]:
        table = self._table
        if table[0] <= first and last <= table[1]:
            return table
        if table[2]:
            first, last = min(first, table[0]), max(last, table[1])
        first, last = max(first, date.min.year), min(last, date.max.year)
        current = date(first, 1, 1)
        stop = date(last, 12, 31)
        ordinals = []
        while True:
            if self._open(current):
                ordinals.append(current.toordinal())
            if current == stop:
                break
            current += _ONE_DAY
        table = (first, last, ordinals)
        self._table = table
        return table

    def add_business_days(self, day: date, count: int) -> date:
        """Return the ``count``-th business day after ``day``.

        Args:
            day: The local day counting starts from (not itself counted).
            count: How many business days to move forward; 0 returns ``day``.

        Returns:
            A business day (or ``day`` itself when ``count`` is 0).

        Raises:
            ValidationError: if ``count`` is negative, ``day`` is not a date,
                or the result lies beyond the year 9999.
        """
        start = _day("day", day)
        remaining = _count("count", count)
        if not remaining:
            return start
        years = remaining // 200 + 1
        while True:
            _, last, ordinals = self._cover(start.year, start.year + years)
            index = bisect_right(ordinals, start.toordinal()) + remaining - 1
            if index < len(ordinals):
                return date.fromordinal(ordinals[index])
            if last >= date.max.year:
                raise ValidationError.single(
                    "count", "goes beyond the last supported year"
                )
            years *= 2

    def business_days_between(self, start: date, end: date) -> int:
        """Count the business days ``d`` with ``start <= d < end`` (0 when empty).

        Raises:
            ValidationError: if either bound is not a date.
        """
        first = _day("start", start)
        stop = _day("end", end)
        if stop <= first:
            return 0
        ordinals = self._cover(first.year, stop.year)[2]
        return bisect_left(ordinals, stop.toordinal()) - bisect_left(
            ordinals, first.toordinal()
        )

    def _at(self, day: date, when: time) -> datetime:
        return datetime.combine(day, when, tzinfo=self._zone).astimezone(timezone.utc)

    def close_of_business(self, day: date) -> datetime:
        """Return the UTC instant of close of business on the local day ``day``.

        Raises:
            ValidationError: if ``day`` is not a date.
        """
        return self._at(_day("day", day), self._hours.closes)

    def opening(self, day: date) -> datetime:
        """Return the UTC instant the local day ``day`` opens for business.

        Raises:
            ValidationError: if ``day`` is not a date.
        """
        return self._at(_day("day", day), self._hours.opens)

    def end_of_day(self, day: date) -> datetime:
        """Return the UTC instant of 23:59:59 local time on ``day``.

        Raises:
            ValidationError: if ``day`` is not a date.
        """
        return self._at(_day("day", day), _END_OF_DAY)
