"""The PostgreSQL adapter's class: the public methods over the private modules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

from iso10002.clock import Clock, SystemClock
from iso10002.integrity import IntegrityReport
from iso10002.integrity.keys import ChainKeys, RecordKey
from iso10002.model import Complaint
from iso10002.repositories._over_rows import RowStoreRepository
from iso10002.repositories._parsed import MIN_EVENTS
from iso10002.repositories._parsed import SIZE as PARSED_SIZE
from iso10002.repositories._protocol import DEFAULT_PAGE_SIZE
from iso10002.repositories._records import Page, Query
from iso10002.repositories._search import SearchQuery
from iso10002.repositories.anchors import Anchor, with_anchor
from iso10002.repositories.postgres import _queue as queue
from iso10002.repositories.postgres._connect import Connector
from iso10002.repositories.postgres._erase import vacuum_complaints
from iso10002.repositories.postgres._errors import translated
from iso10002.repositories.postgres._policy_pushdown import PostgresPolicyPushDown
from iso10002.repositories.postgres._reads import Reads
from iso10002.repositories.postgres._rows import PostgresRows
from iso10002.repositories.postgres._schema import check_schema_name
from iso10002.repositories.postgres._schema import migrate as migrate_schema
from iso10002.repositories.postgres._verify import verify_all
from iso10002.repositories.postgres._verify_quick import verify_quick, write_checkpoint
from iso10002.repositories.postgres._write import Statements

__all__ = ["PostgresComplaintRepository"]

_DEFAULT_LEASE = timedelta(minutes=5)


class PostgresComplaintRepository(RowStoreRepository, PostgresPolicyPushDown):
    """Keep complaints in PostgreSQL, shared safely by many processes and hosts.

    How it connects, stores, orders the event feed and hands out work is
    described in :mod:`iso10002.repositories.postgres`. It is a
    :class:`~iso10002.repositories.RowStoreRepository` over the adapter's
    row store, which keeps documents as heads, reads and writes a complaint
    in one transaction, writes its KPI facts and search terms with it, and
    saves over the row last read in one round trip; selection (``find``,
    ``count``, ``search``, ``claim_next``), bulk imports, the KPI push-down
    and the deeper ``verify_integrity`` run in SQL.

    Args:
        target: A DSN, a connection pool or a connection (see above).
        schema: The PostgreSQL schema holding the store.
        migrate: Create or upgrade the schema when opening; when ``False``
            opening fails unless the schema is at the current version.
        clock: The time claims and leases are judged by.
        pool_size: Most connections of the pool opened for a DSN.
        connect_timeout: Seconds to wait for the server when opening a DSN.
        chain_keys: Key every new link with HMAC under a secret the database
            does not hold, and verify keyed links with these keys (see
            :mod:`iso10002.integrity.keys`).

    Raises:
        ValidationError: for a bad ``schema`` or ``target``.
        RepositoryError: if the server does not answer or the schema is newer
            than this library.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.3.0 Built on the row port.
    """

    _min_parsed_events = MIN_EVENTS

    def __init__(  # noqa: PLR0913 - each option is independent
        self,
        target: str | ConnectionPool[Any] | psycopg.Connection[Any],
        *,
        schema: str = "iso10002",
        migrate: bool = True,
        clock: Clock | None = None,
        pool_size: int = 4,
        connect_timeout: float = 10.0,
        chain_keys: ChainKeys | None = None,
    ) -> None:
        """Connect and make sure the schema is current."""
        self.schema = check_schema_name(schema)
        self._clock = clock or SystemClock()
        size, timeout = pool_size, connect_timeout
        self._db = Connector(target, pool_size=size, connect_timeout=timeout)
        self._sql = Statements(self.schema, getattr(chain_keys, "current", None))
        self._s = s = sql.Identifier(self.schema)
        self._reads = Reads(self._db, s, self._sql.search)
        RowStoreRepository.__init__(
            self,
            PostgresRows(self._db, self._sql),
            chain_keys=chain_keys,
            cache_size=PARSED_SIZE,
        )
        try:
            with translated("open"), self._db.connection() as conn:
                migrate_schema(conn, self.schema, apply=migrate)
        except BaseException:
            self.close()
            raise

    # -- the ComplaintRepository protocol ---------------------------------------------

    def find(
        self, query: Query, *, limit: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Page:
        """Find complaints matching ``query``, one page at a time (see the protocol).

        Raises:
            ValidationError: for a bad query, limit or cursor.
        """
        return self._reads.find(query, limit=limit, after=after)

    def search(self, query: SearchQuery, *, limit: int = 50) -> tuple[Complaint, ...]:
        """Search words and contacts through the term index (see SearchQuery)."""
        return self._reads.search(query, limit=limit)

    def count(self, query: Query) -> int:
        """Count the complaints matching ``query`` (see the protocol)."""
        return self._reads.count(query)

    def verify_integrity(
        self,
        *,
        anchor: Anchor | None = None,
        anchor_keys: Mapping[str, RecordKey] | None = None,
        quick: bool = False,
    ) -> IntegrityReport:
        """Check every complaint's hash chain, document and commitments.

        Complaints are read in pages, so memory stays bounded. With
        ``anchor``, every anchored history is checked against it too
        (see :mod:`iso10002.repositories.anchors`).

        With ``quick``, the check the command line opens a store with: chains
        from stored bytes (in SQL), heads and the seals of the last
        checkpoint (:meth:`record_checkpoint`), and deeply only what is not
        sealed.

        .. versionchanged:: 0.3.0 ``quick``.
        """
        check = verify_quick if quick else verify_all
        report = check(self._db, self.schema, self._chain_keys)
        return with_anchor(report, self, anchor, anchor_keys)

    def record_checkpoint(self) -> IntegrityReport:
        """Check the store deeply and, if it is sound, seal every complaint.

        The seals let ``verify_integrity(quick=True)`` check a complaint not
        written since by comparing digests of its stored rows. Writers wait
        for the check (the complaints table is locked in share mode).

        Returns:
            The deep check's report; nothing is sealed unless it is ``ok``.

        .. versionadded:: 0.3.0
        """
        return write_checkpoint(self._db, self.schema, self._chain_keys)

    def close(self) -> None:
        """Close the pool this repository opened; borrowed ones stay open."""
        self._db.close()

    def purge_erased(self) -> None:
        """Rewrite the complaints table so erased values leave its files.

        Runs ``VACUUM (FULL, ANALYZE)`` on the complaints table: the dead row versions
        an erasure leaves (table and TOAST) go with the old files. Row versions that a
        transaction still running on the server may see are kept: run it again once such
        transactions have ended. Holds an ``ACCESS EXCLUSIVE`` lock while it runs and
        cannot run in a transaction. WAL, archives and backups are out of its reach; see
        :doc:`/confidentiality`.

        Raises:
            RepositoryError: if the server refuses (lock, privilege, open
                transaction).

        .. versionadded:: 0.2.0
        """
        vacuum_complaints(self._db, self._s)

    # -- beyond the protocol (push-down: see PostgresPushDown) ------------------------

    def claim_next(
        self, query: Query, *, worker: str, lease: timedelta = _DEFAULT_LEASE
    ) -> Complaint | None:
        """Hand the most urgent unclaimed complaint matching ``query`` to ``worker``.

        Most urgent means earliest pending due date, then earliest received.
        Rows locked by other workers' claims in flight are skipped
        (``FOR UPDATE SKIP LOCKED``), so many workers can drain one queue
        without waiting on each other or being handed the same complaint.

        Args:
            query: Which complaints are work (e.g. ``Query(due_before=…)``).
            worker: Who takes it (at most 200 characters).
            lease: How long the claim lasts unless released.

        Returns:
            The claimed complaint, or ``None`` when nothing matching is free.

        Raises:
            ValidationError: for a bad query, worker or lease.

        .. versionadded:: 0.1.0
        """
        return queue.claim_next(
            self._db,
            self.schema,
            now=self._clock.now(),
            query=query,
            worker=worker,
            lease=lease,
        )

    def release_claim(self, complaint_id: str, *, worker: str) -> None:
        """End ``worker``'s claim on a complaint early; other workers may then take it.

        Releasing a claim that expired or belongs to another worker changes nothing.

        Args:
            complaint_id: The claimed complaint.
            worker: The worker that claimed it.

        Raises:
            NotFoundError: if no complaint has that id.
            ValidationError: for a bad worker.

        .. versionadded:: 0.1.0
        """
        queue.release_claim(self._db, self.schema, complaint_id, worker)

    def import_complaints(
        self, complaints: Iterable[Complaint], *, batch_size: int = 2000
    ) -> int:
        """Bulk-load new complaints with their histories, using COPY.

        Each batch is one transaction: all of it is stored or none. Use it to
        migrate from another system; everyday intake goes through :meth:`add`.

        Args:
            complaints: New complaints (none may be stored already).
            batch_size: Complaints per transaction.

        Returns:
            How many complaints were stored.

        Raises:
            DuplicateError: naming an id already stored or repeated in a batch
                (that batch is not stored; earlier batches stay).
            ValidationError: if an item is not a complaint with history.

        .. versionadded:: 0.1.0
        """
        return queue.import_in_batches(self._db, self._sql, complaints, batch_size)
