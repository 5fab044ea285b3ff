"""The PostgreSQL adapter's row store: the narrow port, and its four capabilities.

:class:`PostgresRows` stores and reads rows in the adapter's schema. Besides
the :class:`~iso10002.repositories.rows.RowStore` methods it keeps documents
as heads in ``jsonb`` (``HeadRows``: the history is the ``events`` table;
a document holding NUL is stored escaped, see :mod:`._codec`, and read back
unescaped), reads, checks and writes a complaint in one transaction
(``CheckedRows``), writes each complaint's KPI facts and search terms with
it (``DerivedRows``), and writes over the row last read without reading it
(``RememberedRows``): the ``UPDATE … WHERE version = … AND last_link = …
AND salt = …``, the derived rows and the events go pipelined, in one round
trip; only when the row has moved on is it read in the transaction and the
writes sent in a second batch. Inside a host's transaction every write runs
in a savepoint of it (see :func:`._connect.one_round_trip`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import attrs
import psycopg
from psycopg import sql

from iso10002.errors import ConflictError, DuplicateError, NotFoundError
from iso10002.integrity import load_document
from iso10002.integrity.documents import whole_document
from iso10002.repositories._query import from_micros, to_micros
from iso10002.repositories._row_capabilities import HeadRow, RowVersion
from iso10002.repositories._rows import ComplaintRow, EventRow, FeedRow, KeyRow
from iso10002.repositories._search import search_digest
from iso10002.repositories.postgres._codec import complaint_row, unescape_document
from iso10002.repositories.postgres._connect import Connector, one_round_trip
from iso10002.repositories.postgres._errors import translated
from iso10002.repositories.postgres._write import Statements

__all__ = ["PostgresRows"]

_HISTORY = (
    "(SELECT string_agg(e.event::text, ',' ORDER BY e.sequence) FROM {s}.events e"
    " WHERE e.complaint_id = c.id AND e.sequence <= c.version)"
)
_COLUMNS = (
    "c.id, c.version, c.document::text, c.document_escaped, c.salt, c.last_link,"
    " c.received_at, {history},"
    " (SELECT d.digest FROM {s}.search_digests d WHERE d.complaint_id = c.id)"
)


def _bytes(template: str, schema: sql.Identifier) -> bytes:
    """Compose ``template`` once (psycopg would compose it on every execution)."""
    history = sql.SQL(_HISTORY).format(s=schema)
    return sql.SQL(template).format(s=schema, history=history).as_bytes()


def _document(text: str, escaped: Any) -> str:
    """Return a stored document's text, its NUL escape undone."""
    if not escaped:
        return text
    return json.dumps(
        unescape_document(json.loads(text)), ensure_ascii=False, separators=(",", ":")
    )


def _row(found: Sequence[Any], *, whole: bool) -> ComplaintRow:
    """Return a row of ``_COLUMNS``; ``whole`` splices the history in."""
    document = _document(found[2], found[3])
    if whole:
        document = whole_document(document, found[7])
    return ComplaintRow(
        complaint_id=found[0],
        version=found[1],
        document=document,
        salt=bytes(found[4]),
        last_link=found[5],
        received_us=to_micros(found[6]),
    )


def _missed(cursor: psycopg.Cursor[Any]) -> bool:
    """Tell whether an ``INSERT`` or ``UPDATE`` came back without a row."""
    return cursor.pgresult is not None and cursor.rowcount == 0


@contextmanager
def _cursors(conn: psycopg.Connection[Any]) -> Iterator[tuple[Any, Any]]:
    with conn.cursor() as first, conn.cursor() as rest:
        yield first, rest


