"""The fold of a history into the fields it determines, and the check against it."""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from iso10002.history._facts import (
    COMPLAINT_FIELDS,
    DEFAULTS,
    FACT_FIELDS,
    FACT_NAMES,
    FACTS_RECORDED_EVENT,
)
from iso10002.model import Complaint, HistoryEvent, is_personal

__all__ = [
    "PARTLY_PERSONAL",
    "differences",
    "is_replayable",
    "merge_personal",
    "replay_document",
]


def is_replayable(history: Sequence[HistoryEvent]) -> bool:
    """Tell whether ``history`` carries the facts a fold needs.

    A history is replayable when its receipt event records the facts of
    receipt, or a later ``FactsRecorded`` event states every fact.

    .. versionadded:: 0.2.0
    """
    return bool(history) and (
        "reference" in history[0].data
        or any(event.name == FACTS_RECORDED_EVENT for event in history)
    )


def _start(history: Sequence[Any]) -> int:
    """Return the index of the event the fold starts from (``-1``: none)."""
    first = history[0]
    if "reference" in _data(first):
        return 0
    for i in range(len(history) - 1, -1, -1):
        if _name(history[i]) == FACTS_RECORDED_EVENT:
            return i
    return -1


def _data(event: Any) -> Mapping[str, Any]:
    data = event.data if isinstance(event, HistoryEvent) else event.get("data")
    return data if isinstance(data, Mapping) else {}


def _name(event: Any) -> Any:
    return event.name if isinstance(event, HistoryEvent) else event.get("name")


def _get(event: Any, key: str) -> Any:
    if isinstance(event, HistoryEvent):
        value = getattr(event, key)
        return value.isoformat() if isinstance(value, datetime) else value
    return event.get(key)


def replay_document(history: Sequence[Any]) -> dict[str, Any] | None:
    """Fold a history into the values of every field the history determines.

    Works on :class:`~iso10002.model.HistoryEvent` objects or on their plain
    JSON form (as stored), so verification can fold what it reads without
    building model objects.

    Args:
        history: The events, in sequence order.

    Returns:
        ``{field: plain value}`` for ``status``, ``received_at``,
        ``received_by`` and every :data:`FACT_FIELDS` entry, or ``None`` when
        the history is empty or not replayable.

    .. versionadded:: 0.2.0
    """
    if not history:
        return None
    start = _start(history)
    if start < 0:
        return None
    first = history[0]
    state: dict[str, Any] = dict(DEFAULTS)
    state["received_at"] = _get(first, "at")
    state["received_by"] = _get(first, "actor")
    state["status"] = _get(first, "to_state")
    for event in history[start:]:
        to_state = _get(event, "to_state")
        if to_state is not None:
            state["status"] = to_state
        state.update(
            (key, value) for key, value in _data(event).items() if key in FACT_NAMES
        )
    return state


def merge_personal(replayed: Any, current: Any, cls: Any) -> Any:
    """Put the personal parts of ``current`` back into a replayed plain value."""
    if not isinstance(replayed, dict) or not isinstance(current, dict):
        return replayed
    merged = dict(replayed)
    for field in attrs.fields(cls):
        if is_personal(field) and field.name in current:
            merged[field.name] = current[field.name]
    return merged


def _partly_personal() -> dict[str, type]:
    """Return the fact fields whose model class has personal fields, by name."""
    hints = typing.get_type_hints(Complaint)
    found: dict[str, type] = {}
    for name in FACT_FIELDS:
        hint = hints[name]
        options = (
            typing.get_args(hint)
            if typing.get_origin(hint) in (typing.Union, types.UnionType)
            else (hint,)
        )
        for option in options:
            if (
                isinstance(option, type)
                and attrs.has(option)
                and any(is_personal(f) for f in attrs.fields(option))
            ):
                found[name] = option
    return found


PARTLY_PERSONAL = _partly_personal()


def _strip(value: Any, cls: Any) -> Any:
    if isinstance(value, dict) and cls is not None:
        return {
            k: v
            for k, v in value.items()
            if not any(f.name == k and is_personal(f) for f in attrs.fields(cls))
        }
    return value


def differences(
    document: Mapping[str, Any], history: Sequence[Any] | None = None
) -> list[str]:
    """Name the fields where a stored document disagrees with its history.

    Args:
        document: The complaint as plain data (``to_dict`` or a stored
            document, decoded).
        history: The events (objects or plain data); the document's own
            ``history`` by default.

    Returns:
        The names of the fields whose non-personal value differs from the
        fold of the history, in field order; empty when they agree or the
        history is not replayable (:func:`is_replayable`).

    .. versionadded:: 0.2.0
    """
    events = document.get("history", ()) if history is None else history
    state = replay_document(list(events))
    if state is None:
        return []
    found = []
    for name, expected in state.items():
        actual = document.get(name)
        cls = PARTLY_PERSONAL.get(name)
        if cls is not None:
            actual = _strip(actual, cls)
        if isinstance(actual, tuple):
            actual = list(actual)
        if actual != expected:
            found.append(name)
    return [name for name in COMPLAINT_FIELDS if name in found]
