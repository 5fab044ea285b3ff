"""Notifications: events handed to subscribers after commit, and durable dispatch."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

import attrs

from iso10002.errors import RepositoryError, ValidationError
from iso10002.handler._store import CheckpointStore, check_name
from iso10002.model import HistoryEvent
from iso10002.repositories import MAX_PAGE_SIZE, ComplaintRepository

__all__ = ["Notification", "Subscriber", "dispatch_pending", "publish"]

_log = logging.getLogger("iso10002")


@attrs.frozen(kw_only=True)
class Notification:
    """One committed history event, as subscribers receive it.

    Args:
        complaint_id: The complaint the event belongs to.
        event: The event (no personal data: load the complaint for that).
        position: Its place in the repository's event feed, when delivered
            by :func:`dispatch_pending`; ``None`` for in-process delivery.

    .. versionadded:: 0.1.0
    """

    complaint_id: str
    event: HistoryEvent
    position: int | None = None


class Subscriber(Protocol):
    """A callable that receives notifications; what it returns is ignored.

    .. versionadded:: 0.1.0
    """

    def __call__(self, notification: Notification, /) -> object:
        """Handle one committed event."""
        ...


def publish(
    subscribers: Iterable[Subscriber], complaint_id: str, events: Iterable[HistoryEvent]
) -> None:
    """Hand committed ``events`` to in-process ``subscribers``, in order.

    A subscriber that raises is logged (``iso10002`` logger) and skipped: the
    step is already committed. Use :func:`dispatch_pending` for delivery
    that must not be lost.
    """
    for event in events:
        notification = Notification(complaint_id=complaint_id, event=event)
        for subscriber in subscribers:
            try:
                subscriber(notification)
            except Exception:  # noqa: BLE001 - one failing subscriber must not stop the others
                _log.exception(
                    "subscriber %r failed on %s of complaint %s; the step is committed",
                    subscriber,
                    event.name,
                    complaint_id,
                )


def _check_batch(batch_size: object) -> int:
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, int)
        or not 1 <= batch_size <= MAX_PAGE_SIZE
    ):
        raise ValidationError.single(
            "batch_size", f"must be an integer from 1 to {MAX_PAGE_SIZE}"
        )
    return batch_size


def dispatch_pending(  # noqa: PLR0913 - options are keyword-only
    repository: ComplaintRepository,
    checkpoints: CheckpointStore,
    subscriber_name: str,
    handler: Subscriber,
    *,
    batch_size: int = 100,
    max_events: int | None = None,
) -> int:
    """Deliver every event ``subscriber_name`` has not handled yet, in feed order.

    Reads the repository's event feed from the subscriber's stored position
    and moves the position forwards only past events ``handler`` returned
    from without raising: a failed delivery (an acknowledgement e-mail the
    mail server refused) is retried by the next call, so every event is
    delivered at least once and in order. If ``handler`` raises, the
    position is saved up to the event before and the exception propagates.
    If another worker moved the position meanwhile, this call stops (its
    events were delivered, possibly twice).

    Args:
        repository: Where the events are.
        checkpoints: Where the subscriber's position is kept.
        subscriber_name: A stable name for the subscriber, e.g. ``ack-mailer``.
        handler: Called once per event with a :class:`Notification`.
        batch_size: Events read per page of the feed.
        max_events: Stop after this many deliveries (``None``: until caught up).

    Returns:
        How many events were delivered successfully.

    Raises:
        ValidationError: for a bad name, batch size or limit.
        RepositoryError: when the feed does not move past the stored position.
        Exception: whatever ``handler`` raised (after saving the position).

    .. versionadded:: 0.1.0
    """
    check_name("subscriber_name", subscriber_name)
    batch_size = _check_batch(batch_size)
    if max_events is not None and (
        isinstance(max_events, bool)
        or not isinstance(max_events, int)
        or max_events < 0
    ):
        raise ValidationError.single("max_events", "must be a non-negative integer")
    delivered = 0
    position = checkpoints.position(subscriber_name)
    while max_events is None or delivered < max_events:
        limit = (
            batch_size
            if max_events is None
            else min(batch_size, max_events - delivered)
        )
        page = repository.events(after=position, limit=limit)
        if not page:
            break
        if page[0].position <= position:
            msg = (
                f"events(after={position}) returned position {page[0].position}: "
                "the repository ignores `after`"
            )
            raise RepositoryError(msg)
        done = position
        moved = True
        try:
            for stored in page:
                handler(
                    Notification(
                        complaint_id=stored.complaint_id,
                        event=stored.event,
                        position=stored.position,
                    )
                )
                done = stored.position
                delivered += 1
        finally:
            if done != position:
                moved = checkpoints.advance(subscriber_name, expected=position, to=done)
                if not moved:
                    _log.info(
                        "subscriber %s was advanced by another worker", subscriber_name
                    )
        if not moved:
            break
        position = done
    return delivered
