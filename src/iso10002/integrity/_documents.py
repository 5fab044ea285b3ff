"""The text a write stores: each event's canonical JSON, and the document.

A stored document is the complaint without its history, with each history
event's canonical JSON (the text the chain hashes) spliced in, so every event
is serialised once per write; a save keeps the stored history's text and
appends the new events' texts (:func:`stored_history`). An event's canonical
text is written directly from its fields, in sorted key order, with the same
string escaping and number formatting as ``json``; a property test holds it
equal to ``canonical_json(to_dict(event))``.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from iso10002.integrity._json import canonical_chunks, canonical_json, compact_json
from iso10002.model import Complaint, HistoryEvent
from iso10002.serialization import to_dict

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

_STRING: Callable[[str], str] = json.encoder.encode_basestring


_NO_HISTORY = ("history",)


def complaint_fields(complaint: Complaint) -> dict[str, Any]:
    """Return ``to_dict(complaint)`` without its history (built without it)."""
    return to_dict(complaint, omit=_NO_HISTORY)


def event_json(event: HistoryEvent) -> str:
    """Return the canonical JSON of ``event``: ``canonical_json(to_dict(event))``."""
    return events_json((event,))[0]


def events_json(events: Iterable[HistoryEvent]) -> list[str]:
    """Return :func:`event_json` of each event (one call for a whole history)."""
    string, chunks, join = _STRING, canonical_chunks, "".join
    texts = []
    for event in events:
        from_state, to_state, trigger = event.from_state, event.to_state, event.trigger
        data = event.data
        text = (
            f'{{"actor":{string(event.actor)},"at":"{event.at.isoformat()}",'
            f'"data":{join(chunks(data, 0)) if data else "{}"},'
            f'"from_state":{"null" if from_state is None else string(from_state)},'
            f'"name":{string(event.name)},"sequence":{event.sequence},'
            f'"to_state":{"null" if to_state is None else string(to_state)},'
            f'"trigger":{"null" if trigger is None else string(trigger)}}}'
        )
        if not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                text = canonical_json(to_dict(event))
        texts.append(text)
    return texts


def document(fields: Mapping[str, Any], history: Sequence[str]) -> str:
    """Return the stored document: ``fields`` with the history's JSON texts."""
    return _splice(compact_json(fields), history)


_HISTORY_KEY = ',"history":['
_WHOLE = '"history":'


def _splice(head: str, history: Sequence[str]) -> str:
    return f"{head[:-1]}{_HISTORY_KEY}{','.join(history)}]}}"


def stored_history(document: Any) -> str | None:
    """Return the history of a stored document as its events' texts, comma-joined.

    A save keeps this text and appends the new events' texts after it, so the
    stored events are not serialised again and the document keeps what was
    stored (were it edited behind the library's back, ``verify_integrity``
    still reports it after the save). The key is found as written: no text
    before it can hold it, because strings escape their quotes and the
    complaint's other fields hold no free-form objects.

    Returns:
        ``None`` if ``document`` is not a document text ending with its history.
    """
    if not isinstance(document, str) or not document.endswith("]}"):
        return None
    start = document.find(_HISTORY_KEY)
    if start < 0:
        return None
    return document[start + len(_HISTORY_KEY) : -2] or None


def is_whole(document: Any) -> bool:
    """Tell whether a stored document holds its history (the form before v5).

    Since SQLite schema version 5 a document is stored as its head (the
    complaint without ``history``) and the history is read from the chained
    events; a document that still holds its history, in whatever layout, is
    read as stored. A head cannot hold the key's text: strings escape their
    quotes, and the complaint's other fields hold no free-form objects.
    """
    return isinstance(document, str) and _WHOLE in document


def head_of(document: str) -> str:
    """Return the head of a whole stored document (see :func:`is_whole`)."""
    return f"{document[: document.find(_HISTORY_KEY)]}}}"


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def head_text(complaint: Complaint) -> str:
    """Return the stored head of ``complaint``: its document without the history.

    The C encoder writes the same text as :func:`compact_json` (a property
    test holds them equal); a text that is not valid UTF-8 (lone surrogates)
    is written by :func:`compact_json`, which escapes them.
    """
    fields = complaint_fields(complaint)
    text = _COMPACT(fields)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return compact_json(fields)
    return text


def whole_document(document: Any, history: str | None) -> Any:
    """Return the document to parse: a head with ``history`` (events' texts) spliced.

    Args:
        document: The stored document: a head, or a whole document (read as
            it is, see :func:`is_whole`), or anything else a damaged store
            holds (returned unchanged, so parsing names the problem).
        history: The chained events' texts, comma-joined in sequence order
            (``None`` for none).
    """
    if not isinstance(document, str) or is_whole(document):
        return document
    if not document.endswith("}") or document == "{}":
        return document
    return f"{document[:-1]}{_HISTORY_KEY}{history or ''}]}}"


def document_text(complaint: Complaint, history: Sequence[str]) -> str:
    """Return the stored document of ``complaint``, its history's JSON texts given."""
    return _splice(head_text(complaint), history)
