"""Erasure, the retention sweep and redacted reads of many complaints."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from iso10002.errors import ValidationError
from iso10002.handler._access import (
    ERASE,
    EXPORT,
    EXPORT_PERSONAL_DATA,
    READ,
    SWEEP_RETENTION,
)
from iso10002.handler._actor import Actor, as_actor
from iso10002.handler._core import HandlerCore
from iso10002.handler._notify import Subscriber, publish
from iso10002.handler._notify import dispatch_pending as _dispatch
from iso10002.handler._redact import redact
from iso10002.handler._retention import RetentionReport, sweep_candidates
from iso10002.model import Complaint
from iso10002.repositories import Query, iter_complaints
from iso10002.serialization import to_dict

if TYPE_CHECKING:
    from iso10002.handler._handler import ComplaintsHandler

__all__ = [
    "complaints_for_analysis",
    "dispatch_pending",
    "erase_personal_data",
    "export",
    "sweep_retention",
]

_EVERYONE_HIDDEN = Actor("redaction")


def _erase(core: HandlerCore, complaint_id: str, who: Actor) -> Complaint:
    """Erase one complaint's personal data through the repository, once committed."""
    current = core.repository.get(complaint_id)
    core.check(who, ERASE, current)
    erased = core.repository.erase_personal_data(
        complaint_id, actor=who.name, at=core.at(current)
    )
    publish(core.subscribers, erased.id, erased.history[current.version :])
    return core.view(erased, who)


def _sweep(core: HandlerCore, who: Actor, now: datetime | None) -> RetentionReport:
    """Erase every ended complaint kept longer than the retention period."""
    core.check(who, SWEEP_RETENTION, None)
    if core.retention is None:
        raise ValidationError.single(
            "retention",
            "is not set: the pack defines none; pass retention= to the handler",
        )
    cutoff = (now or core.clock.now()) - core.retention
    checked, due = sweep_candidates(core.repository, core.terminal, cutoff)
    erased: list[str] = []
    for complaint_id in due:
        current = core.repository.get(complaint_id)
        done = core.repository.erase_personal_data(
            complaint_id, actor=who.name, at=core.at(current)
        )
        if done.version != current.version:
            publish(core.subscribers, done.id, done.history[current.version :])
            erased.append(complaint_id)
    return RetentionReport(checked=checked, erased=tuple(erased), cutoff=cutoff)


def _readable(
    core: HandlerCore, who: Actor, query: Query | None, *, include_personal_data: bool
) -> Iterator[Complaint]:
    """Yield the complaints ``who`` may read, redacted for an export."""
    core.check(who, EXPORT, None)
    if include_personal_data:
        core.check(who, EXPORT_PERSONAL_DATA, None)
    for complaint in iter_complaints(core.repository, query):
        if not core.access.can(who, READ, complaint):
            continue
        if include_personal_data:
            yield core.view(complaint, who)
        else:
            yield redact(complaint, _EVERYONE_HIDDEN, access=core.access)


def erase_personal_data(  # noqa: D417 - self is the handler
    self: ComplaintsHandler, complaint_id: str, *, actor: Actor | str
) -> Complaint:
    """Erase a complaint's personal data, keeping statistics; recorded in history.

    Delegates to the repository's ``erase_personal_data``, which appends a
    ``PersonalDataErased`` event naming the erased fields; subscribers
    receive it after commit. Erasing twice changes nothing.

    Args:
        complaint_id: The complaint.
        actor: Who asked (the access policy must allow ``erase``).

    Returns:
        The erased complaint.

    Raises:
        NotFoundError: if there is no such complaint.
        AccessDenied: if ``actor`` may not erase it.

    .. versionadded:: 0.1.0
    """
    return _erase(self._core, complaint_id, as_actor(actor))


def sweep_retention(  # noqa: D417 - self is the handler
    self: ComplaintsHandler, *, actor: Actor | str, now: datetime | None = None
) -> RetentionReport:
    """Anonymise every ended complaint kept longer than the retention period.

    A complaint is due when it ended (entered a terminal state) more than
    the retention period ago; its personal data is erased through the
    repository, recorded as ``PersonalDataErased`` with ``actor``;
    statuses, dates, categories and outcomes stay for statistics.

    Args:
        actor: Who runs the sweep (``sweep_retention`` must be allowed).
        now: The instant judged at (the clock's by default).

    Returns:
        How many ended complaints were examined and which were erased.

    Raises:
        AccessDenied: if ``actor`` may not run the sweep.
        ValidationError: if the handler has no retention period.

    .. versionadded:: 0.1.0
    """
    return _sweep(self._core, as_actor(actor), now)


def export(  # noqa: D417 - self is the handler
    self: ComplaintsHandler,
    query: Query | None = None,
    *,
    actor: Actor | str,
    include_personal_data: bool = False,
) -> Iterator[dict[str, Any]]:
    """Export complaints as JSON-ready dicts, without personal data by default.

    Args:
        query: Which complaints (all by default).
        actor: Who exports (``export`` must be allowed, and
            ``export_personal_data`` to include personal data).
        include_personal_data: Keep the personal fields ``actor`` may read.

    Returns:
        An iterator of ``iso10002.serialization.to_dict`` documents, in
        ``(received_at, id)`` order, with bounded memory.

    Raises:
        AccessDenied: if ``actor`` may not export (checked on the first item).

    .. versionadded:: 0.1.0
    """
    who = as_actor(actor)
    for complaint in _readable(
        self._core, who, query, include_personal_data=include_personal_data
    ):
        yield to_dict(complaint)


def complaints_for_analysis(  # noqa: D417 - self is the handler
    self: ComplaintsHandler,
    query: Query | None = None,
    *,
    actor: Actor | str,
    include_personal_data: bool = False,
) -> Iterator[Complaint]:
    """Return complaints as analysis inputs, redacted by default.

    Args:
        query: Which complaints (all by default).
        actor: Who analyses (``export`` must be allowed).
        include_personal_data: Keep the personal fields ``actor`` may read
            (needs ``export_personal_data``).

    Returns:
        An iterator of complaints in ``(received_at, id)`` order.

    Raises:
        AccessDenied: if ``actor`` may not export (checked on the first item).

    .. versionadded:: 0.1.0
    """
    return _readable(
        self._core,
        as_actor(actor),
        query,
        include_personal_data=include_personal_data,
    )


def dispatch_pending(
    self: ComplaintsHandler,
    subscriber_name: str,
    handler: Subscriber,
    *,
    batch_size: int = 100,
    max_events: int | None = None,
) -> int:
    """Deliver the events ``subscriber_name`` has not handled yet, durably.

    See :func:`iso10002.handler.dispatch_pending`; the position is kept
    in the handler's store, next to the complaints.

    Returns:
        How many events were delivered successfully.

    Raises:
        Exception: whatever ``handler`` raised (after saving the position).

    .. versionadded:: 0.1.0
    """
    return _dispatch(
        self._core.repository,
        self._core.store,
        subscriber_name,
        handler,
        batch_size=batch_size,
        max_events=max_events,
    )
