"""Notes and correspondence: recorded in the history, never changing the state.

Each call appends one event (``NoteRecorded``, ``CorrespondenceSent``,
``CorrespondenceReceived``, ``ProgressUpdateSent`` or ``DeliveryRecorded``)
whose data holds no personal data, and keeps what was written as a personal
:class:`~iso10002.model.StepNote` pointing at it. The status, the due dates
and every fact stay as they were; the event is chained like any other, and
erasure removes the note while the event stays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from iso10002.errors import ConflictError, ValidationError
from iso10002.handler._actor import Actor, as_actor
from iso10002.handler._core import HandlerCore
from iso10002.handler._notes import pending_note
from iso10002.handler._notify import publish
from iso10002.handler._retention import ERASURE_EVENT
from iso10002.handler._unit import StepResult
from iso10002.model import (
    CORRESPONDENCE_KEY,
    DELIVERY_EVENT,
    DELIVERY_KEY,
    INBOUND_EVENT,
    NOTE_EVENT,
    PROGRESS_EVENT,
    SENT_EVENT,
    Channel,
    Complaint,
    DeliveryStatus,
    Direction,
    HistoryEvent,
    MessageContent,
    MessageFacts,
    StepNote,
    check_reason_code,
)
from iso10002.serialization import to_dict

__all__ = [
    "RECORD_CORRESPONDENCE",
    "RECORD_DELIVERY",
    "RECORD_NOTE",
    "CorrespondenceMixin",
]

RECORD_NOTE = "record_note"
"""Action: record an internal note (a workflow-step grant covers it)."""
RECORD_CORRESPONDENCE = "record_correspondence"
"""Action: record a message in or out (a workflow-step grant covers it)."""
RECORD_DELIVERY = "record_delivery"
"""Action: record what became of an outgoing message."""

_Build = Callable[[Complaint, int], tuple[str, dict[str, Any], StepNote | None]]


def _erased(complaint: Complaint) -> bool:
    """Tell whether the complaint's personal data was erased (words stay out)."""
    return any(event.name == ERASURE_EVENT for event in complaint.history)


def _event_name(facts: MessageFacts) -> str:
    if facts.direction is Direction.INBOUND:
        return INBOUND_EVENT
    return PROGRESS_EVENT if facts.kind == "progress_update" else SENT_EVENT


