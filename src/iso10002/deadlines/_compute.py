"""Due dates as a pure function of a complaint's history, a pack and a calendar."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import attrs

from iso10002.calendars import BusinessCalendar, aware_instant
from iso10002.deadlines._counting import Start, due_after, paused_extra, start_of
from iso10002.deadlines._measures import Counting, DeadlineKind, Measure
from iso10002.deadlines._pack import Pack
from iso10002.deadlines._rules import Deadline, stated
from iso10002.deadlines._starts import (
    Effective,
    effective,
    first_event,
    latest_event,
    until_of,
)
from iso10002.deadlines._timeline import Timeline, timeline_of
from iso10002.errors import ValidationError
from iso10002.model import Complaint, DueDate
from iso10002.vocabulary import STANDARD_VOCABULARY, vocabulary_for

if TYPE_CHECKING:
    from iso10002.model import HistoryEvent

__all__ = [
    "DEFAULT_PAUSED_STATES",
    "EXTENDED_EVENT",
    "ComputedDeadline",
    "compute_deadlines",
    "project_due_dates",
    "recompute_due_dates",
]

DEFAULT_PAUSED_STATES: frozenset[str] = STANDARD_VOCABULARY.paused_states
"""The standard workflow's paused states (a complaint's own workflow's by default)."""

EXTENDED_EVENT = "DeadlineExtended"
"""The event recording a deliberate extension; its data names ``step``, ``reason``."""


@attrs.frozen(kw_only=True)
class ComputedDeadline:
    """Everything known about one step's deadline for one complaint.

    Args:
        step: The step, e.g. ``final_response``.
        kind: Limit, target or window.
        due_at: When it is due (UTC), after pauses and extensions.
        original_due_at: When it would be due without pauses and extensions.
        met_at: When an event met it, if one did.
        void_at: When it stopped applying (withdrawn, not a complaint).
        paused: Whether its clock is stopped at the end of the history.
        extended: Whether an extension moved it.
        extension_reasons: The recorded reasons for the extensions.
        citation: The rule it comes from.

    .. versionadded:: 0.1.0
    """

    step: str
    kind: DeadlineKind
    due_at: datetime
    original_due_at: datetime
    met_at: datetime | None = None
    void_at: datetime | None = None
    paused: bool = False
    extended: bool = False
    extension_reasons: tuple[str, ...] = ()
    citation: str = ""

    def to_due_date(self) -> DueDate:
        """Return the indexable projection of this deadline."""
        return DueDate(
            step=self.step, due_at=self.due_at, met_at=self.met_at, paused=self.paused
        )


class _Clock:
    """One step's clock: counts an amount from the start, adding paused time back."""

    def __init__(  # noqa: PLR0913 - the facts one clock depends on
        self,
        start: Start,
        clock: Counting,
        calendar: BusinessCalendar,
        timeline: Timeline,
        *,
        pausable: bool,
        met_at: datetime | None,
    ) -> None:
        self._start = start
        self._clock = clock
        self._calendar = calendar
        self._timeline = timeline
        self._pausable = pausable
        self._met_at = met_at
        self.paused = False

    def due(
        self, measure: Measure, amount: int, base: datetime | None = None
    ) -> datetime:
        if measure is Measure.WEEKS:
            measure, amount = Measure.CALENDAR_DAYS, amount * 7
        extra_days, extra_time = 0, timedelta(0)
        due = base or due_after(
            self._start, measure, amount, self._clock, self._calendar, extra_time
        )
        if not self._pausable or not self._timeline.pauses:
            return due
        for pause in self._timeline.pauses:
            if pause.start >= due or (
                self._met_at is not None and pause.start >= self._met_at
            ):
                break
            end = pause.end
            if end is None:
                end = self._timeline.horizon or pause.start
                self.paused = self._met_at is None
            if self._met_at is not None:
                end = min(end, self._met_at)
            days, time = paused_extra(measure, pause.start, end, self._calendar)
            extra_days += days
            extra_time += time
            due = due_after(
                self._start,
                measure,
                amount + extra_days,
                self._clock,
                self._calendar,
                extra_time,
            )
        return due


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


