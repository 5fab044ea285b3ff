"""KPI push-down for SQLite: the facts tables, kept in step, and queried.

Schema version 2 adds ``kpi_facts`` (one row per complaint) and three child
tables (see :mod:`._kpi_facts`); every write of the adapter rewrites a
complaint's rows in the same transaction, and the migrations back-fill them
from the stored documents (:mod:`._backfill`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from iso10002.model import Complaint
from iso10002.repositories._kpi_evidence import CheckCounts, IdOrder, pushdown_checks
from iso10002.repositories._kpi_facts import (
    DEADLINE_COLUMNS,
    DECISION_COLUMNS,
    FACT_COLUMNS,
    KEY_COLUMNS,
    REMEDY_COLUMNS,
    TOGGLE_COLUMNS,
    FactRows,
    fact_rows,
)
from iso10002.repositories._kpi_pushdown import KpiTables, pushdown_kpis
from iso10002.repositories._remedy_pushdown import pushdown_remedies
from iso10002.repositories.sqlite._sql import column_text, column_value

if TYPE_CHECKING:
    from iso10002.analysis.pushdown import (
        DayCalendar,
        KpiReport,
        KpiSpec,
        RemedySummary,
    )

__all__ = [
    "CHILD_TABLES",
    "DECISIONS_SCHEMA",
    "FACTS_SCHEMA",
    "FactTables",
    "facts_differ",
    "facts_tables",
    "insert_facts",
    "replace_facts",
    "sqlite_checks",
    "sqlite_kpis",
    "sqlite_remedies",
    "write_facts",
]

FACTS_SCHEMA = """
CREATE TABLE kpi_facts (
    complaint_id TEXT PRIMARY KEY,
    received_us INTEGER NOT NULL,
    first_us INTEGER NOT NULL,
    last_us INTEGER NOT NULL,
    channel TEXT NOT NULL,
    category BLOB NOT NULL,
    product BLOB NOT NULL,
    root_cause BLOB,
    assignee BLOB NOT NULL,
    ack_us INTEGER,
    communicated_us INTEGER,
    appealed_us INTEGER,
    closed_us INTEGER,
    reopened_us INTEGER,
    toggle1_us INTEGER,
    toggle2_us INTEGER,
    toggles INTEGER NOT NULL,
    outcome TEXT,
    score INTEGER,
    score_us INTEGER,
    paid INTEGER NOT NULL
);
CREATE INDEX kpi_facts_received ON kpi_facts (received_us);
CREATE TABLE kpi_deadlines (
    complaint_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    received_us INTEGER NOT NULL,
    workflow BLOB NOT NULL,
    step BLOB NOT NULL,
    due_us INTEGER NOT NULL,
    met_us INTEGER,
    PRIMARY KEY (complaint_id, seq)
) WITHOUT ROWID;
CREATE TABLE kpi_remedies (
    complaint_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    received_us INTEGER NOT NULL,
    kind TEXT NOT NULL,
    currency TEXT,
    exponent INTEGER NOT NULL,
    coefficient INTEGER,
    amount TEXT,
    PRIMARY KEY (complaint_id, seq)
) WITHOUT ROWID;
CREATE TABLE kpi_toggles (
    complaint_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at_us INTEGER NOT NULL,
    PRIMARY KEY (complaint_id, seq)
) WITHOUT ROWID;
"""
"""Schema version 2: the KPI push-down tables."""

DECISIONS_SCHEMA = """
ALTER TABLE kpi_facts ADD COLUMN decided_us INTEGER;
ALTER TABLE kpi_remedies ADD COLUMN from_us INTEGER;
ALTER TABLE kpi_remedies ADD COLUMN until_us INTEGER;
CREATE TABLE kpi_decisions (
    complaint_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    received_us INTEGER NOT NULL,
    from_us INTEGER,
    until_us INTEGER NOT NULL,
    outcome TEXT,
    paid INTEGER NOT NULL,
    with_decision INTEGER NOT NULL,
    PRIMARY KEY (complaint_id, seq)
) WITHOUT ROWID;
ALTER TABLE kpi_facts ADD COLUMN category_us INTEGER;
ALTER TABLE kpi_facts ADD COLUMN subcategory_us INTEGER;
ALTER TABLE kpi_facts ADD COLUMN product_us INTEGER;
ALTER TABLE kpi_facts ADD COLUMN root_cause_us INTEGER;
ALTER TABLE kpi_facts ADD COLUMN assignee_us INTEGER;
CREATE TABLE kpi_keys (
    complaint_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    received_us INTEGER NOT NULL,
    field TEXT NOT NULL,
    from_us INTEGER,
    until_us INTEGER NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (complaint_id, seq)
) WITHOUT ROWID;
"""
"""Schema version 10: decisions and keys in force before the current ones.

