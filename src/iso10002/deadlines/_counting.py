"""Turn a receipt instant, an amount and a counting rule into a due instant."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

from iso10002.deadlines._measures import Counting, Measure

if TYPE_CHECKING:
    from iso10002.calendars import BusinessCalendar

__all__ = ["Start", "due_after", "paused_extra", "start_of"]


class Start:
    """Where counting starts: the (deemed) receipt instant, local day and time."""

    __slots__ = ("day", "instant", "local_time")

    def __init__(self, instant: datetime, day: date, local_time: time) -> None:
        """Keep the deemed receipt instant with its local day and time of day."""
        self.instant = instant
        self.day = day
        self.local_time = local_time


def start_of(received_at: datetime, calendar: BusinessCalendar, *, deem: bool) -> Start:
    """Return where counting starts for a complaint received at ``received_at``.

    With ``deem``, a complaint received on a closed day or after close of
    business counts as received at the opening of the next business day.
    """
    local = received_at.astimezone(calendar.zone)
    day = local.date()
    if deem and (
        not calendar.is_business_day(day)
        or local.time().replace(tzinfo=None) >= calendar.hours.closes
    ):
        day = calendar.add_business_days(day, 1)
        return Start(calendar.opening(day), day, calendar.hours.opens)
    return Start(received_at, day, local.time().replace(tzinfo=None))


def _last_day(
    start: Start, measure: Measure, amount: int, calendar: BusinessCalendar
) -> date:
    if measure is Measure.BUSINESS_DAYS:
        return calendar.add_business_days(start.day, amount)
    if measure is Measure.WEEKS:
        return start.day + timedelta(weeks=amount)
    return start.day + timedelta(days=amount)


def due_after(  # noqa: PLR0913, PLR0917 - every input of the count
    start: Start,
    measure: Measure,
    amount: int,
    clock: Counting,
    calendar: BusinessCalendar,
    extra: timedelta,
) -> datetime:
    """Return the due instant (UTC) for ``amount`` units counted by ``clock``.

    ``amount`` already includes whole paused days for day measures; ``extra``
    is the paused time added to an hours measure.
    """
    if measure is Measure.HOURS:
        return (start.instant + timedelta(hours=amount) + extra).astimezone(
            timezone.utc
        )
    last = _last_day(start, measure, amount, calendar)
    if clock is Counting.FROM_RECEIPT:
        return datetime.combine(
            last, start.local_time, tzinfo=calendar.zone
        ).astimezone(timezone.utc)
    if clock is Counting.CLOSE_OF_BUSINESS:
        return calendar.close_of_business(last)
    return calendar.end_of_day(last)


def paused_extra(
    measure: Measure, start: datetime, end: datetime, calendar: BusinessCalendar
) -> tuple[int, timedelta]:
    """Return what a pause from ``start`` to ``end`` adds back: whole days or time.

    Day measures get back the local days from the day the clock stopped up to
    the day before it restarted (business days only for business-day rules);
    hours get back the elapsed time.
    """
    if end <= start:
        return 0, timedelta(0)
    if measure is Measure.HOURS:
        return 0, end - start
    first = calendar.local_date(start)
    stop = calendar.local_date(end)
    if measure is Measure.BUSINESS_DAYS:
        return calendar.business_days_between(first, stop), timedelta(0)
    return (stop - first).days, timedelta(0)
