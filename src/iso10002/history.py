"""The history is the record: the facts each event carries, and the fold over them.

Every step records in its :class:`~iso10002.model.HistoryEvent` the values of
the complaint fields it set (its *facts*), as plain JSON data under the
field's own name in ``event.data``: ``{"outcome": "upheld", "decision": {...}}``.
The receipt event records the facts of receipt (reference, channel, workflow,
subject). A complaint's state is then a pure fold of its history
(:func:`replay`), so any past state is exact (:func:`state_at`) and the
stored document is a projection that :func:`differences` checks against the
fold.

Personal data never enters the history: a fact's personal parts (the
satisfaction comment, the subject's references) are left out of the event,
and the complainant, description, desired outcome and attachments are not
facts at all, nor are a step's free-text notes (an event records only their
reason code, see :class:`~iso10002.model.StepNote`). The fold takes those
from the complaint as it is now; they are bound by the salted commitment
every stored event carries instead (see :mod:`iso10002.repositories`).

A history recorded before events carried facts (before 0.2.0) has a receipt
event without a ``reference``: :func:`is_replayable` is then false, and
:func:`record_facts` appends one ``FactsRecorded`` event that states the
facts the document holds, from which the fold can start.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.model import (
    Complaint,
    HistoryEvent,
    is_personal,
)
from iso10002.serialization import from_dict, to_dict

__all__ = [
    "FACTS_RECORDED_EVENT",
    "FACT_FIELDS",
    "amend",
    "differences",
    "fact_value",
    "is_replayable",
    "receipt_facts",
    "record_facts",
    "replay",
    "replay_document",
    "state_at",
    "step_facts",
]

FACTS_RECORDED_EVENT = "FactsRecorded"
"""Event that states every fact of a complaint at once (a legacy history's start)."""

_FIELDS = attrs.fields_dict(Complaint)
_FROM_EVENT = ("status", "received_at", "received_by")
_NOT_FACTS = frozenset({"id", "version", "history", *_FROM_EVENT})
FACT_FIELDS: tuple[str, ...] = tuple(
    name
    for name, field in _FIELDS.items()
    if name not in _NOT_FACTS and not is_personal(field)
)
"""Complaint fields whose values the history carries, in field order.

Every other field is either taken from the events themselves (``status``
from ``to_state``, ``received_at`` and ``received_by`` from the receipt
event), is the complaint's identity (``id``, ``version``, ``history``), or is
personal data (bound by the stored commitments, not the events).
"""
_FACTS = frozenset(FACT_FIELDS)
_RECEIPT = ("reference", "channel", "workflow", "subject")


_PLANS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _plan(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the personal fields of ``cls`` and the fields to walk into.

    A field is walked into when its value may be a model value or a tuple
    (its own personal parts are then removed); every other field is taken
    from ``to_dict`` as it is. Computed once per class.
    """
    plan = _PLANS.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls)
        personal = tuple(f.name for f in attrs.fields(cls) if is_personal(f))
        nested = tuple(
            f.name
            for f in attrs.fields(cls)
            if not is_personal(f) and _may_hold_personal(hints.get(f.name))
        )
        plan = _PLANS[cls] = (personal, nested)
    return plan


def _may_hold_personal(hint: Any, seen: frozenset[type] = frozenset()) -> bool:
    """Tell whether values of ``hint`` can contain a field marked personal."""
    for option in (hint, *typing.get_args(hint)):
        if isinstance(option, type) and attrs.has(option) and option not in seen:
            fields = attrs.fields(option)
            if any(is_personal(f) for f in fields):
                return True
            inner = typing.get_type_hints(option)
            if any(
                _may_hold_personal(inner.get(f.name), seen | {option}) for f in fields
            ):
                return True
        elif (
            typing.get_args(option)
            and option is not hint
            and _may_hold_personal(option, seen)
        ):
            return True
    return False


def _public(value: Any) -> Any:
    """Return ``value`` as plain JSON data without its personal parts."""
    cls = type(value)
    # Enums first: ``attrs.has`` on an enum class costs a raised
    # AttributeError on Python 3.11 (``EnumType.__getattr__``).
    if isinstance(value, enum.Enum):
        return value.value
    if attrs.has(cls):
        plain = to_dict(value)
        personal, nested = _plan(cls)
        for name in personal:
            plain.pop(name, None)
        for name in nested:
            plain[name] = _public(getattr(value, name))
        return plain
    if isinstance(value, (tuple, list)):
        return [_public(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def fact_value(value: Any) -> Any:
    """Return a field value as the plain JSON data an event records for it.

    Personal parts of the value (fields marked personal) are left out.

    Args:
        value: A value of a complaint field (a model value, tuple, enum,
            string, number or ``None``).

    Returns:
        Plain JSON data.

    .. versionadded:: 0.2.0
    """
    return _public(value)


def _default(name: str) -> Any:
    default: Any = _FIELDS[name].default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        default = default.factory()
    return fact_value(default)


_DEFAULTS: dict[str, Any] = {
    name: _default(name)
    for name in FACT_FIELDS
    if _FIELDS[name].default is not attrs.NOTHING
}


def step_facts(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Return the facts a step records for the fields it changed.

    Args:
        changes: New values by complaint field name (already validated), as
            a step passes them to :meth:`~iso10002.model.Complaint.next_version`.
            Fields that are not facts (``status``, personal fields) are
            skipped: the event records the status as ``to_state``, and
            personal data never enters the history.

    Returns:
        ``{field: plain value}`` for the fact fields among ``changes``.

    .. versionadded:: 0.2.0
    """
    return {name: _public(value) for name, value in changes.items() if name in _FACTS}


def receipt_facts(complaint: Complaint) -> dict[str, Any]:
    """Return the facts the receipt event records for ``complaint``.

    .. versionadded:: 0.2.0
    """
    facts = {name: _public(getattr(complaint, name)) for name in _RECEIPT}
    if complaint.external_ids:
        facts["external_ids"] = _public(complaint.external_ids)
    return facts


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
    state: dict[str, Any] = dict(_DEFAULTS)
    state["received_at"] = _get(first, "at")
    state["received_by"] = _get(first, "actor")
    state["status"] = _get(first, "to_state")
    for event in history[start:]:
        to_state = _get(event, "to_state")
        if to_state is not None:
            state["status"] = to_state
        state.update(
            (key, value) for key, value in _data(event).items() if key in _FACTS
        )
    return state


def _merge_personal(replayed: Any, current: Any, cls: Any) -> Any:
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


_PARTLY_PERSONAL = _partly_personal()


def _rebuild(complaint: Complaint, events: Sequence[HistoryEvent]) -> Complaint:
    state = replay_document(events)
    if state is None:
        msg = (
            "history does not carry its facts (recorded before 0.2.0): "
            "append them with record_facts"
        )
        raise ValidationError.single("history", msg)
    document = to_dict(complaint)
    for name, cls in _PARTLY_PERSONAL.items():
        state[name] = _merge_personal(state[name], document.get(name), cls)
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
        cls = _PARTLY_PERSONAL.get(name)
        if cls is not None:
            actual = _strip(actual, cls)
        if isinstance(actual, tuple):
            actual = list(actual)
        if actual != expected:
            found.append(name)
    return [name for name in _FIELDS if name in found]


def record_facts(complaint: Complaint, *, actor: str, at: datetime) -> Complaint:
    """Append one ``FactsRecorded`` event stating every fact of ``complaint``.

    Used to migrate a complaint whose history predates facts in events: the
    fold starts from this event, and its data says that the earlier facts
    were not recorded by their own events.

    Args:
        complaint: The complaint.
        actor: Who records them (e.g. ``"system:migration"``).
        at: When (not before the last event).

    Returns:
        The next version; ``complaint`` itself when its history already
        carries its facts.

    Raises:
        ValidationError: if ``actor`` or ``at`` is invalid.

    .. versionadded:: 0.2.0
    """
    if is_replayable(complaint.history):
        return complaint
    facts = {name: getattr(complaint, name) for name in FACT_FIELDS}
    event = HistoryEvent(
        sequence=complaint.version + 1,
        name=FACTS_RECORDED_EVENT,
        at=at,
        actor=actor,
        to_state=complaint.status,
        from_state=complaint.status,
        data={
            "recovered_from": "document",
            "not_recovered": "facts of the events before this one",
        },
    )
    return complaint.next_version(event, **facts)


def amend(complaint: Complaint, **changes: Any) -> Complaint:
    """Apply ``changes`` to ``complaint`` and record them in its last event.

    For a projection computed after a step but before it is stored (the
    handler's due dates), so the step's event states them as its facts.

    Args:
        complaint: The new version, not yet stored.
        **changes: New values of fact fields (see :data:`FACT_FIELDS`).

    Returns:
        The complaint with the changes, at the same version.

    Raises:
        ValidationError: naming the field, if a change is not a fact field or
            its value is invalid.

    .. versionadded:: 0.2.0
    """
    for name in changes:
        if name not in _FACTS:
            raise ValidationError.single(name, "is not a fact field")
    if not changes or not complaint.history:
        return complaint
    updated = attrs.evolve(complaint, **changes)
    last = complaint.history[-1]
    event = attrs.evolve(last, data={**last.data, **step_facts(changes)})
    return attrs.evolve(updated, history=(*complaint.history[:-1], event))
