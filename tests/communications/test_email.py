"""E-mail out through the outbox to a real local SMTP server, and e-mail in."""

from __future__ import annotations

import email
import email.policy
import smtplib
import ssl
from email.message import EmailMessage

import attrs
import pytest

from iso10002.communications import (
    DELIVERY_EVENT,
    REFERENCE_HEADER,
    UNVERIFIED_SENDER,
    FiledEmail,
    Letterhead,
    Letters,
    SmtpSender,
    SmtpSettings,
    correspondence_log,
    file_email,
    parse_email,
    send_letter,
    smtp_message_id,
)
from iso10002.errors import ValidationError
from iso10002.model import DeliveryStatus, MessageContent

from .conftest import AGENT, SYSTEM, free_port, make_form


def _settings(port: int, **options) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1",
        port=port,
        sender="complaints@bank.example",
        starttls=False,
        domain="bank.example",
        timeout=5,
        **options,
    )


def _queue(handler, body="We are looking into it."):
    c = handler.receive(make_form(), actor=AGENT, channel="email")
    result = handler.record_correspondence(
        c.id,
        actor=AGENT,
        direction="out",
        channel="email",
        content=MessageContent(
            recipients=("camille@example.org",),
            subject=f"Your complaint {c.reference}",
            body=body,
        ),
    )
    return c, result.events[0].data["correspondence"]["message_id"]


def _lines(text: str) -> str:
    """Return ``text`` with the wire's CRLF line ends undone, stripped."""
    return text.replace("\r\n", "\n").strip()


