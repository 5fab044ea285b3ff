"""The SQLite search index: every complaint's terms (schema version 7).

An inverted index of the terms of ``_search``: one ``search_terms`` row
per term and complaint, and in ``search_digests`` a digest of the texts the
terms came from, so a save re-indexes only when they changed. Every write
keeps both in step in its transaction; erasure rewrites them from the erased
complaint, and ``secure_delete`` overwrites the deleted rows' bytes.
``verify_integrity`` compares them with the documents.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from iso10002.errors import IntegrityError
from iso10002.integrity import IntegrityProblem
from iso10002.model import Complaint
from iso10002.repositories._search import complaint_terms, search_digest
from iso10002.repositories.sqlite._read import DOCUMENT_COLUMNS, read_row
from iso10002.repositories.sqlite._sql import column_text, column_value

__all__ = [
    "DIGEST_OF_ROW",
    "SEARCH_SCHEMA",
    "backfill_search",
    "index_problems",
    "orphan_index_problems",
    "reindex",
    "search_sql",
    "write_search",
]

SEARCH_SCHEMA = """
CREATE TABLE search_terms (
    term TEXT NOT NULL,
    complaint_id TEXT NOT NULL,
    PRIMARY KEY (term, complaint_id)
) WITHOUT ROWID;
CREATE INDEX search_terms_complaint ON search_terms (complaint_id);
CREATE TABLE search_digests (
    complaint_id TEXT PRIMARY KEY,
    digest TEXT NOT NULL
) WITHOUT ROWID;
"""
"""Schema version 7: the search index (filled for stored complaints on upgrade)."""

DIGEST_OF_ROW = (
    "(SELECT digest FROM search_digests"
    " WHERE search_digests.complaint_id = complaints.id)"
)
"""A sub-select of a complaints row's stored search digest."""

_TERMS = "INSERT INTO search_terms (term, complaint_id) VALUES (?, ?)"
_DIGEST = "INSERT OR REPLACE INTO search_digests (complaint_id, digest) VALUES (?, ?)"


def write_search(
    connection: sqlite3.Connection, complaints: Iterable[Complaint]
) -> None:
    """Index new ``complaints`` (caller's transaction)."""
    terms: list[tuple[Any, Any]] = []
    digests: list[tuple[Any, str]] = []
    for complaint in complaints:
        stored_id = column_text(complaint.id)
        terms.extend((column_text(t), stored_id) for t in complaint_terms(complaint))
        digests.append((stored_id, search_digest(complaint)))
    connection.executemany(_TERMS, terms)
    connection.executemany(_DIGEST, digests)


def reindex(
    connection: sqlite3.Connection, complaint: Complaint, stored_digest: Any
) -> None:
    """Re-index a saved complaint whose searchable texts changed."""
    if search_digest(complaint) == stored_digest:
        return
    stored_id = column_text(complaint.id)
    connection.execute("DELETE FROM search_terms WHERE complaint_id = ?", (stored_id,))
    write_search(connection, (complaint,))


def search_sql(terms: frozenset[str], limit: int) -> tuple[str, list[Any]]:
    """Return the SELECT of the complaints holding every one of ``terms``."""
    marks = ", ".join("?" * len(terms))
    sql = (
        f"SELECT complaints.id, {DOCUMENT_COLUMNS} FROM complaints"  # noqa: S608
        " WHERE complaints.id IN (SELECT complaint_id FROM search_terms"
        f" WHERE term IN ({marks}) GROUP BY complaint_id HAVING count(*) = ?)"
        " ORDER BY received_us, complaints.id LIMIT ?"
    )
    return sql, [*(column_text(t) for t in sorted(terms)), len(terms), limit]


def index_problems(
    connection: sqlite3.Connection, complaint_id: str, complaint: Complaint
) -> list[IntegrityProblem]:
    """Name a complaint whose search index is not its document's."""
    stored_id = column_text(complaint_id)
    stored = {
        row[0]
        for row in connection.execute(
            "SELECT term FROM search_terms WHERE complaint_id = ?", (stored_id,)
        )
    }
    digest = connection.execute(
        "SELECT digest FROM search_digests WHERE complaint_id = ?", (stored_id,)
    ).fetchone()
    expected = {column_text(t) for t in complaint_terms(complaint)}
    if stored == expected and digest == (search_digest(complaint),):
        return []
    return [
        IntegrityProblem(
            complaint_id=complaint_id,
            message="table 'search_terms' differs from the document",
        )
    ]


def orphan_index_problems(connection: sqlite3.Connection) -> list[IntegrityProblem]:
    """Name search index rows of complaints that are not stored."""
    return [
        IntegrityProblem(
            complaint_id=column_value(row[0])
            if isinstance(row[0], str)
            else repr(row[0]),
            message="table 'search_terms' indexes a complaint that is not stored",
        )
        for row in connection.execute(
            "SELECT DISTINCT complaint_id FROM search_terms WHERE complaint_id"
            " NOT IN (SELECT id FROM complaints) ORDER BY complaint_id"
        )
    ]


def backfill_search(connection: sqlite3.Connection) -> None:
    """Index every stored complaint (the migration to schema version 7).

    A document that cannot be read is left out (``verify_integrity`` names it).
    """
    rows = connection.execute(f"SELECT id, {DOCUMENT_COLUMNS} FROM complaints")  # noqa: S608
    while batch := rows.fetchmany(500):
        complaints = []
        for stored_id, document, history in batch:
            try:
                complaints.append(read_row(column_value(stored_id), document, history))
            except IntegrityError:
                continue
        write_search(connection, complaints)


def _name(stored: Any) -> str:
    # A value written behind the library's back may not be TEXT.
    return column_value(stored) if isinstance(stored, str) else repr(stored)