The KPIs "as at" an earlier instant count the decision, category, product,
root cause and handler in force then (see :mod:`.._kpi_decisions` and
:mod:`.._kpi_keys`); the migration fills the new rows from every stored
document (:func:`._backfill.backfill_decisions`).
"""

_TABLES = KpiTables(
    facts="kpi_facts",
    deadlines="kpi_deadlines",
    remedies="kpi_remedies",
    toggles="kpi_toggles",
    decisions="kpi_decisions",
    keys="kpi_keys",
)
_COLUMNS = (
    FACT_COLUMNS,
    DEADLINE_COLUMNS,
    REMEDY_COLUMNS,
    TOGGLE_COLUMNS,
    DECISION_COLUMNS,
    KEY_COLUMNS,
)
CHILD_TABLES = len(_TABLES) - 1
"""How many child tables a facts row has (one flag each in :data:`STORED_CHILDREN`)."""


def _insert(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join("?" * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - fixed names


_INSERTS = tuple(
    _insert(table, columns) for table, columns in zip(_TABLES, _COLUMNS, strict=True)
)
_DELETES = tuple(
    f"DELETE FROM {table} WHERE complaint_id = ?"  # noqa: S608 - fixed names
    for table in _TABLES
)


FactTables = tuple[
    list[tuple[Any, ...]],
    list[tuple[Any, ...]],
    list[tuple[Any, ...]],
    list[tuple[Any, ...]],
    list[tuple[Any, ...]],
    list[tuple[Any, ...]],
]
"""Rows for ``kpi_facts``, ``kpi_deadlines``, ``kpi_remedies``, ``kpi_toggles``,
``kpi_decisions`` and ``kpi_keys``."""


_SELECTS = tuple(
    f"SELECT {', '.join(columns)} FROM {table} WHERE complaint_id = ?"  # noqa: S608 - fixed names
    + ("" if table == _TABLES.facts else " ORDER BY seq")
    for table, columns in zip(_TABLES, _COLUMNS, strict=True)
)


def facts_differ(
    connection: sqlite3.Connection, complaint: Complaint, row_id: Any
) -> list[str]:
    """Name the push-down tables whose rows for ``complaint`` are not its own.

    The KPI push-down reads these tables instead of the documents, so an
    edit of them alone would change the figures silently;
    ``verify_integrity`` recomputes them from the document and compares.
    """
    expected = fact_rows(complaint, row_id)
    wanted = ([expected.facts], *expected[1:])
    return [
        table
        for table, select, rows in zip(_TABLES, _SELECTS, wanted, strict=True)
        if [tuple(r) for r in connection.execute(select, (row_id,))]
        != [tuple(r) for r in rows]
    ]


_UPDATE_FACTS = (
    f"UPDATE {_TABLES.facts} SET "  # noqa: S608 - fixed names
    + ", ".join(f"{name} = ?" for name in FACT_COLUMNS[2:])
    + " WHERE complaint_id = ? AND received_us = ?"
)
# An UPDATE that leaves out received_us (a complaint's receipt time does not
# change in a workflow) rewrites the facts row alone, not its index as well;
# a missing row or a changed receipt time falls back to DELETE and INSERT.


STORED_CHILDREN = ", ".join(
    f"EXISTS (SELECT 1 FROM {table} WHERE complaint_id = complaints.id)"  # noqa: S608 - fixed names
    for table in _TABLES[1:]
)
"""Select list telling, for a ``complaints`` row, which child tables hold its rows.

