"""SQLite reads: a complaint's head document joined with its chained events.

Since schema version 5 a complaint's row holds its document without the
history (the *head*); the history is the event log's texts for that complaint,
up to the row's version, in sequence order. So a save writes the head and the
new events only, whatever the length of the history, and the record has one
copy of each event: the one the chain hashes. A document stored whole (before
version 5, or left so by the migration because its history disagreed with the
event log) is read as it is, so ``verify_integrity`` still names the
disagreement.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from iso10002.integrity import load_document
from iso10002.integrity.documents import head_of, stored_history, whole_document
from iso10002.model import Complaint

__all__ = [
    "DOCUMENT_COLUMNS",
    "HISTORY",
    "convert_whole_documents",
    "read_row",
]

# SQLite orders an aggregate's input by its own ORDER BY from 3.44; before
# that, the ordered sub-select is what it scans (the primary key's order).
if sqlite3.sqlite_version_info >= (3, 44):
    HISTORY = (
        "(SELECT group_concat(event, ',' ORDER BY sequence) FROM events"
        " WHERE events.complaint_id = complaints.id"
        " AND events.sequence <= complaints.version)"
    )
else:  # pragma: no cover - depends on the SQLite library linked
    HISTORY = (
        "(SELECT group_concat(event, ',') FROM (SELECT event FROM events"
        " WHERE events.complaint_id = complaints.id"
        " AND events.sequence <= complaints.version ORDER BY sequence))"
    )
"""A correlated sub-select: the comma-joined texts of a row's chained events."""

DOCUMENT_COLUMNS = f"complaints.document, {HISTORY}"
"""Select these two for :func:`read_row`: the stored document and its history."""


def read_row(complaint_id: str, document: Any, history: Any) -> Complaint:
    """Parse a row's :data:`DOCUMENT_COLUMNS` into the complaint ``complaint_id``.

    Raises:
        IntegrityError: naming the complaint if what is stored is malformed.
    """
    return load_document(complaint_id, whole_document(document, history))


def convert_whole_documents(connection: sqlite3.Connection) -> None:
    """Store each whole document as its head where its history is the event log's.

    The migration to schema version 5: a document whose history text is
    exactly its chained events' texts keeps its head only; any other whole
    document (edited behind the library's back) is left whole, so
    ``verify_integrity`` goes on naming it.
    """
    rows = connection.execute(f"SELECT id, document, {HISTORY} FROM complaints")  # noqa: S608 - fixed text
    heads = []
    for stored_id, document, history in rows.fetchall():
        kept = stored_history(document)
        if kept is not None and kept == history:
            heads.append((head_of(document), stored_id))
    connection.executemany("UPDATE complaints SET document = ? WHERE id = ?", heads)