class CorrespondenceMixin(HandlerCore):
    """Internal notes and the correspondence log of :class:`ComplaintsHandler`."""

    def _record(
        self, complaint_id: str, actor: Actor | str, action: str, build: _Build
    ) -> StepResult:
        """Append one event that changes no state, as one unit of work."""
        who = as_actor(actor)
        if not isinstance(complaint_id, str):
            raise ValidationError.single("complaint_id", "must be a string")
        attempt = 0
        while True:
            current = self._repository.get(complaint_id)
            self._check(who, action, current)
            sequence = current.version + 1
            name, data, note = build(current, sequence)
            if note is not None and _erased(current):
                raise ValidationError.single(
                    "text" if note.message is None else "content",
                    "cannot be kept: this complaint's personal data was erased; "
                    "record the message without its words",
                )
            event = HistoryEvent(
                sequence=sequence,
                name=name,
                at=self._at(current),
                actor=who.name,
                data=data,
            )
            candidate = current.next_version(event)
            if note is not None:
                candidate = attrs.evolve(candidate, notes=(*candidate.notes, note))
            try:
                self._repository.save(candidate, expected_version=current.version)
            except ConflictError:
                attempt += 1
                if attempt > self._max_retries:
                    raise
                continue
            publish(self._subscribers, candidate.id, (event,))
            return StepResult(complaint=self._view(candidate, who), events=(event,))

    def record_note(
        self,
        complaint_id: str,
        *,
        actor: Actor | str,
        text: str,
        reason_code: str | None = None,
    ) -> StepResult:
        """Record an internal note: for staff, never shown to the complainant.

        The ``NoteRecorded`` event records ``reason_code`` only; the text is
        a personal :class:`~iso10002.model.StepNote` (redacted, erased and
        left out of exports like other personal data). The state is unchanged.

        Args:
            complaint_id: The complaint.
            actor: Who writes it (``record_note`` must be allowed).
            text: The note (may hold personal data).
            reason_code: A code from the host's vocabulary (``stated`` by default).

        Returns:
            The new version (redacted for ``actor``) and its one event.

        Raises:
            ValidationError: naming ``text`` or ``reason_code``.
            NotFoundError, AccessDenied, ConflictError: as :meth:`fire`.

        .. versionadded:: 0.2.0
        """
        note = pending_note(text, reason_code, field="text")
        if note is None or note.text is None:
            raise ValidationError.single("text", "must be non-empty text")
        checked = note

        def build(_current: Complaint, sequence: int) -> Any:
            kept = StepNote(sequence=sequence, code=checked.code, text=checked.text)
            return NOTE_EVENT, {"reason_code": checked.code}, kept

        return self._record(complaint_id, actor, RECORD_NOTE, build)

    def record_correspondence(  # noqa: PLR0913 - the facts of a message
        self,
        complaint_id: str,
        *,
        actor: Actor | str,
        direction: Direction | str,
        channel: Channel | str,
        content: MessageContent,
        kind: str = "message",
        facts: MessageFacts | None = None,
        in_reply_to: str | None = None,
    ) -> StepResult:
        """Record one message in or out; the state is unchanged.

        The event (``CorrespondenceSent``, ``CorrespondenceReceived``, or
        ``ProgressUpdateSent`` for kind ``progress_update``) records the
        message's :class:`~iso10002.model.MessageFacts`; ``content`` is kept
        as personal data. An outgoing message is ``queued`` until an outbox
        worker (:class:`~iso10002.communications.SmtpSender` through
        :meth:`dispatch_pending`) records its delivery.

        Args:
            complaint_id: The complaint.
            actor: Who records it (``record_correspondence`` must be allowed).
            direction: ``in`` or ``out``.
            channel: How it travelled.
            content: What it said (personal data).
            kind: What it is, as a code (``message`` by default).
            facts: Ready facts (a rendered letter's: template, version,
                locale, pack, checked slots); ``direction``, ``channel`` and
                ``kind`` then come from here, and a new id is given.
            in_reply_to: The ``message_id`` this one answers.

        Returns:
            The new version and its event; ``events[0].data["correspondence"]
            ["message_id"]`` names the message.

        Raises:
            ValidationError: naming the field, for a bad direction, channel,
                kind or content.
            NotFoundError, AccessDenied, ConflictError: as :meth:`fire`.

        .. versionadded:: 0.2.0
        """
        if not isinstance(content, MessageContent):
            raise ValidationError.single("content", "must be a MessageContent")
        message_id = self._ids.new_id()
        if facts is None:
            way = _direction(direction)
            facts = MessageFacts(
                message_id=message_id,
                direction=way,
                channel=_channel(channel),
                kind=check_reason_code(kind, "kind"),
                status=DeliveryStatus.RECEIVED
                if way is Direction.INBOUND
                else DeliveryStatus.QUEUED,
                in_reply_to=in_reply_to,
            )
        elif not isinstance(facts, MessageFacts):
            raise ValidationError.single("facts", "must be MessageFacts")
        else:
            facts = attrs.evolve(facts, message_id=message_id)
        chosen = facts

        def build(_current: Complaint, sequence: int) -> Any:
            kept = StepNote(sequence=sequence, code=chosen.kind, message=content)
            return _event_name(chosen), {CORRESPONDENCE_KEY: to_dict(chosen)}, kept

        return self._record(complaint_id, actor, RECORD_CORRESPONDENCE, build)

    def record_delivery(  # noqa: PLR0913 - the facts of a delivery
        self,
        complaint_id: str,
        message_id: str,
        *,
        actor: Actor | str,
        status: DeliveryStatus | str,
        attempts: int = 1,
        error_code: str | None = None,
    ) -> StepResult:
        """Record what became of an outgoing message (``sent`` or ``failed``).

        Args:
            complaint_id: The complaint.
            message_id: The message (as its event records it).
            actor: Who records it (``record_delivery`` must be allowed).
            status: ``sent`` or ``failed``.
            attempts: Delivery attempts made.
            error_code: A code for a failure, e.g. ``smtp-550``.

        Raises:
            ValidationError: naming the field, for an unknown message or a bad
                status, count or code.
            NotFoundError, AccessDenied, ConflictError: as :meth:`fire`.

        .. versionadded:: 0.2.0
        """
        try:
            chosen = DeliveryStatus(status)
        except ValueError:
            chosen = None
        if chosen not in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
            raise ValidationError.single("status", "must be 'sent' or 'failed'")
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
            raise ValidationError.single("attempts", "must be a positive integer")
        data: dict[str, Any] = {
            "message_id": message_id,
            "status": chosen.value,
            "attempts": attempts,
        }
        if error_code is not None:
            data["error"] = check_reason_code(error_code, "error_code")

        def build(current: Complaint, _sequence: int) -> Any:
            if not any(
                isinstance(e.data.get(CORRESPONDENCE_KEY), dict)
                and e.data[CORRESPONDENCE_KEY].get("message_id") == message_id
                for e in current.history
            ):
                raise ValidationError.single(
                    "message_id", f"names no message of complaint {current.id}"
                )
            return DELIVERY_EVENT, {DELIVERY_KEY: data}, None

        return self._record(complaint_id, actor, RECORD_DELIVERY, build)


def _direction(value: Any) -> Direction:
    try:
        return Direction(value)
    except ValueError:
        raise ValidationError.single("direction", "must be 'in' or 'out'") from None


def _channel(value: Any) -> Channel:
    try:
        return Channel(value)
    except ValueError:
        allowed = [c.value for c in Channel]
        raise ValidationError.single("channel", f"must be one of {allowed}") from None
