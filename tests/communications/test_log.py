"""Notes and correspondence in the history: recorded, chained, redacted and erased."""

from __future__ import annotations

from datetime import timedelta

import pytest

from iso10002.communications import (
    DELIVERY_EVENT,
    INBOUND_EVENT,
    NOTE_EVENT,
    SENT_EVENT,
    correspondence_log,
    internal_notes,
)
from iso10002.errors import AccessDenied, ValidationError
from iso10002.handler import redact
from iso10002.history import differences, replay
from iso10002.model import Attachment, DeliveryStatus, MessageContent
from iso10002.serialization import to_dict, to_json

from .conftest import AGENT, AUDITOR, MANAGER, make_form

BODY = "Dear Camille Martin, we are looking into the double payment."


def _content() -> MessageContent:
    return MessageContent(
        sender="complaints@bank.example",
        recipients=("camille@example.org",),
        subject="Your complaint",
        body=BODY,
        attachments=(
            Attachment(
                name="statement-camille.pdf",
                media_type="application/pdf",
                size=1200,
                sha256="0" * 64,
                uri="file:///mail/statement-camille.pdf",
            ),
        ),
    )


class TestRecording:
    def test_note_keeps_state_and_hides_text_from_event(self, make_handler, clock):
        """A note appends NoteRecorded with its code only; status and facts stay."""
        handler = make_handler()
        c = handler.receive(make_form(), actor=AGENT, channel="email")
        handler.acknowledge(c.id, actor=AGENT)
        before = handler.get(c.id, actor=AGENT)
        clock.advance(timedelta(hours=1))
        result = handler.record_note(
            c.id, actor=AGENT, text="Camille called, upset.", reason_code="call-log"
        )
        after = result.complaint
        assert after.version == before.version + 1
        assert after.status == before.status
        assert after.deadlines == before.deadlines
        (event,) = result.events
        assert event.name == NOTE_EVENT
        assert event.to_state is None
        assert event.data == {"reason_code": "call-log"}
        assert "Camille" not in to_json(event)
        (note,) = internal_notes(after)
        assert (note.text, note.code, note.actor) == (
            "Camille called, upset.",
            "call-log",
            AGENT.name,
        )
        assert differences(to_dict(after)) == []
        assert replay(after) == after

    def test_message_out_is_logged_with_facts_and_content(self, make_handler):
        """An outgoing message records facts in the event and content in a note."""
        handler = make_handler()
        c = handler.receive(make_form(), actor=AGENT, channel="email")
        result = handler.record_correspondence(
            c.id,
            actor=AGENT,
            direction="out",
            channel="email",
            content=_content(),
            kind="information-request",
        )
        (event,) = result.events
        assert event.name == SENT_EVENT
        text = to_json(event)
        for secret in ("Camille", "camille@example.org", "statement-camille"):
            assert secret not in text
        (entry,) = correspondence_log(result.complaint)
        assert entry.status is DeliveryStatus.QUEUED
        assert entry.facts.kind == "information-request"
        assert entry.content == _content()
        assert result.complaint.status == "received"

    def test_delivery_updates_the_log(self, make_handler):
        """A DeliveryRecorded event moves the message's status in the log."""
        handler = make_handler()
        c = handler.receive(make_form(), actor=AGENT, channel="email")
        sent = handler.record_correspondence(
            c.id, actor=AGENT, direction="out", channel="email", content=_content()
        )
        message_id = sent.events[0].data["correspondence"]["message_id"]
        done = handler.record_delivery(
            c.id, message_id, actor=AGENT, status="sent", attempts=2
        )
        assert done.events[0].name == DELIVERY_EVENT
        (entry,) = correspondence_log(done.complaint)
        assert (entry.status, entry.attempts) == (DeliveryStatus.SENT, 2)

    def test_inbound_message_is_received(self, make_handler):
        """An inbound message is CorrespondenceReceived with status received."""
        handler = make_handler()
        c = handler.receive(make_form(), actor=AGENT, channel="email")
        got = handler.record_correspondence(
            c.id,
            actor=AGENT,
            direction="in",
            channel="email",
            content=MessageContent(body="Thanks, any news?"),
        )
        assert got.events[0].name == INBOUND_EVENT
        (entry,) = correspondence_log(got.complaint)
        assert entry.status is DeliveryStatus.RECEIVED


