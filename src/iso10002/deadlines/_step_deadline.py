"""Compute one step's deadline: start, pauses, restarts, extensions, meeting event."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from iso10002.calendars import BusinessCalendar
from iso10002.deadlines._computed import EXTENDED_EVENT, ComputedDeadline
from iso10002.deadlines._counting import Start, due_after, start_of
from iso10002.deadlines._measures import DeadlineKind
from iso10002.deadlines._pack import Pack
from iso10002.deadlines._rules import Deadline, stated
from iso10002.deadlines._starts import (
    Effective,
    effective,
    first_event,
    latest_event,
    until_of,
)
from iso10002.deadlines._step_clock import StepClock
from iso10002.deadlines._timeline import Timeline
from iso10002.errors import ValidationError
from iso10002.model import Complaint

if TYPE_CHECKING:
    from iso10002.model import HistoryEvent

__all__ = ["step_deadline"]


def _extension_until(index: int, event: HistoryEvent) -> tuple[str, datetime | None]:
    reason = stated(event.data, "reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError.single(
            f"history[{index}].data.reason", "must state why the deadline was extended"
        )
    until = event.data.get("until")
    if until is None:
        return reason, None
    try:
        parsed = datetime.fromisoformat(until) if isinstance(until, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.utcoffset() is None:
        raise ValidationError.single(
            f"history[{index}].data.until",
            "must be an ISO 8601 date-time with a UTC offset",
        )
    return reason, parsed


def _start(  # noqa: PLR0913, PLR0917 - the inputs of where counting starts
    rule: Effective,
    deadline: Deadline,
    complaint: Complaint,
    calendar: BusinessCalendar,
    timeline: Timeline,
    starts: dict[bool, Start],
) -> Start:
    deem = deadline.deem_next_business_day
    if rule.starts_at:
        began = first_event(timeline, rule.starts_at)
        if began is not None:
            return start_of(began, calendar, deem=deem)
    start = starts.get(deem)
    if start is None:
        start = starts[deem] = start_of(complaint.received_at, calendar, deem=deem)
    return start


def _refused(pack: Pack, deadline: Deadline, index: int) -> ValidationError:
    return ValidationError.single(
        f"history[{index}]",
        f"pack {pack.name!r} provides no extension of the regulatory limit "
        f"{deadline.step!r} ({deadline.citation}): DeadlineExtended is refused",
    )


def step_deadline(  # noqa: C901, PLR0912, PLR0913, PLR0917 - the inputs of one step's computation
    deadline: Deadline,
    complaint: Complaint,
    pack: Pack,
    calendar: BusinessCalendar,
    timeline: Timeline,
    void: tuple[int, HistoryEvent] | None,
    starts: dict[bool, Start],
) -> ComputedDeadline:
    """Compute ``deadline`` for ``complaint`` from its timeline.

    ``starts`` caches the start of counting from receipt (by whether the
    deadline deems a closed day's receipt the next business day's).
    """
    rule = effective(deadline, complaint)
    measure, amount = rule.measure, rule.amount
    start = _start(rule, deadline, complaint, calendar, timeline, starts)
    met = timeline.first(deadline.meeting_events)
    met_at = met[1].at if met else None
    pausable = deadline.pausable and pack.pausing_allowed
    clock = StepClock(
        start, deadline.clock, calendar, timeline, pausable=pausable, met_at=met_at
    )
    original = due_after(start, measure, amount, deadline.clock, calendar, timedelta(0))
    due = clock.due(measure, amount, original)
    for _ in range(len(timeline.events) if rule.restart_by else 0):
        limit = due if met_at is None else min(due, met_at)
        again = latest_event(timeline, rule.restart_by, start.instant, limit)
        if again is None:
            break
        start = start_of(again, calendar, deem=deadline.deem_next_business_day)
        clock = StepClock(
            start, deadline.clock, calendar, timeline, pausable=pausable, met_at=met_at
        )
        original = due_after(
            start, measure, amount, deadline.clock, calendar, timedelta(0)
        )
        due = clock.due(measure, amount, original)
    reasons: list[str] = []
    extension = deadline.extension
    for index, event in timeline.events if extension or timeline.extended else ():
        if met_at is not None and event.at > met_at:
            break
        explicit = (
            event.name == EXTENDED_EVENT and event.data.get("step") == deadline.step
        )
        triggered = (
            extension is not None
            and timeline.matches(extension.triggers, event)
            and extension.accepts(event.data)
        )
        if not (explicit or triggered):
            continue
        if explicit and extension is None and deadline.kind is DeadlineKind.LIMIT:
            raise _refused(pack, deadline, index)
        until: datetime | None = None
        if explicit:
            reason, until = _extension_until(index, event)
        else:
            reason = str(stated(event.data, "reason") or event.name)
        late = extension is not None and extension.by_original_due and event.at > due
        if late and not explicit:
            continue
        if until is None and extension is not None and extension.until_key:
            until = until_of(index, event, extension, calendar)
        if until is not None:
            due = max(due, until)
        elif extension is not None and not (
            extension.by_original_due and event.at > due
        ):
            due = max(due, clock.due(extension.measure or measure, extension.amount))
        elif explicit and extension is None:
            raise ValidationError.single(
                f"history[{index}].data.until",
                f"pack {pack.name!r} allows no extension of {deadline.step!r}: "
                "give 'until'",
            )
        else:
            continue
        reasons.append(reason)
    void_at = void[1].at if void and (met_at is None or void[1].at < met_at) else None
    return ComputedDeadline(
        step=deadline.step,
        kind=deadline.kind,
        due_at=due,
        original_due_at=original,
        met_at=met_at,
        void_at=void_at,
        paused=clock.paused and void_at is None,
        extended=bool(reasons),
        extension_reasons=tuple(reasons),
        citation=rule.citation,
    )
