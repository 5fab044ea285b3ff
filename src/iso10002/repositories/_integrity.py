"""The per-complaint hash chain and the commitments to personal data.

Pure functions shared by every adapter, so that every backend chains and
verifies the same way.

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
import typing
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from iso10002.errors import IntegrityError, ValidationError
from iso10002.model import Complaint, HistoryEvent, is_personal
from iso10002.model._fast import builder
from iso10002.repositories._documents import complaint_fields, event_json
from iso10002.repositories._documents import document as document_text
from iso10002.repositories._json import canonical_json, compact_json
from iso10002.repositories._protocol import IntegrityProblem
from iso10002.serialization import from_dict, from_json, to_dict

__all__ = [
    "GENESIS",
    "SALT_BYTES",
    "ChainedEvent",
    "Prepared",
    "StoredLink",
    "canonical_json",
    "chain_events",
    "chain_link",
    "commit_personal_data",
    "dump_document",
    "dump_event",
    "load_document",
    "load_event",
    "new_salt",
    "personal_data",
    "prepare",
    "verify_complaint",
]

GENESIS = "0" * 64
"""The link the first event of every complaint is chained to."""

SALT_BYTES = 16
"""Length of the per-complaint salt of the personal-data commitment."""

_DOMAIN = b"iso10002/chain/v1\n"


def new_salt() -> bytes:
    """Return a fresh random salt for a complaint's personal-data commitments.

    .. versionadded:: 0.1.0
    """
    return os.urandom(SALT_BYTES)


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


_PLANS: dict[type, tuple[tuple[str, bool], ...]] = {}
_HOLDERS: dict[type, bool] = {}


def _plan(cls: type) -> tuple[tuple[str, bool], ...]:
    """Return ``(field, personal)`` for the fields of ``cls`` worth visiting.

    A field is worth visiting when it is personal, or when its annotation
    names a model class that can hold personal data; the others (ids, codes,
    times, event data) are skipped without being read.
    """
    plan = _PLANS.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls)
        plan = _PLANS[cls] = tuple(
            (attribute.name, is_personal(attribute))
            for attribute in attrs.fields(cls)
            if attribute.name != "history"
            and (
                is_personal(attribute)
                or any(
                    _may_hold_personal(inner)
                    for inner in _attrs_classes(hints.get(attribute.name))
                )
            )
        )
    return plan


def _may_hold_personal(cls: type) -> bool:
    """Tell whether instances of ``cls`` can hold personal data (by field types)."""
    known = _HOLDERS.get(cls)
    if known is not None:
        return known
    _HOLDERS[cls] = False  # a recursive type is settled by its other fields
    hints = typing.get_type_hints(cls)
    holds = any(
        is_personal(attribute)
        or any(
            _may_hold_personal(inner)
            for inner in _attrs_classes(hints.get(attribute.name))
        )
        for attribute in attrs.fields(cls)
    )
    _HOLDERS[cls] = holds
    return holds


def _attrs_classes(annotation: Any) -> list[type]:
    found: list[type] = []
    if isinstance(annotation, type) and attrs.has(annotation):
        found.append(annotation)
    for argument in getattr(annotation, "__args__", ()) or ():
        found.extend(_attrs_classes(argument))
    return found


def _collect(
    obj: Any, doc: Mapping[str, Any], prefix: str, out: dict[str, Any]
) -> None:
    for name, personal in _plan(type(obj)):
        path = f"{prefix}{name}"
        if personal:
            out[path] = doc[name]
            continue
        value = getattr(obj, name)
        if value is None or isinstance(value, (str, int, float)):
            continue
        if attrs.has(type(value)):
            if _may_hold_personal(type(value)):
                _collect(value, doc[name], f"{path}.", out)
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if attrs.has(type(item)) and _may_hold_personal(type(item)):
                    _collect(item, doc[name][i], f"{path}[{i}].", out)


def personal_data(
    complaint: Complaint, document: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Return every personal field of ``complaint`` as ``{path: JSON value}``.

    Paths are dotted with ``[i]`` for positions, e.g. ``complainant.email``.
    Pass ``document``, the complaint's ``to_dict``, when already computed.

    .. versionadded:: 0.1.0
    """
    out: dict[str, Any] = {}
    _collect(complaint, to_dict(complaint) if document is None else document, "", out)
    return out


