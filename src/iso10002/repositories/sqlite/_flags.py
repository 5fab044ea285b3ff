"""The SQLite tables of stored findings and provenance (schema versions 11, 12).

See :mod:`iso10002.repositories._kpi_flags`: each save writes a complaint's
``kpi_flags`` row in the transaction that writes its ``kpi_facts`` row, with
its findings *stale* (``stale_version``, the version saved, and no
``kpi_findings`` rows); every read of the findings first fills the stale
complaints (:func:`fill_batch`, :func:`fill_stale`). A bulk import and the
migration to version 11 write the findings at once.
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
    flags_of,
    pushdown_findings,
    pushdown_provenance,
)
from iso10002.repositories.sqlite._read import DOCUMENT_COLUMNS, read_row
from iso10002.repositories.sqlite._sql import column_text, column_value

__all__ = [
    "FLAGS_SCHEMA",
    "STALE_SCHEMA",
    "backfill_flags",
    "check_rules",
    "fill_batch",
    "fill_stale",
    "flags_complete",
    "flags_differ",
    "has_stale",
    "mark_stale",
    "sqlite_findings",
    "sqlite_provenance",
    "stale_batch",
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

STALE_SCHEMA = """
ALTER TABLE kpi_flags ADD COLUMN stale_version INTEGER;
CREATE INDEX kpi_flags_stale ON kpi_flags (stale_version)
    WHERE stale_version IS NOT NULL;
CREATE TABLE iso10002_rules (name TEXT PRIMARY KEY, version INTEGER NOT NULL);
"""
"""Schema version 12: stale findings, and the stamp of the rules that found them.

