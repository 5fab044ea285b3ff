"""A bounded cache of parsed complaints, keyed by the stored state that names them.

Parsing a long history costs time in proportion to its length (each event is
structured and validated again). A repository keeps the last long complaints
it parsed or wrote with their *stamp*: the stored document text, version and
chain head (``last_link``, a hash over every event). Events are append-only
(triggers refuse updates and deletes), so a read whose row has the same stamp
returns the same complaint without reading or parsing the history again. An
edit of the stored document made behind the library's back is a different
stamp and is parsed as before; ``verify_integrity`` always reads the store.
"""

from __future__ import annotations

import threading
from typing import Any

from iso10002.model import Complaint

__all__ = ["MIN_EVENTS", "ParsedDocuments", "Stamp"]

MIN_EVENTS = 64
# Shorter histories parse in about a millisecond: not worth remembering.
SIZE = 32
# How many complaints are remembered (the most recently used).

Stamp = tuple[Any, int, Any]
"""What names a stored complaint: its document, version and chain head."""


class ParsedDocuments:
    """The last long complaints parsed or written, with their stamps.

    With ``keep_short`` shorter ones are kept too, for a caller that writes
    over them checked (see :meth:`known`), but a read is served only the
    long ones (:meth:`entry`): a short history is read and parsed again.
    """

    def __init__(
        self,
        size: int = SIZE,
        min_events: int = MIN_EVENTS,
        *,
        keep_short: bool = False,
    ) -> None:
        """Remember up to ``size`` complaints of at least ``min_events`` events."""
        self._size = size
        self._min_events = min_events
        self._keep_short = keep_short
        self._entries: dict[str, tuple[Stamp, Complaint]] = {}
        self._lock = threading.Lock()

    def entry(self, complaint_id: str) -> tuple[Stamp, Complaint] | None:
        """Return the remembered stamp and long complaint of ``complaint_id``."""
        with self._lock:
            found = self._entries.get(complaint_id)
        if found is None or found[1].version < self._min_events:
            return None
        return found

    def known(self, complaint_id: str, stamp: Stamp) -> Complaint | None:
        """Return the complaint remembered under exactly ``stamp``, if any."""
        with self._lock:
            found = self._entries.get(complaint_id)
        if found is None or found[0] != stamp:
            return None
        return found[1]

    def remember(self, complaint_id: str, stamp: Stamp, complaint: Complaint) -> None:
        """Remember that ``stamp`` names ``complaint`` (the caller vouches)."""
        if complaint.version < self._min_events and not self._keep_short:
            self.forget(complaint_id)
            return
        with self._lock:
            self._entries.pop(complaint_id, None)
            self._entries[complaint_id] = (stamp, complaint)
            while len(self._entries) > self._size:
                del self._entries[next(iter(self._entries))]

    def forget(self, complaint_id: str) -> None:
        """Drop what is remembered of ``complaint_id``."""
        with self._lock:
            self._entries.pop(complaint_id, None)