class PostgresRows:
    """Rows in the PostgreSQL adapter's tables, through its connector."""

    def __init__(self, db: Connector, statements: Statements) -> None:
        """Store rows through ``db`` with the write ``statements`` of its schema."""
        self._db = db
        self._sql = statements
        s = sql.Identifier(statements.facts.schema)
        select = "SELECT " + _COLUMNS + " FROM {s}.complaints c"  # noqa: S608 - fixed text
        self._read = _bytes(select + " WHERE c.id = %s", s)
        self._read_for_update = _bytes(select + " WHERE c.id = %s FOR UPDATE OF c", s)
        self._head = _bytes(
            select.replace(
                "{history}",
                "CASE WHEN c.version = %(version)s AND c.last_link = %(link)s"
                " THEN NULL ELSE {history} END",
            )
            + " WHERE c.id = %(id)s",
            s,
        )
        order = " ORDER BY c.received_at, c.id LIMIT %s"
        self._scan = _bytes(select + order, s)
        self._scan_after = _bytes(
            select + " WHERE (c.received_at, c.id) > (%s, %s)" + order, s
        )
        self._history = _bytes(
            "SELECT sequence, event::text, commitment, link FROM {s}.events"
            " WHERE complaint_id = %s ORDER BY sequence",
            s,
        )
        self._feed = _bytes(
            "SELECT position, complaint_id, event::text FROM {s}.events"
            " WHERE position > %s ORDER BY position LIMIT %s",
            s,
        )
        # The search digest of the row last read or written, by id: a save
        # over it re-indexes only when the searchable texts changed.
        self._digests: dict[str, tuple[int, str, Any]] = {}
        self._lock = threading.Lock()

    # -- memory of search digests ---------------------------------------------

    def _remember_digest(self, row: ComplaintRow, digest: Any) -> None:
        with self._lock:
            self._digests.pop(row.complaint_id, None)
            self._digests[row.complaint_id] = (row.version, row.last_link, digest)
            while len(self._digests) > 1024:  # noqa: PLR2004 - as many as rows kept
                del self._digests[next(iter(self._digests))]

    def _digest(self, row: ComplaintRow) -> Any:
        with self._lock:
            found = self._digests.get(row.complaint_id)
        if found is None or found[:2] != (row.version, row.last_link):
            return None
        return found[2]

    # -- writes ----------------------------------------------------------------

    def insert(
        self, row: ComplaintRow, events: Sequence[EventRow], key: KeyRow | None
    ) -> None:
        """Store a new row given whole (see ``RowStore``): its head is stored."""
        complaint = load_document(row.complaint_id, row.document)
        self.insert_version(
            RowVersion(complaint=complaint, row=row, events=events), key
        )

    def insert_version(self, version: RowVersion, key: KeyRow | None) -> None:
        """Store a new complaint with its derived rows, as one batch (``DerivedRows``).

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
                    statements.facts.write_one(rest, complaint, replace=False)
                    statements.search.write(rest, (complaint,))
                    self._append(rest, version)
            except psycopg.Error:
                if not _missed(insert):
                    raise
            if _missed(insert):
                self._duplicate(conn, complaint.id, None if key is None else key.key)
        self._remember_digest(row, search_digest(complaint))

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
    ) -> None:
        """Send the statements that store ``version`` over ``over`` (a batch)."""
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
        self._sql.facts.write_one(rest, complaint, replace=True)
        self._sql.search.reindex(rest, complaint, self._digest(over))
        self._append(rest, version)

    def _written(
        self, update: psycopg.Cursor[Any], version: RowVersion
    ) -> ComplaintRow:
        """Return the row a batch stored, its document as the server keeps it."""
        found = update.fetchone()
        row = version.row
        if found is not None:
            row = attrs.evolve(row, document=_document(found[0], found[1]), index=None)
        self._remember_digest(row, search_digest(version.complaint))
        return row

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
                    self._send(update, rest, version, over)
            except psycopg.Error:
                if _missed(update):
                    return None
                raise
            if _missed(update):
                return None
            return self._written(update, version)

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
            if current.version != expected_version:
                raise ConflictError(
                    row.complaint_id,
                    expected_version=expected_version,
                    actual_version=current.version,
                )
            complaint = load_document(row.complaint_id, row.document)
            return RowVersion(complaint=complaint, row=row, events=events)

        self.update_checked(row.complaint_id, build, forget_digest=forget_digest)

    def _locked(self, conn: psycopg.Connection[Any], complaint_id: str) -> ComplaintRow:
        """Read and lock the stored row in the caller's transaction.

        Raises:
            NotFoundError: if no row has that id.
        """
        with conn.cursor() as cur:
            cur.execute(self._read_for_update, (complaint_id,))
            found = cur.fetchone()
        if found is None:
            raise NotFoundError(complaint_id)
        row = _row(found, whole=False)
        self._remember_digest(row, found[8])
        return row

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
            self._db.lend(action, complaint_id) as conn,
            conn.transaction(),
        ):
            current = self._locked(conn, complaint_id)
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
        if remembered is not None:
            version = build(remembered)
            expected = remembered.version
            with self._db.lend("save", complaint_id, expected) as conn:
                done = self._attempt(conn, one_round_trip(conn), version, remembered)
            if done is not None:
                return done
        with self._db.lend("save", complaint_id) as conn, conn.transaction():
            current = self._locked(conn, complaint_id)
            with translated(
                "save", complaint_id=complaint_id, expected_version=current.version
            ):
                version = build(current)
                done = self._attempt(conn, conn.pipeline(), version, current)
                if done is None:
                    raise ConflictError(complaint_id, expected_version=current.version)
        return done

    # -- reads -----------------------------------------------------------------

    def read(self, complaint_id: str) -> ComplaintRow | None:
        """Return the stored row with its whole document (see ``RowStore``)."""
        with self._db.read("get", complaint_id) as cur:
            cur.execute(self._read, (complaint_id,))
            found = cur.fetchone()
        return None if found is None else _row(found, whole=True)

    def read_head(
        self, complaint_id: str, *, known: tuple[int, str] | None
    ) -> HeadRow | None:
        """Return the row with its head and history apart (see ``HeadRows``)."""
        version, link = (-1, "") if known is None else known
        with self._db.read("get", complaint_id) as cur:
            cur.execute(
                self._head, {"id": complaint_id, "version": version, "link": link}
            )
            found = cur.fetchone()
        if found is None:
            return None
        row = _row(found, whole=False)
        self._remember_digest(row, found[8])
        return HeadRow(row=row, history=found[7])

    def history(self, complaint_id: str) -> Sequence[EventRow]:
        """Return the stored events of ``complaint_id`` (see ``RowStore``)."""
        with self._db.read("verify_integrity", complaint_id) as cur:
            cur.execute(self._history, (complaint_id,))
            found = cur.fetchall()
        return tuple(
            EventRow(
                complaint_id=complaint_id,
                sequence=r[0],
                event=r[1],
                commitment=r[2],
                link=r[3],
            )
            for r in found
        )

    def scan(
        self, *, after: tuple[int, str] | None, limit: int
    ) -> Sequence[ComplaintRow]:
        """Return rows in ``(received_us, id)`` order (see ``RowStore``)."""
        with self._db.read("find") as cur:
            if after is None:
                cur.execute(self._scan, (limit,))
            else:
                start = (from_micros(after[0]), after[1])
                cur.execute(self._scan_after, (*start, limit))
            found = cur.fetchall()
        return tuple(_row(r, whole=True) for r in found)

    def feed(self, *, after: int, limit: int) -> Sequence[FeedRow]:
        """Return the events after position ``after`` (see ``RowStore``).

        Each event takes the feed lock before its position is drawn, so
        positions are handed out in commit order.
        """
        with self._db.read("events") as cur:
            cur.execute(self._feed, (after, limit))
            found = cur.fetchall()
        return tuple(
            FeedRow(position=r[0], complaint_id=r[1], event=r[2]) for r in found
        )

    def close(self) -> None:
        """Close the pool the adapter opened; borrowed ones stay open."""
        self._db.close()
