"""The KPI facts tables filled from stored documents: migrations and repair.

The migrations to schema versions 2, 8, 9 and 10 back-fill the push-down tables
(see :mod:`._analytics`) from every stored document; before a push-down,
:func:`facts_complete` and :func:`fill_missing_facts` repair a store whose
facts a migration had to leave out.
"""

from __future__ import annotations

import logging
import sqlite3

from iso10002.errors import IntegrityError
from iso10002.facts import subcategory_key
from iso10002.repositories._kpi_facts import (
    DECISION_COLUMNS,
    EVIDENCE_COLUMNS,
    FACT_COLUMNS,
    KEY_COLUMNS,
    REMEDY_COLUMNS,
    fact_rows,
    key_bytes,
)
from iso10002.repositories.sqlite._analytics import write_facts
from iso10002.repositories.sqlite._read import DOCUMENT_COLUMNS, read_row
from iso10002.repositories.sqlite._sql import column_value

__all__ = [
    "EVIDENCE_SCHEMA",
    "SUBCATEGORY_SCHEMA",
    "backfill_decisions",
    "backfill_evidence",
    "backfill_facts",
    "backfill_subcategories",
    "facts_complete",
    "fill_missing_facts",
]

_LOG = logging.getLogger("iso10002")
_BATCH = 2000


def _fill(connection: sqlite3.Connection, cursor: sqlite3.Cursor) -> list[str]:
    """Store the facts of the ``(id, document, history)`` rows of ``cursor``.

    Returns:
        The ids of the complaints whose document cannot be read (left out,
        each with a warning on the ``iso10002`` logger).
    """
    unreadable = []
    while rows := cursor.fetchmany(_BATCH):
        batch = []
        for stored_id, document, history in rows:
            complaint_id = column_value(stored_id)
            try:
                batch.append(read_row(complaint_id, document, history))
            except IntegrityError as exc:
                _LOG.warning("KPI facts not filled in: %s", exc)
                unreadable.append(complaint_id)
        write_facts(connection, batch)
    return unreadable


SUBCATEGORY_SCHEMA = """
ALTER TABLE kpi_facts ADD COLUMN subcategory BLOB;
"""
"""Schema version 8: the second classification level in the KPI facts."""


def backfill_subcategories(connection: sqlite3.Connection) -> None:
    """Fill ``kpi_facts.subcategory`` of every stored complaint (migration to v8).

    A document that cannot be read is left out (``verify_integrity`` names
    the facts row that differs).
    """
    rows = connection.execute(f"SELECT id, {DOCUMENT_COLUMNS} FROM complaints")  # noqa: S608 - fixed text
    while batch := rows.fetchmany(_BATCH):
        updates = []
        for stored_id, document, history in batch:
            try:
                complaint = read_row(column_value(stored_id), document, history)
            except IntegrityError:
                continue
            key = key_bytes(subcategory_key(complaint.classification))
            updates.append((key, stored_id))
        connection.executemany(
            "UPDATE kpi_facts SET subcategory = ? WHERE complaint_id = ?", updates
        )


EVIDENCE_SCHEMA = "".join(
    f"ALTER TABLE kpi_facts ADD COLUMN {name} INTEGER;\n" for name in EVIDENCE_COLUMNS
)
"""Schema version 9: what the audit evidence checks read, in the KPI facts."""

_EVIDENCE = FACT_COLUMNS.index(EVIDENCE_COLUMNS[0])
_UPDATE_EVIDENCE = (
    "UPDATE kpi_facts SET "  # noqa: S608 - fixed names
    + ", ".join(f"{name} = ?" for name in EVIDENCE_COLUMNS)
    + " WHERE complaint_id = ?"
)


def backfill_evidence(connection: sqlite3.Connection) -> None:
    """Fill the evidence columns of every stored complaint (migration to v9).

    A document that cannot be read is left out (``verify_integrity`` names
    the facts row that differs).
    """
    rows = connection.execute(f"SELECT id, {DOCUMENT_COLUMNS} FROM complaints")  # noqa: S608 - fixed text
    width = len(EVIDENCE_COLUMNS)
    while batch := rows.fetchmany(_BATCH):
        updates = []
        for stored_id, document, history in batch:
            try:
                complaint = read_row(column_value(stored_id), document, history)
            except IntegrityError:
                continue
            facts = fact_rows(complaint, stored_id).facts
            updates.append((*facts[_EVIDENCE : _EVIDENCE + width], stored_id))
        connection.executemany(_UPDATE_EVIDENCE, updates)


