"""Due dates as a pure function of a complaint's history, a pack and a calendar."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from iso10002.calendars import BusinessCalendar, aware_instant
from iso10002.deadlines._computed import ComputedDeadline
from iso10002.deadlines._counting import Start
from iso10002.deadlines._measures import DeadlineKind
from iso10002.deadlines._pack import Pack
from iso10002.deadlines._step_deadline import step_deadline
from iso10002.deadlines._timeline import timeline_of
from iso10002.errors import ValidationError
from iso10002.model import Complaint, DueDate
from iso10002.vocabulary import STANDARD_VOCABULARY, vocabulary_for

__all__ = [
    "DEFAULT_PAUSED_STATES",
    "compute_deadlines",
    "project_due_dates",
    "recompute_due_dates",
]

DEFAULT_PAUSED_STATES: frozenset[str] = STANDARD_VOCABULARY.paused_states
"""The standard workflow's paused states (a complaint's own workflow's by default)."""

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
        step_deadline(deadline, complaint, pack, calendar, timeline, void, starts)
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
