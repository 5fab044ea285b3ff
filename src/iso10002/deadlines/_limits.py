"""The one counting code path shared by the deadline engine and the returns."""

from __future__ import annotations

from datetime import datetime, timedelta

from iso10002.calendars import BusinessCalendar, aware_instant
from iso10002.deadlines._counting import due_after, start_of
from iso10002.deadlines._rules import Deadline
from iso10002.errors import ValidationError

__all__ = ["limit_end"]


def limit_end(
    deadline: Deadline, received_at: datetime, calendar: BusinessCalendar
) -> datetime:
    """Return when ``deadline``'s own limit ends for a complaint received then.

    No pause, extension or classification override is applied: this is the
    limit as the rule states it, counted exactly as
    :func:`compute_deadlines` counts it (same start of counting, same end of
    the last day: close of business, end of day or the same time, see
    :attr:`Counting.ends`). The regulatory returns use it, so a return and
    a complaint's due dates can never disagree about the same complaint.

    Args:
        deadline: The rule, e.g. ``get_pack("uk.fca.disp").deadline(...)``.
        received_at: When the complaint was received (timezone-aware).
        calendar: The organisation's business calendar.

    Returns:
        The instant (UTC) the limit ends; an event at or before it is in time.

    Raises:
        ValidationError: for a naive ``received_at``, a calendar that is not
            a :class:`~iso10002.calendars.BusinessCalendar` or a rule that is
            not a :class:`Deadline`.

    .. versionadded:: 0.2.0
    """
    if not isinstance(deadline, Deadline):
        raise ValidationError.single("deadline", "must be a Deadline")
    aware_instant("received_at", received_at)
    if not isinstance(calendar, BusinessCalendar):
        raise ValidationError.single("calendar", "must be a BusinessCalendar")
    start = start_of(received_at, calendar, deem=deadline.deem_next_business_day)
    return due_after(
        start,
        deadline.measure,
        deadline.amount,
        deadline.clock,
        calendar,
        timedelta(0),
    )