class TestRefusals:
    def test_blank_note_names_text(self, make_handler):
        """A blank note is refused, naming ``text``."""
        handler = make_handler()
        c = handler.receive(make_form(), actor=AGENT, channel="email")
        with pytest.raises(ValidationError) as info:
            handler.record_note(c.id, actor=AGENT, text="   ")
        assert info.value.field == "text"

    def test_free_text_kind_is_refused(self, make_handler):
        """A kind that is prose, not a code, is refused naming ``kind``."""
        handler = make_handler()
        c = handler.receive(make_form(), actor=AGENT, channel="email")
        with pytest.raises(ValidationError) as info:
            handler.record_correspondence(
                c.id,
                actor=AGENT,
                direction="out",
                channel="email",
                content=_content(),
                kind="Letter to Camille",
            )
        assert info.value.field == "kind"

    @pytest.mark.parametrize(
        ("field", "options"),
        [
            ("direction", {"direction": "sideways", "channel": "email"}),
            ("channel", {"direction": "out", "channel": "pigeon"}),
        ],
    )
    def test_bad_direction_or_channel(self, make_handler, field, options):
        """An unknown direction or channel is refused, naming the field."""
        handler = make_handler()
        c = handler.receive(make_form(), actor=AGENT, channel="email")
        with pytest.raises(ValidationError) as info:
            handler.record_correspondence(
                c.id, actor=AGENT, content=_content(), **options
            )
        assert info.value.field == field

    def test_delivery_of_unknown_message(self, make_handler):
        """A delivery for a message the complaint never had names ``message_id``."""
        handler = make_handler()
        c = handler.receive(make_form(), actor=AGENT, channel="email")
        with pytest.raises(ValidationError) as info:
            handler.record_delivery(c.id, "nope", actor=AGENT, status="sent")
        assert info.value.field == "message_id"

    def test_delivery_status_must_be_final(self, make_handler):
        """Only sent or failed may be recorded as a delivery."""
        handler = make_handler()
        c = handler.receive(make_form(), actor=AGENT, channel="email")
        with pytest.raises(ValidationError) as info:
            handler.record_delivery(c.id, "x", actor=AGENT, status="queued")
        assert info.value.field == "status"

    def test_auditor_may_not_write_notes(self, make_handler):
        """The auditor role reads but may not record notes."""
        handler = make_handler()
        c = handler.receive(make_form(), actor=AGENT, channel="email")
        with pytest.raises(AccessDenied):
            handler.record_note(c.id, actor=AUDITOR, text="Looks fine.")


class TestPrivacy:
    def test_redacted_for_auditor(self, make_handler):
        """An auditor's view keeps the events but none of the content."""
        handler = make_handler()
        c = handler.receive(make_form(), actor=AGENT, channel="email")
        handler.record_note(c.id, actor=AGENT, text="Private remark")
        handler.record_correspondence(
            c.id, actor=AGENT, direction="out", channel="email", content=_content()
        )
        seen = handler.get(c.id, actor=AUDITOR)
        assert seen.notes == ()
        (entry,) = correspondence_log(seen)
        assert entry.content is None
        assert internal_notes(seen)[0].text is None
        assert redact(seen, AUDITOR) == seen

    def test_erasure_keeps_when_but_not_what(self, make_handler):
        """Erasure removes every note and message content; the events stay."""
        handler = make_handler()
        c = handler.receive(make_form(), actor=AGENT, channel="email")
        handler.record_note(c.id, actor=AGENT, text="Camille called")
        handler.record_correspondence(
            c.id, actor=AGENT, direction="out", channel="email", content=_content()
        )
        erased = handler.erase_personal_data(c.id, actor=MANAGER)
        text = to_json(erased)
        for secret in ("Camille", "camille@example.org", BODY, "statement-camille"):
            assert secret not in text
        (entry,) = correspondence_log(erased)
        assert entry.content is None
        assert entry.facts.channel.value == "email"
        assert entry.at == erased.history[2].at
        assert handler.repository.verify_integrity().ok
