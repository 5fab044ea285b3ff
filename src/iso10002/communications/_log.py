"""The correspondence log of a complaint: its messages, from the history and notes."""

from __future__ import annotations

from datetime import datetime

import attrs

from iso10002.errors import ValidationError
from iso10002.model import (
    CORRESPONDENCE_EVENTS,
    CORRESPONDENCE_KEY,
    DELIVERY_EVENT,
    DELIVERY_KEY,
    NOTE_EVENT,
    Complaint,
    DeliveryStatus,
    MessageContent,
    MessageFacts,
)
from iso10002.serialization import from_dict

__all__ = [
    "CorrespondenceEntry",
    "InternalNote",
    "correspondence_log",
    "internal_notes",
]


@attrs.frozen(kw_only=True)
class CorrespondenceEntry:
    """One message in or out, as the log shows it.

    Attributes:
        sequence: The history event that recorded it.
        at: When it was recorded.
        actor: Who recorded it.
        event: The event's name (``CorrespondenceSent`` …).
        facts: What the history keeps (never erased).
        content: What it said; ``None`` once erased or when hidden.
        status: Its latest delivery status (later ``DeliveryRecorded``
            events included).
        attempts: Delivery attempts recorded so far.

    .. versionadded:: 0.2.0
    """

    sequence: int
    at: datetime
    actor: str
    event: str
    facts: MessageFacts
    content: MessageContent | None
    status: DeliveryStatus
    attempts: int = 0


@attrs.frozen(kw_only=True)
class InternalNote:
    """One internal note (staff only), as the log shows it.

    Attributes:
        sequence: The ``NoteRecorded`` event.
        at: When.
        actor: Who wrote it.
        code: The reason code the event records.
        text: The note; ``None`` once erased or when hidden.

    .. versionadded:: 0.2.0
    """

    sequence: int
    at: datetime
    actor: str
    code: str | None
    text: str | None


def message_facts(data: object) -> MessageFacts | None:
    """Return the :class:`MessageFacts` an event's data holds, if any."""
    if not isinstance(data, dict):
        return None
    raw = data.get(CORRESPONDENCE_KEY)
    if not isinstance(raw, dict):
        return None
    try:
        return from_dict(MessageFacts, raw)
    except ValidationError:
        return None


def correspondence_log(complaint: Complaint) -> tuple[CorrespondenceEntry, ...]:
    """List every message recorded on ``complaint``, oldest first.

    Args:
        complaint: The complaint (redacted or erased: the content is then
            ``None``, the facts stay).

    Returns:
        One entry per message event, with its latest delivery status.

    Raises:
        ValidationError: if ``complaint`` is not a complaint.

    .. versionadded:: 0.2.0
    """
    if not isinstance(complaint, Complaint):
        raise ValidationError.single("complaint", "must be a Complaint")
    contents = {n.sequence: n.message for n in complaint.notes if n.message}
    entries: dict[str, CorrespondenceEntry] = {}
    for event in complaint.history:
        if event.name in CORRESPONDENCE_EVENTS:
            facts = message_facts(event.data)
            if facts is None:
                continue
            entries[facts.message_id] = CorrespondenceEntry(
                sequence=event.sequence,
                at=event.at,
                actor=event.actor,
                event=event.name,
                facts=facts,
                content=contents.get(event.sequence),
                status=facts.status,
            )
        elif event.name == DELIVERY_EVENT:
            delivery = event.data.get(DELIVERY_KEY)
            if not isinstance(delivery, dict):
                continue
            entry = entries.get(str(delivery.get("message_id")))
            if entry is not None:
                entries[entry.facts.message_id] = attrs.evolve(
                    entry,
                    status=DeliveryStatus(delivery["status"]),
                    attempts=int(delivery.get("attempts", 1)),
                )
    return tuple(sorted(entries.values(), key=lambda e: e.sequence))


def internal_notes(complaint: Complaint) -> tuple[InternalNote, ...]:
    """List the internal notes of ``complaint``, oldest first.

    .. versionadded:: 0.2.0
    """
    if not isinstance(complaint, Complaint):
        raise ValidationError.single("complaint", "must be a Complaint")
    texts = {n.sequence: n.text for n in complaint.notes}
    return tuple(
        InternalNote(
            sequence=event.sequence,
            at=event.at,
            actor=event.actor,
            code=event.data.get("reason_code"),
            text=texts.get(event.sequence),
        )
        for event in complaint.history
        if event.name == NOTE_EVENT
    )
