"""Rebuild a complaint, or its state at a past instant, from its history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from iso10002.errors import ValidationError
from iso10002.history._fold import PARTLY_PERSONAL, merge_personal, replay_document
from iso10002.model import Complaint, HistoryEvent
from iso10002.serialization import from_dict, to_dict

__all__ = ["replay", "state_at"]


def _rebuild(complaint: Complaint, events: Sequence[HistoryEvent]) -> Complaint:
    state = replay_document(events)
    if state is None:
        msg = (
            "history does not carry its facts (recorded before 0.2.0): "
            "append them with record_facts"
        )
        raise ValidationError.single("history", msg)
    document = to_dict(complaint)
    for name, cls in PARTLY_PERSONAL.items():
        state[name] = merge_personal(state[name], document.get(name), cls)
    document.update(state)
    document["history"] = [to_dict(event) for event in events]
    document["version"] = len(events)
    return from_dict(Complaint, document)


def replay(complaint: Complaint, *, version: int | None = None) -> Complaint:
    """Rebuild ``complaint`` from its history: the fold the document must equal.

    Args:
        complaint: The complaint.
        version: Rebuild the state after this many events (all by default).

    Returns:
        The complaint as its history states it. Personal data is taken from
        ``complaint`` as it is now (the history never holds it).

    Raises:
        ValidationError: if ``version`` is out of range or the history does
            not carry its facts (see :func:`record_facts`).

    .. versionadded:: 0.2.0
    """
    count = complaint.version if version is None else version
    if (
        isinstance(count, bool)
        or not isinstance(count, int)
        or not (1 <= count <= complaint.version)
    ):
        raise ValidationError.single(
            "version", f"must be between 1 and {complaint.version}"
        )
    return _rebuild(complaint, complaint.history[:count])


def state_at(complaint: Complaint, at: datetime) -> Complaint | None:
    """Return the complaint as it stood at ``at``, from its history alone.

    Args:
        complaint: The complaint (any later version).
        at: The instant (timezone-aware).

    Returns:
        The state after every event at or before ``at``; ``None`` when the
        complaint had not been received yet.

    Raises:
        ValidationError: if ``at`` is not aware or the history does not carry
            its facts.

    .. versionadded:: 0.2.0
    """
    if not isinstance(at, datetime) or at.utcoffset() is None:
        raise ValidationError.single("at", "must be a timezone-aware datetime")
    count = 0
    for event in complaint.history:
        if event.at > at:
            break
        count += 1
    if count == 0:
        return None
    return replay(complaint, version=count)
