"""Strategies for whole complaints and their history events."""

from __future__ import annotations

import string
from datetime import datetime, timedelta

from hypothesis import strategies as st

from iso10002.model import (
    RECEIVED_EVENT,
    Channel,
    Complaint,
    HistoryEvent,
    Outcome,
)
from iso10002.testing._field_strategies import (
    classifications,
    complaint_forms,
    decisions,
    due_dates,
    links,
    root_causes,
    satisfaction_feedback,
    workflow_refs,
)
from iso10002.testing._message_strategies import step_notes
from iso10002.testing._primitive_strategies import (
    json_data,
    single_line_text,
    utc_datetimes,
)
from iso10002.vocabulary import Meaning, StandardState, standard_event

__all__ = [
    "STANDARD_STATES",
    "complaints",
    "history_events",
    "received_complaints",
]

STANDARD_STATES = tuple(s.value for s in StandardState)
"""Status names used by generated complaints (those of the standard workflow)."""

_EVENT_NAMES = st.sampled_from(
    [
        standard_event(m)
        for m in (
            Meaning.ACKNOWLEDGED,
            Meaning.ASSESSED,
            Meaning.INVESTIGATED,
            Meaning.DECIDED,
            Meaning.COMMUNICATED,
            Meaning.CLOSED,
            Meaning.INFORMATION_REQUESTED,
        )
    ]
)


def history_events(*, sequence: int | None = None) -> st.SearchStrategy[HistoryEvent]:
    """Generate single history events (any sequence number unless given)."""
    return st.builds(
        HistoryEvent,
        sequence=st.just(sequence) if sequence is not None else st.integers(1, 10_000),
        name=_EVENT_NAMES,
        at=utc_datetimes(),
        actor=single_line_text(max_size=20),
        trigger=st.none()
        | st.sampled_from(["acknowledge", "assess", "decide", "close"]),
        from_state=st.none() | st.sampled_from(STANDARD_STATES),
        to_state=st.none() | st.sampled_from(STANDARD_STATES),
        data=json_data(),
    )


@st.composite
def _history(
    draw: st.DrawFn, received_at: datetime, received_by: str, max_events: int
) -> tuple[HistoryEvent, ...]:
    first = HistoryEvent(
        sequence=1,
        name=RECEIVED_EVENT,
        at=received_at,
        actor=received_by,
        to_state=StandardState.RECEIVED.value,
    )
    events = [first]
    count = draw(st.integers(min_value=0, max_value=max_events - 1))
    at = received_at
    for sequence in range(2, count + 2):
        at += draw(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)))
        event = draw(history_events(sequence=sequence))
        events.append(
            HistoryEvent(
                sequence=sequence,
                name=event.name,
                at=at,
                actor=event.actor,
                trigger=event.trigger,
                from_state=event.from_state,
                to_state=event.to_state,
                data=event.data,
            )
        )
    return tuple(events)


@st.composite
def _complaints(
    draw: st.DrawFn, max_events: int, statuses: tuple[str, ...]
) -> Complaint:
    received_at = draw(utc_datetimes(max_value=datetime(2090, 1, 1)))  # noqa: DTZ001
    received_by = draw(single_line_text(max_size=20))
    history = draw(_history(received_at, received_by, max_events))
    form = draw(complaint_forms())
    return Complaint(
        id=draw(
            st.text(string.digits + "ABCDEFGHJKMNPQRSTVWXYZ", min_size=26, max_size=26)
        ),
        reference=draw(
            st.integers(1, 999_999).map(lambda n: f"CMP-{received_at.year}-{n:06d}")
        ),
        received_at=received_at,
        channel=draw(st.sampled_from(Channel)),
        received_by=received_by,
        complainant=form.complainant,
        subject=form.subject,
        description=form.description,
        desired_outcome=form.desired_outcome,
        attachments=form.attachments,
        classification=draw(st.none() | classifications()),
        status=draw(st.sampled_from(statuses)),
        workflow=draw(workflow_refs()),
        assignee=draw(st.none() | single_line_text(max_size=20)),
        deadlines=tuple(draw(st.lists(due_dates(), max_size=3))),
        decision=draw(st.none() | decisions()),
        outcome=draw(st.none() | st.sampled_from(Outcome)),
        root_cause=draw(st.none() | root_causes()),
        satisfaction=draw(st.none() | satisfaction_feedback()),
        links=tuple(draw(st.lists(links(), max_size=2))),
        version=len(history),
        history=history,
        notes=tuple(
            draw(
                st.lists(
                    st.integers(1, len(history)).flatmap(
                        lambda n: step_notes(sequence=n)
                    ),
                    max_size=2,
                )
            )
        ),
    )


def complaints(
    *, max_events: int = 8, statuses: tuple[str, ...] = STANDARD_STATES
) -> st.SearchStrategy[Complaint]:
    """Generate valid complaints: contiguous history, ``version == len(history)``.

    Args:
        max_events: Longest history to generate (at least 1).
        statuses: Status names to draw from.

    Returns:
        A strategy of :class:`~iso10002.model.Complaint`.
    """
    return _complaints(max(1, max_events), statuses)


def received_complaints(
    *, statuses: tuple[str, ...] = (StandardState.RECEIVED.value,)
) -> st.SearchStrategy[Complaint]:
    """Generate complaints just received (version 1), cheaply.

    Much faster than :func:`complaints` when a test builds the rest of the
    history itself.

    Args:
        statuses: Status names to draw from (the receipt event's state).

    Returns:
        A strategy of :class:`~iso10002.model.Complaint` at version 1.

    .. versionadded:: 0.1.0
    """
    return st.builds(
        lambda form, at, channel, status: Complaint.receive(
            form,
            id="01JC0MPLA1NT0000000000000A",
            reference=f"CMP-{at.year}-000001",
            received_at=at,
            channel=channel,
            received_by="web-form",
            status=status,
        ),
        complaint_forms(),
        utc_datetimes(max_value=datetime(2090, 1, 1)),  # noqa: DTZ001
        st.sampled_from(Channel),
        st.sampled_from(statuses),
    )
