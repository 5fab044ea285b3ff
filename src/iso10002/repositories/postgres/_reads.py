"""Reading a PostgreSQL store: one complaint, pages, search, counts and the feed."""

from __future__ import annotations

from psycopg import sql

from iso10002.errors import NotFoundError, ValidationError
from iso10002.integrity import load_event
from iso10002.model import Complaint
from iso10002.repositories._protocol import DEFAULT_PAGE_SIZE
from iso10002.repositories._query import check_limit, check_position, encode_cursor
from iso10002.repositories._records import Page, Query, StoredEvent
from iso10002.repositories._search import (
    SearchQuery,
    check_search,
    matches_search,
    query_terms,
)
from iso10002.repositories.postgres._codec import ROW_COLUMNS, decode_row, where_clause
from iso10002.repositories.postgres._connect import Connector
from iso10002.repositories.postgres._known import (
    Head,
    Heads,
    Known,
    KnownComplaints,
    known_columns,
)
from iso10002.repositories.postgres._search import SearchIndex


class Reads:
    """The read statements of one schema, run through one connector."""

    def __init__(
        self,
        db: Connector,
        schema: sql.Identifier,
        index: SearchIndex,
        memory: tuple[KnownComplaints, Heads],
    ) -> None:
        """Build the statements for ``schema``; remember reads in ``memory``."""
        self.db = db
        self.schema = schema
        self.index = index
        self.known, self.heads = memory
        self.select = sql.SQL("SELECT {} FROM {}.complaints c").format(
            ROW_COLUMNS.format(schema=schema), schema
        )
        self.select_known = known_columns(schema)
        self.select_one = (self.select + sql.SQL(" WHERE c.id = %s")).as_bytes()

    def get(self, complaint_id: str) -> Complaint:
        """Load the latest version of a complaint (see :mod:`._known`).

        Raises:
            NotFoundError: if no complaint has that id.
            IntegrityError: if the stored document cannot be read.
        """
        known = self.known.get(complaint_id)
        with self.db.read("get", complaint_id) as cur:
            cur.execute(
                self.select_known,
                {
                    "id": complaint_id,
                    "version": -1 if known is None else known.version,
                    "link": "" if known is None else known.link,
                },
            )
            row = cur.fetchone()
            if row is None:
                raise NotFoundError(complaint_id)
            self.heads.remember(
                complaint_id, Head(row[4], row[5], bytes(row[7]), row[8])
            )
            if row[6]:
                if known is not None and (row[1], row[2]) == (
                    known.document,
                    known.escaped,
                ):
                    return known.complaint
                # The same history under another document: read it all.
                cur.execute(self.select_one, (complaint_id,))
                row = cur.fetchone()
                if row is None:
                    raise NotFoundError(complaint_id)
                complaint = decode_row(row)
                self.known.forget(complaint_id)
                return complaint
        complaint = decode_row(row[:4])
        if complaint.version == row[4]:
            self.known.remember(Known(row[4], row[5], row[1], bool(row[2]), complaint))
        return complaint

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

    def events(self, *, after: int, limit: int) -> tuple[StoredEvent, ...]:
        """Return the feed's events after position ``after``."""
        check_position(after)
        check_limit(limit)
        statement = sql.SQL(
            "SELECT position, complaint_id, event::text FROM {}.events"
            " WHERE position > %s ORDER BY position LIMIT %s"
        ).format(self.schema)
        with self.db.read("events") as cur:
            cur.execute(statement, (after, limit))
            rows = cur.fetchall()
        return tuple(
            StoredEvent(
                position=position, complaint_id=cid, event=load_event(cid, text)
            )
            for position, cid, text in rows
        )
