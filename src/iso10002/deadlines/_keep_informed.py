"""Keeping the complainant informed (ISO 10002 7.6) as a deadline status.

While a complaint is open and not waiting for the complainant, the next
progress update is due one keep-informed interval after the last contact:
an event that tells the complainant something (acknowledgement, holding
response, request for information, the decision, closing, by their meaning
in the complaint's own workflow) or an outgoing message or progress update.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from iso10002.deadlines._measures import DeadlineKind
from iso10002.deadlines._status import DeadlineState, DeadlineStatus
from iso10002.errors import ValidationError
from iso10002.model import OUTGOING_EVENTS, Complaint
from iso10002.vocabulary import Meaning, Vocabulary, vocabulary_for

__all__ = [
    "DEFAULT_KEEP_INFORMED_INTERVAL",
    "KEEP_INFORMED_STEP",
    "is_contact",
    "keep_informed_status",
    "last_contact",
]

KEEP_INFORMED_STEP = "keep_informed"
"""The step name of the keep-informed status."""

DEFAULT_KEEP_INFORMED_INTERVAL = timedelta(days=28)
"""The longest silence when none is given (the organisation profile's default)."""

_CONTACT_MEANINGS = (
    Meaning.ACKNOWLEDGED,
    Meaning.HOLDING_RESPONSE,
    Meaning.INFORMATION_REQUESTED,
    Meaning.COMMUNICATED,
    Meaning.CLOSED,
)
_MARGIN = timedelta(days=2)


def _interval(value: Any) -> timedelta:
    if value is None:
        return DEFAULT_KEEP_INFORMED_INTERVAL
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise ValidationError.single("interval", "must be a positive timedelta")
    return value


def is_contact(event: str, vocabulary: Vocabulary) -> bool:
    """Tell whether an event called ``event`` tells the complainant something.

    A contact is any outgoing message or progress update
    (:data:`~iso10002.model.OUTGOING_EVENTS`) and any event that means an
    acknowledgement, a holding response, a request for information, the
    decision or closing in the complaint's own workflow (``vocabulary``, from
    :func:`~iso10002.vocabulary.vocabulary_for`), whatever it is called there.
    :func:`last_contact` and the ``kept-informed`` policy both count by this.

    .. versionadded:: 0.2.0
    """
    return event in OUTGOING_EVENTS or any(
        vocabulary.means(event, meaning) for meaning in _CONTACT_MEANINGS
    )


def last_contact(complaint: Complaint, paused: Iterable[str] | None = None) -> datetime:
    """Return when the complainant last heard from the organisation.

    Counts each event :func:`is_contact` accepts. Entering a paused state
    (waiting for the complainant) counts as a contact too, and the silence
    starts again when the organisation resumes (leaves the paused state, or
    reopens an ended complaint): time spent waiting is never silence.

    .. versionadded:: 0.2.0
    """
    words = vocabulary_for(complaint.workflow)
    waiting = words.paused_states if paused is None else frozenset(paused)
    stopped = waiting | words.terminal_states
    last = complaint.received_at
    status: str | None = None
    for event in complaint.history:
        moved = event.to_state is not None
        resumed = moved and status in stopped and event.to_state not in stopped
        if moved:
            status = event.to_state
        if is_contact(event.name, words) or event.to_state in waiting or resumed:
            last = max(last, event.at)
    return last


def keep_informed_status(  # noqa: PLR0913 - options are keyword-only
    complaint: Complaint,
    now: datetime,
    *,
    interval: timedelta | None = None,
    terminal_states: Iterable[str] | None = None,
    paused_states: Iterable[str] | None = None,
    margin: timedelta = _MARGIN,
) -> DeadlineStatus:
    """Say where the next progress update stands, as a deadline status.

    Shaped like the entries of :func:`status_of_deadlines` (step
    :data:`KEEP_INFORMED_STEP`, a target): ``pending`` or ``at_risk`` before
    it is due, ``breached`` after, ``paused`` while waiting for the
    complainant, ``void`` once ended.

    Args:
        complaint: The complaint.
        now: The instant judged at.
        interval: The longest silence (28 days by default).
        terminal_states: States in which nothing is due (the complaint's
            workflow's by default).
        paused_states: States in which the organisation waits (the
            workflow's by default).
        margin: A pending update due within this is at risk.

    Returns:
        The status.

    Raises:
        ValidationError: for a non-positive ``interval``.

    .. versionadded:: 0.2.0
    """
    words = vocabulary_for(complaint.workflow)
    ended = words.terminal_states if terminal_states is None else set(terminal_states)
    paused = words.paused_states if paused_states is None else frozenset(paused_states)
    due = last_contact(complaint, paused) + _interval(interval)
    if complaint.status in ended:
        state = DeadlineState.VOID
    elif complaint.status in paused:
        state = DeadlineState.PAUSED
    elif due <= now:
        state = DeadlineState.BREACHED
    else:
        state = DeadlineState.AT_RISK if due - now <= margin else DeadlineState.PENDING
    return DeadlineStatus(
        step=KEEP_INFORMED_STEP,
        kind=DeadlineKind.TARGET,
        state=state,
        due_at=due,
        time_left=due - now if due > now else None,
        overdue_by=now - due if state is DeadlineState.BREACHED else None,
        citation="ISO 10002:2018 7.6",
    )