def _insert(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join("?" * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - fixed names


_SINCE = FACT_COLUMNS.index("decided_us")  # decided_us and every <key>_us after it
_UPDATE_SINCE = (
    "UPDATE kpi_facts SET "  # noqa: S608 - fixed names
    + ", ".join(f"{name} = ?" for name in FACT_COLUMNS[_SINCE:])
    + " WHERE complaint_id = ?"
)
_INSERTS = (
    _insert("kpi_remedies", REMEDY_COLUMNS),
    _insert("kpi_decisions", DECISION_COLUMNS),
    _insert("kpi_keys", KEY_COLUMNS),
)


def backfill_decisions(connection: sqlite3.Connection) -> None:
    """Fill when each decision and key began, and the earlier ones (migration to v10).

    Rewrites each readable complaint's ``kpi_remedies`` rows (now bounded by
    the span of their decision) and adds its ``kpi_decisions`` and
    ``kpi_keys`` rows; a document that cannot be read is left out
    (``verify_integrity`` names the facts row that differs).
    """
    rows = connection.execute(f"SELECT id, {DOCUMENT_COLUMNS} FROM complaints")  # noqa: S608 - fixed text
    while batch := rows.fetchmany(_BATCH):
        since: list[tuple[object, ...]] = []
        ids: list[tuple[object]] = []
        children: tuple[list[tuple[object, ...]], ...] = ([], [], [])
        for stored_id, document, history in batch:
            try:
                complaint = read_row(column_value(stored_id), document, history)
            except IntegrityError:
                continue
            found = fact_rows(complaint, stored_id)
            ids.append((stored_id,))
            since.append((*found.facts[_SINCE:], stored_id))
            children[0].extend(found.remedies)
            children[1].extend(found.decisions)
            children[2].extend(found.keys)
        connection.executemany(_UPDATE_SINCE, since)
        for table in ("kpi_remedies", "kpi_decisions", "kpi_keys"):
            connection.executemany(
                f"DELETE FROM {table} WHERE complaint_id = ?",  # noqa: S608 - fixed names
                ids,
            )
        for insert, rows_of_table in zip(_INSERTS, children, strict=True):
            connection.executemany(insert, rows_of_table)


def backfill_facts(connection: sqlite3.Connection) -> None:
    """Fill the push-down tables from every stored document (migration to v2).

    A document that cannot be read is left out with a warning on the
    ``iso10002`` logger, so the store still opens; ``verify_integrity``
    reports it and :func:`sqlite_kpis` raises until it reads again.
    """
    every = f"SELECT id, {DOCUMENT_COLUMNS} FROM complaints"  # noqa: S608 - fixed text
    _fill(connection, connection.execute(every))


_COUNTS = "SELECT (SELECT count(*) FROM complaints) = (SELECT count(*) FROM kpi_facts)"
_WITHOUT_FACTS = (
    f"SELECT id, {DOCUMENT_COLUMNS} FROM complaints WHERE NOT EXISTS "  # noqa: S608 - fixed text
    "(SELECT 1 FROM kpi_facts WHERE kpi_facts.complaint_id = complaints.id)"
)


def facts_complete(connection: sqlite3.Connection) -> bool:
    """Tell whether every stored complaint has its facts row.

    Every write keeps them in step; only a document the v2 migration could
    not read (or a later direct edit of the database) leaves one out. Facts
    rows are never written without their complaint, so equal counts suffice.
    """
    return bool(connection.execute(_COUNTS).fetchone()[0])


def fill_missing_facts(connection: sqlite3.Connection) -> list[str]:
    """Fill the facts of every complaint without them (caller's write transaction).

    Returns:
        The ids of the complaints whose document still cannot be read.
    """
    return _fill(connection, connection.execute(_WITHOUT_FACTS))