def commit_personal_data(
    complaint: Complaint, salt: bytes, document: Mapping[str, Any] | None = None
) -> str:
    """Return the salted commitment (HMAC-SHA256, hex) to the personal data.

    .. versionadded:: 0.1.0
    """
    payload = canonical_json(personal_data(complaint, document)).encode("utf-8")
    return hmac.new(salt, payload, hashlib.sha256).hexdigest()


def chain_link(
    previous: str, complaint_id: str, commitment: str, event_json: str
) -> str:
    """Return the link of one event: SHA-256 over the previous link and this event."""
    middle = _part(complaint_id) + _part(commitment)
    return _link(previous, middle, event_json)


def _part(text: str) -> bytes:
    """Return ``text`` as UTF-8 (lone surrogates kept) after its 8-byte length."""
    encoded = text.encode("utf-8", "surrogatepass")
    return len(encoded).to_bytes(8, "big") + encoded


def _link(previous: str, middle: bytes, event_json: str) -> str:
    """Return a link; ``middle`` is the complaint id and commitment, as parts."""
    payload = _DOMAIN + _part(previous) + middle + _part(event_json)
    return hashlib.sha256(payload).hexdigest()


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
    document: Mapping[str, Any] | None = None,
) -> tuple[ChainedEvent, ...]:
    """Chain the events a save appends: ``complaint.history[after_version:]``.

    Args:
        complaint: The version being stored.
        after_version: The stored version (0 for a new complaint).
        previous_link: The link of the last stored event (:data:`GENESIS` for
            a new complaint).
        salt: The complaint's current salt.
        document: The complaint's ``to_dict`` (its history may be left out),
            when already computed.

    Returns:
        One :class:`ChainedEvent` per new event, in sequence order.
    """
    data = complaint_fields(complaint) if document is None else document
    texts = [event_json(e) for e in complaint.history[after_version:]]
    return _chain(
        complaint,
        after_version=after_version,
        previous_link=previous_link,
        salt=salt,
        data=data,
        texts=texts,
    )


def _chain(  # noqa: PLR0913 - the facts of one chaining
    complaint: Complaint,
    *,
    after_version: int,
    previous_link: str,
    salt: bytes,
    data: Mapping[str, Any],
    texts: Sequence[str],
) -> tuple[ChainedEvent, ...]:
    """Chain ``complaint.history[after_version:]``; ``texts`` are their JSON."""
    commitment = commit_personal_data(complaint, salt, data)
    middle = _part(complaint.id) + _part(commitment)
    chained = []
    link = previous_link
    for event, text in zip(complaint.history[after_version:], texts, strict=True):
        link = _link(link, middle, text)
        chained.append(_CHAINED(event, text, commitment, link))
    return tuple(chained)


_CHAINED = builder(ChainedEvent)  # positional: event, event_json, commitment, link


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
    complaint: Complaint, *, after_version: int, previous_link: str, salt: bytes
) -> Prepared:
    """Serialise ``complaint`` once and chain its events after ``after_version``.

    Args:
        complaint: The version being stored.
        after_version: The stored version (0 for a new complaint).
        previous_link: The chain head stored so far (:data:`GENESIS` when new).
        salt: The complaint's salt for this version.

    Returns:
        The document text and the new events, ready to store.

    .. versionadded:: 0.1.0
    """
    data = complaint_fields(complaint)
    texts = [event_json(e) for e in complaint.history]
    return Prepared(
        document=document_text(data, texts),
        events=_chain(
            complaint,
            after_version=after_version,
            previous_link=previous_link,
            salt=salt,
            data=data,
            texts=texts[after_version:],
        ),
    )


def load_document(complaint_id: str, raw: Any) -> Complaint:
    """Parse a stored document (JSON text or decoded mapping) into a complaint.

    Raises:
        IntegrityError: naming the complaint if the document is malformed or
            belongs to another id.

    .. versionadded:: 0.1.0
    """
    try:
        complaint = (
            from_json(Complaint, raw)
            if isinstance(raw, (str, bytes))
            else from_dict(Complaint, raw)
        )
    except ValidationError as exc:
        msg = f"stored document of complaint {complaint_id!r} is malformed: {exc}"
        raise IntegrityError(msg, complaint_id=complaint_id) from exc
    if complaint.id != complaint_id:
        msg = f"stored document of complaint {complaint_id!r} has id {complaint.id!r}"
        raise IntegrityError(msg, complaint_id=complaint_id)
    return complaint


