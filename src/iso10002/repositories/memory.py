"""An in-memory, thread-safe repository: for tests, demos and prototypes.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Mapping
from datetime import datetime, timedelta

import attrs

from iso10002.errors import ConflictError, DuplicateError, NotFoundError
from iso10002.integrity import (
    GENESIS,
    ChainedEvent,
    IntegrityProblem,
    IntegrityReport,
    StoredLink,
    chain_events,
    dump_document,
    erase,
    inspect_complaint,
    new_salt,
)
from iso10002.integrity.keys import ChainKeys, RecordKey, checked_keys
from iso10002.model import Complaint
from iso10002.repositories._protocol import DEFAULT_LEASE, DEFAULT_PAGE_SIZE
from iso10002.repositories._query import (
    check_limit,
    check_position,
    decode_cursor,
    encode_cursor,
    matches,
    sort_key,
)
from iso10002.repositories._records import Page, Query, StoredEvent
from iso10002.repositories._search import (
    SearchQuery,
    check_search,
    matches_search,
)
from iso10002.repositories._validate import (
    check_complaint,
    check_complaint_id,
    check_idempotency_key,
    check_lease,
    check_payload_digest,
    check_query,
    check_save,
    check_worker,
)
from iso10002.repositories.anchors import Anchor, with_anchor

__all__ = ["InMemoryComplaintRepository"]


@attrs.define
class _Entry:
    complaint: Complaint
    salt: bytes
    links: list[ChainedEvent]


class InMemoryComplaintRepository:
    """Keep complaints in a dict guarded by one lock; nothing survives the process.

    Raises the same errors as the durable adapters, keeps the same hash chain,
    and supports ``claim_next``.

    Args:
        chain_keys: Key every new link with HMAC (see
            :mod:`iso10002.integrity.keys`).

    .. versionadded:: 0.1.0
    """

    def __init__(self, *, chain_keys: ChainKeys | None = None) -> None:
        """Create an empty repository (keying new links with ``chain_keys``)."""
        self._chain_keys = checked_keys(chain_keys)
        self._chain_key = None if chain_keys is None else chain_keys.current
        self._lock = threading.RLock()
        self._entries: dict[str, _Entry] = {}
        # idempotency key -> (complaint id, payload digest or None)
        self._keys: dict[str, tuple[str, str | None]] = {}
        self._key_of: dict[str, str] = {}
        self._feed: list[StoredEvent] = []
        self._claims: dict[str, tuple[str, float]] = {}

    def _append(self, chained: tuple[ChainedEvent, ...], complaint_id: str) -> None:
        position = self._feed[-1].position if self._feed else 0
        for item in chained:
            position += 1
            self._feed.append(
                StoredEvent(
                    position=position, complaint_id=complaint_id, event=item.event
                )
            )

    def add(
        self,
        complaint: Complaint,
        *,
        idempotency_key: str | None = None,
        payload_digest: str | None = None,
    ) -> Complaint:
        """Store a new complaint (see :meth:`ComplaintRepository.add`)."""
        complaint = check_complaint(complaint)
        key = check_idempotency_key(idempotency_key)
        digest = check_payload_digest(payload_digest)
        with self._lock:
            if key is not None and key in self._keys:
                stored_id, stored_digest = self._keys[key]
                raise DuplicateError(
                    stored_id, idempotency_key=key, payload_digest=stored_digest
                )
            if complaint.id in self._entries:
                raise DuplicateError(complaint.id)
            salt = new_salt()
            chained = chain_events(
                complaint,
                after_version=0,
                previous_link=GENESIS,
                salt=salt,
                key=self._chain_key,
            )
            self._entries[complaint.id] = _Entry(complaint, salt, list(chained))
            if key is not None:
                self._keys[key] = (complaint.id, digest)
                self._key_of[complaint.id] = key
            self._append(chained, complaint.id)
        return complaint

    def get(self, complaint_id: str) -> Complaint:
        """Load a complaint (see :meth:`ComplaintRepository.get`)."""
        complaint_id = check_complaint_id(complaint_id)
        with self._lock:
            entry = self._entries.get(complaint_id)
        if entry is None:
            raise NotFoundError(complaint_id)
        return entry.complaint

    def _store(
        self, complaint: Complaint, expected_version: int, salt: bytes | None
    ) -> None:
        entry = self._entries.get(complaint.id)
        if entry is None:
            raise NotFoundError(complaint.id)
        if entry.complaint.version != expected_version:
            raise ConflictError(
                complaint.id,
                expected_version=expected_version,
                actual_version=entry.complaint.version,
            )
        salt = salt or entry.salt
        chained = chain_events(
            complaint,
            after_version=expected_version,
            previous_link=entry.links[-1].link,
            salt=salt,
            key=self._chain_key,
        )
        entry.complaint, entry.salt = complaint, salt
        entry.links.extend(chained)
        self._append(chained, complaint.id)

    def save(self, complaint: Complaint, *, expected_version: int) -> Complaint:
        """Store a new version (see :meth:`ComplaintRepository.save`)."""
        complaint = check_save(complaint, expected_version)
        with self._lock:
            self._store(complaint, expected_version, None)
        return complaint

    def find(
        self, query: Query, *, limit: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Page:
        """Find matching complaints (see :meth:`ComplaintRepository.find`)."""
        query = check_query(query)
        limit = check_limit(limit)
        start = None if after is None else decode_cursor(after)
        with self._lock:
            found = sorted(
                (
                    e.complaint
                    for e in self._entries.values()
                    if matches(query, e.complaint)
                ),
                key=sort_key,
            )
        if start is not None:
            found = found[bisect.bisect_right([sort_key(c) for c in found], start) :]
        items = tuple(found[:limit])
        more = len(found) > limit
        return Page(items=items, next_cursor=encode_cursor(items[-1]) if more else None)

    def search(self, query: SearchQuery, *, limit: int = 50) -> tuple[Complaint, ...]:
        """Search by words and contacts, scanning (see ``SearchableRepository``)."""
        query, limit = check_search(query, limit)
        with self._lock:
            found = sorted(
                (
                    e.complaint
                    for e in self._entries.values()
                    if matches_search(query, e.complaint)
                ),
                key=sort_key,
            )
        return tuple(found[:limit])

    def count(self, query: Query) -> int:
        """Count matching complaints (see :meth:`ComplaintRepository.count`)."""
        query = check_query(query)
        with self._lock:
            return sum(1 for e in self._entries.values() if matches(query, e.complaint))

    def events(
        self, *, after: int = 0, limit: int = DEFAULT_PAGE_SIZE
    ) -> tuple[StoredEvent, ...]:
        """Read the event feed (see :meth:`ComplaintRepository.events`)."""
        after = check_position(after)
        limit = check_limit(limit)
        with self._lock:
            # Positions are 1, 2, 3 … without gaps here, so the index is the position.
            return tuple(self._feed[after : after + limit])

    def erase_personal_data(
        self, complaint_id: str, *, actor: str, at: datetime
    ) -> Complaint:
        """Erase personal data (see :meth:`ComplaintRepository.erase_personal_data`)."""
        complaint_id = check_complaint_id(complaint_id)
        with self._lock:
            current = self.get(complaint_id)
            erased = erase(current, actor=actor, at=at)
            if erased is not current:
                self._store(erased, current.version, new_salt())
            key = self._key_of.get(complaint_id)
            if key is not None:
                self._keys[key] = (complaint_id, None)
        return erased

    def verify_integrity(
        self,
        *,
        anchor: Anchor | None = None,
        anchor_keys: Mapping[str, RecordKey] | None = None,
    ) -> IntegrityReport:
        """Check every hash chain (see :meth:`ComplaintRepository.verify_integrity`)."""
        with self._lock:
            entries = [
                (i, e.complaint, e.salt, list(e.links))
                for i, e in self._entries.items()
            ]
        problems: list[IntegrityProblem] = []
        unreplayable: list[str] = []
        events = 0
        for complaint_id, complaint, salt, links in sorted(entries, key=lambda x: x[0]):
            events += len(links)
            check = inspect_complaint(
                complaint_id,
                document=dump_document(complaint),
                links=[
                    StoredLink(
                        sequence=c.sequence,
                        event=c.event_json,
                        commitment=c.commitment,
                        link=c.link,
                    )
                    for c in links
                ],
                salt=salt,
            )
            problems.extend(check.problems)
            if not check.replayable:
                unreplayable.append(complaint_id)
        report = IntegrityReport(
            complaints_checked=len(entries),
            events_checked=events,
            problems=tuple(problems),
            unreplayable=tuple(unreplayable),
        )
        return with_anchor(report, self, anchor, anchor_keys)

    def claim_next(
        self, query: Query, *, worker: str, lease: timedelta = DEFAULT_LEASE
    ) -> Complaint | None:
        """Claim the first free matching complaint (see ``ClaimingRepository``)."""
        query = check_query(query)
        worker = check_worker(worker)
        lease = check_lease(lease)
        now = time.monotonic()
        with self._lock:
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
        with self._lock:
            if complaint_id not in self._entries:
                raise NotFoundError(complaint_id)
            holder = self._claims.get(complaint_id)
            if holder is not None and holder[0] == worker:
                del self._claims[complaint_id]

    def close(self) -> None:
        """Do nothing: there is nothing to release."""
