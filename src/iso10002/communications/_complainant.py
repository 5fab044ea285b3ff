"""The complainant's role: signed, expiring links to act on their own complaint.

A :class:`ComplainantLinks` signs a complaint id into a URL-safe token with
``itsdangerous`` (HMAC, a timestamp, a maximum age). Opening a token gives a
:class:`ComplainantSession` acting as an :class:`~iso10002.handler.Actor`
with the ``complainant`` role for that one complaint; :class:`ComplainantAccess`
lets that actor read the complaint (redacted), reply, accept or reject the
decision, record satisfaction once and withdraw, and nothing else. Needs the
``links`` extra.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

import attrs

from iso10002.clock import Clock, SystemClock
from iso10002.communications._log import correspondence_log
from iso10002.errors import ValidationError
from iso10002.handler import (
    READ,
    READ_PERSONAL_DATA,
    RECORD_CORRESPONDENCE,
    AccessPolicy,
    Actor,
    ComplaintsHandler,
    RoleBasedAccess,
    StepResult,
)
from iso10002.model import (
    Channel,
    Complaint,
    Decision,
    Direction,
    DueDate,
    MessageContent,
)

__all__ = [
    "COMPLAINANT_ACTIONS",
    "COMPLAINANT_ROLE",
    "ComplainantAccess",
    "ComplainantLinks",
    "ComplainantSession",
    "ComplainantView",
    "LinkRejected",
    "complainant_actor",
]

COMPLAINANT_ROLE = "complainant"
"""The role of an actor acting for one complaint: its complainant."""
COMPLAINANT_ACTIONS = frozenset(
    {
        READ,
        RECORD_CORRESPONDENCE,
        "accept_decision",
        "reject_decision",
        "record_satisfaction",
        "withdraw",
    }
)
"""What a complainant may do with their own complaint (nothing else, nowhere else)."""
_PREFIX = "complainant:"


class LinkRejected(ValidationError):
    """A complainant link is forged, altered or expired; ``field`` is ``token``.

    .. versionadded:: 0.2.0
    """


def complainant_actor(complaint_id: str) -> Actor:
    """Return the actor acting for the complainant of ``complaint_id``.

    .. versionadded:: 0.2.0
    """
    return Actor(f"{_PREFIX}{complaint_id}", roles={COMPLAINANT_ROLE})


def _frozen(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


@attrs.frozen
class ComplainantAccess:
    """Grant a complainant actor ``actions`` on their own complaint only.

    Every other actor is asked of ``inner``; an actor with the complainant
    role is never asked of ``inner`` (a host's grants cannot widen it).

    Args:
        inner: The policy for everyone else.
        actions: What a complainant may do on their complaint
            (:data:`COMPLAINANT_ACTIONS` by default; the web desk adds the
            ``information_received`` step, its reply to a request).
        personal_data: Whether the complainant reads their own personal
            data (never the staff's notes); ``False`` reads it redacted.

    .. versionadded:: 0.2.0
    """

    inner: AccessPolicy = attrs.field(factory=RoleBasedAccess)
    actions: frozenset[str] = attrs.field(
        default=COMPLAINANT_ACTIONS, converter=_frozen
    )
    personal_data: bool = False

    def can(self, actor: Actor, action: str, complaint: Complaint | None) -> bool:
        """Tell whether ``actor`` may take ``action`` on ``complaint``."""
        if COMPLAINANT_ROLE not in actor.roles:
            return self.inner.can(actor, action, complaint)
        if complaint is None or actor.name != f"{_PREFIX}{complaint.id}":
            return False
        if action in self.actions:
            return True
        prefix = f"{READ_PERSONAL_DATA}:"
        return (
            self.personal_data
            and action.startswith(prefix)
            and not action.startswith(f"{prefix}notes")
        )


def _serializer(secret: str | bytes, salt: str, now: Callable[[], datetime]) -> Any:
    try:
        import itsdangerous  # noqa: PLC0415 - optional dependency
    except ImportError as exc:  # pragma: no cover - without the links extra
        msg = "complainant links need itsdangerous: pip install 'iso10002[links]'"
        raise ImportError(msg) from exc

    class _ClockSigner(itsdangerous.TimestampSigner):
        def get_timestamp(self) -> int:
            return int(now().timestamp())

    return itsdangerous.URLSafeTimedSerializer(secret, salt=salt, signer=_ClockSigner)


class ComplainantLinks:
    """Sign and open complainant links (``itsdangerous``; HMAC with a timestamp).

    Args:
        secret: The signing secret (keep it out of the database).
        max_age: How long a link works.
        salt: Separates these tokens from the host's other signed values.
        clock: Where "now" comes from.

    Raises:
        ValidationError: naming the argument, for a short secret or a
            non-positive ``max_age``.

    .. versionadded:: 0.2.0
    """

    def __init__(
        self,
        secret: str | bytes,
        *,
        max_age: timedelta = timedelta(days=30),
        salt: str = "iso10002.complainant-link",
        clock: Clock | None = None,
    ) -> None:
        """Check the settings and build the serializer."""
        if not isinstance(secret, (str, bytes)) or len(secret) < 16:  # noqa: PLR2004
            raise ValidationError.single("secret", "must be at least 16 characters")
        if not isinstance(max_age, timedelta) or max_age <= timedelta(0):
            raise ValidationError.single("max_age", "must be a positive timedelta")
        self._clock = clock or SystemClock()
        self._max_age = max_age
        self._serializer = _serializer(secret, salt, self._clock.now)

    def token(self, complaint_id: str) -> str:
        """Return a link token for the complainant of ``complaint_id``."""
        if not isinstance(complaint_id, str) or not complaint_id:
            raise ValidationError.single("complaint_id", "must be a complaint id")
        token: str = self._serializer.dumps({"complaint": complaint_id})
        return token

    def open(self, token: str) -> str:
        """Return the complaint id a valid token names.

        Raises:
            LinkRejected: for a forged, altered, malformed or expired token.
        """
        import itsdangerous  # noqa: PLC0415 - present: the serializer needed it

        if not isinstance(token, str) or len(token) > 4096:  # noqa: PLR2004
            raise LinkRejected.single("token", "is not a link token")
        try:
            payload = self._serializer.loads(
                token, max_age=int(self._max_age.total_seconds())
            )
        except itsdangerous.SignatureExpired:
            raise LinkRejected.single("token", "has expired") from None
        except itsdangerous.BadData:
            raise LinkRejected.single("token", "is not a valid link token") from None
        complaint_id = payload.get("complaint") if isinstance(payload, dict) else None
        if not isinstance(complaint_id, str):
            raise LinkRejected.single("token", "is not a valid link token")
        return complaint_id


@attrs.frozen(kw_only=True)
class ComplainantView:
    """What the complainant sees of their complaint.

    Attributes:
        reference: The complaint's reference.
        status: Its workflow state.
        received_at: When it was received.
        deadlines: Its due dates.
        decision: The decision once communicated (``None`` before).
        messages: ``(when, direction, kind)`` of each message in or out.
        satisfaction_recorded: Whether they already gave their satisfaction.

    .. versionadded:: 0.2.0
    """

    reference: str
    status: str
    received_at: datetime
    deadlines: tuple[DueDate, ...]
    decision: Decision | None
    messages: tuple[tuple[datetime, str, str], ...]
    satisfaction_recorded: bool


class ComplainantSession:
    """Act as the complainant of one complaint, through the handler.

    Build one with :meth:`open`; every call goes through the handler's
    access policy (give the handler a :class:`ComplainantAccess`).

    .. versionadded:: 0.2.0
    """

    def __init__(self, handler: ComplaintsHandler, complaint_id: str) -> None:
        """Bind the session to one complaint."""
        self._handler = handler
        self.complaint_id = complaint_id
        self.actor = complainant_actor(complaint_id)

    @classmethod
    def open(
        cls, handler: ComplaintsHandler, links: ComplainantLinks, token: str
    ) -> ComplainantSession:
        """Open a session from a link token.

        Raises:
            LinkRejected: for a forged, altered or expired token.
        """
        return cls(handler, links.open(token))

    def status(self) -> ComplainantView:
        """Return the complaint's status as the complainant sees it."""
        complaint = self._handler.get(self.complaint_id, actor=self.actor)
        decision = complaint.decision
        return ComplainantView(
            reference=complaint.reference,
            status=complaint.status,
            received_at=complaint.received_at,
            deadlines=complaint.deadlines,
            decision=decision
            if decision is not None and decision.communicated_at
            else None,
            messages=tuple(
                (e.at, e.facts.direction.value, e.facts.kind)
                for e in correspondence_log(complaint)
            ),
            satisfaction_recorded=complaint.satisfaction is not None,
        )

    def reply(self, text: str, *, in_reply_to: str | None = None) -> StepResult:
        """Send the organisation a message (recorded as correspondence in)."""
        if not isinstance(text, str) or not text.strip():
            raise ValidationError.single("text", "must be non-empty text")
        return self._handler.record_correspondence(
            self.complaint_id,
            actor=self.actor,
            direction=Direction.INBOUND,
            channel=Channel.WEB,
            content=MessageContent(body=text),
            kind="reply",
            in_reply_to=in_reply_to,
        )

    def accept(self) -> Complaint:
        """Accept the decision."""
        return self._handler.record_complainant_reply(
            self.complaint_id, actor=self.actor, accepted=True
        ).complaint

    def reject(self) -> Complaint:
        """Reject the decision (the complaint goes to internal review)."""
        return self._handler.record_complainant_reply(
            self.complaint_id, actor=self.actor, accepted=False
        ).complaint

    def record_satisfaction(self, score: int, comment: str | None = None) -> Complaint:
        """Give satisfaction with the handling, once.

        Raises:
            ValidationError: naming ``satisfaction`` when it was already
                given (the first answer is kept, never overwritten).
        """
        current = self._handler.get(self.complaint_id, actor=self.actor)
        if current.satisfaction is not None:
            raise ValidationError.single(
                "satisfaction",
                "was already recorded; the first answer is kept",
            )
        return self._handler.record_satisfaction(
            self.complaint_id, actor=self.actor, score=score, comment=comment
        ).complaint

    def withdraw(self) -> Complaint:
        """Withdraw the complaint."""
        return self._handler.withdraw(self.complaint_id, actor=self.actor).complaint
