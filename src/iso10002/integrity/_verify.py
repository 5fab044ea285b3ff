"""Reading stored rows back and checking them: chains, commitments, documents.

The counterpart of :mod:`iso10002.integrity._chain`: each stored link is
recomputed from the stored event and commitment, each commitment from the
document's personal data under the stored salt, and the document is checked
against the fold of its history.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Sequence
from typing import Any

import attrs

from iso10002.errors import IntegrityError, ValidationError
from iso10002.history import differences, is_replayable
from iso10002.integrity._chain import GENESIS, chain_link, dump_event
from iso10002.integrity._personal import commit_personal_data
from iso10002.integrity._report import IntegrityProblem
from iso10002.integrity.keys import ChainKeys, RecordKey
from iso10002.model import Complaint, HistoryEvent
from iso10002.serialization import from_dict, from_json

__all__ = [
    "ComplaintCheck",
    "StoredLink",
    "inspect_complaint",
    "load_document",
    "load_event",
    "verify_complaint",
]


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


def _link_key(
    complaint_id: str, sequence: int, link: str, keys: ChainKeys | None
) -> tuple[RecordKey | None, IntegrityProblem | None]:
    """Return the key a stored link was made with, or why it cannot be checked."""
    if not isinstance(link, str) or ":" not in link:
        if keys is not None and keys.keyed_only:
            return None, IntegrityProblem(
                complaint_id=complaint_id,
                sequence=sequence,
                message=f"event {sequence} is not keyed (the store is keyed only)",
            )
        return None, None
    key_id = link.rpartition(":")[0]
    key = None if keys is None else keys.get(key_id)
    if key is None:
        return None, IntegrityProblem(
            complaint_id=complaint_id,
            sequence=sequence,
            message=f"event {sequence} is keyed with {key_id!r}, a key this "
            "repository was not given",
        )
    return key, None


def _verify_links(
    complaint_id: str, links: Sequence[StoredLink], keys: ChainKeys | None = None
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
        key, unkeyed = _link_key(complaint_id, expected, stored.link, keys)
        if unkeyed is not None:
            problems.append(unkeyed)
            break
        link = chain_link(
            previous, complaint_id, stored.commitment, dump_event(event), key
        )
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


@attrs.frozen(kw_only=True)
class ComplaintCheck:
    """What :func:`inspect_complaint` found for one stored complaint.

    Args:
        problems: Every problem found (empty when the complaint is intact).
        complaint: The stored document, loaded (``None`` if unreadable).
        replayable: Whether its history carries the facts the document was
            checked against (see :func:`iso10002.history.is_replayable`).

    .. versionadded:: 0.2.0
    """

    problems: tuple[IntegrityProblem, ...]
    complaint: Complaint | None
    replayable: bool


def verify_complaint(
    complaint_id: str,
    *,
    document: Any,
    links: Sequence[StoredLink],
    salt: bytes | None,
    keys: ChainKeys | None = None,
) -> tuple[IntegrityProblem, ...]:
    """Check one stored complaint: its document, its event chain and their agreement.

    Args:
        complaint_id: The complaint's id.
        document: The stored document, raw (JSON text or mapping).
        links: The stored events in sequence order.
        salt: The complaint's current salt, to check the last commitment
            against the document's personal data (skipped when ``None``).
        keys: The keys keyed links were made with (see
            :class:`~iso10002.integrity.keys.ChainKeys`).

    Returns:
        Every problem found (empty when the complaint is intact).

    .. versionadded:: 0.1.0
    """
    return inspect_complaint(
        complaint_id, document=document, links=links, salt=salt, keys=keys
    ).problems


def _decoded(document: Any) -> Any:
    if isinstance(document, (str, bytes)):
        try:
            return json.loads(document)
        except (ValueError, RecursionError):
            return None
    return document


def _replay_problems(
    complaint_id: str, document: Any, events: Sequence[HistoryEvent]
) -> list[IntegrityProblem]:
    """Name each document field that disagrees with the fold of the events."""
    plain = _decoded(document)
    if not isinstance(plain, dict):
        return []
    return [
        IntegrityProblem(
            complaint_id=complaint_id,
            message=f"document field {name!r} differs from what its history records",
        )
        for name in differences(plain, events)
    ]


def inspect_complaint(
    complaint_id: str,
    *,
    document: Any,
    links: Sequence[StoredLink],
    salt: bytes | None,
    keys: ChainKeys | None = None,
) -> ComplaintCheck:
    """Check one stored complaint as :func:`verify_complaint` does, saying more.

    Besides the chain and the document's agreement with it, the document's
    facts (status, outcome, decision, assignee, due dates …) are checked
    against the fold of the chained events (:func:`iso10002.history.differences`).

    Returns:
        The problems, the loaded document and whether the history was
        replayable.

    .. versionadded:: 0.2.0
    """
    problems, events = _verify_links(complaint_id, links, keys)
    loaded = [e for e in events if e is not None]
    replayable = len(loaded) == len(links) and is_replayable(loaded)
    if replayable:
        problems.extend(_replay_problems(complaint_id, document, loaded))
    try:
        complaint = load_document(complaint_id, document)
    except IntegrityError as exc:
        problems.append(IntegrityProblem(complaint_id=complaint_id, message=str(exc)))
        return ComplaintCheck(
            problems=tuple(problems), complaint=None, replayable=replayable
        )
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
    return ComplaintCheck(
        problems=tuple(problems), complaint=complaint, replayable=replayable
    )
