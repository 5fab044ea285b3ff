"""KPI push-down for PostgreSQL: the facts tables, kept in step, and queried.

Schema version 2 adds ``kpi_facts`` and three child tables (see
:mod:`._kpi_facts`); every write path of the adapter (``add``, ``save``,
erasure, COPY import) rewrites a complaint's rows in its own transaction, and
the migration back-fills them from the stored complaints. The statements of
:mod:`._kpi_pushdown` are shared with SQLite.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import psycopg
from psycopg import sql

from iso10002.analysis._calendar import DayCalendar
from iso10002.analysis._kpis import KpiSpec
from iso10002.analysis._results import KpiReport
from iso10002.analysis.kpis import subcategory_key
from iso10002.errors import IntegrityError
from iso10002.model import Complaint
from iso10002.repositories._kpi_facts import (
    DEADLINE_COLUMNS,
    FACT_COLUMNS,
    REMEDY_COLUMNS,
    TOGGLE_COLUMNS,
    fact_rows,
    key_bytes,
)
from iso10002.repositories._kpi_pushdown import KpiTables, pushdown_kpis
from iso10002.repositories._postgres_codec import ROW_COLUMNS, decode_row

__all__ = [
    "FACTS_STATEMENTS",
    "SUBCATEGORY_STATEMENTS",
    "FactWriter",
    "backfill_facts",
    "backfill_subcategories",
    "postgres_kpis",
]

_LOG = logging.getLogger("iso10002")
_BATCH = 1000
_TABLE_NAMES = ("kpi_facts", "kpi_deadlines", "kpi_remedies", "kpi_toggles")
_COLUMNS = (FACT_COLUMNS, DEADLINE_COLUMNS, REMEDY_COLUMNS, TOGGLE_COLUMNS)

FACTS_STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE {s}.kpi_facts (
        complaint_id text COLLATE "C" PRIMARY KEY,
        received_us bigint NOT NULL,
        first_us bigint NOT NULL,
        last_us bigint NOT NULL,
        channel text NOT NULL,
        category bytea NOT NULL,
        product bytea NOT NULL,
        root_cause bytea,
        assignee bytea NOT NULL,
        ack_us bigint,
        communicated_us bigint,
        appealed_us bigint,
        closed_us bigint,
        reopened_us bigint,
        toggle1_us bigint,
        toggle2_us bigint,
        toggles integer NOT NULL,
        outcome text,
        score integer,
        score_us bigint,
        paid integer NOT NULL
    )
    """,
    "CREATE INDEX kpi_facts_received ON {s}.kpi_facts (received_us)",
    """
    CREATE TABLE {s}.kpi_deadlines (
        complaint_id text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        received_us bigint NOT NULL,
        workflow bytea NOT NULL,
        step bytea NOT NULL,
        due_us bigint NOT NULL,
        met_us bigint,
        PRIMARY KEY (complaint_id, seq)
    )
    """,
    """
    CREATE TABLE {s}.kpi_remedies (
        complaint_id text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        received_us bigint NOT NULL,
        kind text NOT NULL,
        currency text,
        exponent integer NOT NULL,
        coefficient bigint,
        amount text,
        PRIMARY KEY (complaint_id, seq)
    )
    """,
    """
    CREATE TABLE {s}.kpi_toggles (
        complaint_id text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        at_us bigint NOT NULL,
        PRIMARY KEY (complaint_id, seq)
    )
    """,
)
"""Schema version 2: the KPI push-down tables (``{s}`` is the schema)."""


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def _grouped(rows: Iterable[tuple[Any, ...]]) -> dict[str, list[tuple[Any, ...]]]:
    grouped: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(tuple(row))
    return grouped


