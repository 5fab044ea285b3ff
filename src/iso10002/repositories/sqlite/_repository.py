"""The SQLite adapter's class: the public methods over the private modules."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import timedelta

from iso10002.errors import ValidationError
from iso10002.integrity import IntegrityReport
from iso10002.integrity.keys import ChainKeys, RecordKey
from iso10002.model import Complaint
from iso10002.repositories._over_rows import RowStoreRepository
from iso10002.repositories._parsed import MIN_EVENTS
from iso10002.repositories._parsed import SIZE as PARSED_SIZE
from iso10002.repositories._protocol import DEFAULT_LEASE, DEFAULT_PAGE_SIZE
from iso10002.repositories._query import check_limit, decode_cursor, encode_cursor
from iso10002.repositories._records import Page, Query
from iso10002.repositories._search import (
    SearchQuery,
    check_search,
    matches_search,
    query_terms,
)
from iso10002.repositories._validate import (
    check_complaint,
    check_complaint_id,
    check_lease,
    check_query,
    check_worker,
)
from iso10002.repositories.anchors import Anchor, with_anchor
from iso10002.repositories.sqlite._claims import claim_first, release
from iso10002.repositories.sqlite._connect import SYNCHRONOUS_MODES, translated
from iso10002.repositories.sqlite._policy_pushdown import SQLitePolicyPushDown
from iso10002.repositories.sqlite._read import DOCUMENT_COLUMNS, read_row
from iso10002.repositories.sqlite._rows import SQLiteRows
from iso10002.repositories.sqlite._schema import migrate
from iso10002.repositories.sqlite._search import search_sql
from iso10002.repositories.sqlite._sql import column_value, count_sql, select_sql
from iso10002.repositories.sqlite._verify import verify_all
from iso10002.repositories.sqlite._verify_quick import verify_quick, write_checkpoint
from iso10002.repositories.sqlite._write import import_many, insert_many

__all__ = ["SYNCHRONOUS_MODES", "SQLiteComplaintRepository"]


class SQLiteComplaintRepository(RowStoreRepository, SQLitePolicyPushDown):
    """Keep complaints in one SQLite file (or in memory for ``":memory:"``).

    A :class:`~iso10002.repositories.RowStoreRepository` over the adapter's
    row store, which keeps documents as heads, reads and writes a complaint
    in one transaction and writes its KPI facts, identifiers and search terms
    with it; selection (``find``, ``count``, ``search``, ``claim_next``),
    the KPI push-down and the deeper ``verify_integrity`` run in SQL.

    Args:
        path: The database file, created with its schema when missing, or
            ``":memory:"`` for a private in-memory database.
        synchronous: SQLite's ``PRAGMA synchronous``: ``"NORMAL"`` (default)
            survives process crashes; ``"FULL"`` also power loss, more slowly.
        timeout: Seconds to wait for another writer before giving up.
        chain_keys: Key every new link with HMAC under a secret the database
            does not hold, and verify keyed links with these keys (see
            :mod:`iso10002.integrity.keys`).

    Raises:
        ValidationError: for an unknown ``synchronous`` mode or a bad timeout.
        IntegrityError: if the file is not a database or is newer than this
            library.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.3.0 Built on the row port.
    """

    _min_parsed_events = MIN_EVENTS

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: str = "NORMAL",
        timeout: float = 30.0,
        chain_keys: ChainKeys | None = None,
    ) -> None:
        """Open (and if needed create or migrate) the database at ``path``."""
        RowStoreRepository.__init__(
            self, SQLiteRows(self), chain_keys=chain_keys, cache_size=PARSED_SIZE
        )
        SQLitePolicyPushDown.__init__(
            self, path, synchronous=synchronous, timeout=timeout
        )
        try:
            with translated(), self._connection() as connection:
                migrate(connection)
        except BaseException:
            # Not a usable database (or not ours): close what was opened so
            # the failed construction leaks no file handle.
            self.close()
            raise

    def add_many(self, complaints: Iterable[Complaint]) -> int:
        """Store many new complaints in one transaction (bulk import).

        The rows are built and written a few hundred complaints at a time,
        inside that one transaction, so memory beyond ``complaints`` itself
        stays bounded; see :meth:`import_complaints` for a stream of any
        length.

        Args:
            complaints: New complaints, none of them stored yet.

        Returns:
            How many were stored.

        Raises:
            DuplicateError: if any id is already stored; then none is stored.
            ValidationError: if any item is not a complaint.

        .. versionadded:: 0.1.0
        """
        checked = [check_complaint(c) for c in complaints]
        with self._transaction() as connection:
            insert_many(connection, checked, self._chain_key)
        return len(checked)

    def import_complaints(
        self, complaints: Iterable[Complaint], *, batch_size: int = 2000
    ) -> int:
        """Bulk-load new complaints in batches, one transaction per batch.

        The same method as the PostgreSQL adapter's; holds one batch in
        memory at a time, so ``complaints`` may be a generator of any length.
        Each batch is sealed as it is written (as :meth:`record_checkpoint`
        seals), so the quick check on opening need not check it deeply; see
        :doc:`/storage`.

        Args:
            complaints: New complaints (none may be stored already).
            batch_size: Complaints per transaction.

        Returns:
            How many complaints were stored.

        Raises:
            DuplicateError: naming an id already stored or repeated in a batch
                (that batch is not stored; earlier batches stay).
            ValidationError: for a bad batch size or an item that is not a
                complaint.

        .. versionadded:: 0.1.0
        .. versionchanged:: 0.3.0 The complaints are sealed as written.
        """
        if (
            isinstance(batch_size, bool)
            or not isinstance(batch_size, int)
            or batch_size < 1
        ):
            raise ValidationError.single("batch_size", "must be a positive integer")
        total = 0
        batch: list[Complaint] = []
        for complaint in complaints:
            batch.append(check_complaint(complaint))
            if len(batch) >= batch_size:
                total += self._import(batch)
                batch = []
        if batch:
            total += self._import(batch)
        return total

    def _import(self, batch: list[Complaint]) -> int:
        with self._transaction() as connection:
            import_many(connection, batch, self._chain_keys)
        return len(batch)

    def find(
        self, query: Query, *, limit: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Page:
        """Find matching complaints (see :meth:`ComplaintRepository.find`)."""
        query = check_query(query)
        limit = check_limit(limit)
        start = None if after is None else decode_cursor(after)
        sql, params = select_sql(
            query, after=start, columns=f"id, {DOCUMENT_COLUMNS}", limit=limit + 1
        )
        with translated(), self._connection() as connection:
            rows = connection.execute(sql, params).fetchall()
        items = tuple(
            read_row(column_value(row[0]), row[1], row[2]) for row in rows[:limit]
        )
        more = len(rows) > limit
        return Page(items=items, next_cursor=encode_cursor(items[-1]) if more else None)

    def search(self, query: SearchQuery, *, limit: int = 50) -> tuple[Complaint, ...]:
        """Search words and contacts through the term index (see SearchQuery)."""
        query, limit = check_search(query, limit)
        sql, params = search_sql(query_terms(query), limit)
        with translated(), self._connection() as connection:
            rows = connection.execute(sql, params).fetchall()
        found = (read_row(column_value(r[0]), r[1], r[2]) for r in rows)
        return tuple(c for c in found if matches_search(query, c))

    def count(self, query: Query) -> int:
        """Count matching complaints (see :meth:`ComplaintRepository.count`)."""
        query = check_query(query)
        sql, params = count_sql(query)
        with translated(), self._connection() as connection:
            row = connection.execute(sql, params).fetchone()
        return int(row[0])

    def verify_integrity(
        self,
        *,
        anchor: Anchor | None = None,
        anchor_keys: Mapping[str, RecordKey] | None = None,
        quick: bool = False,
    ) -> IntegrityReport:
        """Check every hash chain (see :meth:`ComplaintRepository.verify_integrity`).

        Besides each complaint's chain and document, the row's version, last
        link and indexed columns are checked against them, events of
        complaints that are not stored are named, and so are positions
        missing from the event log (SQLite hands them out without gaps).

        With ``quick``, the check the command line opens a store with: chains
        from stored bytes, heads and the seals of the last checkpoint
        (:meth:`record_checkpoint`), and deeply only what is not sealed.

        .. versionchanged:: 0.3.0 ``quick``.
        """
        check = verify_quick if quick else verify_all
        with self._transaction("BEGIN") as connection:
            report = check(connection, self._chain_keys)
        return with_anchor(report, self, anchor, anchor_keys)

    def record_checkpoint(self) -> IntegrityReport:
        """Check the store deeply and, if it is sound, seal every complaint.

        The seals let ``verify_integrity(quick=True)`` check a complaint not
        written since by comparing digests of its stored rows. Writers wait
        for the check (one write transaction).

        Returns:
            The deep check's report; nothing is sealed unless it is ``ok``.

        .. versionadded:: 0.3.0
        """
        with self._transaction() as connection:
            return write_checkpoint(connection, self._chain_keys)

    def claim_next(
        self, query: Query, *, worker: str, lease: timedelta = DEFAULT_LEASE
    ) -> Complaint | None:
        """Claim the first free matching complaint (see ``ClaimingRepository``)."""
        query = check_query(query)
        worker = check_worker(worker)
        lease = check_lease(lease)
        with self._transaction() as connection:
            return claim_first(connection, query, worker, lease)

    def release_claim(self, complaint_id: str, *, worker: str) -> None:
        """Release ``worker``'s claim on a complaint (see ``ClaimingRepository``)."""
        complaint_id = check_complaint_id(complaint_id)
        worker = check_worker(worker)
        with self._transaction() as connection:
            release(connection, complaint_id, worker)