def load_event(complaint_id: str, raw: Any) -> HistoryEvent:
    """Parse a stored event (JSON text or decoded mapping).

    Raises:
        IntegrityError: naming the complaint if the event is malformed.

    .. versionadded:: 0.1.0
    """
    try:
        if isinstance(raw, (str, bytes)):
            return from_json(HistoryEvent, raw)
        return from_dict(HistoryEvent, raw)
    except ValidationError as exc:
        msg = f"stored event of complaint {complaint_id!r} is malformed: {exc}"
        raise IntegrityError(msg, complaint_id=complaint_id) from exc


@attrs.frozen(kw_only=True)
class StoredLink:
    """One stored event as read back for verification (raw, not yet trusted).

    .. versionadded:: 0.1.0
    """

    sequence: int
    event: Any
    commitment: str
    link: str


def _verify_links(
    complaint_id: str, links: Sequence[StoredLink]
) -> tuple[list[IntegrityProblem], list[HistoryEvent | None]]:
    problems: list[IntegrityProblem] = []
    events: list[HistoryEvent | None] = []
    previous = GENESIS
    for expected, stored in enumerate(links, start=1):
        if stored.sequence != expected:
            problems.append(
                IntegrityProblem(
                    complaint_id=complaint_id,
                    sequence=stored.sequence,
                    message=(
                        f"event log has sequence {stored.sequence} "
                        f"where {expected} belongs"
                    ),
                )
            )
            events.append(None)
            break
        try:
            event = load_event(complaint_id, stored.event)
        except IntegrityError as exc:
            problems.append(
                IntegrityProblem(
                    complaint_id=complaint_id, sequence=expected, message=str(exc)
                )
            )
            events.append(None)
            break
        events.append(event)
        link = chain_link(previous, complaint_id, stored.commitment, dump_event(event))
        if event.sequence != expected or not hmac.compare_digest(link, stored.link):
            problems.append(
                IntegrityProblem(
                    complaint_id=complaint_id,
                    sequence=expected,
                    message=f"hash chain broken at event {expected}",
                )
            )
            break
        previous = stored.link
    return problems, events


def verify_complaint(
    complaint_id: str, *, document: Any, links: Sequence[StoredLink], salt: bytes | None
) -> tuple[IntegrityProblem, ...]:
    """Check one stored complaint: its document, its event chain and their agreement.

    Args:
        complaint_id: The complaint's id.
        document: The stored document, raw (JSON text or mapping).
        links: The stored events in sequence order.
        salt: The complaint's current salt, to check the last commitment
            against the document's personal data (skipped when ``None``).

    Returns:
        Every problem found (empty when the complaint is intact).

    .. versionadded:: 0.1.0
    """
    problems, events = _verify_links(complaint_id, links)
    try:
        complaint = load_document(complaint_id, document)
    except IntegrityError as exc:
        problems.append(IntegrityProblem(complaint_id=complaint_id, message=str(exc)))
        return tuple(problems)
    if len(complaint.history) != len(links):
        problems.append(
            IntegrityProblem(
                complaint_id=complaint_id,
                message=f"document has {len(complaint.history)} events, "
                f"the event log {len(links)}",
            )
        )
    for stored_event, kept in zip(events, complaint.history, strict=False):
        if stored_event is not None and stored_event != kept:
            problems.append(
                IntegrityProblem(
                    complaint_id=complaint_id,
                    sequence=kept.sequence,
                    message=(
                        "document history differs from the event log at "
                        f"{kept.sequence}"
                    ),
                )
            )
            break
    if (
        salt is not None
        and links
        and not hmac.compare_digest(
            commit_personal_data(complaint, salt), links[-1].commitment
        )
    ):
        problems.append(
            IntegrityProblem(
                complaint_id=complaint_id,
                message="personal data differs from its last recorded commitment",
            )
        )
    return tuple(problems)
