"""The narrow storage port: rows stored and read atomically with a version check.

An adapter author implements :class:`RowStore` and nothing else; a
:class:`~iso10002.repositories.RowStoreRepository` over it serialises,
chains, commits to personal data, erases, pages and verifies, the same way
for every store. The rows are plain values: text, bytes and integers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import attrs

from iso10002.repositories._query import IndexValues

__all__ = ["ComplaintRow", "EventRow", "FeedRow", "KeyRow", "RowStore"]


@attrs.frozen(kw_only=True)
class ComplaintRow:
    """One complaint as stored: its document and its chain's state.

    Args:
        complaint_id: The complaint's id, the row's key.
        version: The stored version (the number of events in its history).
        document: The complaint's JSON text, history included (a
            :class:`~iso10002.repositories.rows.HeadRows` store writes and
            reads heads, the text without the history, through its own
            methods).
        salt: The salt of its personal-data commitments (replaced on erasure).
        last_link: The link of its last event, the head of its hash chain.
        received_us: When the complaint was received, in microseconds since
            the epoch: ``scan`` orders by it, then by ``complaint_id``.
        index: On writes, every column a store that selects in the database
            could index (:func:`~iso10002.repositories.rows.index_values`); a
            store may return ``None`` on reads.

    .. versionadded:: 0.2.0
    """

    complaint_id: str
    version: int
    document: str
    salt: bytes
    last_link: str
    received_us: int
    index: IndexValues | None = None

    @property
    def sort_key(self) -> tuple[int, str]:
        """Return the row's place in ``scan`` order: ``(received_us, id)``."""
        return (self.received_us, self.complaint_id)


@attrs.frozen(kw_only=True)
class EventRow:
    """One history event as stored, with its commitment and hash-chain link.

    .. versionadded:: 0.2.0
    """

    complaint_id: str
    sequence: int
    event: str
    commitment: str
    link: str


@attrs.frozen(kw_only=True)
class FeedRow:
    """One event of the global feed: its position, its complaint, its JSON text.

    .. versionadded:: 0.2.0
    """

    position: int
    complaint_id: str
    event: str


@attrs.frozen(kw_only=True)
class KeyRow:
    """An idempotency key stored with the complaint it created.

    .. versionadded:: 0.2.0
    """

    key: str
    complaint_id: str
    payload_digest: str | None


@runtime_checkable
class RowStore(Protocol):
    """What a storage adapter implements: rows in, rows out, atomically.

    Every write is one transaction. ``insert`` and ``update`` give each event
    the next position of the feed; a reader that has seen position ``p`` must
    never later find a new event below ``p`` (hand positions out in commit
    order, for example under one write lock). Raise
    :mod:`iso10002.errors` classes, never a driver's own.

    .. versionadded:: 0.2.0
    """

    def insert(
        self, row: ComplaintRow, events: Sequence[EventRow], key: KeyRow | None
    ) -> None:
        """Store a new complaint row, its events and its idempotency key.

        Raises:
            DuplicateError: storing nothing, when the id is stored
                (``DuplicateError(id)``) or the key is
                (``DuplicateError(stored id, idempotency_key=key,
                payload_digest=stored digest)``).
        """

    def update(
        self,
        row: ComplaintRow,
        events: Sequence[EventRow],
        *,
        expected_version: int,
        forget_digest: bool = False,
    ) -> None:
        """Replace a row and append its new events, if its version is unchanged.

        Args:
            row: The new row (same id).
            events: The events to append (none for a rewrite of the row).
            expected_version: The version the stored row must still have.
            forget_digest: Also clear the payload digest of the complaint's
                idempotency key (an erasure).

        Raises:
            NotFoundError: if no row has that id.
            ConflictError: changing nothing, if the stored version is not
                ``expected_version`` (give ``expected_version`` and
                ``actual_version``).
        """

    def read(self, complaint_id: str) -> ComplaintRow | None:
        """Return the stored row of ``complaint_id``, or ``None``."""

    def history(self, complaint_id: str) -> Sequence[EventRow]:
        """Return the stored events of ``complaint_id`` in sequence order."""

    def scan(
        self, *, after: tuple[int, str] | None, limit: int
    ) -> Sequence[ComplaintRow]:
        """Return up to ``limit`` rows after ``after``, in ``sort_key`` order."""

    def feed(self, *, after: int, limit: int) -> Sequence[FeedRow]:
        """Return up to ``limit`` events with positions above ``after``, in order."""

    def close(self) -> None:
        """Release what the store holds (connections, files)."""