Rows stored before it are not stale (``NULL``).
"""

_INSERT_FLAGS = "INSERT INTO kpi_flags ({}) VALUES ({})".format(  # noqa: S608 - fixed names
    ", ".join(FLAG_COLUMNS), ", ".join("?" * len(FLAG_COLUMNS))
)
_INSERT_FINDINGS = "INSERT INTO kpi_findings ({}) VALUES ({})".format(  # noqa: S608 - fixed names
    ", ".join(FINDING_COLUMNS), ", ".join("?" * len(FINDING_COLUMNS))
)
_INSERT_STALE = "INSERT INTO kpi_flags ({}, stale_version) VALUES ({}, ?)".format(  # noqa: S608 - fixed names
    ", ".join(FLAG_COLUMNS), ", ".join("?" * len(FLAG_COLUMNS))
)
_SELECT_FLAGS = (
    f"SELECT {', '.join(FLAG_COLUMNS)}, stale_version FROM kpi_flags"  # noqa: S608 - fixed names
    " WHERE complaint_id = ?"
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


def mark_stale(
    connection: sqlite3.Connection,
    complaints: Iterable[Complaint],
    *,
    new: bool,
) -> None:
    """Store the flag rows of saved ``complaints``, their findings stale.

    No policy is evaluated: the complaint's findings rows are deleted and
    its ``kpi_flags`` row names the version saved (``stale_version``) until
    a read of the findings fills them (caller's transaction).

    Args:
        connection: The connection of the caller's transaction.
        complaints: The complaints as saved (at their stored version).
        new: Whether they are new (no rows yet) or new versions.
    """
    rows = [
        (*flags_of(complaint, column_text(complaint.id)), complaint.version)
        for complaint in complaints
    ]
    if new:
        connection.executemany(_INSERT_STALE, rows)
        return
    for stored_id, received, provenance, version in rows:
        connection.execute(
            "DELETE FROM kpi_findings WHERE complaint_id = ?", (stored_id,)
        )
        connection.execute(
            "UPDATE kpi_flags SET received_us = ?, provenance = ?, stale_version = ?"
            " WHERE complaint_id = ?",
            (received, provenance, version, stored_id),
        )


def stale_batch(
    connection: sqlite3.Connection, limit: int, after: Any = None
) -> tuple[list[tuple[Any, int, Complaint]], Any]:
    """Read up to ``limit`` stale complaints after the stored id ``after``.

    Returns:
        Each readable one's stored id, stale version and complaint, and the
        last stored id read (``None`` when none was). A document that cannot
        be read is left out with a warning: it stays stale, and the review
        pack then evaluates the policies on each complaint (naming it, as
        streaming would).
    """
    where = "" if after is None else " AND f.complaint_id > ?"
    read, last = [], None
    for stored_id, version, document, history in connection.execute(
        f"SELECT f.complaint_id, f.stale_version, {DOCUMENT_COLUMNS}"  # noqa: S608 - fixed text
        " FROM kpi_flags f JOIN complaints ON complaints.id = f.complaint_id"
        f" WHERE f.stale_version IS NOT NULL{where}"
        " ORDER BY f.complaint_id LIMIT ?",
        (limit,) if after is None else (after, limit),
    ):
        last = stored_id
        try:
            complaint = read_row(column_value(stored_id), document, history)
        except IntegrityError as exc:
            _LOG.warning("Stored findings not filled in: %s", exc)
            continue
        read.append((stored_id, int(version), complaint))
    return read, last


def fill_batch(
    connection: sqlite3.Connection, batch: Iterable[tuple[Any, int, Complaint]]
) -> int:
    """Write the findings of complaints :func:`stale_batch` read (write transaction).

    Only where the complaint is still stale at the version read: a complaint
    saved since is stale at its new version and keeps no rows of the old.

    Returns:
        How many complaints were filled.
    """
    filled = 0
    for stored_id, version, complaint in batch:
        if not connection.execute(
            "UPDATE kpi_flags SET stale_version = NULL"
            " WHERE complaint_id = ? AND stale_version = ?",
            (stored_id, version),
        ).rowcount:
            continue
        connection.execute(
            "DELETE FROM kpi_findings WHERE complaint_id = ?", (stored_id,)
        )
        connection.executemany(
            _INSERT_FINDINGS, flag_rows(complaint, stored_id).findings
        )
        filled += 1
    return filled


FILL_BATCH = 500
"""Stale complaints read and filled per transaction."""


def fill_stale(connection: sqlite3.Connection) -> None:
    """Fill every stale complaint that can be read (caller's write transaction)."""
    after = None
    while True:
        batch, after = stale_batch(connection, FILL_BATCH, after)
        if after is None:
            return
        fill_batch(connection, batch)


def has_stale(connection: sqlite3.Connection) -> bool:
    """Tell whether a stored complaint's findings are stale."""
    row = connection.execute(
        "SELECT EXISTS (SELECT 1 FROM kpi_flags WHERE stale_version IS NOT NULL)"
    ).fetchone()
    return bool(row[0])


def check_rules(connection: sqlite3.Connection) -> None:
    """Mark every complaint stale if its findings were stored by other rules.

    Compares the store's stamp with
    :data:`~iso10002.analysis.pushdown.STORED_FINDINGS_RULES`; on a
    difference (a release that changes what a default policy finds) every
    complaint's findings are deleted and marked stale, the seals of the last
    checkpoint (which cover the old rows) are dropped, and the new stamp is
    recorded (caller's write transaction).
    """
    from iso10002.analysis.pushdown import (  # noqa: PLC0415 - analysis when opening
        STORED_FINDINGS_RULES,
    )

    row = connection.execute(
        "SELECT version FROM iso10002_rules WHERE name = 'stored_findings'"
    ).fetchone()
    if row is not None and row[0] == STORED_FINDINGS_RULES:
        return
    if row is not None:
        connection.execute(
            "UPDATE kpi_flags SET stale_version = (SELECT version FROM complaints"
            " WHERE complaints.id = kpi_flags.complaint_id)"
        )
        connection.execute("DELETE FROM kpi_findings")
        if connection.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'iso10002_seals'"
        ).fetchone():
            connection.execute("DELETE FROM iso10002_seals")
    connection.execute(
        "INSERT OR REPLACE INTO iso10002_rules (name, version)"
        " VALUES ('stored_findings', ?)",
        (STORED_FINDINGS_RULES,),
    )


def flags_differ(
    connection: sqlite3.Connection, complaint: Complaint, row_id: Any, version: int
) -> list[str]:
    """Name the tables whose rows for ``complaint`` are not its own (deep check).

    A complaint stale at its stored ``version`` has no findings rows (its
    findings are filled from its document when read); any other stale mark,
    or findings rows beside one, is named.
    """
    flags = [tuple(r) for r in connection.execute(_SELECT_FLAGS, (row_id,))]
    stored = [tuple(r) for r in connection.execute(_SELECT_FINDINGS, (row_id,))]
    stale = flags[0][-1] if len(flags) == 1 else None
    found = []
    if [f[:-1] for f in flags] != [flags_of(complaint, row_id)] or stale not in (
        None,
        version,
    ):
        found.append("kpi_flags")
    if stale is not None:
        expected: list[tuple[Any, ...]] = []
    else:
        expected = [tuple(r) for r in flag_rows(complaint, row_id).findings]
    if stored != expected:
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
