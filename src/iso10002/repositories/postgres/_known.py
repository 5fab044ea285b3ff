"""The PostgreSQL adapter's memory of long complaints it read or wrote.

Reading a complaint aggregates and parses its whole history, at a cost that
grows with its length. Events are append-only (triggers refuse updates and
deletes), and a complaint's stored version and chain head (``last_link``, a
hash over every event) name its history: so a read that finds the same
version, chain head and document text as a complaint read or written before
returns that complaint, and the server sends neither the history nor is it
parsed again. Any other read (a new version, a changed document) reads and
parses everything, as before. ``verify_integrity`` always reads the store.
"""

from __future__ import annotations

import threading
from typing import Any

import attrs
from psycopg import sql

from iso10002.model import Complaint

__all__ = ["MIN_EVENTS", "Head", "Heads", "Known", "KnownComplaints", "known_columns"]

MIN_EVENTS = 64
# Shorter histories read in about a millisecond: not worth remembering.
SIZE = 32


def known_columns(schema: sql.Identifier) -> bytes:
    """Return the SELECT of one complaint for a read that may know it.

    The columns are :func:`decode_row`'s, then the version, the chain head,
    whether both equal the ``version`` and ``link`` parameters (in which case
    the history column is NULL: the server does not aggregate it), the salt
    and the search digest (a :class:`Head`). Returned as bytes, composed
    once (psycopg would compose it again on every read).
    """
    return (
        sql.SQL(
            "SELECT c.id, c.document::text, c.document_escaped,"
            " CASE WHEN c.version = %(version)s AND c.last_link = %(link)s THEN NULL"
            " ELSE (SELECT json_agg(e.event ORDER BY e.sequence) FROM {s}.events e"
            "  WHERE e.complaint_id = c.id AND e.sequence <= c.version)::text END,"
            " c.version, c.last_link,"
            " c.version = %(version)s AND c.last_link = %(link)s, c.salt,"
            " (SELECT d.digest FROM {s}.search_digests d WHERE d.complaint_id = c.id)"
            " FROM {s}.complaints c WHERE c.id = %(id)s"
        )
        .format(s=schema)
        .as_bytes()
    )


@attrs.frozen
class Known:
    """A complaint as read or written, with the stored state that names it."""

    version: int
    link: str
    document: str
    escaped: bool
    complaint: Complaint


class KnownComplaints:
    """The last long complaints read or written (bounded, thread-safe)."""

    def __init__(self, size: int = SIZE, min_events: int = MIN_EVENTS) -> None:
        """Remember up to ``size`` complaints of at least ``min_events`` events."""
        self._size = size
        self._min_events = min_events
        self._entries: dict[str, Known] = {}
        self._lock = threading.Lock()

    def get(self, complaint_id: str) -> Known | None:
        """Return what is remembered of ``complaint_id``."""
        with self._lock:
            return self._entries.get(complaint_id)

    def remember(self, known: Known) -> None:
        """Remember ``known`` (the caller vouches that it is what is stored)."""
        complaint_id = known.complaint.id
        if known.complaint.version < self._min_events:
            self.forget(complaint_id)
            return
        with self._lock:
            self._entries.pop(complaint_id, None)
            self._entries[complaint_id] = known
            while len(self._entries) > self._size:
                del self._entries[next(iter(self._entries))]

    def forget(self, complaint_id: str) -> None:
        """Drop what is remembered of ``complaint_id``."""
        with self._lock:
            self._entries.pop(complaint_id, None)

    def saved(
        self,
        complaint: Complaint,
        expected_version: int,
        written: tuple[str, str, Any, bool],
    ) -> None:
        """Remember a saved version if the history it was saved over is known.

        ``written`` is the chain head saved over, the new chain head, the new
        document's text and whether it is escaped. The stored history is the
        known one plus ``complaint``'s new events only when the known
        complaint was at ``expected_version`` with that chain head and its
        history is ``complaint``'s up to there.
        """
        before = self.get(complaint.id)
        previous, link, document, escaped = written
        if (
            before is not None
            and isinstance(document, str)
            and before.version == expected_version
            and before.link == previous
            and before.complaint.history == complaint.history[:expected_version]
        ):
            self.remember(Known(complaint.version, link, document, escaped, complaint))
        else:
            self.forget(complaint.id)


@attrs.frozen
class Head:
    """The stored state the next version of a complaint is chained to.

    A save that knows it sends its statements at once (see
    :meth:`~iso10002.repositories.postgres._write.Statements.save`): the
    ``UPDATE`` checks that the row still holds it.
    """

    version: int
    link: str
    salt: bytes
    digest: str | None


class Heads:
    """The heads of the complaints last read or written (bounded, thread-safe).

    Only an optimisation: a head that is no longer stored costs a re-read.
    """

    def __init__(self, size: int = 1024) -> None:
        """Remember up to ``size`` heads, dropping the least recently stored."""
        self._size = size
        self._entries: dict[str, Head] = {}
        self._lock = threading.Lock()

    def get(self, complaint_id: str) -> Head | None:
        """Return the remembered head of ``complaint_id``."""
        with self._lock:
            return self._entries.get(complaint_id)

    def remember(self, complaint_id: str, head: Head) -> None:
        """Remember ``head`` as read or written for ``complaint_id``."""
        with self._lock:
            self._entries.pop(complaint_id, None)
            self._entries[complaint_id] = head
            while len(self._entries) > self._size:
                del self._entries[next(iter(self._entries))]

    def forget(self, complaint_id: str) -> None:
        """Drop the head of ``complaint_id`` (erasure changes its salt)."""
        with self._lock:
            self._entries.pop(complaint_id, None)
