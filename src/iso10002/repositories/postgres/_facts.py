"""The writer that keeps one schema's KPI push-down tables in step.

Every write path of the adapter (``add``, ``save``, erasure, COPY import)
rewrites a complaint's rows in its own transaction. A single complaint's rows
go in few statements: its ``kpi_facts`` row is upserted in the statement that
deletes its child rows, and each child table that has rows gets one
multi-row ``INSERT``. Statements are kept as bytes, composed once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import psycopg
from psycopg import sql

from iso10002.errors import IntegrityError
from iso10002.model import Complaint
from iso10002.repositories._kpi_facts import (
    DEADLINE_COLUMNS,
    FACT_COLUMNS,
    REMEDY_COLUMNS,
    TOGGLE_COLUMNS,
    fact_rows,
)
from iso10002.repositories._kpi_pushdown import KpiTables
from iso10002.repositories.postgres._codec import ROW_COLUMNS, decode_row

__all__ = ["TABLE_NAMES", "FactWriter", "decoded"]

_LOG = logging.getLogger("iso10002")
TABLE_NAMES = ("kpi_facts", "kpi_deadlines", "kpi_remedies", "kpi_toggles")
_COLUMNS = (FACT_COLUMNS, DEADLINE_COLUMNS, REMEDY_COLUMNS, TOGGLE_COLUMNS)
_CACHED_ROWS = 16
# Multi-row INSERTs of up to this many rows are composed once; longer ones
# (rare: many deadlines or remedies) are composed when needed.


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def _grouped(rows: Iterable[tuple[Any, ...]]) -> dict[str, list[tuple[Any, ...]]]:
    grouped: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(tuple(row))
    return grouped


def _names(columns: Iterable[str]) -> sql.Composable:
    return sql.SQL(", ").join(map(sql.Identifier, columns))


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


class FactWriter:
    """The statements that keep one schema's push-down tables in step."""

    def __init__(self, schema: str) -> None:
        """Compose the statements for ``schema``."""
        s = sql.Identifier(schema)
        self._s = s
        self.schema = schema
        self.tables = KpiTables(
            *(f'"{schema}".{name}' for name in TABLE_NAMES)  # checked identifier
        )
        self._inserts = [
            sql.SQL("INSERT INTO {}.{} ({}) VALUES ({})")
            .format(
                s,
                sql.Identifier(name),
                _names(columns),
                sql.SQL(", ").join(sql.Placeholder() * len(columns)),
            )
            .as_bytes()
            for name, columns in zip(TABLE_NAMES, _COLUMNS, strict=True)
        ]
        self._many: dict[tuple[int, int], bytes] = {}
        # One statement: the child rows go, the facts row is replaced.
        self._replace = (
            sql.SQL(
                "WITH d AS (DELETE FROM {s}.kpi_deadlines WHERE complaint_id = %s),"
                " r AS (DELETE FROM {s}.kpi_remedies WHERE complaint_id = %s),"
                " t AS (DELETE FROM {s}.kpi_toggles WHERE complaint_id = %s)"
                " INSERT INTO {s}.kpi_facts ({columns}) VALUES ({values})"
                " ON CONFLICT (complaint_id) DO UPDATE SET {updates}"
            )
            .format(
                s=s,
                columns=_names(FACT_COLUMNS),
                values=sql.SQL(", ").join(sql.Placeholder() * len(FACT_COLUMNS)),
                updates=sql.SQL(", ").join(
                    sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(name))
                    for name in FACT_COLUMNS[1:]
                ),
            )
            .as_bytes()
        )
        self._copies = [
            sql.SQL("COPY {}.{} ({}) FROM STDIN").format(
                s, sql.Identifier(name), _names(columns)
            )
            for name, columns in zip(TABLE_NAMES, _COLUMNS, strict=True)
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

    def _insert_rows(self, table: int, count: int) -> bytes:
        """Return the INSERT of ``count`` rows into push-down table ``table``."""
        statement = self._many.get((table, count))
        if statement is None:
            width = len(_COLUMNS[table])
            row = sql.SQL("({})").format(sql.SQL(", ").join(sql.Placeholder() * width))
            statement = (
                sql.SQL("INSERT INTO {}.{} ({}) VALUES {}")
                .format(
                    self._s,
                    sql.Identifier(TABLE_NAMES[table]),
                    _names(_COLUMNS[table]),
                    sql.SQL(", ").join([row] * count),
                )
                .as_bytes()
            )
            if count <= _CACHED_ROWS:
                self._many[table, count] = statement
        return statement

    @staticmethod
    def _rows(complaints: Iterable[Complaint]) -> list[list[tuple[Any, ...]]]:
        tables: list[list[tuple[Any, ...]]] = [[], [], [], []]
        for complaint in complaints:
            rows = fact_rows(complaint)
            tables[0].append(rows.facts)
            tables[1].extend(rows.deadlines)
            tables[2].extend(rows.remedies)
            tables[3].extend(rows.toggles)
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
            TABLE_NAMES, _COLUMNS, self._rows(complaints), strict=True
        ):
            order = "complaint_id" if name == "kpi_facts" else "complaint_id, seq"
            cur.execute(
                sql.SQL(
                    "SELECT {} FROM {}.{} WHERE complaint_id = ANY(%s) ORDER BY {}"
                ).format(
                    _names(columns),
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
        return found

    def write_one(
        self, cur: psycopg.Cursor[Any], complaint: Complaint, *, replace: bool
    ) -> None:
        """Store the rows of one complaint in the caller's transaction.

        With ``replace`` its stored rows (if any) are replaced. Nothing is
        read: the statements may be pipelined.
        """
        rows = fact_rows(complaint)
        if replace:
            cid = complaint.id
            cur.execute(self._replace, (cid, cid, cid, *rows.facts))
        else:
            cur.execute(self._inserts[0], rows.facts)
        for table, children in enumerate(
            (rows.deadlines, rows.remedies, rows.toggles), start=1
        ):
            if children:
                cur.execute(
                    self._insert_rows(table, len(children)),
                    [value for row in children for value in row],
                )

    def write(
        self,
        cur: psycopg.Cursor[Any],
        complaints: Iterable[Complaint],
        *,
        replace: bool = False,
    ) -> None:
        """Store the rows of ``complaints`` in the caller's transaction."""
        complaints = list(complaints)
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
