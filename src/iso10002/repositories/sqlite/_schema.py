"""The SQLite schema, as forward migrations applied in order."""

from __future__ import annotations

import sqlite3

from iso10002.errors import IntegrityError
from iso10002.repositories.sqlite._analytics import DECISIONS_SCHEMA, FACTS_SCHEMA
from iso10002.repositories.sqlite._backfill import (
    EVIDENCE_SCHEMA,
    SUBCATEGORY_SCHEMA,
    backfill_decisions,
    backfill_evidence,
    backfill_facts,
    backfill_subcategories,
)
from iso10002.repositories.sqlite._external import EXTERNAL_IDS_SCHEMA
from iso10002.repositories.sqlite._flags import (
    FLAGS_SCHEMA,
    STALE_SCHEMA,
    backfill_flags,
    check_rules,
)
from iso10002.repositories.sqlite._read import convert_whole_documents
from iso10002.repositories.sqlite._search import SEARCH_SCHEMA, backfill_search

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate"]

_TRIGGERS = """
CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'iso10002 events are append-only'); END;
CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'iso10002 events are append-only'); END;
"""
"""The event log's guards, in every schema version: no UPDATE, no DELETE."""

_EVENT_COLUMNS = """    complaint_id TEXT NOT NULL REFERENCES complaints (id),
    sequence INTEGER NOT NULL,
    event TEXT NOT NULL,
    commitment TEXT NOT NULL,
    link TEXT NOT NULL,
    UNIQUE (complaint_id, sequence)
);
"""
"""The event log's columns after its position, the same in every version."""

_V1 = (
    """
CREATE TABLE complaints (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    salt BLOB NOT NULL,
    last_link TEXT NOT NULL,
    status TEXT NOT NULL,
    received_us INTEGER NOT NULL,
    channel TEXT NOT NULL,
    assignee TEXT,
    category TEXT,
    reference TEXT NOT NULL,
    next_due_us INTEGER,
    met_late INTEGER NOT NULL,
    idempotency_key TEXT UNIQUE,
    claimed_by TEXT,
    claimed_until_us INTEGER
);
CREATE INDEX complaints_order ON complaints (received_us, id);
CREATE INDEX complaints_status ON complaints (status, received_us, id);
CREATE INDEX complaints_due ON complaints (next_due_us) WHERE next_due_us IS NOT NULL;
CREATE INDEX complaints_met_late ON complaints (met_late) WHERE met_late = 1;
CREATE INDEX complaints_assignee ON complaints (assignee, received_us, id);
CREATE INDEX complaints_category ON complaints (category, received_us, id);
CREATE INDEX complaints_channel ON complaints (channel, received_us, id);
CREATE INDEX complaints_reference ON complaints (reference);
CREATE TABLE events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
"""
    + _EVENT_COLUMNS
    + _TRIGGERS
)

_V3 = (
    """
CREATE TABLE events_v3 (
    position INTEGER PRIMARY KEY,
"""
    + _EVENT_COLUMNS
    + """
INSERT INTO events_v3 (position, complaint_id, sequence, event, commitment, link)
SELECT position, complaint_id, sequence, event, commitment, link FROM events;
DROP TABLE events;
ALTER TABLE events_v3 RENAME TO events;
DELETE FROM sqlite_sequence WHERE name IN ('events', 'events_v3');
"""
    + _TRIGGERS
)
"""Schema version 3: the event log without ``AUTOINCREMENT``.

Events can never be deleted (the triggers refuse it), so the largest
position never goes away and a plain ``INTEGER PRIMARY KEY`` already hands
out ever larger positions; ``AUTOINCREMENT`` only cost one more page write
(its ``sqlite_sequence`` row) per save.
"""

_V4 = """
ALTER TABLE complaints ADD COLUMN idempotency_digest TEXT;
"""
"""Schema version 4: the payload digest stored with an idempotency key.

Keys stored before it have no digest (``NULL``); a retry under such a key is
judged by the key alone, as before.
"""

_V5 = ""
"""Schema version 5: a complaint's row holds its document without the history.

The history is read from the event log (see :mod:`._read`), so a save
writes a short head and the new events, whatever the history's length. The
data step stores each whole document as its head where its history is exactly
the event log's; an older library refuses a database at this version.
"""

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, _V1),
    (2, FACTS_SCHEMA),
    (3, _V3),
    (4, _V4),
    (5, _V5),
    (6, EXTERNAL_IDS_SCHEMA),
    (7, SEARCH_SCHEMA),
    (8, SUBCATEGORY_SCHEMA),
    (9, EVIDENCE_SCHEMA),
    (10, DECISIONS_SCHEMA),
    (11, FLAGS_SCHEMA),
    (12, STALE_SCHEMA),
)
"""``(version, script)`` pairs; a database at version v gets every later script."""

_BACKFILLS = {
    2: backfill_facts,
    5: convert_whole_documents,
    7: backfill_search,
    8: backfill_subcategories,
    9: backfill_evidence,
    10: backfill_decisions,
    11: backfill_flags,
}
# Data steps run after every script, in version order, in the same transaction.

SCHEMA_VERSION = MIGRATIONS[-1][0]
"""The schema version this library writes."""


def _statements(script: str) -> list[str]:
    statements, current = [], ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current)
            current = ""
    return statements


def _check_not_newer(current: int) -> None:
    if current > SCHEMA_VERSION:
        msg = (
            f"database schema version {current} is newer than this library "
            f"supports ({SCHEMA_VERSION}); upgrade iso10002"
        )
        raise IntegrityError(msg)


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the database up to :data:`SCHEMA_VERSION` in one transaction.

    Returns:
        The version the database was at before.

    Raises:
        IntegrityError: if the database is newer than this library.
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS iso10002_schema (version INTEGER NOT NULL)"
        )
        row = connection.execute("SELECT max(version) FROM iso10002_schema").fetchone()
        current = int(row[0] or 0)
        _check_not_newer(current)
        for version, script in MIGRATIONS:
            if version > current:
                for statement in _statements(script):
                    connection.execute(statement)
                connection.execute(
                    "INSERT INTO iso10002_schema (version) VALUES (?)", (version,)
                )
        # Data steps run after every script, in version order (same
        # transaction): each writes rows in the latest layout.
        for version, backfill in sorted(_BACKFILLS.items()):
            if current > 0 and version > current:
                backfill(connection)
        # Findings stored by other rules are stale (a new store is stamped).
        check_rules(connection)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return current
