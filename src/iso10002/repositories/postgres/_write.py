"""The write path of the PostgreSQL adapter: the statements that store one version.

A write sends its rows in this order: the complaint row, its KPI facts and
search index rows, and last the feed lock with the new events (see the
adapter's docstring), so the lock is held for as little as the events and
the commit. The row store (:mod:`._rows`) sends them.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

from iso10002.errors import ValidationError
from iso10002.integrity.keys import RecordKey
from iso10002.model import Complaint
from iso10002.repositories.postgres._facts import FactWriter
from iso10002.repositories.postgres._one_statement import OneStatement
from iso10002.repositories.postgres._schema import FEED_LOCK_CLASS, lock_key
from iso10002.repositories.postgres._search import SearchIndex

__all__ = [
    "COMPLAINT_COLUMNS",
    "UPDATE",
    "Statements",
    "check_complaint",
]

COMPLAINT_COLUMNS = (
    "id, version, idempotency_key, salt, last_link, status, received_at, channel,"
    " assignee, category, reference, next_due_at, met_late, document, document_escaped"
)
"""The ``complaints`` columns of :func:`._codec.complaint_row`, in its order."""


UPDATE = (
    "UPDATE {}.complaints SET version = %s, salt = %s, last_link = %s,"
    " status = %s, received_at = %s, channel = %s, assignee = %s,"
    " category = %s, reference = %s, next_due_at = %s, met_late = %s,"
    " document = %s::jsonb, document_escaped = %s, updated_at = now()"
    " WHERE id = %s AND version = %s AND last_link = %s AND salt = %s"
    " RETURNING document::text, document_escaped"
)
"""A complaint row's update, over the version, chain head and salt it was made from."""


def check_complaint(complaint: Any) -> Complaint:
    """Return ``complaint`` if it is a complaint with history, else raise.

    Raises:
        ValidationError: naming ``complaint`` or ``complaint.history``.
    """
    if not isinstance(complaint, Complaint):
        raise ValidationError.single("complaint", "must be a Complaint")
    if not complaint.history:
        raise ValidationError.single(
            "complaint.history", "must hold at least one event"
        )
    return complaint


def _bytes(template: str, *parts: sql.Composable) -> bytes:
    """Compose ``template`` once (psycopg would compose it on every execution)."""
    return sql.SQL(template).format(*parts).as_bytes()


class Statements:
    """The SQL of the write path, composed once for one schema."""

    def __init__(self, schema: str, chain_key: RecordKey | None = None) -> None:
        """Compose every statement for ``schema``; key new links with ``chain_key``."""
        self.chain_key = chain_key
        s = sql.Identifier(schema)
        self.facts = FactWriter(schema)
        self.search = SearchIndex(schema)
        self.lock_args = (FEED_LOCK_CLASS, lock_key(schema))
        self.lock_feed = b"SELECT pg_advisory_xact_lock(%s, %s)"
        self.insert = _bytes(
            "INSERT INTO {}.complaints (" + COMPLAINT_COLUMNS + ") VALUES"
            " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s)"
            " ON CONFLICT DO NOTHING RETURNING document::text, document_escaped",
            s,
        )
        self.insert_keyed = _bytes(
            "INSERT INTO {}.complaints ("
            + COMPLAINT_COLUMNS
            + ", idempotency_digest) VALUES"
            "  (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb,"
            " %s, %s) ON CONFLICT DO NOTHING"
            " RETURNING document::text, document_escaped",
            s,
        )
        self.clear_digest = _bytes(
            "UPDATE {}.complaints SET idempotency_digest = NULL"
            " WHERE id = %s AND idempotency_digest IS NOT NULL",
            s,
        )
        self.duplicate = _bytes(
            "SELECT id, id = %s, idempotency_digest FROM {}.complaints"
            " WHERE id = %s OR idempotency_key = %s ORDER BY id = %s DESC LIMIT 1",
            s,
        )
        self.update_sql = _bytes(UPDATE, s)
        self.one = OneStatement(s, UPDATE, self.facts.changes)
        # Each event takes the feed lock (again: it is re-entrant) before its
        # position is drawn. A batch appends events only to the row it
        # inserted or updated: when that statement found nothing to write,
        # the NULL id stops the batch and it is rolled back.
        self.insert_events_checked = _bytes(
            "WITH feed AS MATERIALIZED (SELECT pg_advisory_xact_lock(%s, %s))"
            " INSERT INTO {0}.events (complaint_id, sequence, event, commitment, link)"
            " SELECT (SELECT id FROM {0}.complaints"
            " WHERE id = %s AND version = %s AND last_link = %s),"
            " %s, %s::json, %s, %s FROM feed",
            s,
        )
