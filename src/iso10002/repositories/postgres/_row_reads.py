"""The reading half of the PostgreSQL row store: statements, rows, digests.

:class:`RowReads` reads rows in the adapter's schema for
:class:`~._rows.PostgresRows`: whole documents (``read``, ``scan``), heads
with their history apart (``read_head``), events and the feed. A document
stored escaped (it held NUL, see :mod:`._codec`) is read back unescaped. It
also remembers the search digest of the row it last read or wrote of each
complaint, so a save over it re-indexes only what changed.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import sql

from iso10002.errors import NotFoundError
from iso10002.integrity.documents import whole_document
from iso10002.repositories._query import from_micros, to_micros
from iso10002.repositories._row_capabilities import HeadRow
from iso10002.repositories._rows import ComplaintRow, EventRow, FeedRow
from iso10002.repositories.postgres._codec import unescape_document
from iso10002.repositories.postgres._connect import Connector
from iso10002.repositories.postgres._write import Statements

__all__ = ["RowReads", "document_text"]

_DIGESTS = 1024
# As many as the repository remembers rows of.

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


def document_text(text: str, escaped: Any) -> str:
    """Return a stored document's text, its NUL escape undone."""
    if not escaped:
        return text
    return json.dumps(
        unescape_document(json.loads(text)), ensure_ascii=False, separators=(",", ":")
    )


def _row(found: Sequence[Any], *, whole: bool) -> ComplaintRow:
    """Return a row of ``_COLUMNS``; ``whole`` splices the history in."""
    document = document_text(found[2], found[3])
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


class RowReads:
    """The reads of the row store of one schema, through one connector."""

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

    def remember_digest(self, row: ComplaintRow, digest: Any) -> None:
        """Remember the search digest stored with ``row`` (its version and link)."""
        with self._lock:
            self._digests.pop(row.complaint_id, None)
            self._digests[row.complaint_id] = (row.version, row.last_link, digest)
            while len(self._digests) > _DIGESTS:
                del self._digests[next(iter(self._digests))]

    def digest(self, row: ComplaintRow) -> Any:
        """Return the search digest remembered with ``row``, or ``None``."""
        with self._lock:
            found = self._digests.get(row.complaint_id)
        if found is None or found[:2] != (row.version, row.last_link):
            return None
        return found[2]

    def locked(self, conn: psycopg.Connection[Any], complaint_id: str) -> ComplaintRow:
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
        self.remember_digest(row, found[8])
        return row

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
        self.remember_digest(row, found[8])
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
