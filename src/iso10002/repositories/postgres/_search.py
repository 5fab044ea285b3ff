"""The PostgreSQL search index: every complaint's terms (schema version 5).

The same inverted index as the SQLite adapter's (``repositories.sqlite._search``):
``search_terms`` holds one row per term and complaint (its primary key is the
term lookup), ``search_digests`` a digest of the texts the terms came from,
so a save re-indexes only when they changed. Writes keep both in step in
their transaction; ``verify_integrity`` compares them with the documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from psycopg import sql

from iso10002.errors import IntegrityError
from iso10002.integrity import IntegrityProblem
from iso10002.model import Complaint
from iso10002.repositories._search import complaint_terms, search_digest
from iso10002.repositories.postgres._codec import ROW_COLUMNS, decode_row

__all__ = ["SEARCH_STATEMENTS", "SearchIndex", "backfill_search"]

SEARCH_STATEMENTS: tuple[str, ...] = (
    (
        "CREATE TABLE {s}.search_terms (term text NOT NULL,"
        " complaint_id text NOT NULL, PRIMARY KEY (term, complaint_id))"
    ),
    "CREATE INDEX search_terms_complaint ON {s}.search_terms (complaint_id)",
    (
        "CREATE TABLE {s}.search_digests (complaint_id text PRIMARY KEY,"
        " digest text NOT NULL)"
    ),
)
"""Schema version 5: the search index (filled for stored complaints on upgrade)."""

_DIFFERS = "table 'search_terms' differs from the document"


class SearchIndex:
    """The statements of the search index, composed once for one schema."""

    def __init__(self, schema: str) -> None:
        """Compose every statement for ``schema``."""
        s = sql.Identifier(schema)
        self.digest_of_row = sql.SQL(
            "(SELECT d.digest FROM {}.search_digests d WHERE d.complaint_id = c.id)"
        ).format(s)
        # A complaint's terms go in one statement, as two parallel arrays.
        self._insert_terms = (
            sql.SQL(
                "INSERT INTO {}.search_terms (term, complaint_id)"
                " SELECT * FROM unnest(%s::text[], %s::text[])"
            )
            .format(s)
            .as_bytes()
        )
        self._upsert_digest = (
            sql.SQL(
                "INSERT INTO {}.search_digests (complaint_id, digest) VALUES (%s, %s)"
                " ON CONFLICT (complaint_id) DO UPDATE SET digest = EXCLUDED.digest"
            )
            .format(s)
            .as_bytes()
        )
        self._delete_terms = (
            sql.SQL("DELETE FROM {}.search_terms WHERE complaint_id = %s")
            .format(s)
            .as_bytes()
        )
        self._copy_terms = sql.SQL(
            "COPY {}.search_terms (term, complaint_id) FROM STDIN"
        ).format(s)
        self._copy_digests = sql.SQL(
            "COPY {}.search_digests (complaint_id, digest) FROM STDIN"
        ).format(s)
        self._matching = sql.SQL(
            "SELECT complaint_id FROM {}.search_terms WHERE term = ANY(%s)"
            " GROUP BY complaint_id HAVING count(*) = %s"
        ).format(s)
        self._terms_of = sql.SQL(
            "SELECT complaint_id, term FROM {}.search_terms"
            " WHERE complaint_id = ANY(%s)"
        ).format(s)
        self._digests_of = sql.SQL(
            "SELECT complaint_id, digest FROM {}.search_digests"
            " WHERE complaint_id = ANY(%s)"
        ).format(s)
        self._orphans = sql.SQL(
            "SELECT DISTINCT t.complaint_id FROM {0}.search_terms t WHERE NOT EXISTS"
            " (SELECT 1 FROM {0}.complaints c WHERE c.id = t.complaint_id)"
            " ORDER BY t.complaint_id"
        ).format(s)

    def write(self, cur: psycopg.Cursor[Any], complaints: Iterable[Complaint]) -> None:
        """Index new ``complaints`` (the caller's transaction)."""
        complaints = list(complaints)
        pairs = [(t, c.id) for c in complaints for t in complaint_terms(c)]
        if pairs:
            terms, ids = zip(*pairs, strict=True)
            cur.execute(self._insert_terms, (list(terms), list(ids)))
        cur.executemany(
            self._upsert_digest, [(c.id, search_digest(c)) for c in complaints]
        )

    def copy(self, cur: psycopg.Cursor[Any], complaints: Sequence[Complaint]) -> None:
        """Index new ``complaints`` with COPY (bulk import)."""
        with cur.copy(self._copy_terms) as copy:
            for complaint in complaints:
                for term in complaint_terms(complaint):
                    copy.write_row((term, complaint.id))
        with cur.copy(self._copy_digests) as copy:
            for complaint in complaints:
                copy.write_row((complaint.id, search_digest(complaint)))

    def reindex(
        self, cur: psycopg.Cursor[Any], complaint: Complaint, stored_digest: Any
    ) -> None:
        """Re-index a saved complaint whose searchable texts changed."""
        if search_digest(complaint) == stored_digest:
            return
        cur.execute(self._delete_terms, (complaint.id,))
        self.write(cur, (complaint,))

    def matching(self, terms: frozenset[str]) -> tuple[sql.Composed, list[Any]]:
        """Return a sub-select of the ids holding every one of ``terms``."""
        return self._matching, [sorted(terms), len(terms)]

    def problems(
        self, cur: psycopg.Cursor[Any], complaints: Sequence[Complaint]
    ) -> list[IntegrityProblem]:
        """Name the ``complaints`` whose indexed terms are not their document's."""
        ids = [c.id for c in complaints]
        cur.execute(self._terms_of, (ids,))
        stored: dict[str, set[str]] = {}
        for complaint_id, term in cur:
            stored.setdefault(complaint_id, set()).add(term)
        cur.execute(self._digests_of, (ids,))
        digests = dict(cur.fetchall())
        return [
            IntegrityProblem(complaint_id=c.id, message=_DIFFERS)
            for c in complaints
            if stored.get(c.id, set()) != complaint_terms(c)
            or digests.get(c.id) != search_digest(c)
        ]

    def orphans(self, cur: psycopg.Cursor[Any]) -> list[IntegrityProblem]:
        """Name index rows of complaints that are not stored."""
        cur.execute(self._orphans)
        return [
            IntegrityProblem(
                complaint_id=row[0],
                message="table 'search_terms' indexes a complaint that is not stored",
            )
            for row in cur.fetchall()
        ]


def backfill_search(cur: psycopg.Cursor[Any], schema: str) -> None:
    """Index every stored complaint (the migration to schema version 5).

    A complaint that cannot be read is left out (``verify_integrity`` names it).
    """
    s = sql.Identifier(schema)
    page = sql.SQL(
        "SELECT {} FROM {}.complaints c WHERE c.id > %s ORDER BY c.id LIMIT 500"
    ).format(ROW_COLUMNS.format(schema=s), s)
    index = SearchIndex(schema)
    last = ""
    while True:
        cur.execute(page, (last,))
        rows = cur.fetchall()
        if not rows:
            return
        complaints = []
        for row in rows:
            try:
                complaints.append(decode_row(row))
            except IntegrityError:
                continue
        index.copy(cur, complaints)
        last = rows[-1][0]
