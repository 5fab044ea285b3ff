"""Record a rendered letter as outgoing correspondence, through the handler."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from iso10002.communications._letters import Letter
from iso10002.errors import ValidationError
from iso10002.handler import Actor, ComplaintsHandler, StepResult
from iso10002.model import Channel

__all__ = ["message_id", "send_letter"]


def send_letter(  # noqa: PLR0913 - the letter and how it goes
    handler: ComplaintsHandler,
    complaint_id: str,
    letter: Letter,
    *,
    actor: Actor | str,
    channel: Channel | str = Channel.EMAIL,
    sender: str | None = None,
    recipients: Sequence[str] | None = None,
    in_reply_to: str | None = None,
) -> StepResult:
    """Record ``letter`` as a queued outgoing message of the complaint.

    The event records the letter's facts (kind, template and version,
    locale, pack, checked slots); its text is kept as personal data. An
    outbox worker (:class:`~iso10002.communications.SmtpSender`) sends it.

    Args:
        handler: The complaints handler.
        complaint_id: The complaint.
        letter: A letter from :meth:`Letters.render`.
        actor: Who sends it (``record_correspondence`` must be allowed).
        channel: How it goes (e-mail by default).
        sender: The sender's address.
        recipients: The recipients (the complainant's e-mail by default,
            read with ``actor``'s rights).
        in_reply_to: The ``message_id`` it answers.

    Returns:
        The handler's result; ``message_id(result)`` names the message.

    Raises:
        ValidationError: naming ``letter`` or ``recipients``.

    .. versionadded:: 0.2.0
    """
    if not isinstance(letter, Letter):
        raise ValidationError.single("letter", "must be a Letter")
    if recipients is None:
        email = handler.get(complaint_id, actor=actor).complainant.email
        recipients = () if email is None else (email,)
    facts = letter.facts(channel)
    if in_reply_to is not None:
        facts = attrs.evolve(facts, in_reply_to=in_reply_to)
    return handler.record_correspondence(
        complaint_id,
        actor=actor,
        direction=facts.direction,
        channel=facts.channel,
        content=letter.content(sender=sender, recipients=recipients),
        kind=letter.kind,
        facts=facts,
    )


def message_id(result: StepResult) -> str:
    """Return the id of the message a recording call appended.

    .. versionadded:: 0.2.0
    """
    facts = result.events[-1].data.get("correspondence")
    if not isinstance(facts, dict):
        raise ValidationError.single("result", "recorded no message")
    return str(facts["message_id"])
