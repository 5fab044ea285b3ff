"""E-mail out: an SMTP sender for the durable outbox (``dispatch_pending``).

:class:`SmtpSender` is a subscriber: give it to
:meth:`~iso10002.handler.ComplaintsHandler.dispatch_pending` and it sends
every queued outgoing e-mail message of the event feed, at least once and in
order, with the standard library's :mod:`smtplib` (STARTTLS when asked),
retrying passing failures with back-off, then records the delivery
(``DeliveryRecorded``). The ``Message-ID`` derives from the message's id, and
a message whose delivery is already recorded is skipped, so a redelivered
event sends nothing twice once its delivery is recorded.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

import attrs

from iso10002.communications._log import correspondence_log, message_facts
from iso10002.errors import ValidationError
from iso10002.handler import Actor, ComplaintsHandler, Notification
from iso10002.model import PROGRESS_EVENT, SENT_EVENT, Channel, DeliveryStatus

__all__ = ["REFERENCE_HEADER", "SmtpSender", "SmtpSettings", "smtp_message_id"]

REFERENCE_HEADER = "X-Complaint-Reference"
"""The header outgoing e-mail carries the complaint's reference in."""
_PERMANENT = 500


def _positive(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValidationError.single(attribute.name, "must be a positive number")


@attrs.frozen(kw_only=True)
class SmtpSettings:
    """Where and how to send e-mail.

    Args:
        host: The SMTP server.
        port: Its port (587 for submission with STARTTLS).
        sender: The ``From`` address when a message names none.
        starttls: Upgrade the connection with STARTTLS before sending.
        username: Log in with this user (and ``password``) when given.
        password: The password.
        domain: The domain of generated ``Message-ID`` headers.
        timeout: Seconds to wait for the server.
        max_attempts: Attempts per message within one delivery.
        backoff: Seconds before the second attempt, doubled after each.
        tls_context: The TLS context of STARTTLS (the system's trusted
            certificates by default).

    .. versionadded:: 0.2.0
    """

    host: str
    port: int = 587
    sender: str
    starttls: bool = True
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    domain: str = "localhost"
    timeout: float = attrs.field(default=30.0, validator=_positive)
    max_attempts: int = attrs.field(default=3, validator=_positive)
    backoff: float = attrs.field(default=1.0, validator=_positive)
    tls_context: ssl.SSLContext | None = attrs.field(default=None, eq=False, repr=False)


def smtp_message_id(message_id: str, domain: str) -> str:
    """Return the ``Message-ID`` header of the library's message ``message_id``.

    .. versionadded:: 0.2.0
    """
    return f"<{message_id}.iso10002@{domain}>"


class SmtpSender:
    """Send queued e-mail messages; a subscriber for ``dispatch_pending``.

    Args:
        handler: The complaints handler (reads complaints, records deliveries).
        settings: The SMTP server and retry settings.
        actor: Who reads and records (needs ``read``, ``read_personal_data``
            and ``record_delivery``; a ``system`` role has them).
        sleep: Waits between attempts (``time.sleep``; tests pass their own).

    .. versionadded:: 0.2.0
    """

    def __init__(
        self,
        handler: ComplaintsHandler,
        settings: SmtpSettings,
        *,
        actor: Actor | str,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        """Keep the collaborators."""
        if not isinstance(settings, SmtpSettings):
            raise ValidationError.single("settings", "must be SmtpSettings")
        self._handler = handler
        self._settings = settings
        self._actor = actor
        self._sleep = sleep

    def __call__(self, notification: Notification, /) -> None:
        """Send the message of ``notification`` if it is a queued e-mail.

        Raises:
            OSError, smtplib.SMTPException: a passing failure that outlasted
                the attempts; ``dispatch_pending`` keeps the position and the
                next call tries again.
        """
        event = notification.event
        if event.name not in (SENT_EVENT, PROGRESS_EVENT):
            return
        facts = message_facts(event.data)
        if (
            facts is None
            or facts.channel is not Channel.EMAIL
            or facts.status is not DeliveryStatus.QUEUED
        ):
            return
        complaint = self._handler.get(notification.complaint_id, actor=self._actor)
        entry = next(
            (
                e
                for e in correspondence_log(complaint)
                if e.facts.message_id == facts.message_id
            ),
            None,
        )
        if entry is None or entry.status is not DeliveryStatus.QUEUED:
            return  # already sent or failed: at-least-once, recorded once
        if entry.content is None or not entry.content.recipients:
            self._record(complaint.id, facts.message_id, 1, "no-content")
            return
        message = EmailMessage()
        message["From"] = entry.content.sender or self._settings.sender
        message["To"] = ", ".join(entry.content.recipients)
        message["Subject"] = entry.content.subject or complaint.reference
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = smtp_message_id(facts.message_id, self._settings.domain)
        message[REFERENCE_HEADER] = complaint.reference
        if facts.locale is not None:
            message["Content-Language"] = facts.locale.replace("_", "-")
        message.set_content(entry.content.body or "")
        self._deliver(complaint.id, facts.message_id, message)

    def _deliver(
        self, complaint_id: str, message_id: str, message: EmailMessage
    ) -> None:
        settings = self._settings
        delay = settings.backoff
        for attempt in range(1, settings.max_attempts + 1):
            try:
                self._send(message)
            except smtplib.SMTPResponseException as exc:
                if exc.smtp_code >= _PERMANENT:
                    self._record(
                        complaint_id, message_id, attempt, f"smtp-{exc.smtp_code}"
                    )
                    return
                failure: Exception = exc
            except smtplib.SMTPRecipientsRefused:
                self._record(complaint_id, message_id, attempt, "smtp-recipients")
                return
            except (smtplib.SMTPException, OSError) as exc:
                failure = exc
            else:
                self._handler.record_delivery(
                    complaint_id,
                    message_id,
                    actor=self._actor,
                    status=DeliveryStatus.SENT,
                    attempts=attempt,
                )
                return
            if attempt == settings.max_attempts:
                raise failure
            self._sleep(delay)
            delay *= 2

    def _record(
        self, complaint_id: str, message_id: str, attempts: int, code: str
    ) -> None:
        self._handler.record_delivery(
            complaint_id,
            message_id,
            actor=self._actor,
            status=DeliveryStatus.FAILED,
            attempts=attempts,
            error_code=code,
        )

    def _send(self, message: EmailMessage) -> None:
        settings = self._settings
        with smtplib.SMTP(
            settings.host, settings.port, timeout=settings.timeout
        ) as smtp:
            if settings.starttls:
                smtp.starttls(
                    context=settings.tls_context or ssl.create_default_context()
                )
            if settings.username is not None:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(message)