def _one(  # noqa: C901, PLR0912, PLR0913, PLR0917 - the inputs of one step's computation
    deadline: Deadline,
    complaint: Complaint,
    pack: Pack,
    calendar: BusinessCalendar,
    timeline: Timeline,
    void: tuple[int, HistoryEvent] | None,
    starts: dict[bool, Start],
) -> ComputedDeadline:
    rule = effective(deadline, complaint)
    measure, amount = rule.measure, rule.amount
    start = _start(rule, deadline, complaint, calendar, timeline, starts)
    met = timeline.first(deadline.meeting_events)
    met_at = met[1].at if met else None
    pausable = deadline.pausable and pack.pausing_allowed
    clock = _Clock(
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
        clock = _Clock(
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


_CALENDAR_TYPES: set[type] = set()


def _check(
    complaint: object, pack: object, calendar: object, paused_states: object
) -> None:
    if not isinstance(complaint, Complaint):
        raise ValidationError.single("complaint", "must be a Complaint")
    if not isinstance(pack, Pack):
        raise ValidationError.single("pack", "must be a Pack (see get_pack)")
    kind = type(calendar)
    if kind not in _CALENDAR_TYPES:
        if not isinstance(calendar, BusinessCalendar):
            raise ValidationError.single("calendar", "must be a BusinessCalendar")
        # A runtime protocol check is slow: remember the classes that passed.
        _CALENDAR_TYPES.add(kind)
    if not isinstance(paused_states, frozenset) or not all(
        isinstance(s, str) for s in paused_states
    ):
        raise ValidationError.single(
            "paused_states", "must be a frozenset of state names"
        )


def compute_deadlines(
    complaint: Complaint,
    pack: Pack,
    calendar: BusinessCalendar,
    *,
    paused_states: frozenset[str] | None = None,
    now: datetime | None = None,
) -> tuple[ComputedDeadline, ...]:
    """Compute every step's deadline from the complaint's history alone.

    The result depends only on the history (receipt, pauses, resumes, holding
    responses, recorded extensions, meeting events), the classification, the
    pack and the calendar: computing it again gives the same answer.

    Args:
        complaint: The complaint.
        pack: The deadline rules (see :func:`get_pack`).
        calendar: The organisation's business calendar.
        paused_states: Workflow states that stop the clock (by default, the
            paused states of the workflow the complaint ran under).
        now: Consider only events up to this instant, and count an ongoing
            pause up to it; by default all events, an ongoing pause up to the
            last one.

    Returns:
        One :class:`ComputedDeadline` per deadline of the pack, in pack order.

    Raises:
        ValidationError: for wrong argument types, a naive ``now``, or a
            ``DeadlineExtended`` event without a reason or with a bad ``until``.

    .. versionadded:: 0.1.0
    """
    vocabulary = vocabulary_for(getattr(complaint, "workflow", None))
    if paused_states is None:
        paused_states = vocabulary.paused_states
    _check(complaint, pack, calendar, paused_states)
    if now is not None:
        aware_instant("now", now)
    timeline = timeline_of(complaint.history, paused_states, now, vocabulary)
    void = timeline.first(pack.void_by)
    starts: dict[bool, Start] = {}
    return tuple(
        _one(deadline, complaint, pack, calendar, timeline, void, starts)
        for deadline in pack.deadlines
    )


def project_due_dates(
    complaint: Complaint,
    pack: Pack,
    calendar: BusinessCalendar,
    *,
    paused_states: frozenset[str] | None = None,
) -> tuple[DueDate, ...]:
    """Return the due dates to store on the complaint for indexing.

    Store the result in ``Complaint.deadlines`` on every transition. Windows
    (fast paths that cannot be breached) and steps that no longer apply are
    left out, so ``due_at < T and met_at is null`` finds what is due before
    ``T`` and ``due_at < now and met_at is null and not paused`` what is
    breached.

    Args:
        complaint: The complaint.
        pack: The deadline rules.
        calendar: The organisation's business calendar.
        paused_states: Workflow states that stop the clock (by default, the
            paused states of the workflow the complaint ran under).

    Returns:
        The projection, one :class:`~iso10002.model.DueDate` per binding step.

    Raises:
        ValidationError: as :func:`compute_deadlines`.

    .. versionadded:: 0.1.0
    """
    return tuple(
        computed.to_due_date()
        for computed in compute_deadlines(
            complaint, pack, calendar, paused_states=paused_states
        )
        if computed.kind is not DeadlineKind.WINDOW and computed.void_at is None
    )


def recompute_due_dates(
    complaints: Iterable[Complaint],
    pack: Pack,
    calendar: BusinessCalendar,
    *,
    paused_states: frozenset[str] | None = None,
) -> Iterator[tuple[Complaint, tuple[DueDate, ...]]]:
    """Recompute the projection for many complaints, e.g. after a new bank holiday.

    Args:
        complaints: The complaints to check (any iterable; read lazily).
        pack: The deadline rules now in force.
        calendar: The calendar now in force.
        paused_states: Workflow states that stop the clock (by default, the
            paused states of the workflow the complaint ran under).

    Yields:
        ``(complaint, due_dates)`` for each complaint whose stored
        ``deadlines`` differ from the recomputed ones.

    Raises:
        ValidationError: as :func:`compute_deadlines`.

    .. versionadded:: 0.1.0
    """
    for complaint in complaints:
        fresh = project_due_dates(
            complaint, pack, calendar, paused_states=paused_states
        )
        if fresh != complaint.deadlines:
            yield complaint, fresh
