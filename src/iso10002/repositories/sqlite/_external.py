"""The SQLite index of complaints' external identifiers (schema version 6).

A complaint's :class:`~iso10002.model.ExternalId` values live in its document;
the ``external_ids`` table indexes them for ``Query(external_id=…)``. Every
write keeps it in step in the same transaction, and ``verify_integrity``
compares it with the documents, so an edit of the table alone is named.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from iso10002.integrity import IntegrityProblem
from iso10002.model import Complaint, HistoryEvent
from iso10002.repositories.sqlite._sql import column_text, column_value

__all__ = [
    "EXTERNAL_IDS_SCHEMA",
    "external_id_problems",
    "external_id_rows",
    "replace_external_ids",
    "stored_external_ids",
    "write_external_ids",
]

EXTERNAL_IDS_SCHEMA = """
CREATE TABLE external_ids (
    system TEXT NOT NULL,
    value TEXT NOT NULL,
    complaint_id TEXT NOT NULL,
    PRIMARY KEY (system, value, complaint_id)
) WITHOUT ROWID;
CREATE INDEX external_ids_complaint ON external_ids (complaint_id);
"""
"""Schema version 6: the index of external identifiers (empty until written)."""

_INSERT = "INSERT INTO external_ids (system, value, complaint_id) VALUES (?, ?, ?)"
_DELETE = "DELETE FROM external_ids WHERE complaint_id = ?"


def external_id_rows(complaints: Iterable[Complaint]) -> list[tuple[Any, ...]]:
    """Return the ``external_ids`` rows of ``complaints``."""
    return [
        (column_text(e.system), column_text(e.value), column_text(c.id))
        for c in complaints
        for e in c.external_ids
    ]


def write_external_ids(
    connection: sqlite3.Connection, complaints: Iterable[Complaint]
) -> None:
    """Index the external identifiers of new ``complaints`` (caller's transaction)."""
    rows = external_id_rows(complaints)
    if rows:
        connection.executemany(_INSERT, rows)


def replace_external_ids(
    connection: sqlite3.Connection,
    complaint: Complaint,
    new_events: Sequence[HistoryEvent],
) -> None:
    """Re-index a saved complaint's identifiers when its new events changed them.

    A step that changes them records them as a fact (see :mod:`iso10002.history`);
    a version changed without recording them is named by ``verify_integrity``.
    """
    if any("external_ids" in event.data for event in new_events):
        connection.execute(_DELETE, (column_text(complaint.id),))
        write_external_ids(connection, (complaint,))


def stored_external_ids(
    connection: sqlite3.Connection,
) -> dict[str, set[tuple[str, str]]]:
    """Return every indexed identifier, by complaint id (for verification)."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for system, value, complaint_id in connection.execute(
        "SELECT system, value, complaint_id FROM external_ids"
    ):
        found[_text(complaint_id)].add((_text(system), _text(value)))
    return found


def _text(stored: Any) -> str:
    # A value written behind the library's back may not be TEXT.
    return column_value(stored) if isinstance(stored, str) else repr(stored)


def external_id_problems(
    complaint_id: str, complaint: Complaint | None, stored: set[tuple[str, str]]
) -> list[IntegrityProblem]:
    """Name a complaint whose indexed identifiers are not its document's.

    ``complaint`` is the stored document (``None``: not stored, so any
    indexed identifier of it is a problem).
    """
    expected = (
        set()
        if complaint is None
        else {(e.system, e.value) for e in complaint.external_ids}
    )
    if stored == expected:
        return []
    what = (
        "indexes a complaint that is not stored"
        if complaint is None
        else "differs from the document"
    )
    return [
        IntegrityProblem(
            complaint_id=complaint_id, message=f"table 'external_ids' {what}"
        )
    ]