class TestSending:
    def test_queued_message_is_sent_once(self, make_handler, mailbox):
        """dispatch_pending sends a queued e-mail once and records the delivery."""
        box, port = mailbox
        handler = make_handler()
        c, message_id = _queue(handler)
        sender = SmtpSender(handler, _settings(port), actor=SYSTEM)
        handler.dispatch_pending("mailer", sender)
        assert len(box.messages) == 1
        sent = parse_email(box.messages[0])
        assert sent.reference == c.reference
        assert sent.body.strip() == "We are looking into it."
        (entry,) = correspondence_log(handler.get(c.id, actor=SYSTEM))
        assert (entry.status, entry.attempts) == (DeliveryStatus.SENT, 1)
        handler.dispatch_pending("mailer", sender)
        handler.dispatch_pending("again", sender)
        assert len(box.messages) == 1
        assert message_id in box.messages[0].decode()

    def test_text_and_html_alternatives(self, make_handler, mailbox):
        """The message carries the text and its HTML form, host data escaped."""
        box, port = mailbox
        handler = make_handler()
        body = "Your <script>alert(1)</script> & co.\n\nWe reply soon."
        _, message_id = _queue(handler, body=body)
        handler.dispatch_pending(
            "mailer", SmtpSender(handler, _settings(port), actor=SYSTEM)
        )
        (raw,) = box.messages
        sent = email.message_from_bytes(raw, policy=email.policy.default)
        assert sent.get_content_type() == "multipart/alternative"
        text = sent.get_body(preferencelist=("plain",))
        page = sent.get_body(preferencelist=("html",))
        assert text is not None
        assert page is not None
        assert _lines(text.get_content()) == body
        html = _lines(page.get_content())
        assert "<script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co." in html
        assert html.count("<p>") == 2
        assert sent["Message-ID"] == smtp_message_id(message_id, "bank.example")
        assert _lines(parse_email(raw).body) == body

    def test_html_part_is_idempotent_by_message_id(self, make_handler, mailbox):
        """Redelivering the event sends nothing twice; the id stays the message's."""
        box, port = mailbox
        handler = make_handler()
        _, message_id = _queue(handler)
        sender = SmtpSender(handler, _settings(port), actor=SYSTEM)
        handler.dispatch_pending("mailer", sender)
        handler.dispatch_pending("again", sender)
        (raw,) = box.messages
        sent = email.message_from_bytes(raw, policy=email.policy.default)
        assert sent["Message-ID"] == smtp_message_id(message_id, "bank.example")
        assert sent.get_body(preferencelist=("html",)) is not None

    def test_letter_html_is_what_is_sent(self, make_handler, mailbox):
        """A rendered letter's HTML is the HTML part the recipient gets."""
        box, port = mailbox
        handler = make_handler()
        c = handler.receive(make_form(language="fr"), actor=AGENT, channel="email")
        letters = Letters(Letterhead(organisation="Banque <b>Exemple</b>"))
        letter = letters.render("acknowledgement", c)
        send_letter(handler, c.id, letter, actor=AGENT)
        sender = SmtpSender(handler, _settings(port), actor=SYSTEM, letters=letters)
        handler.dispatch_pending("mailer", sender)
        (raw,) = box.messages
        sent = email.message_from_bytes(raw, policy=email.policy.default)
        page = sent.get_body(preferencelist=("html",))
        assert page is not None
        assert _lines(page.get_content()) == letter.html.strip()
        assert "<b>Exemple</b>" not in letter.html
        assert 'lang="fr"' in letter.html

    def test_text_only_when_asked(self, make_handler, mailbox):
        """With ``html=False`` the message is the text alone, as before."""
        box, port = mailbox
        handler = make_handler()
        _queue(handler)
        sender = SmtpSender(handler, _settings(port), actor=SYSTEM, html=False)
        handler.dispatch_pending("mailer", sender)
        (raw,) = box.messages
        sent = email.message_from_bytes(raw, policy=email.policy.default)
        assert sent.get_content_type() == "text/plain"

    @pytest.mark.parametrize(("name", "value"), [("html", "yes"), ("letters", 3)])
    def test_bad_options_are_refused(self, make_handler, name, value):
        """A non-boolean ``html`` or non-Letters ``letters`` names the option."""
        with pytest.raises(ValidationError) as info:
            SmtpSender(make_handler(), _settings(25), actor=SYSTEM, **{name: value})
        assert info.value.field == name

    def test_passing_refusal_is_retried_with_backoff(self, make_handler, mailbox):
        """A 451 is retried after a back-off; the delivery counts the attempts."""
        box, port = mailbox
        box.refusals.append("451 Try again later")
        handler = make_handler()
        c, _ = _queue(handler)
        waits: list[float] = []
        sender = SmtpSender(
            handler, _settings(port, backoff=0.5), actor=SYSTEM, sleep=waits.append
        )
        handler.dispatch_pending("mailer", sender)
        assert waits == [0.5]
        (entry,) = correspondence_log(handler.get(c.id, actor=SYSTEM))
        assert (entry.status, entry.attempts) == (DeliveryStatus.SENT, 2)

    def test_outlasting_failure_keeps_the_position(self, make_handler, mailbox):
        """After the last attempt the error propagates; the next dispatch sends."""
        box, port = mailbox
        box.refusals.extend(["451 busy", "451 busy"])
        handler = make_handler()
        _queue(handler)
        sender = SmtpSender(
            handler, _settings(port, max_attempts=2), actor=SYSTEM, sleep=lambda _: None
        )
        with pytest.raises(smtplib.SMTPDataError):
            handler.dispatch_pending("mailer", sender)
        assert box.messages == []
        handler.dispatch_pending("mailer", sender)
        assert len(box.messages) == 1

    def test_permanent_refusal_is_recorded_as_failed(self, make_handler, mailbox):
        """A 550 is not retried: the delivery is recorded as failed with its code."""
        box, port = mailbox
        box.refusals.append("550 No such user")
        handler = make_handler()
        c, _ = _queue(handler)
        handler.dispatch_pending(
            "mailer", SmtpSender(handler, _settings(port), actor=SYSTEM)
        )
        complaint = handler.get(c.id, actor=SYSTEM)
        (entry,) = correspondence_log(complaint)
        assert entry.status is DeliveryStatus.FAILED
        last = complaint.history[-1]
        assert last.name == DELIVERY_EVENT
        assert last.data["delivery"]["error"] == "smtp-550"

    def test_starttls(self, make_handler, tls_mailbox, certificate):
        """With STARTTLS the message goes over TLS to a server that requires it."""
        box, port = tls_mailbox
        handler = make_handler()
        c, _ = _queue(handler)
        context = ssl.create_default_context(cafile=str(certificate[0]))
        settings = attrs.evolve(_settings(port), starttls=True, tls_context=context)
        handler.dispatch_pending("mailer", SmtpSender(handler, settings, actor=SYSTEM))
        assert len(box.messages) == 1
        (entry,) = correspondence_log(handler.get(c.id, actor=SYSTEM))
        assert entry.status is DeliveryStatus.SENT

    def test_plain_text_to_a_tls_only_server_fails(self, make_handler, tls_mailbox):
        """Without STARTTLS a server requiring it refuses (530): recorded as failed."""
        box, port = tls_mailbox
        handler = make_handler()
        c, _ = _queue(handler)
        sender = SmtpSender(handler, _settings(port), actor=SYSTEM)
        handler.dispatch_pending("mailer", sender)
        assert box.messages == []
        complaint = handler.get(c.id, actor=SYSTEM)
        (entry,) = correspondence_log(complaint)
        assert entry.status is DeliveryStatus.FAILED
        assert complaint.history[-1].data["delivery"]["error"] == "smtp-530"

    def test_no_server_is_a_passing_failure(self, make_handler):
        """A closed port raises after the attempts; nothing is recorded."""
        handler = make_handler()
        c, _ = _queue(handler)
        sender = SmtpSender(
            handler,
            _settings(_closed_port(), max_attempts=2),
            actor=SYSTEM,
            sleep=lambda _: None,
        )
        with pytest.raises(OSError):
            handler.dispatch_pending("mailer", sender)
        (entry,) = correspondence_log(handler.get(c.id, actor=SYSTEM))
        assert entry.status is DeliveryStatus.QUEUED


