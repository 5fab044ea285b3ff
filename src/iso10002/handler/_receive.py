"""Recording a new complaint: the handler's intake (ISO 10002 7.2, 7.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from iso10002.errors import DuplicateError, ValidationError
from iso10002.handler._access import READ, RECEIVE
from iso10002.handler._actor import Actor, as_actor
from iso10002.handler._core import HandlerCore
from iso10002.handler._intake import intake_digest
from iso10002.handler._notify import publish
from iso10002.ids import format_reference
from iso10002.model import (
    Channel,
    Complaint,
    ComplaintForm,
)

if TYPE_CHECKING:
    from iso10002.handler._handler import ComplaintsHandler

__all__ = ["receive"]


def _channel(value: Any) -> Channel:
    if isinstance(value, Channel):
        return value
    try:
        return Channel(value)
    except ValueError:
        allowed = [c.value for c in Channel]
        raise ValidationError.single("channel", f"must be one of {allowed}") from None


def _receive(
    core: HandlerCore,
    form: ComplaintForm,
    who: Actor,
    channel: Channel | str,
    idempotency_key: str | None,
) -> Complaint:
    """Record a new complaint, or answer a retry under ``idempotency_key``."""
    core.check(who, RECEIVE, None)
    chosen = _channel(channel)
    if not isinstance(form, ComplaintForm):
        raise ValidationError.single("form", "must be a ComplaintForm")
    at = core.at(None)
    number = core.store.next_value(f"reference:{core.prefix}:{at.year}")
    complaint = Complaint.receive(
        form,
        id=core.ids.new_id(),
        reference=format_reference(at.year, number, core.prefix),
        received_at=at,
        channel=chosen,
        received_by=who.name,
        status=core.definition.initial_state,
        workflow=core.ref,
    )
    complaint = core.project(complaint)
    if idempotency_key is None:
        stored = core.repository.add(complaint)
    else:
        digest = intake_digest(form, chosen)
        try:
            stored = core.repository.add(
                complaint, idempotency_key=idempotency_key, payload_digest=digest
            )
        except DuplicateError as exc:
            if exc.idempotency_key is None:
                raise
            return _retried(core, exc, digest, who)
    publish(core.subscribers, stored.id, stored.history)
    return core.view(stored, who)


def _retried(
    core: HandlerCore, exc: DuplicateError, digest: str, who: Actor
) -> Complaint:
    """Answer a retry under a stored key: the complaint as ``get``, or refuse."""
    # No stored digest: a key from before 0.2.0, or its complaint was
    # erased; then the key alone decides, as it did before.
    if exc.payload_digest is not None and exc.payload_digest != digest:
        # The stored digest stays out of the error: it derives from the
        # personal data of a complaint the caller may not read.
        raise DuplicateError(
            exc.complaint_id,
            idempotency_key=exc.idempotency_key,
            different_payload=True,
        ) from None
    existing = core.repository.get(exc.complaint_id)
    core.check(who, READ, existing)
    return core.view(existing, who)


def receive(  # noqa: D417 - self is the handler
    self: ComplaintsHandler,
    form: ComplaintForm,
    *,
    actor: Actor | str,
    channel: Channel | str,
    idempotency_key: str | None = None,
) -> Complaint:
    """Record a new complaint (ISO 10002 7.2, 7.3): version 1, with its due dates.

    The reference ``<prefix>-<year>-<number>`` takes the next number of
    the year's counter in the handler's store (shared by every process;
    numbers increase and may have gaps). With an ``idempotency_key`` a
    retried submission records nothing new: the same form (and channel)
    again returns the complaint already stored, redacted exactly as
    :meth:`get` would return it to ``actor``, and only if ``actor`` may
    read it; a different form under the same key is refused. A digest of
    the submission is stored with the key to tell the two apart.

    Receiving is not a workflow step (no guard runs, nothing is found):
    it returns the complaint itself.

    Args:
        form: What the complainant submitted (build it with
            ``iso10002.serialization.from_dict(ComplaintForm, payload)``).
        actor: Who records it (the access policy must allow ``receive``).
        channel: How it arrived.
        idempotency_key: The caller's key for this submission.

    Returns:
        The stored complaint, redacted for ``actor``.

    Raises:
        AccessDenied: if ``actor`` may not receive complaints, or on a
            retry, may not read the complaint already stored under the
            key (the error names it: ``complaint_id``, nothing more).
        DuplicateError: on a retry with a different form or channel
            (``different_payload`` is ``True``).
        ValidationError: for a bad form, channel or key.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       A retry is checked against the stored submission and the actor's
       ``read`` access.
    """
    who = as_actor(actor)
    return _receive(self._core, form, who, channel, idempotency_key)
