"""The per-complaint hash chain and the commitments to personal data.

Pure functions shared by every adapter, so that every backend chains the
same way; :mod:`iso10002.integrity._verify` checks what they made.

Each stored event carries two hex strings:

* ``commitment``: ``HMAC-SHA256(salt, personal data)`` of the complaint as
  saved with that event. The salt is random, kept per complaint and replaced
  on erasure, so after an erasure the old commitments can no longer be tested
  against guessed personal data, yet they still verify as links.
* ``link``: ``SHA-256(previous link, complaint id, commitment, event)``, the
  first event chained to :data:`GENESIS`.

Events never carry personal data, so erasure leaves every stored event and
link untouched and the chain keeps verifying; the erasure itself is one more
chained event.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from iso10002.integrity._documents import document_text, events_json
from iso10002.integrity._json import canonical_json, compact_json
from iso10002.integrity._personal import commit_personal_data
from iso10002.integrity.keys import RecordKey
from iso10002.model import Complaint, HistoryEvent
from iso10002.serialization import to_dict

__all__ = [
    "GENESIS",
    "SALT_BYTES",
    "ChainedEvent",
    "Prepared",
    "chain_events",
    "chain_link",
    "chain_rows",
    "dump_document",
    "dump_event",
    "new_salt",
    "new_salts",
    "prepare",
    "prepare_rows",
]

GENESIS = "0" * 64
"""The link the first event of every complaint is chained to."""

SALT_BYTES = 16
"""Length of the per-complaint salt of the personal-data commitment."""

_DOMAIN = b"iso10002/chain/v1\n"
_LENGTH = struct.Struct(">Q").pack  # a part's 8-byte big-endian length
_HEX_HEAD = _DOMAIN + _LENGTH(64)  # before a previous link of ours


def new_salt() -> bytes:
    """Return a fresh random salt for a complaint's personal-data commitments.

    .. versionadded:: 0.1.0
    """
    return os.urandom(SALT_BYTES)


def new_salts(count: int) -> list[bytes]:
    """Return ``count`` fresh salts from one read of the system's random source.

    .. versionadded:: 0.1.0
    """
    pool = os.urandom(SALT_BYTES * count)
    return [pool[i : i + SALT_BYTES] for i in range(0, len(pool), SALT_BYTES)]


def dump_event(event: HistoryEvent) -> str:
    """Serialise an event as the canonical JSON text the chain hashes."""
    return canonical_json(to_dict(event))


def dump_document(
    complaint: Complaint, document: Mapping[str, Any] | None = None
) -> str:
    """Serialise a complaint as its stored document (compact JSON, valid UTF-8).

    Pass ``document``, the complaint's ``to_dict``, when already computed.
    """
    data = to_dict(complaint) if document is None else document
    return compact_json(data)


def chain_link(
    previous: str,
    complaint_id: str,
    commitment: str,
    event_json: str,
    key: RecordKey | None = None,
) -> str:
    """Return the link of one event: SHA-256 over the previous link and this event.

    With ``key``, the link is ``"<key id>:<HMAC-SHA256>"`` of the same bytes
    under the key's secret, which whoever writes to the database cannot
    recompute (see :mod:`iso10002.integrity.keys`).
    """
    parts = (previous, complaint_id, commitment, event_json)
    return _seal(_DOMAIN + b"".join(map(_part, parts)), key)


def _seal(message: bytes, key: RecordKey | None) -> str:
    if key is None:
        return hashlib.sha256(message).hexdigest()
    mac = hmac.new(key.secret, message, hashlib.sha256).hexdigest()
    return f"{key.key_id}:{mac}"


def _part(text: str) -> bytes:
    """Return ``text`` as UTF-8 (lone surrogates kept) after its 8-byte length."""
    encoded = text.encode("utf-8", "surrogatepass")
    return _LENGTH(len(encoded)) + encoded


@attrs.frozen(kw_only=True)
class ChainedEvent:
    """An event ready to store: its canonical JSON, commitment and link.

    .. versionadded:: 0.1.0
    """

    event: HistoryEvent
    event_json: str
    commitment: str
    link: str

    @property
    def sequence(self) -> int:
        """Return the event's place in its complaint's history."""
        return self.event.sequence


def chain_events(
    complaint: Complaint,
    *,
    after_version: int,
    previous_link: str,
    salt: bytes,
    key: RecordKey | None = None,
) -> tuple[ChainedEvent, ...]:
    """Chain the events a save appends: ``complaint.history[after_version:]``.

    Args:
        complaint: The version being stored.
        after_version: The stored version (0 for a new complaint).
        previous_link: The link of the last stored event (:data:`GENESIS` for
            a new complaint).
        salt: The complaint's current salt.
        key: Keys the new links (an HMAC under the key's secret, see
            :mod:`iso10002.integrity.keys`).

    Returns:
        One :class:`ChainedEvent` per new event, in sequence order.
    """
    rows = chain_rows(
        complaint,
        after_version=after_version,
        previous_link=previous_link,
        salt=salt,
        row_id=complaint.id,
        key=key,
    )
    return _chained(complaint, after_version, rows)


def chain_rows(  # noqa: PLR0913 - the facts of one chaining
    complaint: Complaint,
    *,
    after_version: int,
    previous_link: str,
    salt: bytes,
    row_id: Any,
    texts: Sequence[str] | None = None,
    key: RecordKey | None = None,
) -> list[tuple[Any, int, str, str, str]]:
    """Chain ``complaint.history[after_version:]`` (see :func:`chain_events`).

    Args:
        complaint: The version being stored.
        after_version: The stored version (0 for a new complaint).
        previous_link: The chain head stored so far (:data:`GENESIS` when new).
        salt: The complaint's salt for this version.
        row_id: The complaint id as the adapter stores it, first in each row.
        texts: The new events' canonical JSON, when already written.
        key: Keys the new links (an HMAC under the key's secret, see
            :mod:`iso10002.integrity.keys`).

    Returns:
        ``(row_id, sequence, event_json, commitment, link)`` per new event,
        the rows of an ``events`` table.
    """
    if texts is None:
        texts = events_json(complaint.history[after_version:])
    commitment = commit_personal_data(complaint, salt)
    middle = _part(complaint.id) + _part(commitment)
    rows = []
    head = _DOMAIN + _part(previous_link)  # the link's bytes before ``middle``
    sha256 = hashlib.sha256
    for event, text in zip(complaint.history[after_version:], texts, strict=True):
        # _link, inlined: this loop runs once per stored event.
        try:
            encoded = text.encode()
        except UnicodeEncodeError:  # lone surrogates: kept, as _part keeps them
            encoded = text.encode("utf-8", "surrogatepass")
        message = b"".join((head, middle, _LENGTH(len(encoded)), encoded))
        if key is None:
            link = sha256(message).hexdigest()
            # An unkeyed link of ours is 64 ASCII hex digits.
            head = _HEX_HEAD + link.encode()
        else:
            link = _seal(message, key)
            head = _DOMAIN + _part(link)
        rows.append((row_id, event.sequence, text, commitment, link))
    return rows


def _chained(
    complaint: Complaint, after_version: int, rows: Sequence[tuple[Any, ...]]
) -> tuple[ChainedEvent, ...]:
    return tuple(
        ChainedEvent(event=event, event_json=row[2], commitment=row[3], link=row[4])
        for event, row in zip(complaint.history[after_version:], rows, strict=True)
    )


@attrs.frozen(kw_only=True)
class Prepared:
    """Everything a write stores: the document and the chained new events.

    .. versionadded:: 0.1.0
    """

    document: str
    events: tuple[ChainedEvent, ...]

    @property
    def last_link(self) -> str:
        """Return the link of the last new event (the complaint's chain head)."""
        return self.events[-1].link


def prepare(
    complaint: Complaint,
    *,
    after_version: int,
    previous_link: str,
    salt: bytes,
    key: RecordKey | None = None,
) -> Prepared:
    """Serialise ``complaint`` once and chain its events after ``after_version``.

    Args:
        complaint: The version being stored.
        after_version: The stored version (0 for a new complaint).
        previous_link: The chain head stored so far (:data:`GENESIS` when new).
        salt: The complaint's salt for this version.
        key: Keys the new links (an HMAC under the key's secret, see
            :mod:`iso10002.integrity.keys`).

    Returns:
        The document text and the new events, ready to store.

    .. versionadded:: 0.1.0
    """
    document, rows = prepare_rows(
        complaint,
        after_version=after_version,
        previous_link=previous_link,
        salt=salt,
        row_id=complaint.id,
        key=key,
    )
    return Prepared(document=document, events=_chained(complaint, after_version, rows))


def prepare_rows(  # noqa: PLR0913 - the facts of one write
    complaint: Complaint,
    *,
    after_version: int,
    previous_link: str,
    salt: bytes,
    row_id: Any,
    key: RecordKey | None = None,
) -> tuple[str, list[tuple[Any, int, str, str, str]]]:
    """Return what :func:`prepare` does as the document and ``events`` rows.

    The rows are :func:`chain_rows`'s, ``row_id`` first; the chain head is
    the last row's link. The write path of the SQLite adapter stores these
    without building :class:`ChainedEvent` objects.
    """
    texts = events_json(complaint.history)
    rows = chain_rows(
        complaint,
        after_version=after_version,
        previous_link=previous_link,
        salt=salt,
        texts=texts[after_version:],
        row_id=row_id,
        key=key,
    )
    return document_text(complaint, texts), rows