One flag each for ``kpi_deadlines``, ``kpi_remedies``, ``kpi_toggles``,
``kpi_decisions`` and ``kpi_keys``, in the order :func:`replace_facts` takes
them.
"""


def write_facts(
    connection: sqlite3.Connection, complaints: Iterable[Complaint]
) -> None:
    """Store the push-down rows of new ``complaints`` (caller's transaction)."""
    insert_facts(connection, facts_tables(complaints))


def replace_facts(
    connection: sqlite3.Connection,
    complaint: Complaint,
    stored_children: Sequence[Any],
) -> None:
    """Replace the push-down rows of a stored complaint (caller's transaction).

    Args:
        connection: The connection of the caller's transaction.
        complaint: The version being stored.
        stored_children: Whether each child table (``kpi_deadlines``,
            ``kpi_remedies``, ``kpi_toggles``, ``kpi_decisions``,
            ``kpi_keys``) holds rows
            of this complaint, as read with
            :data:`STORED_CHILDREN` in the same transaction; a table marked
            false is not searched for rows to delete.
    """
    rows = fact_rows(complaint, column_text(complaint.id))
    facts = rows.facts
    stored_id = (facts[0],)
    for delete, stored in zip(_DELETES[1:], stored_children, strict=True):
        if stored:
            connection.execute(delete, stored_id)
    tables: FactTables = ([], [], [], [], [], [])
    updated = connection.execute(_UPDATE_FACTS, (*facts[2:], facts[0], facts[1]))
    if updated.rowcount != 1:
        connection.execute(_DELETES[0], stored_id)
        tables[0].append(facts)
    _add_children(tables, rows)
    insert_facts(connection, tables)


def _add_children(tables: FactTables, rows: FactRows) -> None:
    if rows.deadlines:
        tables[1].extend(rows.deadlines)
    if rows.remedies:
        tables[2].extend(rows.remedies)
    if rows.toggles:
        tables[3].extend(rows.toggles)
    if rows.decisions:
        tables[4].extend(rows.decisions)
    if rows.keys:
        tables[5].extend(rows.keys)


def facts_tables(complaints: Iterable[Complaint]) -> FactTables:
    """Return the rows of new complaints for each push-down table, as stored."""
    tables: FactTables = ([], [], [], [], [], [])
    for complaint in complaints:
        rows = fact_rows(complaint, column_text(complaint.id))
        tables[0].append(rows.facts)
        _add_children(tables, rows)
    return tables


def insert_facts(connection: sqlite3.Connection, tables: FactTables) -> None:
    """Insert :func:`facts_tables` rows (one ``executemany`` per table)."""
    for insert, rows_of_table in zip(_INSERTS, tables, strict=True):
        if rows_of_table:
            connection.executemany(insert, rows_of_table)


_ID_ORDER = IdOrder(
    order_by="complaint_id",
    decode=column_value,
    # Ids with lone surrogates are stored escaped, after a NUL (see
    # column_text): byte order does not place them as Python does.
    special="complaint_id < char(1)",
)


def sqlite_checks(
    connection: sqlite3.Connection,
    as_of: datetime,
    period: tuple[datetime, datetime] | None,
    ids_shown: int | None,
) -> dict[str, CheckCounts]:
    """Count the evidence checks in SQL (see :mod:`._kpi_evidence`)."""
    _, counts = pushdown_checks(
        lambda text: connection.execute(text).fetchall(),
        _TABLES.facts,
        decisions=_TABLES.decisions,
        as_of=as_of,
        period=period,
        ids_shown=ids_shown,
        order=_ID_ORDER,
    )
    return counts


def sqlite_kpis(
    connection: sqlite3.Connection, spec: KpiSpec, calendar: DayCalendar | None
) -> KpiReport | None:
    """Compute the KPIs in SQL over one connection (see :mod:`._kpi_pushdown`)."""
    return pushdown_kpis(
        lambda text: connection.execute(text).fetchall(), _TABLES, spec, calendar
    )


def sqlite_remedies(connection: sqlite3.Connection, spec: KpiSpec) -> RemedySummary:
    """Count the review's remedies in SQL (see :mod:`.._remedy_pushdown`)."""
    return pushdown_remedies(
        lambda text: connection.execute(text).fetchall(), _TABLES, spec
    )
