"""SQLite writes: a new complaint, many new complaints, and a new version.

Each function runs inside the caller's transaction, so a complaint, its
chained events and its KPI facts commit together or not at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from iso10002.errors import ConflictError, DuplicateError, NotFoundError
from iso10002.integrity import GENESIS, chain_rows, new_salt, new_salts
from iso10002.integrity.documents import (
    events_json,
    is_whole,
    stored_history,
)
from iso10002.integrity.keys import ChainKeys, RecordKey
from iso10002.model import Complaint
from iso10002.repositories._parsed import ParsedDocuments
from iso10002.repositories._row_chain import next_document
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
from iso10002.repositories.sqlite._flags import replace_flags, write_flags
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
    update_sql,
)
from iso10002.repositories.sqlite._verify_quick import seal_written

__all__ = [
    "INSERT_COMPLAINT",
    "INSERT_EVENTS",
    "import_many",
    "insert_complaint",
    "insert_many",
    "update_complaint",
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
_READ_FOR_UPDATE = (
    f"SELECT version, last_link, salt, {', '.join(INDEXED_COLUMNS)}, "  # noqa: S608 - fixed names
    f"{STORED_CHILDREN}, document, {DIGEST_OF_ROW} FROM complaints WHERE id = ?"
)
# Where _READ_FOR_UPDATE's row holds the indexed columns, the three child-table
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


def insert_complaint(
    connection: sqlite3.Connection,
    complaint: Complaint,
    key: str | None,
    digest: str | None = None,
    chain_key: RecordKey | None = None,
) -> None:
    """Insert a new complaint, its chained events and facts (caller's transaction).

    Raises:
    DuplicateError: if its id or idempotency key is already stored (for the
        key, with the payload digest stored with it).
    """
    if key is not None:
        row = connection.execute(
            "SELECT id, idempotency_digest FROM complaints WHERE idempotency_key = ?",
            (key,),
        ).fetchone()
        if row is not None:
            raise DuplicateError(
                column_value(row[0]), idempotency_key=key, payload_digest=row[1]
            )
    if connection.execute(
        "SELECT 1 FROM complaints WHERE id = ?", (column_text(complaint.id),)
    ).fetchone():
        raise DuplicateError(complaint.id)
    salt = new_salt()
    document, events = _prepare(complaint, salt, chain_key)
    connection.execute(
        INSERT_COMPLAINT,
        complaint_columns(complaint, document, salt, events[-1][4], key),
    )
    if digest is not None:
        connection.execute(
            "UPDATE complaints SET idempotency_digest = ? WHERE id = ?",
            (digest, column_text(complaint.id)),
        )
    connection.executemany(INSERT_EVENTS, events)
    write_facts(connection, (complaint,))
    write_flags(connection, (complaint,))
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

    With ``agreeing``, the stored id of every complaint whose document agrees
    with the fold of its history (or whose history is not replayable, as the
    deep check has it) is appended to it: those a seal may vouch for.

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


def update_complaint(  # noqa: PLR0913 - the facts of one write
    connection: sqlite3.Connection,
    complaint: Complaint,
    expected_version: int,
    salt: bytes | None = None,
    *,
    chain_key: RecordKey | None = None,
    parsed: ParsedDocuments | None = None,
) -> None:
    """Store a new version over ``expected_version`` (caller's transaction).

    With ``parsed``, a save over a row it knows remembers the new row as
    naming ``complaint``: its history is the known one plus the new events,
    its other fields are ``complaint``'s own. Any other save makes it forget
    the complaint.

    Raises:
    NotFoundError: if the complaint is not stored.
    ConflictError: if the stored version is not ``expected_version``.
    """
    row = connection.execute(_READ_FOR_UPDATE, (column_text(complaint.id),)).fetchone()
    if row is None:
        raise NotFoundError(complaint.id)
    if row[0] != expected_version:
        raise ConflictError(
            complaint.id, expected_version=expected_version, actual_version=row[0]
        )
    salt = salt or row[2]
    document, events = _prepare_update(
        complaint, row, expected_version, salt, chain_key
    )
    columns = complaint_columns(complaint, document, salt, events[-1][4], None)
    # Name only the indexed columns whose value changed (see update_sql).
    changed = [
        (name, new)
        for name, old, new in zip(
            INDEXED_COLUMNS, row[_INDEXED], columns[5:13], strict=True
        )
        if old != new or type(old) is not type(new)
    ]
    connection.execute(
        update_sql(tuple(name for name, _ in changed)),
        (*columns[1:5], *(new for _, new in changed), columns[0], expected_version),
    )
    connection.executemany(INSERT_EVENTS, events)
    replace_facts(connection, complaint, row[_CHILDREN])
    replace_flags(connection, complaint)
    replace_external_ids(connection, complaint, complaint.history[expected_version:])
    reindex(connection, complaint, row[_DIGEST])
    if parsed is not None:
        _remember(parsed, complaint, row, document, events[-1][4])


def _remember(
    parsed: ParsedDocuments,
    complaint: Complaint,
    row: tuple[Any, ...],
    document: str,
    link: str,
) -> None:
    """Tell ``parsed`` what the new row names, when that is known."""
    stored = row[_DOCUMENT]
    before = parsed.known(complaint.id, (stored, row[0], row[1]))
    if (
        before is not None
        and (not is_whole(stored) or stored_history(stored) is not None)
        and before.history == complaint.history[: row[0]]
    ):
        parsed.remember(complaint.id, (document, complaint.version, link), complaint)
    else:
        parsed.forget(complaint.id)


def _prepare_update(
    complaint: Complaint,
    row: tuple[Any, ...],
    expected_version: int,
    salt: bytes,
    chain_key: RecordKey | None,
) -> tuple[str, list[tuple[Any, ...]]]:
    """Return the new document and ``events`` rows of a save over ``row``.

    Only the new events are serialised. The new document is the complaint's
    head (its history is the event log), unless the stored one is whole (see
    :func:`next_document`, the rule every store above the port follows).
    """
    texts = events_json(complaint.history[expected_version:])
    events = chain_rows(
        complaint,
        after_version=expected_version,
        previous_link=row[1],
        salt=salt,
        row_id=column_text(complaint.id),
        texts=texts,
        key=chain_key,
    )
    document = next_document(
        complaint,
        texts,
        stored=row[_DOCUMENT],
        after_version=expected_version,
        heads=True,
    )
    return document, events
