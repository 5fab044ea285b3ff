"""E-mail in: parse a message (stdlib ``email``) and file it on a complaint.

:func:`parse_email` reads raw bytes within a size limit into an
:class:`InboundEmail`: sender, subject, text body, attachments' metadata, and
the complaint reference found in the ``X-Complaint-Reference`` header or the
subject. :func:`file_email` records it as correspondence on the complaint it
refers to or, without a known reference, receives it as a new complaint
(idempotent by its ``Message-ID``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from typing import Any

import attrs

from iso10002.communications._log import correspondence_log
from iso10002.communications._smtp import REFERENCE_HEADER
from iso10002.errors import ValidationError
from iso10002.handler import Actor, ComplaintsHandler
from iso10002.model import (
    Attachment,
    Channel,
    Complainant,
    Complaint,
    ComplaintForm,
    Direction,
    MessageContent,
)
from iso10002.repositories import Query
from iso10002.validators import LONG_TEXT

__all__ = [
    "DEFAULT_MAX_BYTES",
    "REFERENCE_PATTERN",
    "UNVERIFIED_SENDER",
    "FiledEmail",
    "InboundEmail",
    "file_email",
    "parse_email",
]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
"""The largest message :func:`parse_email` reads (10 MiB)."""
REFERENCE_PATTERN = r"\b[A-Z][A-Z0-9]{0,9}-\d{4}-\d{6}\b"
"""How a complaint reference looks in a subject line, e.g. ``CMP-2026-000123``."""
_OUR_ID = re.compile(r"<([A-Za-z0-9][A-Za-z0-9._-]{0,127})\.iso10002@[^>]+>")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


@attrs.frozen(kw_only=True)
class InboundEmail:
    """An e-mail as the library reads it.

    Attributes:
        sender: The ``From`` address.
        sender_name: The ``From`` display name, if any.
        recipients: The ``To`` and ``Cc`` addresses.
        subject: The subject line.
        body: The text body (the plain part, else the HTML part's text).
        external_id: The ``Message-ID``.
        in_reply_to: The library's message id it answers, when it answers
            a message the library sent.
        reference: The complaint reference it carries, if any.
        language: Its ``Content-Language``, if any.
        attachments: Each attachment's metadata (the bytes stay with the host).

    .. versionadded:: 0.2.0
    """

    sender: str
    sender_name: str | None
    recipients: tuple[str, ...]
    subject: str
    body: str
    external_id: str | None
    in_reply_to: str | None
    reference: str | None
    language: str | None
    attachments: tuple[Attachment, ...]

    def content(self) -> MessageContent:
        """Return what the message said, as the correspondence log keeps it."""
        return MessageContent(
            sender=self.sender,
            recipients=self.recipients,
            subject=self.subject or None,
            body=self.body.strip() or None,
            attachments=self.attachments,
            external_id=self.external_id,
        )


@attrs.frozen(kw_only=True)
class FiledEmail:
    """Where :func:`file_email` put a message.

    Attributes:
        complaint_id: The complaint it was filed on.
        created: ``True`` when it became a new complaint.
        message_id: The library's id of the recorded message.

    .. versionadded:: 0.2.0
    """

    complaint_id: str
    created: bool
    message_id: str


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        content = re.sub(r"<[^>]+>", " ", content)
    text = str(content).replace("\r\n", "\n")
    # Only control characters the model refuses are dropped; the text is kept.
    return "".join(c for c in text if c in "\n\t" or ord(c) >= 32)[:LONG_TEXT]  # noqa: PLR2004


def _attachments(
    message: EmailMessage, external_id: str | None
) -> tuple[Attachment, ...]:
    found = []
    for i, part in enumerate(message.iter_attachments()):
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        name = part.get_filename() or f"attachment-{i + 1}"
        found.append(
            Attachment(
                name=name[:255],
                media_type=part.get_content_type(),
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                uri=f"email:{external_id or 'unknown'}#{i + 1}"[:2000],
            )
        )
    return tuple(found[:50])


def parse_email(
    raw: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    reference_pattern: str = REFERENCE_PATTERN,
) -> InboundEmail:
    """Read an e-mail from its raw bytes.

    Args:
        raw: The message as received (RFC 5322 bytes).
        max_bytes: The largest message accepted.
        reference_pattern: How a complaint reference looks in a subject.

    Returns:
        The message's parts the library keeps.

    Raises:
        ValidationError: naming ``raw`` for a message that is too large, not
            bytes, or has no sender address.

    .. versionadded:: 0.2.0
    """
    if not isinstance(raw, (bytes, bytearray)):
        raise ValidationError.single("raw", "must be the message's bytes")
    if len(raw) > max_bytes:
        raise ValidationError.single(
            "raw", f"is {len(raw)} bytes, more than the limit of {max_bytes}"
        )
    message = BytesParser(policy=policy.default).parsebytes(bytes(raw))
    assert isinstance(message, EmailMessage)  # noqa: S101 - policy.default makes one
    name, sender = parseaddr(str(message.get("From", "")))
    if "@" not in sender:
        raise ValidationError.single("raw", "has no sender address in 'From'")
    subject = " ".join(str(message.get("Subject", "")).split())[:998]
    external_id = (
        str(message["Message-ID"]).strip()[:998] if message["Message-ID"] else None
    )
    replied = " ".join(str(message.get(h, "")) for h in ("In-Reply-To", "References"))
    ours = _OUR_ID.search(replied)
    header = str(message.get(REFERENCE_HEADER, "")).strip()
    found = re.search(reference_pattern, f"{header} {subject}")
    body_part = message.get_body(preferencelist=("plain", "html"))
    language = str(
        message.get("Content-Language")
        or (body_part.get("Content-Language") if body_part is not None else "")
        or ""
    )
    language = language.split(",", maxsplit=1)[0].strip()
    recipients = tuple(
        address
        for _, address in getaddresses(
            [str(v) for h in ("To", "Cc") for v in message.get_all(h, [])]
        )
        if address
    )
    return InboundEmail(
        sender=sender[:320],
        sender_name=name.strip()[:200] or None,
        recipients=recipients[:50],
        subject=subject,
        body=_text(message),
        external_id=external_id,
        in_reply_to=ours.group(1) if ours else None,
        reference=found.group(0) if found else None,
        language=language if _LANGUAGE.fullmatch(language) else None,
        attachments=_attachments(message, external_id),
    )


UNVERIFIED_SENDER = "unverified-sender"
"""The kind of an inbound message that quotes a reference but neither comes
from the complainant's address nor answers one of the complaint's messages."""


def _kind(email: InboundEmail, complaint: Complaint, log: Sequence[Any]) -> str:
    known = complaint.complainant.email
    if known is not None and known.casefold() == email.sender.casefold():
        return "message"
    if email.in_reply_to is not None and any(
        e.facts.message_id == email.in_reply_to for e in log
    ):
        return "message"
    return UNVERIFIED_SENDER


def file_email(
    handler: ComplaintsHandler,
    email: InboundEmail,
    *,
    actor: Actor | str,
) -> FiledEmail:
    """File an inbound e-mail: correspondence on its complaint, or a new complaint.

    A message whose reference names a stored complaint is recorded on it as
    ``CorrespondenceReceived``; any other becomes a complaint received by
    e-mail, with the message itself recorded as its first correspondence.
    A message whose ``Message-ID`` is already recorded on the complaint is
    not recorded again (mail is often delivered twice). A reference is easy
    to copy: a message that neither comes from the complainant's address nor
    answers one of the complaint's own messages is recorded with kind
    :data:`UNVERIFIED_SENDER`, for staff to check, never as the
    complainant's word.

    Args:
        handler: The complaints handler.
        email: The parsed message.
        actor: Who files it (``receive``, ``read`` and
            ``record_correspondence`` must be allowed).

    Returns:
        Where it was filed.

    Raises:
        ValidationError: naming ``email`` for a value that is not one.

    .. versionadded:: 0.2.0
    """
    if not isinstance(email, InboundEmail):
        raise ValidationError.single("email", "must be an InboundEmail")
    complaint_id = None
    if email.reference is not None:
        page = handler.find(Query(reference=email.reference), actor=actor, limit=1)
        complaint_id = page.items[0].id if page.items else None
    created = complaint_id is None
    if complaint_id is None:
        complainant = Complainant(
            name=email.sender_name,
            email=email.sender,
            language=email.language or "en",
        )
        form = ComplaintForm(
            complainant=complainant,
            description=email.body.strip() or email.subject or "(empty e-mail)",
            attachments=email.attachments,
        )
        key = None
        if email.external_id is not None:
            key = "email:" + hashlib.sha256(email.external_id.encode()).hexdigest()
        complaint = handler.receive(
            form, actor=actor, channel=Channel.EMAIL, idempotency_key=key
        )
        complaint_id = complaint.id
    current = handler.get(complaint_id, actor=actor)
    log = correspondence_log(current)
    if email.external_id is not None:
        # A message delivered twice (or filed again) is recorded once.
        for entry in log:
            content = entry.content
            if content is not None and content.external_id == email.external_id:
                return FiledEmail(
                    complaint_id=complaint_id,
                    created=False,
                    message_id=entry.facts.message_id,
                )
    result = handler.record_correspondence(
        complaint_id,
        actor=actor,
        direction=Direction.INBOUND,
        channel=Channel.EMAIL,
        content=email.content(),
        kind=_kind(email, current, log),
        in_reply_to=email.in_reply_to,
    )
    facts = result.events[0].data["correspondence"]
    return FiledEmail(
        complaint_id=complaint_id, created=created, message_id=str(facts["message_id"])
    )
