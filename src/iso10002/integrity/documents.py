"""The stored document of a complaint: its head, with its events' texts spliced in.

A stored document is the complaint without its history (the *head*) with
each history event's canonical JSON, the text the chain hashes, spliced in.
An adapter may keep the head and the history's texts apart (the SQLite and
PostgreSQL adapters do) and join them on reading with
:func:`whole_document`; a save keeps the stored history's text and appends
the new events' texts.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.integrity._documents import (
    complaint_fields,
    document,
    document_text,
    event_json,
    events_json,
    head_of,
    head_text,
    is_whole,
    stored_history,
    whole_document,
)

__all__ = [
    "complaint_fields",
    "document",
    "document_text",
    "event_json",
    "events_json",
    "head_of",
    "head_text",
    "is_whole",
    "stored_history",
    "whole_document",
]

publish(globals())
