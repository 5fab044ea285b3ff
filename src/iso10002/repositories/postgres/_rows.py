"""The PostgreSQL adapter's row store: the narrow port, and its four capabilities.

:class:`PostgresRows` stores and reads rows in the adapter's schema. Besides
the :class:`~iso10002.repositories.rows.RowStore` methods it keeps documents
as heads in ``jsonb`` (``HeadRows``: the history is the ``events`` table;
a document holding NUL is stored escaped, see :mod:`._codec`, and read back
unescaped), reads, checks and writes a complaint in one transaction
(``CheckedRows``), writes each complaint's KPI facts and search terms with
it (``DerivedRows``), and writes over the row last read without reading it
(``RememberedRows``): the ``UPDATE … WHERE version = … AND last_link = …
AND salt = …``, the derived rows and the events go in one round trip (as
one statement over the row this process last wrote, see
:mod:`._one_statement`; else pipelined); only when the row has moved on is
it read in the transaction and the writes sent in a second batch. Inside a
host's transaction every write runs in a savepoint of it (see
:func:`._connect.one_round_trip`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import attrs
import psycopg
from psycopg.types.array import ListBinaryDumper

from iso10002.errors import ConflictError, DuplicateError
from iso10002.integrity import load_document
from iso10002.integrity.documents import is_whole
from iso10002.repositories._kpi_facts import FactRows
from iso10002.repositories._row_capabilities import RowVersion, require_version
from iso10002.repositories._rows import ComplaintRow, EventRow, KeyRow
from iso10002.repositories._search import search_digest
from iso10002.repositories.postgres._codec import complaint_row
from iso10002.repositories.postgres._connect import Connector, idle, one_round_trip
from iso10002.repositories.postgres._errors import translated
from iso10002.repositories.postgres._fact_changes import WrittenFacts
from iso10002.repositories.postgres._row_reads import RowReads, document_text
from iso10002.repositories.postgres._write import Statements

__all__ = ["PostgresRows"]


def _missed(cursor: psycopg.Cursor[Any]) -> bool:
    """Tell whether an ``INSERT`` or ``UPDATE`` came back without a row."""
    return cursor.pgresult is not None and cursor.rowcount == 0


@contextmanager
def _cursors(conn: psycopg.Connection[Any]) -> Iterator[tuple[Any, Any]]:
    with conn.cursor() as first, conn.cursor() as rest:
        yield first, rest


class PostgresRows(RowReads):
    """Rows in the PostgreSQL adapter's tables, through its connector.

    Built as :class:`~._row_reads.RowReads` is, from the adapter's connector
    and the write statements of its schema. It remembers the KPI rows it
    wrote with each complaint's last row, so a save over that row sends only
    what changed (see :mod:`._fact_changes`).
    """

    def __init__(self, db: Connector, statements: Statements) -> None:
        """Store rows through ``db`` with the write ``statements`` of its schema."""
        super().__init__(db, statements)
        self._facts_written = WrittenFacts()

    def insert(
        self, row: ComplaintRow, events: Sequence[EventRow], key: KeyRow | None
    ) -> None:
        """Store a new row given whole (see ``RowStore``): its head is stored."""
        complaint = load_document(row.complaint_id, row.document)
        self.insert_version(
            RowVersion(complaint=complaint, row=row, events=events), key
        )

    def insert_version(
        self, version: RowVersion, key: KeyRow | None
    ) -> ComplaintRow | None:
        """Store a new complaint with its derived rows, as one batch (``DerivedRows``).

        Returns:
            The row stored, its document as the server keeps it.

        Raises:
            DuplicateError: if its id or idempotency key is already stored.
        """
        complaint, row = version.complaint, version.row
        values = complaint_row(
            complaint,
            idempotency_key=None if key is None else key.key,
            salt=row.salt,
            last_link=row.last_link,
        )
        statements = self._sql
        with self._db.lend("add", complaint.id) as conn, _cursors(conn) as cursors:
            insert, rest = cursors
            try:
                with one_round_trip(conn):
                    if key is None or key.payload_digest is None:
                        insert.execute(statements.insert, values)
                    else:
                        insert.execute(
                            statements.insert_keyed, (*values, key.payload_digest)
                        )
                    facts = statements.facts.write_one(rest, complaint, replace=False)
                    statements.search.write(rest, (complaint,))
                    self._append(rest, version)
            except psycopg.Error:
                if not _missed(insert):
                    raise
            if _missed(insert):
                self._duplicate(conn, complaint.id, None if key is None else key.key)
            found = insert.fetchone()
        if found is not None:
            row = attrs.evolve(row, document=document_text(found[0], found[1]))
        self.remember_digest(row, search_digest(complaint))
        self._facts_written.remember(row, facts)
        return row

    def _duplicate(
        self, conn: psycopg.Connection[Any], complaint_id: str, key: str | None
    ) -> None:
        """Raise the DuplicateError of an insert that found its id or key taken."""
        with conn.cursor() as cur:
            cur.execute(
                self._sql.duplicate, (complaint_id, complaint_id, key, complaint_id)
            )
            found = cur.fetchone()
        existing, same_id, digest = found or (complaint_id, True, None)
        raise DuplicateError(
            existing,
            idempotency_key=None if same_id else key,
            payload_digest=None if same_id else digest,
        )

    def _append(self, cur: psycopg.Cursor[Any], version: RowVersion) -> None:
        """Send the new events of a batch, each taking the feed lock first.

        Each is appended only to the row the batch inserted or updated: when
        that statement found nothing to write, the NULL id stops the batch.
        """
        row = version.row
        head = (*self._sql.lock_args, row.complaint_id, row.version, row.last_link)
        params = [
            (*head, e.sequence, e.event, e.commitment, e.link) for e in version.events
        ]
        if len(params) == 1:
            cur.execute(self._sql.insert_events_checked, params[0])
        elif params:
            cur.executemany(self._sql.insert_events_checked, params)

    def _send(
        self,
        update: psycopg.Cursor[Any],
        rest: psycopg.Cursor[Any],
        version: RowVersion,
        over: ComplaintRow,
    ) -> FactRows:
        """Send the statements that store ``version`` over ``over`` (a batch).

        Returns:
            The KPI rows sent, as stored once the batch commits.
        """
        complaint, row = version.complaint, version.row
        values = complaint_row(
            complaint, idempotency_key=None, salt=row.salt, last_link=row.last_link
        )
        update.execute(
            self._sql.update_sql,
            (
                values[1],
                *values[3:],
                complaint.id,
                over.version,
                over.last_link,
                over.salt,
            ),
        )
        facts = self._sql.facts.write_one(
            rest, complaint, replace=True, stored=self._facts_written.stored_with(over)
        )
        self._sql.search.reindex(rest, complaint, self.digest(over))
        self._append(rest, version)
        return facts

    def _written(
        self,
        update: psycopg.Cursor[Any],
        version: RowVersion,
        facts: FactRows,
        digest: Any = None,
    ) -> ComplaintRow:
        """Return the row a batch stored, its document as the server keeps it.

        Its search digest (``digest``, computed if not given) and KPI rows
        are remembered with it (forgotten again by the caller if the
        transaction then fails to commit).
        """
        found = update.fetchone()
        row = version.row
        if found is not None:
            row = attrs.evolve(
                row, document=document_text(found[0], found[1]), index=None
            )
        if digest is None:
            digest = search_digest(version.complaint)
        self.remember_digest(row, digest)
        self._facts_written.remember(row, facts)
        return row

    def _over_remembered(
        self, conn: psycopg.Connection[Any], version: RowVersion, over: ComplaintRow
    ) -> ComplaintRow | None:
        """Store ``version`` over the row last written; ``None`` if it is stale.

        As one statement (see :mod:`._one_statement`) when the connection is
        the repository's own and idle, the version has events, the KPI rows
        and search digest stored with ``over`` are remembered, and the
        searchable texts are unchanged; else as a pipelined batch.
        """
        complaint, row = version.complaint, version.row
        stored = self._facts_written.stored_with(over)
        digest = search_digest(complaint) if stored is not None else None
        if (
            stored is None
            or not version.events
            or not conn.autocommit
            or not idle(conn)
            or digest != self.digest(over)
        ):
            return self._attempt(conn, one_round_trip(conn), version, over)
        facts, shape, changes = self._sql.facts.change(complaint, stored)
        # The row's document is the complaint's head, unless it follows a
        # document stored whole (an older layout).
        document = row.document
        values = complaint_row(
            complaint,
            idempotency_key=None,
            salt=row.salt,
            last_link=row.last_link,
            head=None if is_whole(document) else document,
        )
        params = [
            values[1],
            *values[3:],
            complaint.id,
            over.version,
            over.last_link,
            over.salt,
            *self._sql.one.event_params(
                self._sql.lock_args, complaint.id, version.events
            ),
            *changes,
        ]
        with psycopg.RawCursor(conn) as cur:
            # Arrays in binary, as the statements' ``%b`` asked (see numbered).
            cur.adapters.register_dumper(list, ListBinaryDumper)
            try:
                cur.execute(
                    self._sql.one.statement(shape, events=len(version.events)),
                    params,
                )
            except psycopg.errors.IntegrityError:
                # Stale (the events' complaint id is NULL), or refused for a
                # reason the read-and-write that follows meets again, and reports.
                return None
            return self._written(cur, version, facts, digest)

    def _attempt(
        self,
        conn: psycopg.Connection[Any],
        batch: AbstractContextManager[Any],
        version: RowVersion,
        over: ComplaintRow,
    ) -> ComplaintRow | None:
        """Store ``version`` over ``over`` in ``batch``; ``None`` if it is stale."""
        with _cursors(conn) as (update, rest):
            try:
                with batch:
                    facts = self._send(update, rest, version, over)
            except psycopg.Error:
                if _missed(update):
                    return None
                raise
            if _missed(update):
                return None
            return self._written(update, version, facts)

    def update(
        self,
        row: ComplaintRow,
        events: Sequence[EventRow],
        *,
        expected_version: int,
        forget_digest: bool = False,
    ) -> None:
        """Replace a row given whole (see ``RowStore``), storing its head."""

        def build(current: ComplaintRow) -> RowVersion:
            require_version(current, expected_version)
            complaint = load_document(row.complaint_id, row.document)
            return RowVersion(complaint=complaint, row=row, events=events)

        self.update_checked(row.complaint_id, build, forget_digest=forget_digest)

    @contextmanager
    def _forgetting(self, complaint_id: str) -> Iterator[None]:
        """Forget the KPI rows remembered of ``complaint_id`` if the block fails.

        A write that raised may have been rolled back after its rows were
        remembered (a failed commit).
        """
        try:
            yield
        except BaseException:
            self._facts_written.forget(complaint_id)
            raise

    def update_checked(
        self,
        complaint_id: str,
        build: Callable[[ComplaintRow], RowVersion | None],
        *,
        forget_digest: bool = False,
    ) -> None:
        """Read, build and write in one transaction (see ``CheckedRows``)."""
        action = "erase_personal_data" if forget_digest else "save"
        with (
            self._forgetting(complaint_id),
            self._db.lend(action, complaint_id) as conn,
            conn.transaction(),
        ):
            current = self.locked(conn, complaint_id)
            with translated(
                action, complaint_id=complaint_id, expected_version=current.version
            ):
                version = build(current)
                if forget_digest:
                    with conn.cursor() as cur:
                        cur.execute(self._sql.clear_digest, (complaint_id,))
                if version is None:
                    return
                if self._attempt(conn, conn.pipeline(), version, current) is None:
                    raise ConflictError(complaint_id, expected_version=current.version)

    def update_remembered(
        self,
        complaint_id: str,
        remembered: ComplaintRow | None,
        build: Callable[[ComplaintRow], RowVersion],
    ) -> ComplaintRow:
        """Write over the row last read, reading it only if stale (``RememberedRows``).

        Raises:
            NotFoundError: if no row has that id.
        """
        with self._forgetting(complaint_id):
            if remembered is not None:
                version = build(remembered)
                expected = remembered.version
                with self._db.lend("save", complaint_id, expected) as conn:
                    done = self._over_remembered(conn, version, remembered)
                if done is not None:
                    return done
            with self._db.lend("save", complaint_id) as conn, conn.transaction():
                current = self.locked(conn, complaint_id)
                with translated(
                    "save", complaint_id=complaint_id, expected_version=current.version
                ):
                    version = build(current)
                    done = self._attempt(conn, conn.pipeline(), version, current)
                    if done is None:
                        raise ConflictError(
                            complaint_id, expected_version=current.version
                        )
            return done

    # -- reads -----------------------------------------------------------------

    def close(self) -> None:
        """Close the pool the adapter opened; borrowed ones stay open."""
        self._db.close()
