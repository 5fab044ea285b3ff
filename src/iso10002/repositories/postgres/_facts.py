"""The writer that keeps one schema's KPI push-down tables in step.

Every write path of the adapter (``add``, ``save``, erasure, COPY import)
rewrites a complaint's rows in its own transaction. A saved complaint's rows
go in one statement: each row is upserted, written only where it changed,
and the child rows whose numbers the new version lacks are deleted. It runs after the
``UPDATE`` of the complaint, so it sees every row committed before the
complaint's row lock was taken. Statements are kept as bytes, composed once:
a child table's rows go as one binary array per column, expanded by
``unnest``, so one statement serves every number of rows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

import psycopg
from psycopg import sql

from iso10002.errors import IntegrityError
from iso10002.model import Complaint
from iso10002.repositories._kpi_facts import FactRows, fact_rows
from iso10002.repositories._kpi_pushdown import KpiTables
from iso10002.repositories.postgres._codec import ROW_COLUMNS, decode_row
from iso10002.repositories.postgres._fact_changes import (
    COLUMNS,
    TABLE_NAMES,
    FactChanges,
    columnwise,
    element_type,
    names,
    upsert,
    values,
)
from iso10002.repositories.postgres._flags import FlagWriter

__all__ = ["TABLE_NAMES", "FactWriter", "decoded", "element_type", "stored_pages"]

_LOG = logging.getLogger("iso10002")


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def _grouped(rows: Iterable[tuple[Any, ...]]) -> dict[str, list[tuple[Any, ...]]]:
    grouped: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(tuple(row))
    return grouped


def decoded(rows: Iterable[tuple[Any, ...]]) -> tuple[list[Complaint], list[str]]:
    """Decode ``rows``: the complaints, and the ids of those that cannot be read.

    Each unreadable one is logged as a warning on the ``iso10002`` logger.
    """
    complaints, unreadable = [], []
    for row in rows:
        try:
            complaints.append(decode_row(row))
        except IntegrityError as exc:
            _LOG.warning("KPI facts not filled in: %s", exc)
            unreadable.append(row[0])
    return complaints, unreadable


def stored_pages(
    cur: psycopg.Cursor[Any], schema: str, batch: int = 1000
) -> Iterator[list[Complaint]]:
    """Yield every stored complaint of ``schema`` that reads, a page at a time.

    In id order, for the migrations' data steps; a complaint that cannot be
    read is logged (see :func:`decoded`) and left out, and verification
    names it.
    """
    s = sql.Identifier(schema)
    page = sql.SQL(
        "SELECT {} FROM {}.complaints c WHERE c.id > %s ORDER BY c.id LIMIT %s"
    ).format(ROW_COLUMNS.format(schema=s), s)
    last = ""
    while True:
        cur.execute(page, (last, batch))
        rows = cur.fetchall()
        if not rows:
            return
        yield decoded(rows)[0]
        last = rows[-1][0]


class FactWriter:
    """The statements that keep one schema's push-down tables in step."""

    def __init__(self, schema: str) -> None:
        """Compose the statements for ``schema``."""
        s = sql.Identifier(schema)
        self._s = s
        self.schema = schema
        self.flags = FlagWriter(schema)  # the pack's stored findings
        self.tables = KpiTables(
            *(f'"{schema}".{name}' for name in TABLE_NAMES)  # checked identifier
        )
        self._inserts = [
            sql.SQL("INSERT INTO {}.{} ({}) VALUES ({})")
            .format(
                s,
                sql.Identifier(name),
                names(columns),
                sql.SQL(", ").join(sql.Placeholder() * len(columns)),
            )
            .as_bytes()
            for name, columns in zip(TABLE_NAMES, COLUMNS, strict=True)
        ]
        self._many = [
            (sql.SQL("INSERT ") + values(self._s, table)).as_bytes()
            for table in range(len(TABLE_NAMES))
        ]
        self._replace = self._replacing()
        self.changes = FactChanges(schema, self.flags.replacing(0))
        self._copies = [
            sql.SQL("COPY {}.{} ({}) FROM STDIN").format(
                s, sql.Identifier(name), names(columns)
            )
            for name, columns in zip(TABLE_NAMES, COLUMNS, strict=True)
        ]
        self._counts = (
            sql.SQL(
                "SELECT (SELECT count(*) FROM {s}.complaints)"
                " = (SELECT count(*) FROM {s}.kpi_facts)"
            )
            .format(s=s)
            .as_bytes()
        )
        self._without_facts = sql.SQL(
            "SELECT {columns} FROM {s}.complaints c WHERE NOT EXISTS"
            " (SELECT 1 FROM {s}.kpi_facts f WHERE f.complaint_id = c.id)"
            " ORDER BY c.id FOR UPDATE OF c"
        ).format(columns=ROW_COLUMNS.format(schema=s), s=s)
        self._deletes = [
            sql.SQL("DELETE FROM {}.{} WHERE complaint_id = ANY(%s)")
            .format(s, sql.Identifier(name))
            .as_bytes()
            for name in TABLE_NAMES
        ]

    def _replacing(self) -> bytes:
        """Return the statement that replaces one complaint's rows.

        Its parameters: per child table the complaint id and the numbers
        (``seq``) of its rows, then per child table its rows, one array per
        column, then those of :meth:`FlagWriter.replacing`, then the facts
        row. The same statement serves every number of rows.
        """
        parts = [
            sql.SQL(
                "d{} AS (DELETE FROM {}.{}"
                " WHERE complaint_id = %s AND seq <> ALL(%s::integer[]))"
            ).format(sql.SQL(str(table)), self._s, sql.Identifier(name))
            for table, name in enumerate(TABLE_NAMES[1:], start=1)
        ]
        parts.extend(
            sql.SQL("u{} AS ({})").format(sql.SQL(str(table)), upsert(self._s, table))
            for table in range(1, len(TABLE_NAMES))
        )
        parts.extend(self.flags.replacing(0))
        return (
            sql.SQL("WITH {} {}")
            .format(sql.SQL(", ").join(parts), upsert(self._s, 0))
            .as_bytes()
        )

    @staticmethod
    def _rows(complaints: Iterable[Complaint]) -> list[list[tuple[Any, ...]]]:
        tables: list[list[tuple[Any, ...]]] = [[] for _ in TABLE_NAMES]
        for complaint in complaints:
            rows = fact_rows(complaint)
            tables[0].append(rows.facts)
            for table, child in zip(tables[1:], rows[1:], strict=True):
                table.extend(child)
        return tables

    def differing(
        self, cur: psycopg.Cursor[Any], complaints: list[Complaint]
    ) -> dict[str, list[str]]:
        """Name, per complaint, the push-down tables whose rows are not its own.

        The KPI push-down reads these tables instead of the documents, so an
        edit of them alone would change the figures silently;
        ``verify_integrity`` recomputes them from the documents and compares.
        """
        ids = [c.id for c in complaints]
        found: dict[str, list[str]] = {}
        for name, columns, expected in zip(
            TABLE_NAMES, COLUMNS, self._rows(complaints), strict=True
        ):
            order = "complaint_id" if name == "kpi_facts" else "complaint_id, seq"
            cur.execute(
                sql.SQL(
                    "SELECT {} FROM {}.{} WHERE complaint_id = ANY(%s) ORDER BY {}"
                ).format(
                    names(columns),
                    self._s,
                    sql.Identifier(name),
                    sql.SQL(order),
                ),
                (ids,),
            )
            stored = _grouped(tuple(_plain(v) for v in row) for row in cur)
            wanted = _grouped(expected)
            for cid in ids:
                if stored.get(cid, []) != wanted.get(cid, []):
                    found.setdefault(cid, []).append(name)
        for cid, tables in self.flags.differing(cur, complaints).items():
            found.setdefault(cid, []).extend(tables)
        return found

    def write_one(
        self,
        cur: psycopg.Cursor[Any],
        complaint: Complaint,
        *,
        replace: bool,
        stored: FactRows | None = None,
    ) -> FactRows:
        """Store the rows of one complaint in the caller's transaction.

        With ``replace`` its stored rows (if any) are replaced: in one
        statement, or, when ``stored`` gives the rows stored with the row
        being written over, by sending only what changed (see
        :mod:`._fact_changes`). Nothing is read: the statements may be
        pipelined.

        Returns:
            The complaint's rows, as stored once the transaction commits.
        """
        if replace and stored is not None:
            rows, shape, changes = self.change(complaint, stored)
            cur.execute(self.changes.statement(shape), changes)
            return rows
        rows = fact_rows(complaint)
        children = rows[1:]
        if replace:
            cid = complaint.id
            params: list[Any] = []
            for child in children:
                # Child rows need not be numbered from 0: the rows whose
                # numbers the new version has are upserted, the others go.
                params += (cid, [row[1] for row in child])
            for table, child in enumerate(children, start=1):
                params += columnwise(child, len(COLUMNS[table]))
            _, flagged = self.flags.replacing_params(complaint)
            params.extend(flagged)  # the pack's stored findings, same statement
            params.extend(rows.facts)
            cur.execute(self._replace, params)
            return rows
        self.flags.insert_one(cur, complaint)
        cur.execute(self._inserts[0], rows.facts)
        for table, child in enumerate(children, start=1):
            if child:
                cur.execute(self._many[table], columnwise(child, len(COLUMNS[table])))
        return rows

    def change(
        self, complaint: Complaint, stored: FactRows
    ) -> tuple[FactRows, tuple[bool, ...], list[Any]]:
        """Return a complaint's rows, and the shape and parameters of their change.

        ``stored`` are the rows stored with the row being written over; the
        statement is ``changes.statement(shape)``, or its parts inside a
        larger one (see :class:`._fact_changes.FactChanges`).
        """
        rows = fact_rows(complaint)
        _, flagged = self.flags.replacing_params(complaint)
        shape, params = self.changes.change(complaint.id, stored, rows, flagged)
        return rows, shape, params

    def write(
        self,
        cur: psycopg.Cursor[Any],
        complaints: Iterable[Complaint],
        *,
        replace: bool = False,
    ) -> None:
        """Store the rows of ``complaints`` in the caller's transaction."""
        complaints = list(complaints)
        self.flags.write(cur, complaints, replace=replace)
        if replace:
            ids = [c.id for c in complaints]
            for delete in self._deletes:
                cur.execute(delete, (ids,))
        for insert, rows in zip(self._inserts, self._rows(complaints), strict=True):
            if rows:
                cur.executemany(insert, rows)

    def complete(self, cur: psycopg.Cursor[Any]) -> bool:
        """Tell whether every stored complaint has its facts row.

        Every write keeps them in step; only a complaint the v2 migration
        could not read (or a direct edit of the database) leaves one out.
        Facts rows are never written without their complaint, so equal
        counts suffice.
        """
        cur.execute(self._counts)
        row = cur.fetchone()
        return bool(row and row[0])

    def fill_missing(self, cur: psycopg.Cursor[Any]) -> list[str]:
        """Fill the facts of every complaint without them (caller's transaction).

        The complaints' rows are locked first, so concurrent callers (and
        saves) take turns; each then replaces whatever the other wrote.

        Returns:
            The ids of the complaints whose document still cannot be read.
        """
        cur.execute(self._without_facts)
        complaints, unreadable = decoded(cur.fetchall())
        self.write(cur, complaints, replace=True)
        return unreadable

    def copy(self, cur: psycopg.Cursor[Any], complaints: Iterable[Complaint]) -> None:
        """Store the rows of new ``complaints`` with COPY (bulk import)."""
        for statement, rows in zip(self._copies, self._rows(complaints), strict=True):
            if rows:
                with cur.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)