class FactWriter:
    """The statements that keep one schema's push-down tables in step."""

    def __init__(self, schema: str) -> None:
        """Compose the statements for ``schema``."""
        s = sql.Identifier(schema)
        self.schema = schema
        self.tables = KpiTables(
            *(f'"{schema}".{name}' for name in _TABLE_NAMES)  # checked identifier
        )
        self._inserts = [
            sql.SQL("INSERT INTO {}.{} ({}) VALUES ({})").format(
                s,
                sql.Identifier(name),
                sql.SQL(", ").join(map(sql.Identifier, columns)),
                sql.SQL(", ").join(sql.Placeholder() * len(columns)),
            )
            for name, columns in zip(_TABLE_NAMES, _COLUMNS, strict=True)
        ]
        self._copies = [
            sql.SQL("COPY {}.{} ({}) FROM STDIN").format(
                s,
                sql.Identifier(name),
                sql.SQL(", ").join(map(sql.Identifier, columns)),
            )
            for name, columns in zip(_TABLE_NAMES, _COLUMNS, strict=True)
        ]
        self._counts = sql.SQL(
            "SELECT (SELECT count(*) FROM {s}.complaints)"
            " = (SELECT count(*) FROM {s}.kpi_facts)"
        ).format(s=s)
        self._without_facts = sql.SQL(
            "SELECT {columns} FROM {s}.complaints c WHERE NOT EXISTS"
            " (SELECT 1 FROM {s}.kpi_facts f WHERE f.complaint_id = c.id)"
            " ORDER BY c.id FOR UPDATE OF c"
        ).format(columns=ROW_COLUMNS.format(schema=s), s=s)
        self._deletes = [
            sql.SQL("DELETE FROM {}.{} WHERE complaint_id = ANY(%s)").format(
                s, sql.Identifier(name)
            )
            for name in _TABLE_NAMES
        ]

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
            _TABLE_NAMES, _COLUMNS, self._rows(complaints), strict=True
        ):
            order = "complaint_id" if name == "kpi_facts" else "complaint_id, seq"
            cur.execute(
                sql.SQL(
                    "SELECT {} FROM {}.{} WHERE complaint_id = ANY(%s) ORDER BY {}"
                ).format(
                    sql.SQL(", ").join(map(sql.Identifier, columns)),
                    sql.Identifier(self.schema),
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
        complaints, unreadable = _decoded(cur.fetchall())
        self.write(cur, complaints, replace=True)
        return unreadable

    def copy(self, cur: psycopg.Cursor[Any], complaints: Iterable[Complaint]) -> None:
        """Store the rows of new ``complaints`` with COPY (bulk import)."""
        for statement, rows in zip(self._copies, self._rows(complaints), strict=True):
            if rows:
                with cur.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)


def _decoded(rows: Iterable[tuple[Any, ...]]) -> tuple[list[Complaint], list[str]]:
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


SUBCATEGORY_STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE {s}.kpi_facts ADD COLUMN subcategory bytea",
)
"""Schema version 6: the second classification level in the KPI facts."""


def backfill_subcategories(cur: psycopg.Cursor[Any], schema: str) -> None:
    """Fill ``kpi_facts.subcategory`` of every stored complaint (migration to v6).

    A complaint that cannot be read is left out (``verify_integrity`` names it).
    """
    s = sql.Identifier(schema)
    page = sql.SQL(
        "SELECT {} FROM {}.complaints c WHERE c.id > %s ORDER BY c.id LIMIT %s"
    ).format(ROW_COLUMNS.format(schema=s), s)
    update = sql.SQL(
        "UPDATE {}.kpi_facts SET subcategory = %s WHERE complaint_id = %s"
    ).format(s)
    last = ""
    while True:
        cur.execute(page, (last, _BATCH))
        rows = cur.fetchall()
        if not rows:
            return
        complaints, _unreadable = _decoded(rows)  # logged; verification names them
        cur.executemany(
            update,
            [(key_bytes(subcategory_key(c.classification)), c.id) for c in complaints],
        )
        last = rows[-1][0]


def backfill_facts(cur: psycopg.Cursor[Any], schema: str) -> None:
    """Fill the push-down tables from every stored complaint (migration to v2).

    A complaint that cannot be read is left out with a warning on the
    ``iso10002`` logger, so the schema still opens; ``verify_integrity``
    reports it and :meth:`FactWriter.fill_missing` names it until it reads.
    """
    s = sql.Identifier(schema)
    page = sql.SQL(
        "SELECT {} FROM {}.complaints c WHERE c.id > %s ORDER BY c.id LIMIT %s"
    ).format(ROW_COLUMNS.format(schema=s), s)
    writer = FactWriter(schema)
    last = ""
    while True:
        cur.execute(page, (last, _BATCH))
        rows = cur.fetchall()
        if not rows:
            return
        complaints, _unreadable = _decoded(rows)  # logged; the analytics name them
        writer.copy(cur, complaints)
        last = rows[-1][0]


def postgres_kpis(
    cur: psycopg.Cursor[Any],
    tables: KpiTables,
    spec: KpiSpec,
    calendar: DayCalendar | None,
) -> KpiReport | None:
    """Compute the KPIs in SQL over one cursor (see :mod:`._kpi_pushdown`)."""

    def execute(text: str) -> list[tuple[Any, ...]]:
        # Built from integer literals and checked names only (no user text).
        cur.execute(text)
        return cur.fetchall()

    return pushdown_kpis(execute, tables, spec, calendar)
