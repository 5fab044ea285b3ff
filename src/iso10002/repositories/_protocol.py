"""The storage port: ``ComplaintRepository`` and the values it speaks in.

How an adapter implements it
----------------------------
A repository is any object with the methods of :class:`ComplaintRepository`;
there is no base class to inherit. Behaviour is pinned by the shipped
conformance suite, :class:`iso10002.testing.contract.RepositoryContract`: an
adapter is correct when a three-line subclass of it passes.

The short way is the narrow port: implement
:class:`~iso10002.repositories.rows.RowStore` (rows in and out, atomically,
with a version check) and serve it with
:class:`~iso10002.repositories.RowStoreRepository`, which keeps every rule
below. An adapter that implements this whole port itself, to push queries
down to its indexes as the SQLite and PostgreSQL adapters do, builds on the
same public helpers rather than re-deriving the rules:

* :mod:`iso10002.repositories.rows`: :func:`~iso10002.repositories.rows.index_values`
  gives the columns an index needs for every :class:`Query` field
  (``next_due_at``, ``met_late``, ``received_us`` …) and
  :func:`~iso10002.repositories.rows.matches` is the reference predicate;
  :func:`~iso10002.repositories.rows.encode_cursor` and
  :func:`~iso10002.repositories.rows.decode_cursor` make keyset cursors over
  ``(received_at, id)``, the one order of :meth:`ComplaintRepository.find`.
* :mod:`iso10002.integrity`: :func:`~iso10002.integrity.prepare` computes,
  for the events a save appends, the commitment to the personal data and the
  hash-chain link to store with each event;
  :func:`~iso10002.integrity.inspect_complaint` checks what was stored and
  returns :class:`~iso10002.integrity.IntegrityProblem` values;
  :func:`~iso10002.integrity.erase` returns the erased next version of a
  complaint, which the adapter saves like any other version, with a fresh
  salt.

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
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from iso10002.errors import RepositoryError
from iso10002.integrity import IntegrityReport
from iso10002.model import Complaint
from iso10002.repositories._records import Page, Query, StoredEvent

if TYPE_CHECKING:  # the anchors module builds on this one
    from iso10002.integrity.keys import RecordKey
    from iso10002.repositories.anchors import Anchor

__all__ = [
    "DEFAULT_LEASE",
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "ClaimingRepository",
    "ComplaintRepository",
    "RememberingRepository",
    "iter_complaints",
]

DEFAULT_PAGE_SIZE = 100
"""Page size of :meth:`ComplaintRepository.find` when none is given."""

MAX_PAGE_SIZE = 10_000
"""Largest page :meth:`ComplaintRepository.find` and ``events`` accept."""


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


@runtime_checkable
class RememberingRepository(Protocol):
    """A repository that remembers the complaints it last read or wrote (optional).

    The handler starts a step from the remembered complaint and saves it
    checked (``expected_version``): when another writer has changed it
    since, the save is refused and the step starts again from a read, so a
    step on a complaint this process holds the latest version of needs no
    read first.

    .. versionadded:: 0.3.0
    """

    def remembered(self, complaint_id: str) -> Complaint | None:
        """Return the complaint as last read or written here, without a read.

        It is the stored version as far as this repository knows; another
        writer may have changed it since. Use it only for a checked save.

        Returns:
            The complaint, or ``None`` when it is not remembered.
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
