"""An in-memory, thread-safe repository: for tests, demos and prototypes.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Sequence
from datetime import timedelta

from iso10002.errors import ConflictError, DuplicateError, NotFoundError
from iso10002.integrity.keys import ChainKeys
from iso10002.model import Complaint
from iso10002.repositories._over_rows import RowStoreRepository
from iso10002.repositories._protocol import DEFAULT_LEASE
from iso10002.repositories._records import Query
from iso10002.repositories._rows import ComplaintRow, EventRow, FeedRow, KeyRow
from iso10002.repositories._validate import (
    check_complaint_id,
    check_lease,
    check_query,
    check_worker,
)

__all__ = ["InMemoryComplaintRepository", "MemoryRows"]


class MemoryRows:
    """A :class:`~iso10002.repositories.rows.RowStore` in dicts and lists, one lock.

    What :class:`InMemoryComplaintRepository` keeps; also a reference for a
    new store, and a base to wrap in tests.

    .. versionadded:: 0.2.0
    """

    def __init__(self) -> None:
        """Create an empty store."""
        self.lock = threading.Lock()
        self.rows: dict[str, ComplaintRow] = {}
        self.order: list[tuple[int, str]] = []  # sort keys, sorted
        self.events: dict[str, list[EventRow]] = {}
        self.log: list[FeedRow] = []  # position p at index p - 1
        self.keys: dict[str, KeyRow] = {}
        self.key_of: dict[str, str] = {}

    def _append(self, events: Sequence[EventRow]) -> None:
        for event in events:
            self.events[event.complaint_id].append(event)
            self.log.append(
                FeedRow(
                    position=len(self.log) + 1,
                    complaint_id=event.complaint_id,
                    event=event.event,
                )
            )

    def insert(
        self, row: ComplaintRow, events: Sequence[EventRow], key: KeyRow | None
    ) -> None:
        """Store a new row, its events and its key (see ``RowStore``)."""
        with self.lock:
            if key is not None and key.key in self.keys:
                stored = self.keys[key.key]
                raise DuplicateError(
                    stored.complaint_id,
                    idempotency_key=key.key,
                    payload_digest=stored.payload_digest,
                )
            if row.complaint_id in self.rows:
                raise DuplicateError(row.complaint_id)
            self.rows[row.complaint_id] = row
            bisect.insort(self.order, row.sort_key)
            self.events[row.complaint_id] = []
            self._append(events)
            if key is not None:
                self.keys[key.key] = key
                self.key_of[row.complaint_id] = key.key

    def update(
        self,
        row: ComplaintRow,
        events: Sequence[EventRow],
        *,
        expected_version: int,
        forget_digest: bool = False,
    ) -> None:
        """Replace a row and append events if unchanged (see ``RowStore``)."""
        with self.lock:
            stored = self.rows.get(row.complaint_id)
            if stored is None:
                raise NotFoundError(row.complaint_id)
            if stored.version != expected_version:
                raise ConflictError(
                    row.complaint_id,
                    expected_version=expected_version,
                    actual_version=stored.version,
                )
            if stored.sort_key != row.sort_key:
                self.order.remove(stored.sort_key)
                bisect.insort(self.order, row.sort_key)
            self.rows[row.complaint_id] = row
            self._append(events)
            key = self.key_of.get(row.complaint_id)
            if forget_digest and key is not None:
                self.keys[key] = KeyRow(
                    key=key, complaint_id=row.complaint_id, payload_digest=None
                )

    def read(self, complaint_id: str) -> ComplaintRow | None:
        """Return the row of ``complaint_id`` (see ``RowStore``)."""
        with self.lock:
            return self.rows.get(complaint_id)

    def history(self, complaint_id: str) -> Sequence[EventRow]:
        """Return the events of ``complaint_id`` (see ``RowStore``)."""
        with self.lock:
            return tuple(self.events.get(complaint_id, ()))

    def scan(
        self, *, after: tuple[int, str] | None, limit: int
    ) -> Sequence[ComplaintRow]:
        """Return rows in ``(received_us, id)`` order (see ``RowStore``)."""
        with self.lock:
            start = 0 if after is None else bisect.bisect_right(self.order, after)
            keys = self.order[start : start + limit]
            return tuple(self.rows[key[1]] for key in keys)

    def feed(self, *, after: int, limit: int) -> Sequence[FeedRow]:
        """Return the events after position ``after`` (see ``RowStore``)."""
        with self.lock:
            return tuple(self.log[after : after + limit])

    def close(self) -> None:
        """Do nothing: there is nothing to release."""


class InMemoryComplaintRepository(RowStoreRepository):
    """Keep complaints in memory, guarded by one lock; nothing survives the process.

    A :class:`~iso10002.repositories.RowStoreRepository` over rows kept in
    dicts: it raises the same errors as the durable adapters, keeps the same
    hash chain, and supports ``search`` and ``claim_next``.

    Args:
        chain_keys: Key every new link with HMAC (see
            :mod:`iso10002.integrity.keys`).

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 Built on the row port, like every adapter can be.
    """

    def __init__(self, *, chain_keys: ChainKeys | None = None) -> None:
        """Create an empty repository (keying new links with ``chain_keys``)."""
        self._rows_kept = MemoryRows()
        super().__init__(self._rows_kept, chain_keys=chain_keys, cache_size=1_000_000)
        self._claims_lock = threading.Lock()
        self._claims: dict[str, tuple[str, float]] = {}

    @property
    def store(self) -> MemoryRows:
        """Return the rows this repository keeps."""
        return self._rows_kept

    def claim_next(
        self, query: Query, *, worker: str, lease: timedelta = DEFAULT_LEASE
    ) -> Complaint | None:
        """Claim the first free matching complaint (see ``ClaimingRepository``)."""
        query = check_query(query)
        worker = check_worker(worker)
        lease = check_lease(lease)
        now = time.monotonic()
        with self._claims_lock:
            for complaint in self.find(query, limit=10_000).items:
                holder = self._claims.get(complaint.id)
                if holder is None or holder[1] <= now:
                    self._claims[complaint.id] = (worker, now + lease.total_seconds())
                    return complaint
        return None

    def release_claim(self, complaint_id: str, *, worker: str) -> None:
        """Release ``worker``'s claim on a complaint (see ``ClaimingRepository``)."""
        complaint_id = check_complaint_id(complaint_id)
        worker = check_worker(worker)
        with self._claims_lock:
            if self._rows_kept.read(complaint_id) is None:
                raise NotFoundError(complaint_id)
            holder = self._claims.get(complaint_id)
            if holder is not None and holder[0] == worker:
                del self._claims[complaint_id]
