"""The storage port: ``ComplaintRepository`` and the values it speaks in.

How an adapter implements it
----------------------------
A repository is any object with the methods of :class:`ComplaintRepository`;
there is no base class to inherit. Behaviour is pinned by the shipped
conformance suite, :class:`iso10002.testing.contract.RepositoryContract`: an
adapter is correct when a three-line subclass of it passes. Build on the
shared pure helpers rather than re-deriving the rules:

* ``iso10002.repositories._query``: :func:`index_values` gives the columns an
  index needs for every :class:`Query` field (``next_due_at``, ``met_late``,
  ``received_us`` …) and :func:`matches` is the reference predicate;
  :func:`encode_cursor` / :func:`decode_cursor` make keyset cursors over
  ``(received_at, id)``, the one order of :meth:`ComplaintRepository.find`.
* ``iso10002.repositories._integrity``: :func:`chain_events` computes, for
  the events a save appends, the commitment to the personal data and the
  hash-chain link to store with each event; :func:`verify_complaint` checks
  what was stored and returns :class:`IntegrityProblem` values.
* ``iso10002.repositories._erasure``: :func:`erase` returns the erased next
  version of a complaint; the adapter saves it like any other version, with a
  fresh salt.

Rules every adapter keeps:

1. ``add`` stores the document and every history event in one transaction;
   the same id or idempotency key again raises :class:`~iso10002.errors.DuplicateError`
   and stores nothing. The ``payload_digest`` given with a key is stored with
   it, returned in the error (``DuplicateError.payload_digest``) and cleared
   by ``erase_personal_data``.
2. ``save(c, expected_version=v)`` stores ``c`` and appends ``c.history[v:]``
   in one transaction, only if the stored version is still ``v``; otherwise
   :class:`~iso10002.errors.ConflictError` and nothing changes.
3. ``events`` positions increase strictly and a reader that has seen position
   ``p`` never later finds a new event below ``p`` (commit order, not start
   order).
4. Driver errors never escape: translate them into ``iso10002.errors`` classes;
   a stored document that cannot be read is an :class:`~iso10002.errors.IntegrityError`.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from iso10002.errors import RepositoryError, ValidationError
from iso10002.model import Channel, Complaint, ExternalId, HistoryEvent
from iso10002.validators import aware, instance_of, optional, text, to_utc

if TYPE_CHECKING:  # the anchors module builds on this one
    from iso10002.repositories.anchors import Anchor
    from iso10002.repositories.keys import RecordKey

__all__ = [
    "DEFAULT_LEASE",
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "ClaimingRepository",
    "ComplaintRepository",
    "IntegrityProblem",
    "IntegrityReport",
    "Page",
    "Query",
    "StoredEvent",
    "iter_complaints",
]

DEFAULT_PAGE_SIZE = 100
"""Page size of :meth:`ComplaintRepository.find` when none is given."""

MAX_PAGE_SIZE = 10_000
"""Largest page :meth:`ComplaintRepository.find` and ``events`` accept."""


def _statuses(value: Any) -> Any:
    if isinstance(value, (list, set, frozenset)):
        return (
            tuple(sorted(value))
            if isinstance(value, (set, frozenset))
            else tuple(value)
        )
    return value


def _check_statuses(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple):
        raise ValidationError.single(
            attribute.name,
            f"must be a tuple of status names, not {type(value).__name__}",
        )
    check = text(max_length=100)
    for i, item in enumerate(value):
        try:
            check(_inst, attribute, item)
        except ValidationError as exc:
            raise ValidationError.single(
                f"{attribute.name}[{i}]", exc.problems[0][1]
            ) from None


def _channel(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, Channel):
        try:
            return Channel(value)
        except ValueError:
            return value
    return value


def _check_channel(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, Channel):
        raise ValidationError.single(
            attribute.name, f"must be one of {[c.value for c in Channel]}"
        )


def _check_breached(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, bool):
        raise ValidationError.single(attribute.name, "must be True, False or None")


@attrs.frozen(kw_only=True)
class Query:
    """Which complaints to find or count; every criterion given must hold.

    Args:
        status_in: Statuses to match (any of them); empty matches every status.
        received_from: Received at or after this instant.
        received_before: Received strictly before this instant.
        due_before: Has a pending due date (``met_at is None``) with
            ``due_at`` strictly before this instant.
        breached: ``True`` matches complaints with a pending due date already
            passed at ``as_of`` or a due date met late; ``False`` the others.
        as_of: The instant ``breached`` is judged at (required with it).
        assignee: Assigned to exactly this actor.
        category: Classified in exactly this category.
        channel: Received through this channel.
        reference: Has exactly this human reference.
        external_id: Has this identifier in another system (e.g. a
            regulator's complaint id); adapters index it.

    Raises:
        ValidationError: naming the field, for a wrong type, a naive datetime,
            or ``breached`` without ``as_of``.

    .. versionadded:: 0.1.0
    """

    status_in: tuple[str, ...] = attrs.field(
        default=(), converter=_statuses, validator=_check_statuses
    )
    received_from: datetime | None = attrs.field(
        default=None, converter=to_utc, validator=optional(aware)
    )
    received_before: datetime | None = attrs.field(
        default=None, converter=to_utc, validator=optional(aware)
    )
    due_before: datetime | None = attrs.field(
        default=None, converter=to_utc, validator=optional(aware)
    )
    breached: bool | None = attrs.field(default=None, validator=_check_breached)
    as_of: datetime | None = attrs.field(
        default=None, converter=to_utc, validator=optional(aware)
    )
    assignee: str | None = attrs.field(
        default=None, validator=optional(text(max_length=200))
    )
    category: str | None = attrs.field(
        default=None, validator=optional(text(max_length=100))
    )
    channel: Channel | None = attrs.field(
        default=None, converter=_channel, validator=_check_channel
    )
    reference: str | None = attrs.field(
        default=None, validator=optional(text(max_length=64))
    )
    external_id: ExternalId | None = attrs.field(
        default=None, validator=optional(instance_of(ExternalId))
    )

    def __attrs_post_init__(self) -> None:
        """Check that ``breached`` comes with the instant it is judged at."""
        if self.breached is not None and self.as_of is None:
            raise ValidationError.single("as_of", "is required when breached is given")


@attrs.frozen(kw_only=True)
class Page:
    """One page of :meth:`ComplaintRepository.find`, in ``(received_at, id)`` order.

    Args:
        items: The complaints on this page.
        next_cursor: Pass it as ``after`` to get the next page; ``None`` on
            the last page.

    .. versionadded:: 0.1.0
    """

    items: tuple[Complaint, ...]
    next_cursor: str | None = None


@attrs.frozen(kw_only=True)
class StoredEvent:
    """One history event in the global feed of :meth:`ComplaintRepository.events`.

    Args:
        position: Place in the feed: strictly increasing, in commit order,
            possibly with gaps.
        complaint_id: The complaint the event belongs to.
        event: The event itself (its ``sequence`` is its place in the
            complaint's history).

    .. versionadded:: 0.1.0
    """

    position: int
    complaint_id: str
    event: HistoryEvent


@attrs.frozen(kw_only=True)
class IntegrityProblem:
    """A broken link, a mismatch or an unreadable record found by an integrity check.

    Args:
        complaint_id: The complaint concerned.
        sequence: The history event concerned, when the problem is in one.
        message: What is wrong.

    .. versionadded:: 0.1.0
    """

    complaint_id: str
    message: str
    sequence: int | None = None


@attrs.frozen(kw_only=True)
class IntegrityReport:
    """The result of :meth:`ComplaintRepository.verify_integrity`.

    Args:
        complaints_checked: How many complaints were checked.
        events_checked: How many stored events were checked.
        problems: Everything found, in complaint order.
        unreplayable: Complaints whose history predates facts in events
            (recorded before 0.2.0): their documents were checked against
            their chains and commitments, but not against a fold of the
            history. Append the facts with
            :func:`iso10002.history.record_facts` to close the gap.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 ``unreplayable``.
    """

    complaints_checked: int
    events_checked: int
    problems: tuple[IntegrityProblem, ...] = ()
    unreplayable: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Tell whether no problem was found."""
        return not self.problems

    @property
    def broken_complaint_ids(self) -> tuple[str, ...]:
        """Return the ids of the complaints with problems, sorted, each once."""
        return tuple(sorted({p.complaint_id for p in self.problems}))


@runtime_checkable
class ComplaintRepository(Protocol):
    """Where complaints are kept: the port every storage adapter implements.

    All methods raise only ``iso10002.errors`` exceptions; see the module
    docstring for the rules adapters keep.

    .. versionadded:: 0.1.0
    """

    def add(
        self,
        complaint: Complaint,
        *,
        idempotency_key: str | None = None,
        payload_digest: str | None = None,
    ) -> Complaint:
        """Store a new complaint with its whole history.

        Args:
            complaint: The complaint, at version 1 or later.
            idempotency_key: The caller's key for this intake (e.g. a form
                submission id); a retry with the same key is refused.
            payload_digest: A digest of what was submitted under the key,
                stored with it and handed back in the
                :class:`~iso10002.errors.DuplicateError` of a retry, so the
                caller can tell a retry from a different payload. Cleared by
                :meth:`erase_personal_data` (it is derived from personal data).

        Returns:
            The stored complaint.

        Raises:
            DuplicateError: if the id or the idempotency key is already stored;
                for the key, with the stored ``payload_digest``.
            ValidationError: if the complaint has no history, or for a bad
                key or digest.

        .. versionchanged:: 0.2.0
           ``payload_digest``.
        """
        ...

    def get(self, complaint_id: str) -> Complaint:
        """Load the latest version of a complaint.

        Args:
            complaint_id: The complaint's id.

        Returns:
            The complaint.

        Raises:
            NotFoundError: if no complaint has that id.
            IntegrityError: if the stored document cannot be read.
        """
        ...

    def save(self, complaint: Complaint, *, expected_version: int) -> Complaint:
        """Store a new version and append its new history events atomically.

        Args:
            complaint: The new version (``complaint.version > expected_version``).
            expected_version: The version the change was based on.

        Returns:
            The stored complaint.

        Raises:
            NotFoundError: if the complaint was never added.
            ConflictError: if the stored version is not ``expected_version``.
            ValidationError: if ``complaint.version <= expected_version``.
        """
        ...

    def find(
        self, query: Query, *, limit: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Page:
        """Find complaints matching ``query``, one page at a time.

        Args:
            query: The criteria.
            limit: Largest page size (1 to :data:`MAX_PAGE_SIZE`).
            after: The ``next_cursor`` of the previous page.

        Returns:
            A page in ``(received_at, id)`` order.

        Raises:
            ValidationError: for a bad limit or cursor.
        """
        ...

    def count(self, query: Query) -> int:
        """Count the complaints matching ``query``.

        Args:
            query: The criteria.

        Returns:
            How many complaints match.
        """
        ...

    def events(
        self, *, after: int = 0, limit: int = DEFAULT_PAGE_SIZE
    ) -> tuple[StoredEvent, ...]:
        """Read the global event feed after a position, in commit order.

        Args:
            after: The last position already read (0 for the start).
            limit: Most events to return (1 to :data:`MAX_PAGE_SIZE`).

        Returns:
            Up to ``limit`` events with positions greater than ``after``.

        Raises:
            ValidationError: for a negative position or a bad limit.
        """
        ...

    def erase_personal_data(
        self, complaint_id: str, *, actor: str, at: datetime
    ) -> Complaint:
        """Replace a complaint's personal data and record the erasure in its history.

        Counts, dates, categories and outcomes are kept; erasing twice changes
        nothing the second time. The ``payload_digest`` stored with the
        complaint's idempotency key is cleared (the key itself stays).

        Args:
            complaint_id: The complaint to erase.
            actor: Who asked for the erasure.
            at: When (not earlier than the last event).

        Returns:
            The erased complaint (one version later, unless already erased).

        Raises:
            NotFoundError: if no complaint has that id.
            ValidationError: if ``actor`` or ``at`` is invalid.
        """
        ...

    def verify_integrity(
        self,
        *,
        anchor: Anchor | None = None,
        anchor_keys: Mapping[str, RecordKey] | None = None,
    ) -> IntegrityReport:
        """Check every complaint's hash chain and stored documents.

        Each document (and each indexed column an adapter keeps) must agree
        with the fold of its chained history. With ``anchor`` (see
        :mod:`iso10002.repositories.anchors`), every anchored history must
        still extend what was anchored; with ``anchor_keys``, the anchor's
        signature is checked first.

        Returns:
            A report naming each complaint with a problem.
        """
        ...

    def close(self) -> None:
        """Release connections and other resources; the repository is unusable after."""
        ...


DEFAULT_LEASE = timedelta(minutes=5)
"""How long a claim made by :meth:`ClaimingRepository.claim_next` lasts by default."""


@runtime_checkable
class ClaimingRepository(ComplaintRepository, Protocol):
    """A repository that can hand due work to one worker at a time (optional ability).

    .. versionadded:: 0.1.0
    """

    def claim_next(
        self, query: Query, *, worker: str, lease: timedelta = DEFAULT_LEASE
    ) -> Complaint | None:
        """Claim the first matching complaint no other worker holds a live claim on.

        Complaints are considered in ``find`` order; the claim lasts ``lease``
        or until :meth:`release_claim`. Concurrent callers never receive the
        same complaint while its claim lasts.

        Args:
            query: Which complaints are work to do.
            worker: Who claims (any stable name of the worker).
            lease: How long the claim lasts.

        Returns:
            The claimed complaint, or ``None`` when none is free.
        """
        ...

    def release_claim(self, complaint_id: str, *, worker: str) -> None:
        """Release ``worker``'s claim on a complaint (no effect if it holds none).

        Args:
            complaint_id: The complaint claimed.
            worker: The worker that claimed it.
        """
        ...


def iter_complaints(
    repository: ComplaintRepository, query: Query | None = None, *, page_size: int = 500
) -> Iterator[Complaint]:
    """Iterate over every complaint matching ``query`` with bounded memory.

    Pages through :meth:`ComplaintRepository.find` with keyset cursors, so
    only one page is held at a time.

    Args:
        repository: Any repository.
        query: The criteria (every complaint when ``None``).
        page_size: Complaints fetched per page.

    Returns:
        An iterator in ``(received_at, id)`` order.

    Raises:
        RepositoryError: when a page does not move past the previous one (the
            repository's ``find`` ignores ``after``), instead of looping forever.

    .. versionadded:: 0.1.0
    """
    criteria = query or Query()
    after: str | None = None
    last: tuple[datetime, str] | None = None
    while True:
        page = repository.find(criteria, limit=page_size, after=after)
        if page.items:
            first = page.items[0]
            if last is not None and (first.received_at, first.id) <= last:
                msg = (
                    f"find(after={after!r}) returned {first.id!r} again or out of "
                    "order: the repository's find does not honour `after`"
                )
                raise RepositoryError(msg)
            last = (page.items[-1].received_at, page.items[-1].id)
        yield from page.items
        if page.next_cursor is None:
            return
        if page.next_cursor == after:
            msg = f"find(after={after!r}) returned the same cursor: it never ends"
            raise RepositoryError(msg)
        after = page.next_cursor
