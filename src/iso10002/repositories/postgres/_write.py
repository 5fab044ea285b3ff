"""The write path of the PostgreSQL adapter: the statements that store one version.

A write sends its rows in this order: the complaint row, its KPI facts and
search index rows, and last the feed lock with the new events (see the
adapter's docstring), so the lock is held for as little as the events and
the commit.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import psycopg
from psycopg import sql

from iso10002.errors import (
    ConflictError,
    DuplicateError,
    NotFoundError,
    ValidationError,
)
from iso10002.integrity import chain_rows, new_salt
from iso10002.integrity.keys import RecordKey
from iso10002.model import Complaint
from iso10002.repositories._search import search_digest
from iso10002.repositories.postgres._codec import complaint_row, new_rows
from iso10002.repositories.postgres._connect import one_round_trip
from iso10002.repositories.postgres._facts import FactWriter
from iso10002.repositories.postgres._known import Head
from iso10002.repositories.postgres._schema import FEED_LOCK_CLASS, lock_key
from iso10002.repositories.postgres._search import SearchIndex

__all__ = [
    "COMPLAINT_COLUMNS",
    "Statements",
    "check_complaint",
    "check_expected_version",
]

COMPLAINT_COLUMNS = (
    "id, version, idempotency_key, salt, last_link, status, received_at, channel,"
    " assignee, category, reference, next_due_at, met_late, document, document_escaped"
)
"""The ``complaints`` columns of :func:`._codec.complaint_row`, in its order."""


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


def check_expected_version(complaint: Complaint, expected_version: Any) -> None:
    """Check ``expected_version`` of a save of ``complaint``.

    Raises:
        ValidationError: unless it is a positive integer below the new version.
    """
    if (
        isinstance(expected_version, bool)
        or not isinstance(expected_version, int)
        or expected_version < 1
    ):
        raise ValidationError.single("expected_version", "must be a positive integer")
    if complaint.version <= expected_version:
        raise ValidationError.single(
            "complaint.version",
            f"must be greater than expected_version {expected_version}",
        )


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
            " ON CONFLICT DO NOTHING RETURNING id",
            s,
        )
        self.insert_keyed = _bytes(
            "INSERT INTO {}.complaints ("
            + COMPLAINT_COLUMNS
            + ", idempotency_digest) VALUES"
            "  (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb,"
            " %s, %s) ON CONFLICT DO NOTHING RETURNING id",
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
        self.current = _bytes(
            "SELECT version, last_link, salt, {} FROM {}.complaints c WHERE id = %s",
            self.search.digest_of_row,
            s,
        )
        self.update_sql = _bytes(
            "UPDATE {}.complaints SET version = %s, salt = %s, last_link = %s,"
            " status = %s, received_at = %s, channel = %s, assignee = %s,"
            " category = %s, reference = %s, next_due_at = %s, met_late = %s,"
            " document = %s::jsonb, document_escaped = %s, updated_at = now()"
            " WHERE id = %s AND version = %s AND last_link = %s AND salt = %s"
            " RETURNING document::text, document_escaped",
            s,
        )
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
        self.insert_events = _bytes(
            "INSERT INTO {}.events (complaint_id, sequence, event, commitment, link)"
            " VALUES (%s, %s, %s::json, %s, %s)",
            s,
        )

    def add(
        self,
        conn: psycopg.Connection[Any],
        complaint: Complaint,
        idempotency_key: str | None,
        payload_digest: str | None = None,
    ) -> Head:
        """Insert a new complaint and its whole history, as one batch.

        Returns:
            The head a save of its next version chains to.

        Raises:
            DuplicateError: if its id or idempotency key is already stored
                (for the key, with the payload digest stored with it).
        """
        salt = new_salt()
        row, events = new_rows(complaint, salt, idempotency_key, self.chain_key)
        link = events[-1][4]
        with conn.cursor() as insert, conn.cursor() as rest:
            try:
                with one_round_trip(conn):
                    if payload_digest is None:
                        insert.execute(self.insert, row)
                    else:
                        insert.execute(self.insert_keyed, (*row, payload_digest))
                    self.facts.write_one(rest, complaint, replace=False)
                    self.search.write(rest, (complaint,))
                    self._append(rest, complaint, link, events)
            except psycopg.Error:
                if not _missed(insert):
                    raise
            if _missed(insert):
                self._duplicate(conn, complaint.id, idempotency_key)
        return Head(complaint.version, link, salt, search_digest(complaint))

    def _duplicate(
        self, conn: psycopg.Connection[Any], complaint_id: str, key: str | None
    ) -> None:
        """Raise the DuplicateError of an insert that found its id or key taken."""
        with conn.cursor() as cur:
            cur.execute(self.duplicate, (complaint_id, complaint_id, key, complaint_id))
            found = cur.fetchone()
        existing, same_id, digest = found or (complaint_id, True, None)
        raise DuplicateError(
            existing,
            idempotency_key=None if same_id else key,
            payload_digest=None if same_id else digest,
        )

    def _append(
        self,
        cur: psycopg.Cursor[Any],
        complaint: Complaint,
        link: str,
        events: list[tuple[Any, ...]],
    ) -> None:
        """Send the new events of a batch, each taking the feed lock first."""
        head = (*self.lock_args, complaint.id, complaint.version, link)
        if len(events) == 1:
            cur.execute(self.insert_events_checked, (*head, *events[0][1:]))
            return
        cur.executemany(
            self.insert_events_checked, [(*head, *event[1:]) for event in events]
        )

    def save(
        self,
        conn: psycopg.Connection[Any],
        complaint: Complaint,
        expected_version: int,
        head: Head | None,
    ) -> tuple[tuple[str, str, Any, bool], Head]:
        """Store the next version of a stored complaint (``save``).

        With the ``head`` it was read at, every statement goes to the server
        at once and comes back in one round trip: the ``UPDATE`` checks the
        version, chain head and salt, and the events are appended only to
        the row it updated. When the row no longer holds that head (or none
        is known), the head is read in the transaction and the statements
        follow in a second round trip, as a batch again.

        Returns:
            As :meth:`update`, and the new head.

        Raises:
            NotFoundError: if the complaint was never added.
            ConflictError: if the stored version is not ``expected_version``.
        """
        if head is not None and head.version == expected_version:
            done = self._attempt(conn, one_round_trip(conn), complaint, head)
            if done is not None:
                return done
        with conn.transaction():
            head = self._head(conn, complaint.id, expected_version)
            done = self._attempt(conn, conn.pipeline(), complaint, head)
            if done is None:
                raise ConflictError(complaint.id, expected_version=expected_version)
        return done

    def _attempt(
        self,
        conn: psycopg.Connection[Any],
        batch: AbstractContextManager[Any],
        complaint: Complaint,
        head: Head,
    ) -> tuple[tuple[str, str, Any, bool], Head] | None:
        """Store ``complaint`` over ``head`` in ``batch``; ``None`` if it is stale."""
        with conn.cursor() as update, conn.cursor() as rest:
            try:
                with batch:
                    new = self._send(update, rest, complaint, head)
            except psycopg.Error:
                if _missed(update):
                    return None
                raise
            if _missed(update):
                return None
            return _written(update, head, new), new

    def _send(
        self,
        update: psycopg.Cursor[Any],
        rest: psycopg.Cursor[Any],
        complaint: Complaint,
        head: Head,
    ) -> Head:
        """Send the statements that store ``complaint`` over ``head`` (a batch).

        Returns:
            The head once they are stored.
        """
        events = chain_rows(
            complaint,
            after_version=head.version,
            previous_link=head.link,
            salt=head.salt,
            row_id=complaint.id,
            key=self.chain_key,
        )
        link = events[-1][4]
        row = complaint_row(
            complaint, idempotency_key=None, salt=head.salt, last_link=link
        )
        update.execute(
            self.update_sql,
            (row[1], *row[3:], complaint.id, head.version, head.link, head.salt),
        )
        self.facts.write_one(rest, complaint, replace=True)
        self.search.reindex(rest, complaint, head.digest)
        self._append(rest, complaint, link, events)
        return Head(complaint.version, link, head.salt, search_digest(complaint))

    def _head(
        self, conn: psycopg.Connection[Any], complaint_id: str, expected_version: int
    ) -> Head:
        """Read the stored head of a complaint about to be saved.

        Raises:
            NotFoundError: if the complaint was never added.
            ConflictError: if the stored version is not ``expected_version``.
        """
        with conn.cursor() as cur:
            cur.execute(self.current, (complaint_id,))
            row = cur.fetchone()
        if row is None:
            raise NotFoundError(complaint_id)
        version, last_link, salt, digest = row
        if version != expected_version:
            raise ConflictError(
                complaint_id,
                expected_version=expected_version,
                actual_version=version,
            )
        return Head(version, last_link, bytes(salt), digest)

    def update(  # noqa: PLR0913 - the stored state a version is chained to
        self,
        cur: psycopg.Cursor[Any],
        complaint: Complaint,
        *,
        expected_version: int,
        previous_link: str,
        salt: bytes,
        new_salt: bytes | None = None,
        stored_digest: Any = None,
    ) -> tuple[str, str, Any, bool]:
        """Store the next version of a complaint, appending its new events.

        Returns:
            The chain head saved over, the new one, and the stored document's
            text and escape flag as the server returns them.

        Raises:
            ConflictError: if the stored row is no longer at ``expected_version``.
        """
        use_salt = new_salt if new_salt is not None else salt
        events = chain_rows(
            complaint,
            after_version=expected_version,
            previous_link=previous_link,
            salt=use_salt,
            row_id=complaint.id,
            key=self.chain_key,
        )
        row = complaint_row(
            complaint, idempotency_key=None, salt=use_salt, last_link=events[-1][4]
        )
        # Same columns as the INSERT minus id and idempotency key, then the WHERE.
        cur.execute(
            self.update_sql,
            (row[1], *row[3:], complaint.id, expected_version, previous_link, salt),
        )
        if cur.rowcount != 1:
            raise ConflictError(complaint.id, expected_version=expected_version)
        stored = cur.fetchone()
        self.facts.write_one(cur, complaint, replace=True)
        self.search.reindex(cur, complaint, stored_digest)
        cur.execute(self.lock_feed, self.lock_args)
        cur.executemany(self.insert_events, events)
        document, escaped = stored if stored is not None else (None, False)
        return previous_link, events[-1][4], document, bool(escaped)


def _missed(update: psycopg.Cursor[Any]) -> bool:
    """Tell whether a save's ``UPDATE`` came back without a row (a stale head)."""
    return update.pgresult is not None and update.rowcount == 0


def _written(
    update: psycopg.Cursor[Any], head: Head, new: Head
) -> tuple[str, str, Any, bool]:
    """Return the chain heads before and after a save, and the stored document."""
    stored = update.fetchone()
    document, escaped = stored if stored is not None else (None, False)
    return head.link, new.link, document, bool(escaped)
