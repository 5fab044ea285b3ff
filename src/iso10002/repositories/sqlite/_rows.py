"""The SQLite adapter's row store: the narrow port, and its three capabilities.

:class:`SQLiteRows` stores and reads rows in the adapter's schema. Besides
the :class:`~iso10002.repositories.rows.RowStore` methods it keeps
documents as heads (``HeadRows``: the history is the event log, see
:mod:`._read`), reads, checks and writes a complaint in one ``BEGIN
IMMEDIATE`` transaction (``CheckedRows``), and writes each complaint's KPI
facts, external ids and search terms with it (``DerivedRows``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs

from iso10002.errors import NotFoundError
from iso10002.integrity import load_document
from iso10002.integrity.documents import head_text, is_whole, whole_document
from iso10002.repositories._query import index_values
from iso10002.repositories._row_capabilities import HeadRow, RowVersion, require_version
from iso10002.repositories._rows import ComplaintRow, EventRow, FeedRow, KeyRow
from iso10002.repositories.sqlite._connect import SQLiteConnections, translated
from iso10002.repositories.sqlite._read import HISTORY
from iso10002.repositories.sqlite._sql import column_text, column_value
from iso10002.repositories.sqlite._write import (
    READ_FOR_UPDATE,
    insert_version,
    stored_row,
    update_version,
)

__all__ = ["SQLiteRows"]

_ROW = f"version, document, salt, last_link, received_us, {HISTORY}"
_READ = f"SELECT id, {_ROW} FROM complaints WHERE id = ?"  # noqa: S608 - fixed text
_SCAN = f"SELECT id, {_ROW} FROM complaints"  # noqa: S608 - fixed text
_HEAD = (
    "SELECT id, version, document, salt, last_link, received_us,"  # noqa: S608 - fixed text
    f" CASE WHEN version = ? AND last_link = ? THEN NULL ELSE {HISTORY} END"
    " FROM complaints WHERE id = ?"
)
_FORGET_DIGEST = (
    "UPDATE complaints SET idempotency_digest = NULL "
    "WHERE id = ? AND idempotency_digest IS NOT NULL"
)


def _row(found: tuple[Any, ...], *, whole: bool = True) -> ComplaintRow:
    """Return a ``_ROW`` selection (after the id) as a row."""
    document = whole_document(found[2], found[6]) if whole else found[2]
    return ComplaintRow(
        complaint_id=column_value(found[0]),
        version=found[1],
        document=document,
        salt=found[3],
        last_link=found[4],
        received_us=found[5],
    )


class SQLiteRows:
    """Rows in the SQLite adapter's tables, over its connections."""

    def __init__(self, connections: SQLiteConnections) -> None:
        """Store rows through ``connections`` (one per thread)."""
        self._db = connections

    def insert(
        self, row: ComplaintRow, events: Sequence[EventRow], key: KeyRow | None
    ) -> None:
        """Store a new row given whole (see ``RowStore``): its head is stored."""
        complaint = load_document(row.complaint_id, row.document)
        head = attrs.evolve(
            row,
            document=head_text(complaint),
            index=row.index or index_values(complaint),
        )
        self.insert_version(
            RowVersion(complaint=complaint, row=head, events=events), key
        )

    def insert_version(self, version: RowVersion, key: KeyRow | None) -> None:
        """Store a new complaint with its derived rows (see ``DerivedRows``)."""
        with self._db._transaction() as connection:  # noqa: SLF001 - the adapter's own
            insert_version(connection, version, key)

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
            document = (
                row.document if is_whole(current.document) else head_text(complaint)
            )
            new = attrs.evolve(
                row, document=document, index=row.index or index_values(complaint)
            )
            return RowVersion(complaint=complaint, row=new, events=events)

        self.update_checked(row.complaint_id, build, forget_digest=forget_digest)

    def update_checked(
        self,
        complaint_id: str,
        build: Callable[[ComplaintRow], RowVersion | None],
        *,
        forget_digest: bool = False,
    ) -> None:
        """Read, build and write in one transaction (see ``CheckedRows``)."""
        stored_id = column_text(complaint_id)
        with self._db._transaction() as connection:  # noqa: SLF001 - the adapter's own
            found = connection.execute(READ_FOR_UPDATE, (stored_id,)).fetchone()
            if found is None:
                raise NotFoundError(complaint_id)
            version = build(stored_row(complaint_id, found))
            if version is not None:
                update_version(connection, version, found)
            if forget_digest:
                connection.execute(_FORGET_DIGEST, (stored_id,))

    def read(self, complaint_id: str) -> ComplaintRow | None:
        """Return the stored row with its whole document (see ``RowStore``)."""
        with translated(), self._db._connection() as connection:  # noqa: SLF001 - the adapter's own
            found = connection.execute(_READ, (column_text(complaint_id),)).fetchone()
        return None if found is None else _row(found)

    def read_head(
        self, complaint_id: str, *, known: tuple[int, str] | None
    ) -> HeadRow | None:
        """Return the row with its head and history apart (see ``HeadRows``)."""
        version, link = (-1, None) if known is None else known
        with translated(), self._db._connection() as connection:  # noqa: SLF001 - the adapter's own
            found = connection.execute(
                _HEAD, (version, link, column_text(complaint_id))
            ).fetchone()
        if found is None:
            return None
        return HeadRow(row=_row(found, whole=False), history=found[6])

    def history(self, complaint_id: str) -> Sequence[EventRow]:
        """Return the stored events of ``complaint_id`` (see ``RowStore``)."""
        with translated(), self._db._connection() as connection:  # noqa: SLF001 - the adapter's own
            found = connection.execute(
                "SELECT sequence, event, commitment, link FROM events "
                "WHERE complaint_id = ? ORDER BY sequence",
                (column_text(complaint_id),),
            ).fetchall()
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
        params: list[Any] = []
        sql = _SCAN
        if after is not None:
            sql += " WHERE (received_us, id) > (?, ?)"
            params.extend((after[0], column_text(after[1])))
        sql += " ORDER BY received_us, id LIMIT ?"
        with translated(), self._db._connection() as connection:  # noqa: SLF001 - the adapter's own
            found = connection.execute(sql, (*params, limit)).fetchall()
        return tuple(_row(r) for r in found)

    def feed(self, *, after: int, limit: int) -> Sequence[FeedRow]:
        """Return the events after position ``after`` (see ``RowStore``).

        Writers are serialised by SQLite, so positions are handed out in
        commit order and a reader can never miss a late commit.
        """
        with translated(), self._db._connection() as connection:  # noqa: SLF001 - the adapter's own
            found = connection.execute(
                "SELECT position, complaint_id, event FROM events WHERE position > ? "
                "ORDER BY position LIMIT ?",
                (after, limit),
            ).fetchall()
        return tuple(
            FeedRow(position=r[0], complaint_id=column_value(r[1]), event=r[2])
            for r in found
        )

    def close(self) -> None:
        """Close every connection of the database."""
        SQLiteConnections.close(self._db)
