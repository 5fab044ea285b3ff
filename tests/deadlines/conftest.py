"""Helpers for deadline tests: build complaints with a chosen history."""

from __future__ import annotations

from datetime import datetime

import pytest

from iso10002.model import (
    Channel,
    Classification,
    Complainant,
    Complaint,
    ComplaintForm,
    HistoryEvent,
    Subject,
)


def build_complaint(received_at, events=(), *, classification=None, product=None):
    """Return a complaint received at ``received_at`` followed by ``events``.

    Each event is ``(name, at)`` or ``(name, at, to_state)`` or
    ``(name, at, to_state, data)``; ``from_state`` is filled in from the
    previous state.
    """
    form = ComplaintForm(
        complainant=Complainant(name="Test Person"),
        description="Something went wrong.",
        subject=Subject(product=product),
    )
    first = Complaint.receive(
        form,
        id="01TEST",
        reference="CMP-TEST",
        received_at=received_at,
        channel=Channel.EMAIL,
        received_by="web-form",
    )
    history = list(first.history)
    state = "received"
    for item in events:
        name, at, *rest = item
        to_state = rest[0] if rest else None
        data = rest[1] if len(rest) > 1 else {}
        history.append(
            HistoryEvent(
                sequence=len(history) + 1,
                name=name,
                at=at,
                actor="agent",
                from_state=state if to_state else None,
                to_state=to_state,
                data=data,
            )
        )
        state = to_state or state
    return Complaint(
        id=first.id,
        reference=first.reference,
        received_at=first.received_at,
        channel=first.channel,
        received_by=first.received_by,
        complainant=first.complainant,
        subject=first.subject,
        description=first.description,
        classification=classification,
        status=state,
        version=len(history),
        history=tuple(history),
    )


@pytest.fixture(scope="session")
def make_complaint():
    """Provide the complaint builder."""
    return build_complaint


@pytest.fixture(scope="session")
def classified():
    """Provide a classification builder."""

    def build(category="general", tags=()):
        return Classification(category=category, tags=tuple(tags))

    return build


def due(computed, step):
    """Return the due instant of ``step`` among computed deadlines."""
    return next(c for c in computed if c.step == step).due_at


@pytest.fixture(scope="session")
def due_of():
    """Provide the lookup of one step's due instant."""
    return due


def aware(text, zone):
    """Parse a local ISO date-time in ``zone``."""
    from zoneinfo import ZoneInfo  # noqa: PLC0415

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


@pytest.fixture(scope="session")
def local():
    """Provide the parser of local date-times."""
    return aware
