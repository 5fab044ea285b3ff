"""``RowStoreRepository``: the whole port over any ``RowStore``, computed once."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from datetime import datetime

from iso10002.errors import ConflictError, NotFoundError, RepositoryError
from iso10002.integrity import (
    GENESIS,
    IntegrityReport,
    erase,
    load_document,
    load_event,
    new_salt,
)
from iso10002.integrity.keys import ChainKeys, RecordKey, checked_keys
from iso10002.model import Complaint, HistoryEvent
from iso10002.repositories._parsed import ParsedDocuments
from iso10002.repositories._protocol import DEFAULT_PAGE_SIZE
from iso10002.repositories._query import (
    check_limit,
    check_position,
    decode_cursor,
    encode_cursor,
    matches,
)
from iso10002.repositories._records import Page, Query, StoredEvent
from iso10002.repositories._row_capabilities import (
    DerivedRows,
    RememberedRows,
    RowVersion,
)
from iso10002.repositories._row_chain import verify_rows, version_rows
from iso10002.repositories._row_paths import CheckedPaths, HeadReader
from iso10002.repositories._rows import (
    ComplaintRow,
    EventRow,
    KeyRow,
    RowStore,
)
from iso10002.repositories._search import SearchQuery, check_search, matches_search
from iso10002.repositories._validate import (
    check_complaint,
    check_complaint_id,
    check_idempotency_key,
    check_payload_digest,
    check_query,
    check_save,
)
from iso10002.repositories.anchors import Anchor, with_anchor

__all__ = ["RowStoreRepository"]

_SCAN_PAGE = 500
_ERASE_ATTEMPTS = 10


class RowStoreRepository:
    """A :class:`~iso10002.repositories.ComplaintRepository` over any row store.

    Everything but storing rows happens here, once for every store: argument
    checks, serialisation, the hash chain and the commitments to personal
    data (:mod:`iso10002.integrity`), erasure under a fresh salt, paging in
    the one order of ``find``, the search predicate, and verification of
    every stored chain. ``find``, ``count`` and ``search`` read the rows in
    ``scan`` order and select them here: simple and correct, in time
    proportional to the number of complaints.

    A store may also implement the optional capabilities of
    :mod:`iso10002.repositories.rows` (``HeadRows``, ``CheckedRows``,
    ``DerivedRows``); they are found here and used.

    Args:
        store: Where the rows are kept (see
            :class:`~iso10002.repositories.rows.RowStore`).
        chain_keys: Key every new link with HMAC (see
            :mod:`iso10002.integrity.keys`).
        cache_size: How many parsed complaints to keep, so that reading an
            unchanged row does not parse its document again.

    .. versionadded:: 0.2.0
    """

    _min_parsed_events = 0
    # A parsed complaint is remembered from this many events (see _parsed).

    def __init__(
        self,
        store: RowStore,
        *,
        chain_keys: ChainKeys | None = None,
        cache_size: int = 1024,
    ) -> None:
        """Serve the port from ``store``."""
        self._store = store
        self._chain_keys = checked_keys(chain_keys)
        self._chain_key = None if chain_keys is None else chain_keys.current
        self._parsed = ParsedDocuments(
            size=cache_size,
            min_events=self._min_parsed_events,
            keep_short=isinstance(store, RememberedRows),
        )
        # Events written here, by their text: the feed returns them unparsed.
        self._written: dict[str, HistoryEvent] = {}
        self._written_size = cache_size * 8
        self._written_lock = threading.Lock()
        self._heads = HeadReader.of(store, self._parsed)
        self._checked = CheckedPaths.of(store, self._parsed, self._heads, self._rows)
        self._derived = store if isinstance(store, DerivedRows) else None

    @property
    def store(self) -> RowStore:
        """Return the row store this repository serves."""
        return self._store

    # -- rows ---------------------------------------------------------------

    def _load(self, row: ComplaintRow) -> Complaint:
        stamp = (row.document, row.version, row.last_link)
        known = self._parsed.known(row.complaint_id, stamp)
        if known is not None:
            return known
        complaint = load_document(row.complaint_id, row.document)
        self._parsed.remember(row.complaint_id, stamp, complaint)
        return complaint

    def _rows(
        self,
        complaint: Complaint,
        after_version: int,
        previous_link: str,
        salt: bytes,
        stored: str | None = None,
    ) -> tuple[ComplaintRow, list[EventRow]]:
        """Serialise and chain a version (see :func:`version_rows`)."""
        row, events = version_rows(
            complaint,
            after_version=after_version,
            previous_link=previous_link,
            salt=salt,
            key=self._chain_key,
            stored=stored,
            heads=self._heads is not None,
        )
        with self._written_lock:
            for event, item in zip(
                complaint.history[after_version:], events, strict=True
            ):
                self._written[item.event] = event
            while len(self._written) > self._written_size:
                del self._written[next(iter(self._written))]
        return row, events

    def _current(self, complaint_id: str) -> ComplaintRow:
        row = self._store.read(complaint_id)
        if row is None:
            raise NotFoundError(complaint_id)
        return row

    def _scan(self, after: tuple[int, str] | None = None) -> Iterator[ComplaintRow]:
        """Yield the rows after ``after`` in ``scan`` order, refusing a stuck store."""
        while True:
            page = self._store.scan(after=after, limit=_SCAN_PAGE)
            for row in page:
                if after is not None and row.sort_key <= after:
                    msg = "the store's scan returned a row not after its cursor"
                    raise RepositoryError(msg)
                after = row.sort_key
                yield row
            if len(page) < _SCAN_PAGE:
                return

    def _matching(
        self, query: Query, start: tuple[int, str] | None = None
    ) -> Iterator[Complaint]:
        for row in self._scan(start):
            complaint = self._load(row)
            if matches(query, complaint):
                yield complaint

    # -- the ComplaintRepository port ----------------------------------------

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
        row, events = self._rows(complaint, 0, GENESIS, new_salt())
        key_row = (
            None
            if key is None
            else KeyRow(key=key, complaint_id=complaint.id, payload_digest=digest)
        )
        if self._derived is None:
            self._store.insert(row, events, key_row)
        else:
            version = RowVersion(complaint=complaint, row=row, events=events)
            row = self._derived.insert_version(version, key_row) or row
        if self._heads is not None and self._heads.last is not None:
            self._heads.last.remember(row)
        self._parsed.remember(
            complaint.id, (row.document, row.version, row.last_link), complaint
        )
        return complaint

    def get(self, complaint_id: str) -> Complaint:
        """Load a complaint (see :meth:`ComplaintRepository.get`)."""
        complaint_id = check_complaint_id(complaint_id)
        if self._heads is not None:
            return self._heads.get(complaint_id)
        return self._load(self._current(complaint_id))

    def remembered(self, complaint_id: str) -> Complaint | None:
        """Return the complaint as last read or written here, without a read.

        Only a store that writes over the row last read
        (:class:`~iso10002.repositories.rows.RememberedRows`) remembers
        rows; the complaint is the one parsed or written for exactly that
        row (see :class:`~iso10002.repositories.RememberingRepository`).
        """
        heads = self._heads
        if heads is None or heads.last is None or not isinstance(complaint_id, str):
            return None
        row = heads.last.get(complaint_id)
        if row is None:
            return None
        return self._parsed.known(
            complaint_id, (row.document, row.version, row.last_link)
        )

    def _write(
        self,
        complaint: Complaint,
        current: ComplaintRow,
        salt: bytes,
        *,
        expected_version: int,
        forget_digest: bool = False,
    ) -> None:
        row, events = self._rows(
            complaint, expected_version, current.last_link, salt, current.document
        )
        self._parsed.forget(complaint.id)
        self._store.update(
            row,
            events,
            expected_version=expected_version,
            forget_digest=forget_digest,
        )
        self._parsed.remember(
            complaint.id, (row.document, row.version, row.last_link), complaint
        )

    def save(self, complaint: Complaint, *, expected_version: int) -> Complaint:
        """Store a new version (see :meth:`ComplaintRepository.save`)."""
        complaint = check_save(complaint, expected_version)
        if self._checked is not None:
            self._checked.save(complaint, expected_version)
            return complaint
        current = self._current(complaint.id)
        # The store checks the version, atomically with the write: a stale
        # save chains onto the wrong head and is refused there.
        self._write(complaint, current, current.salt, expected_version=expected_version)
        return complaint

    def find(
        self, query: Query, *, limit: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Page:
        """Find matching complaints (see :meth:`ComplaintRepository.find`)."""
        query = check_query(query)
        limit = check_limit(limit)
        start = None if after is None else decode_cursor(after)
        items: list[Complaint] = []
        more = False
        for complaint in self._matching(query, start):
            if len(items) == limit:
                more = True
                break
            items.append(complaint)
        cursor = encode_cursor(items[-1]) if more else None
        return Page(items=tuple(items), next_cursor=cursor)

    def count(self, query: Query) -> int:
        """Count matching complaints (see :meth:`ComplaintRepository.count`)."""
        query = check_query(query)
        return sum(1 for _ in self._matching(query))

    def search(self, query: SearchQuery, *, limit: int = 50) -> tuple[Complaint, ...]:
        """Search by words and contacts, scanning (see ``SearchableRepository``)."""
        query, limit = check_search(query, limit)
        found: list[Complaint] = []
        for row in self._scan():
            complaint = self._load(row)
            if matches_search(query, complaint):
                found.append(complaint)
                if len(found) == limit:
                    break
        return tuple(found)

    def events(
        self, *, after: int = 0, limit: int = DEFAULT_PAGE_SIZE
    ) -> tuple[StoredEvent, ...]:
        """Read the event feed (see :meth:`ComplaintRepository.events`)."""
        after = check_position(after)
        limit = check_limit(limit)
        rows = self._store.feed(after=after, limit=limit)
        previous = after
        found = []
        for row in rows[:limit]:
            if row.position <= previous:
                msg = "the store's feed returned a position not after its cursor"
                raise RepositoryError(msg)
            previous = row.position
            # Equal texts parse to equal events, so a remembered one will do.
            event = self._written.get(row.event)
            if event is None:
                event = load_event(row.complaint_id, row.event)
            found.append(
                StoredEvent(
                    position=row.position, complaint_id=row.complaint_id, event=event
                )
            )
        return tuple(found)

    def erase_personal_data(
        self, complaint_id: str, *, actor: str, at: datetime
    ) -> Complaint:
        """Erase personal data (see :meth:`ComplaintRepository.erase_personal_data`).

        The erased version is stored under a fresh salt; a save that lands
        between reading the complaint and storing the erasure makes it start
        again, so a concurrent step cannot make an erasure fail.
        """
        complaint_id = check_complaint_id(complaint_id)
        self._parsed.forget(complaint_id)
        if self._checked is not None:
            return self._checked.erase(complaint_id, self._current, actor=actor, at=at)
        for _ in range(_ERASE_ATTEMPTS):
            current = self._current(complaint_id)
            complaint = load_document(complaint_id, current.document)
            erased = erase(complaint, actor=actor, at=at)
            try:
                if erased is complaint:
                    self._store.update(
                        current,
                        (),
                        expected_version=current.version,
                        forget_digest=True,
                    )
                else:
                    self._write(
                        erased,
                        current,
                        new_salt(),
                        expected_version=current.version,
                        forget_digest=True,
                    )
            except ConflictError:
                continue
            return erased
        msg = f"could not erase complaint {complaint_id!r}: it kept changing"
        raise RepositoryError(msg)

    def verify_integrity(
        self,
        *,
        anchor: Anchor | None = None,
        anchor_keys: Mapping[str, RecordKey] | None = None,
    ) -> IntegrityReport:
        """Check every hash chain (see :meth:`ComplaintRepository.verify_integrity`).

        Besides each complaint's chain, commitments and document, the row's
        version and last link are checked against its events.
        """
        report = verify_rows(self._scan(), self._store.history, self._chain_keys)
        return with_anchor(report, self, anchor, anchor_keys)

    def close(self) -> None:
        """Close the store."""
        self._store.close()
