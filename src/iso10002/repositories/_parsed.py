"""A bounded cache of parsed stored documents, keyed by their exact text.

Parsing a long history costs time in proportion to its length (each event is
structured and validated again). A repository keeps the last complaints it
parsed or wrote with the exact document text they came from; a read whose
stored text is identical returns the same complaint without parsing it again.
Because the key is the whole text, an edit of the stored document made behind
the library's back is a different text and is parsed as before: what a read
returns is always what parsing the stored text returns.
"""

from __future__ import annotations

import threading
from typing import Any

from iso10002.model import Complaint
from iso10002.repositories._integrity import load_document

__all__ = ["ParsedDocuments"]

MIN_CHARS = 16_384
# Shorter documents parse in well under a millisecond: not worth remembering.
SIZE = 32
# How many complaints are remembered (the most recently used).


class ParsedDocuments:
    """The last complaints parsed or written, with their stored document texts."""

    def __init__(self, size: int = SIZE, min_chars: int = MIN_CHARS) -> None:
        """Remember up to ``size`` documents of at least ``min_chars`` characters."""
        self._size = size
        self._min_chars = min_chars
        self._entries: dict[str, tuple[str, Complaint]] = {}
        self._lock = threading.Lock()

    def load(self, complaint_id: str, raw: Any) -> Complaint:
        """Return :func:`load_document` of ``raw``, parsing it only if not known."""
        if not isinstance(raw, str) or len(raw) < self._min_chars:
            return load_document(complaint_id, raw)
        known = self.known(complaint_id, raw)
        if known is not None:
            return known
        complaint = load_document(complaint_id, raw)
        self.remember(complaint_id, raw, complaint)
        return complaint

    def known(self, complaint_id: str, text: Any) -> Complaint | None:
        """Return the complaint parsed from exactly ``text``, if remembered."""
        with self._lock:
            entry = self._entries.get(complaint_id)
        if entry is None or entry[0] != text:
            return None
        return entry[1]

    def remember(self, complaint_id: str, text: str, complaint: Complaint) -> None:
        """Remember that ``text`` parses to ``complaint`` (the caller vouches)."""
        if len(text) < self._min_chars:
            self.forget(complaint_id)
            return
        with self._lock:
            self._entries.pop(complaint_id, None)
            self._entries[complaint_id] = (text, complaint)
            while len(self._entries) > self._size:
                del self._entries[next(iter(self._entries))]

    def forget(self, complaint_id: str) -> None:
        """Drop what is remembered of ``complaint_id``."""
        with self._lock:
            self._entries.pop(complaint_id, None)
