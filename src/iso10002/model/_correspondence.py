"""Correspondence: what a message said (personal) and the facts of sending it.

A message in or out is one history event (``CorrespondenceSent``,
``CorrespondenceReceived`` or ``ProgressUpdateSent``) whose data holds only
:class:`MessageFacts` under :data:`CORRESPONDENCE_KEY`: channel, direction,
kind, template and version, locale, the checked regulatory slots,
attachments' types and sizes, delivery status. What the message said (the
parties, subject, body, attachments' names) is a :class:`MessageContent` in
the :class:`~iso10002.model.StepNote` pointing at that event, inside the
complaint's personal ``notes``: redaction hides it, erasure removes it, and
the event keeps the fact that a message was sent, and when.
"""

from __future__ import annotations

import enum
import re
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.model._enums import Channel
from iso10002.model._fields import PERSONAL
from iso10002.model._values import Attachment
from iso10002.validators import (
    LONG_TEXT,
    instance_of,
    non_negative,
    optional,
    text,
    to_tuple,
    tuple_of,
)

__all__ = [
    "CORRESPONDENCE_EVENTS",
    "CORRESPONDENCE_KEY",
    "DELIVERY_EVENT",
    "DELIVERY_KEY",
    "INBOUND_EVENT",
    "NOTE_EVENT",
    "OUTGOING_EVENTS",
    "PROGRESS_EVENT",
    "SENT_EVENT",
    "AttachmentFacts",
    "DeliveryStatus",
    "Direction",
    "MessageContent",
    "MessageFacts",
    "letter_text",
]

NOTE_EVENT = "NoteRecorded"
"""Event of an internal note (staff only); the text is a personal step note."""
SENT_EVENT = "CorrespondenceSent"
"""Event of a message to the complainant (or a third party)."""
INBOUND_EVENT = "CorrespondenceReceived"
"""Event of a message from the complainant (or a third party)."""
PROGRESS_EVENT = "ProgressUpdateSent"
"""Event of a keep-informed progress update (a keep-informed contact, 7.6)."""
DELIVERY_EVENT = "DeliveryRecorded"
"""Event recording what became of an outgoing message (sent, failed)."""
CORRESPONDENCE_EVENTS = frozenset({SENT_EVENT, INBOUND_EVENT, PROGRESS_EVENT})
"""Events that record one message each."""
OUTGOING_EVENTS = frozenset({SENT_EVENT, PROGRESS_EVENT})
"""Events that record a message to the complainant (they heard from us)."""
CORRESPONDENCE_KEY = "correspondence"
"""Key of a message event's data holding its :class:`MessageFacts`."""
DELIVERY_KEY = "delivery"
"""Key of a ``DeliveryRecorded`` event's data: message id, status, attempts."""

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_CODE = re.compile(r"[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*")


class Direction(str, enum.Enum):
    """Which way a message went.

    .. versionadded:: 0.2.0
    """

    INBOUND = "in"
    OUTBOUND = "out"


class DeliveryStatus(str, enum.Enum):
    """What is known of a message's delivery.

    ``queued``: recorded, waiting for the outbox; ``sent``: handed to the
    carrier (an SMTP server accepted it, a letter was posted); ``failed``:
    refused for good; ``received``: an inbound message.

    .. versionadded:: 0.2.0
    """

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    RECEIVED = "received"


