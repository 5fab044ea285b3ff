"""SQLite writes: a new complaint, many new complaints, and a new version.

Each function runs inside the caller's transaction, so a complaint, its
chained events and its KPI facts commit together or not at all. A new
complaint and a new version arrive as rows built above the port
(:class:`~iso10002.repositories.RowStoreRepository`); bulk imports build
their own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from iso10002.errors import DuplicateError
from iso10002.integrity import GENESIS, chain_rows, new_salts
from iso10002.integrity.documents import events_json
from iso10002.integrity.keys import ChainKeys, RecordKey
from iso10002.model import Complaint
from iso10002.repositories._row_capabilities import RowVersion
from iso10002.repositories._row_chain import next_document
from iso10002.repositories._rows import ComplaintRow, EventRow, KeyRow
from iso10002.repositories._sealing import agrees
from iso10002.repositories.sqlite._analytics import (
    CHILD_TABLES,
    STORED_CHILDREN,
    replace_facts,
    write_facts,
)
from iso10002.repositories.sqlite._external import (
    replace_external_ids,
    write_external_ids,
)
from iso10002.repositories.sqlite._flags import mark_stale, write_flags
from iso10002.repositories.sqlite._search import (
    DIGEST_OF_ROW,
    reindex,
    write_search,
)
from iso10002.repositories.sqlite._sql import (
    COMPLAINT_COLUMNS,
    INDEXED_COLUMNS,
    column_text,
    column_value,
    complaint_columns,
    row_columns,
    update_sql,
)
from iso10002.repositories.sqlite._verify_quick import seal_written

__all__ = [
    "INSERT_COMPLAINT",
    "INSERT_EVENTS",
    "READ_FOR_UPDATE",
    "import_many",
    "insert_many",
    "insert_version",
    "stored_row",
    "update_version",
]

_PLACEHOLDERS = ", ".join("?" * 14)
INSERT_COMPLAINT = (
    f"INSERT INTO complaints ({COMPLAINT_COLUMNS}) "  # noqa: S608 - fixed names
    f"VALUES ({_PLACEHOLDERS})"
)
INSERT_EVENTS = (
    "INSERT INTO events (complaint_id, sequence, event, commitment, link) "
    "VALUES (?, ?, ?, ?, ?)"
)
READ_FOR_UPDATE = (
    f"SELECT version, last_link, salt, {', '.join(INDEXED_COLUMNS)}, "  # noqa: S608 - fixed names
    f"{STORED_CHILDREN}, document, {DIGEST_OF_ROW} FROM complaints WHERE id = ?"
)
# Where READ_FOR_UPDATE's row holds the indexed columns, the three child-table
# flags and the stored document (after version, last link and salt).
_INDEXED = slice(3, 3 + len(INDEXED_COLUMNS))
_CHILDREN = slice(_INDEXED.stop, _INDEXED.stop + CHILD_TABLES)
_DOCUMENT = _CHILDREN.stop
_DIGEST = _DOCUMENT + 1


def _prepare(
    complaint: Complaint, salt: bytes, chain_key: RecordKey | None
) -> tuple[str, list[tuple[Any, ...]]]:
    """Return the head and the ``events`` rows (INSERT_EVENTS order) of a new row.

    The row holds the document without its history (see :mod:`._read`).
    """
    texts = events_json(complaint.history)
    rows = chain_rows(
        complaint,
        after_version=0,
        previous_link=GENESIS,
        salt=salt,
        texts=texts,
        row_id=column_text(complaint.id),
        key=chain_key,
    )
    document = next_document(complaint, texts, stored=None, after_version=0, heads=True)
    return document, rows


def stored_row(complaint_id: str, found: tuple[Any, ...]) -> ComplaintRow:
    """Return the row :data:`READ_FOR_UPDATE` read, with its head document."""
    return ComplaintRow(
        complaint_id=complaint_id,
        version=found[0],
        document=found[_DOCUMENT],
        salt=found[2],
        last_link=found[1],
        received_us=found[_INDEXED][1],
    )


def _event_tuples(events: Sequence[EventRow]) -> list[tuple[Any, ...]]:
    """Return ``events`` as rows of :data:`INSERT_EVENTS`."""
    return [
        (column_text(e.complaint_id), e.sequence, e.event, e.commitment, e.link)
        for e in events
    ]


def insert_version(
    connection: sqlite3.Connection, version: RowVersion, key: KeyRow | None
) -> None:
    """Insert a new complaint, its chained events and facts (caller's transaction).

    Raises:
    DuplicateError: if its id or idempotency key is already stored (for the
        key, with the payload digest stored with it).
    """
    complaint, row = version.complaint, version.row
    stored_id = column_text(row.complaint_id)
    if key is not None:
        found = connection.execute(
            "SELECT id, idempotency_digest FROM complaints WHERE idempotency_key = ?",
            (key.key,),
        ).fetchone()
        if found is not None:
            raise DuplicateError(
                column_value(found[0]),
                idempotency_key=key.key,
                payload_digest=found[1],
            )
    if connection.execute(
        "SELECT 1 FROM complaints WHERE id = ?", (stored_id,)
    ).fetchone():
        raise DuplicateError(row.complaint_id)
    connection.execute(
        INSERT_COMPLAINT, row_columns(row, None if key is None else key.key)
    )
    if key is not None and key.payload_digest is not None:
        connection.execute(
            "UPDATE complaints SET idempotency_digest = ? WHERE id = ?",
            (key.payload_digest, stored_id),
        )
    connection.executemany(INSERT_EVENTS, _event_tuples(version.events))
    write_facts(connection, (complaint,))
    mark_stale(connection, (complaint,), new=True)
    write_external_ids(connection, (complaint,))
    write_search(connection, (complaint,))


_CHUNK = 500
# Bulk imports write this many complaints at a time (one transaction still):
# the rows just built are still in the processor's cache when SQLite copies
# them, and a large import never holds every row at once.


def insert_many(
    connection: sqlite3.Connection,
    complaints: Sequence[Complaint],
    chain_key: RecordKey | None = None,
    agreeing: list[Any] | None = None,
) -> None:
    """Insert new complaints in one go (bulk import; caller's transaction).

    With ``agreeing`` (an import), the stored id of every complaint whose
    document agrees with the fold of its history (or whose history is not
    replayable, as the deep check has it) is appended to it: those a seal may
    vouch for; their findings are written at once. Without, their findings
    are left stale (filled when next read).

    Raises:
        DuplicateError: naming the first id already stored or repeated.
    """
    for start in range(0, len(complaints), _CHUNK):
        chunk = complaints[start : start + _CHUNK]
        complaint_rows, events = [], []
        for complaint, salt in zip(chunk, new_salts(len(chunk)), strict=True):
            document, rows = _prepare(complaint, salt, chain_key)
            if agreeing is not None and agrees(complaint, document):
                agreeing.append(rows[0][0])
            complaint_rows.append(
                complaint_columns(complaint, document, salt, rows[-1][4], None)
            )
            events.extend(rows)
        before = connection.total_changes
        try:
            connection.executemany(INSERT_COMPLAINT, complaint_rows)
        except sqlite3.IntegrityError:
            # Rows before the failing one were inserted (the caller rolls back).
            failing = complaint_rows[connection.total_changes - before]
            raise DuplicateError(column_value(str(failing[0]))) from None
        connection.executemany(INSERT_EVENTS, events)
        write_facts(connection, chunk)
        if agreeing is None:
            mark_stale(connection, chunk, new=True)
        else:
            write_flags(connection, chunk)
        write_external_ids(connection, chunk)
        write_search(connection, chunk)


def import_many(
    connection: sqlite3.Connection,
    complaints: Sequence[Complaint],
    chain_keys: ChainKeys | None = None,
) -> None:
    """Insert new complaints and seal them (an import; caller's transaction).

    The seals vouch for rows this transaction wrote from the complaints, so
    the check on opening needs no checkpoint for them; a complaint whose
    document disagrees with its history is left unsealed (checked deeply).

    Raises:
        DuplicateError: naming the first id already stored or repeated.
    """
    agreeing: list[Any] = []
    key = None if chain_keys is None else chain_keys.current
    insert_many(connection, complaints, key, agreeing)
    seal_written(connection, chain_keys, agreeing)


def update_version(
    connection: sqlite3.Connection, version: RowVersion, found: tuple[Any, ...]
) -> None:
    """Store a new version over the row ``found`` (caller's transaction).

    Args:
        connection: The connection of the caller's transaction.
        version: The rows to store, built over ``found``.
        found: The stored row as :data:`READ_FOR_UPDATE` read it in the same
            transaction (its indexed columns, child-table flags and search
            digest tell what the new version changes).
    """
    complaint, row = version.complaint, version.row
    stored_version = found[0]
    columns = row_columns(row, None)
    # Name only the indexed columns whose value changed (see update_sql).
    changed = [
        (name, new)
        for name, old, new in zip(
            INDEXED_COLUMNS, found[_INDEXED], columns[5:13], strict=True
        )
        if old != new or type(old) is not type(new)
    ]
    connection.execute(
        update_sql(tuple(name for name, _ in changed)),
        (*columns[1:5], *(new for _, new in changed), columns[0], stored_version),
    )
    connection.executemany(INSERT_EVENTS, _event_tuples(version.events))
    replace_facts(connection, complaint, found[_CHILDREN])
    mark_stale(connection, (complaint,), new=False)
    replace_external_ids(connection, complaint, complaint.history[stored_version:])
    reindex(connection, complaint, found[_DIGEST])
