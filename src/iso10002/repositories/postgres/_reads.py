"""Selecting in a PostgreSQL store: pages, search and counts, in SQL.

One complaint, the feed and the rows are read through the row store
(:mod:`._rows`).
"""

from __future__ import annotations

from psycopg import sql

from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.repositories._protocol import DEFAULT_PAGE_SIZE
from iso10002.repositories._query import check_limit, encode_cursor
from iso10002.repositories._records import Page, Query
from iso10002.repositories._search import (
    SearchQuery,
    check_search,
    matches_search,
    query_terms,
)
from iso10002.repositories.postgres._codec import ROW_COLUMNS, decode_row, where_clause
from iso10002.repositories.postgres._connect import Connector
from iso10002.repositories.postgres._search import SearchIndex


class Reads:
    """The read statements of one schema, run through one connector."""

    def __init__(
        self,
        db: Connector,
        schema: sql.Identifier,
        index: SearchIndex,
    ) -> None:
        """Build the statements for ``schema``."""
        self.db = db
        self.schema = schema
        self.index = index
        self.select = sql.SQL("SELECT {} FROM {}.complaints c").format(
            ROW_COLUMNS.format(schema=schema), schema
        )

    def find(
        self, query: Query, *, limit: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Page:
        """Return one page of the complaints matching ``query``."""
        if not isinstance(query, Query):
            raise ValidationError.single("query", "must be a Query")
        check_limit(limit)
        where, params = where_clause(query, after=after)
        statement = self.select + sql.SQL(
            " WHERE {} ORDER BY c.received_at, c.id LIMIT %s"
        ).format(where)
        with self.db.read("find") as cur:
            cur.execute(statement, (*params, limit + 1))
            rows = cur.fetchall()
        items = tuple(decode_row(row) for row in rows[:limit])
        cursor = encode_cursor(items[-1]) if len(rows) > limit else None
        return Page(items=items, next_cursor=cursor)

    def search(self, query: SearchQuery, *, limit: int) -> tuple[Complaint, ...]:
        """Return the complaints matching ``query`` through the term index."""
        query, limit = check_search(query, limit)
        matching, params = self.index.matching(query_terms(query))
        statement = self.select + sql.SQL(
            " WHERE c.id IN ({}) ORDER BY c.received_at, c.id LIMIT %s"
        ).format(matching)
        with self.db.read("search") as cur:
            cur.execute(statement, (*params, limit))
            rows = cur.fetchall()
        found = (decode_row(row) for row in rows)
        return tuple(c for c in found if matches_search(query, c))

    def count(self, query: Query) -> int:
        """Count the complaints matching ``query``."""
        if not isinstance(query, Query):
            raise ValidationError.single("query", "must be a Query")
        where, params = where_clause(query)
        statement = sql.SQL("SELECT count(*) FROM {}.complaints c WHERE {}").format(
            self.schema, where
        )
        with self.db.read("count") as cur:
            cur.execute(statement, params)
            row = cur.fetchone()
        return int(row[0]) if row else 0