def _token(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or _TOKEN.fullmatch(value) is None:
        raise ValidationError.single(
            attribute.name,
            "must be 1 to 128 letters, digits, '.', '_' or '-' (an identifier, "
            "never free text)",
        )


def _code(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or len(value) > 64 or not _CODE.fullmatch(value):  # noqa: PLR2004 - as reason codes
        raise ValidationError.single(
            attribute.name,
            "must be a code: lower-case words joined by '.', '_' or '-'",
        )


def _codes(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    tuple_of(str, max_items=100)(_inst, attribute, value)
    for item in value:
        _code(_inst, attribute, item)


def _locale(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?", value):
        raise ValidationError.single(
            attribute.name, "must be a locale such as 'fr' or 'en_GB'"
        )


@attrs.frozen(kw_only=True)
class AttachmentFacts:
    """What the history keeps of an attachment: its media type and size.

    .. versionadded:: 0.2.0
    """

    media_type: str = attrs.field(validator=text(max_length=255))
    size: int = attrs.field(validator=non_negative)


@attrs.frozen(kw_only=True)
class MessageFacts:
    """The facts of one message, as its history event records them (no personal data).

    Attributes:
        message_id: The message's identifier in the library (letters, digits,
            ``.``, ``_``, ``-``); outgoing e-mail derives its ``Message-ID``
            from it, so a resend is recognised.
        direction: In or out.
        channel: How it travelled.
        kind: What it is, as a code (``acknowledgement``, ``final_response``,
            ``message``, ``progress_update`` …).
        status: Its delivery status when recorded.
        template: The template it was rendered from, if any.
        template_version: That template's version (a digest of its source).
        locale: The catalogue's locale, e.g. ``fr``.
        pack: The regulatory pack whose mandatory slots were checked.
        slots: The mandatory slots the rendered letter was checked to contain.
        attachments: Each attachment's media type and size.
        in_reply_to: The ``message_id`` this one answers.

    .. versionadded:: 0.2.0
    """

    message_id: str = attrs.field(validator=_token)
    direction: Direction = attrs.field(validator=instance_of(Direction))
    channel: Channel = attrs.field(validator=instance_of(Channel))
    kind: str = attrs.field(default="message", validator=_code)
    status: DeliveryStatus = attrs.field(
        default=DeliveryStatus.QUEUED, validator=instance_of(DeliveryStatus)
    )
    template: str | None = attrs.field(default=None, validator=optional(_code))
    template_version: str | None = attrs.field(default=None, validator=optional(_token))
    locale: str | None = attrs.field(default=None, validator=optional(_locale))
    pack: str | None = attrs.field(default=None, validator=optional(_code))
    slots: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_codes
    )
    attachments: tuple[AttachmentFacts, ...] = attrs.field(
        default=(),
        converter=to_tuple,
        validator=tuple_of(AttachmentFacts, max_items=50),
    )
    in_reply_to: str | None = attrs.field(default=None, validator=optional(_token))


@attrs.frozen(kw_only=True)
class MessageContent:
    """What a message said: personal data, kept in the complaint's ``notes``.

    Attributes:
        sender: Who wrote it (an address or name).
        recipients: To whom.
        subject: Its subject line.
        body: Its text (or ``None`` when only ``body_uri`` is kept).
        body_uri: Where the full body is stored, when kept elsewhere.
        attachments: The attachments (names and locations are personal).
        external_id: The identifier the carrier gave it (an inbound
            ``Message-ID``), if any.

    .. versionadded:: 0.2.0
    """

    sender: str | None = attrs.field(
        default=None, validator=optional(text(max_length=320)), metadata=PERSONAL
    )
    recipients: tuple[str, ...] = attrs.field(
        default=(),
        converter=to_tuple,
        validator=tuple_of(str, max_items=50),
        metadata=PERSONAL,
    )
    subject: str | None = attrs.field(
        default=None, validator=optional(text(max_length=998)), metadata=PERSONAL
    )
    body: str | None = attrs.field(
        default=None,
        validator=optional(text(max_length=LONG_TEXT, multiline=True)),
        metadata=PERSONAL,
    )
    body_uri: str | None = attrs.field(
        default=None, validator=optional(text(max_length=2000)), metadata=PERSONAL
    )
    attachments: tuple[Attachment, ...] = attrs.field(
        default=(),
        converter=to_tuple,
        validator=tuple_of(Attachment, max_items=50),
        metadata=PERSONAL,
    )
    external_id: str | None = attrs.field(
        default=None, validator=optional(text(max_length=998)), metadata=PERSONAL
    )


def letter_text(complaint: Any, kinds: frozenset[str]) -> str | None:
    """Return the body of the newest outgoing letter of one of ``kinds``.

    Reads the complaint's history for the newest outgoing message event
    whose kind is in ``kinds`` and returns the body kept in its note;
    ``None`` when no such letter was recorded, or its content was erased.

    Args:
        complaint: The complaint (:class:`~iso10002.model.Complaint`).
        kinds: Letter kinds, e.g. ``frozenset({"final_response"})``.

    Returns:
        The letter's text, or ``None``.

    .. versionadded:: 0.2.0
    """
    for event in reversed(complaint.history):
        facts = event.data.get(CORRESPONDENCE_KEY)
        if (
            event.name in CORRESPONDENCE_EVENTS
            and isinstance(facts, dict)
            and facts.get("direction") == Direction.OUTBOUND.value
            and facts.get("kind") in kinds
        ):
            for note in complaint.notes:
                if note.sequence == event.sequence and note.message is not None:
                    body: str | None = note.message.body
                    return body
            return None
    return None
