"""The SQLite tables of stored findings and provenance (schema version 11).

See :mod:`iso10002.repositories._kpi_flags`: each save writes a complaint's
``kpi_flags`` row and ``kpi_findings`` rows in the transaction that writes
its ``kpi_facts`` row; the migration to version 11 fills them from every
stored document.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from iso10002.errors import IntegrityError
from iso10002.model import Complaint
from iso10002.repositories._kpi_evidence import IdOrder
from iso10002.repositories._kpi_flags import (
    FINDING_COLUMNS,
    FLAG_COLUMNS,
    FlagsQuery,
    flag_rows,
    pushdown_findings,
    pushdown_provenance,
)
from iso10002.repositories.sqlite._read import DOCUMENT_COLUMNS, read_row
from iso10002.repositories.sqlite._sql import column_text, column_value

__all__ = [
    "FLAGS_SCHEMA",
    "backfill_flags",
    "flags_complete",
    "flags_differ",
    "replace_flags",
    "sqlite_findings",
    "sqlite_provenance",
    "write_flags",
]

_LOG = logging.getLogger("iso10002")

FLAGS_SCHEMA = """
CREATE TABLE IF NOT EXISTS kpi_flags (
    complaint_id TEXT PRIMARY KEY,
    received_us INTEGER NOT NULL,
    provenance INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS kpi_flags_received ON kpi_flags (received_us);
CREATE TABLE IF NOT EXISTS kpi_findings (
    complaint_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    received_us INTEGER NOT NULL,
    policy_id TEXT NOT NULL,
    principle TEXT NOT NULL,
    clause TEXT NOT NULL,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    message BLOB NOT NULL,
    tail BLOB,
    from_us INTEGER,
    until_us INTEGER,
    since_us INTEGER,
    instants TEXT,
    PRIMARY KEY (complaint_id, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS kpi_findings_key
    ON kpi_findings (policy_id, code, complaint_id);
CREATE INDEX IF NOT EXISTS kpi_findings_principle
    ON kpi_findings (principle, complaint_id);
"""
"""Schema version 11: the stored findings and provenance of the review pack."""

_INSERT_FLAGS = "INSERT INTO kpi_flags ({}) VALUES ({})".format(  # noqa: S608 - fixed names
    ", ".join(FLAG_COLUMNS), ", ".join("?" * len(FLAG_COLUMNS))
)
_INSERT_FINDINGS = "INSERT INTO kpi_findings ({}) VALUES ({})".format(  # noqa: S608 - fixed names
    ", ".join(FINDING_COLUMNS), ", ".join("?" * len(FINDING_COLUMNS))
)
_SELECT_FLAGS = (
    f"SELECT {', '.join(FLAG_COLUMNS)} FROM kpi_flags WHERE complaint_id = ?"  # noqa: S608 - fixed names
)
_SELECT_FINDINGS = (
    f"SELECT {', '.join(FINDING_COLUMNS)} FROM kpi_findings"  # noqa: S608 - fixed names
    " WHERE complaint_id = ? ORDER BY seq"
)
_QUERY = FlagsQuery(
    flags="kpi_flags",
    findings="kpi_findings",
    order=IdOrder(
        order_by="complaint_id",
        decode=column_value,
        # Ids with lone surrogates are stored escaped after a NUL (see
        # column_text): byte order does not place them as Python does.
        special="complaint_id < char(1)",
    ),
    later=lambda a: (
        f"(SELECT count(*) FROM json_each(instants) WHERE value > {int(a)})"  # noqa: S608 - an integer literal
    ),
)


def write_flags(
    connection: sqlite3.Connection, complaints: Iterable[Complaint]
) -> None:
    """Store the flag and finding rows of new ``complaints`` (caller's transaction)."""
    flags, findings = [], []
    for complaint in complaints:
        rows = flag_rows(complaint, column_text(complaint.id))
        flags.append(rows.flags)
        findings.extend(rows.findings)
    connection.executemany(_INSERT_FLAGS, flags)
    connection.executemany(_INSERT_FINDINGS, findings)


def replace_flags(connection: sqlite3.Connection, complaint: Complaint) -> None:
    """Replace the flag and finding rows of a saved complaint."""
    stored_id = (column_text(complaint.id),)
    connection.execute("DELETE FROM kpi_flags WHERE complaint_id = ?", stored_id)
    connection.execute("DELETE FROM kpi_findings WHERE complaint_id = ?", stored_id)
    write_flags(connection, (complaint,))


def flags_differ(
    connection: sqlite3.Connection, complaint: Complaint, row_id: Any
) -> list[str]:
    """Name the tables whose rows for ``complaint`` are not its own (deep check)."""
    expected = flag_rows(complaint, row_id)
    found = []
    if [tuple(r) for r in connection.execute(_SELECT_FLAGS, (row_id,))] != [
        expected.flags
    ]:
        found.append("kpi_flags")
    if [tuple(r) for r in connection.execute(_SELECT_FINDINGS, (row_id,))] != [
        tuple(r) for r in expected.findings
    ]:
        found.append("kpi_findings")
    return found


def backfill_flags(connection: sqlite3.Connection) -> None:
    """Fill the flag and finding rows of every stored complaint (migration to v11).

    A document that cannot be read is left out with a warning on the
    ``iso10002`` logger: :func:`flags_complete` is then false and the review
    pack evaluates the policies on each complaint (as streaming would, it
    names the unreadable one). Complaints that have their rows are left as
    they are.
    """
    rows = connection.execute(
        f"SELECT id, {DOCUMENT_COLUMNS} FROM complaints WHERE NOT EXISTS"  # noqa: S608 - fixed text
        " (SELECT 1 FROM kpi_flags f WHERE f.complaint_id = complaints.id)"
    )
    while batch := rows.fetchmany(2000):
        complaints = []
        for stored_id, document, history in batch:
            try:
                complaints.append(read_row(column_value(stored_id), document, history))
            except IntegrityError as exc:
                _LOG.warning("Stored findings not filled in: %s", exc)
        write_flags(connection, complaints)


def flags_complete(connection: sqlite3.Connection) -> bool:
    """Tell whether every stored complaint has its ``kpi_flags`` row."""
    row = connection.execute(
        "SELECT (SELECT count(*) FROM complaints) = (SELECT count(*) FROM kpi_flags)"
    ).fetchone()
    return bool(row[0])


def sqlite_findings(
    connection: sqlite3.Connection,
    as_of: datetime,
    period: tuple[datetime, datetime] | None,
    ids_shown: int | None,
) -> Any:
    """Count the stored findings in SQL (see :mod:`.._kpi_flags`)."""
    return pushdown_findings(
        lambda text: connection.execute(text).fetchall(),
        _QUERY,
        as_of,
        period,
        ids_shown,
    )


def sqlite_provenance(
    connection: sqlite3.Connection,
    as_of: datetime,
    period: tuple[datetime, datetime] | None,
) -> dict[str, int]:
    """Count the provenance flags in SQL."""
    return pushdown_provenance(
        lambda text: connection.execute(text).fetchall(), _QUERY, as_of, period
    )