def _closed_port() -> int:
    return free_port()


def _email(subject: str, body: str, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Camille Martin <camille@example.org>"
    message["To"] = "complaints@bank.example"
    message["Subject"] = subject
    message["Message-ID"] = "<abc123@mail.example.org>"
    message.set_content(body)
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.add_attachment(
        b"%PDF-1.4 statement",
        maintype="application",
        subtype="pdf",
        filename="statement.pdf",
    )
    return message.as_bytes()


class TestReceiving:
    def test_new_email_becomes_a_complaint(self, make_handler):
        """An e-mail without a known reference is received as a complaint."""
        handler = make_handler()
        raw = _email("Double charge", "You charged me twice.", Content_Language="fr")
        filed = file_email(handler, parse_email(raw), actor=SYSTEM)
        assert isinstance(filed, FiledEmail)
        assert filed.created
        complaint = handler.get(filed.complaint_id, actor=SYSTEM)
        assert complaint.channel.value == "email"
        assert complaint.complainant.email == "camille@example.org"
        assert complaint.complainant.language == "fr"
        assert complaint.attachments[0].media_type == "application/pdf"
        (entry,) = correspondence_log(complaint)
        assert entry.facts.attachments == ()
        assert entry.content is not None
        assert entry.content.attachments[0].name == "statement.pdf"

    def test_same_message_twice_is_filed_once(self, make_handler):
        """A message delivered twice makes one complaint and one log entry."""
        handler = make_handler()
        raw = _email("Double charge", "You charged me twice.")
        first = file_email(handler, parse_email(raw), actor=SYSTEM)
        again = file_email(handler, parse_email(raw), actor=SYSTEM)
        assert (again.complaint_id, again.message_id) == (
            first.complaint_id,
            first.message_id,
        )
        assert not again.created
        assert (
            len(correspondence_log(handler.get(first.complaint_id, actor=SYSTEM))) == 1
        )

    def test_reply_lands_on_the_same_complaint(self, make_handler):
        """A reply quoting the reference is correspondence on that complaint."""
        handler = make_handler()
        c = handler.receive(make_form(), actor=AGENT, channel="web")
        raw = _email(f"Re: Your complaint {c.reference}", "Any news?")
        filed = file_email(handler, parse_email(raw), actor=SYSTEM)
        assert (filed.complaint_id, filed.created) == (c.id, False)
        (entry,) = correspondence_log(handler.get(c.id, actor=SYSTEM))
        assert entry.facts.direction.value == "in"

    def test_stranger_quoting_a_reference_is_flagged(self, make_handler):
        """A reference copied by someone else is kept, but marked unverified."""
        handler = make_handler()
        c = handler.receive(make_form(), actor=AGENT, channel="web")
        raw = _email(f"About {c.reference}", "Close it, please.")
        raw = raw.replace(b"camille@example.org", b"mallory@example.net")
        filed = file_email(handler, parse_email(raw), actor=SYSTEM)
        assert filed.complaint_id == c.id
        (entry,) = correspondence_log(handler.get(c.id, actor=SYSTEM))
        assert entry.facts.kind == UNVERIFIED_SENDER

    def test_reference_header_and_our_message_id(self):
        """The reference header and In-Reply-To of our Message-ID are read."""
        raw = _email(
            "hello",
            "body",
            **{REFERENCE_HEADER.replace("-", "_"): "CMP-2026-000042"},
            In_Reply_To="<01ABC.iso10002@bank.example>",
        )
        parsed = parse_email(raw)
        assert parsed.reference == "CMP-2026-000042"
        assert parsed.in_reply_to == "01ABC"

    def test_too_large_is_refused(self):
        """A message over the size limit is refused, naming ``raw``."""
        with pytest.raises(ValidationError) as info:
            parse_email(_email("x", "y" * 5000), max_bytes=1000)
        assert info.value.field == "raw"

    @pytest.mark.parametrize("raw", [b"", b"Subject: hi\r\n\r\nno sender", "text"])
    def test_hostile_input(self, raw):
        """Messages without a sender, or not bytes, are refused naming ``raw``."""
        with pytest.raises(ValidationError) as info:
            parse_email(raw)
        assert info.value.field == "raw"
