"""The facts an event records: which fields, and their plain JSON values."""

from __future__ import annotations

import enum
import typing
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from iso10002.model import Complaint, is_personal
from iso10002.serialization import to_dict

__all__ = [
    "COMPLAINT_FIELDS",
    "DEFAULTS",
    "FACTS_RECORDED_EVENT",
    "FACT_FIELDS",
    "FACT_NAMES",
    "fact_value",
    "receipt_facts",
    "step_facts",
]

FACTS_RECORDED_EVENT = "FactsRecorded"
"""Event that states every fact of a complaint at once (a legacy history's start)."""

COMPLAINT_FIELDS = attrs.fields_dict(Complaint)
_FROM_EVENT = ("status", "received_at", "received_by")
_NOT_FACTS = frozenset({"id", "version", "history", *_FROM_EVENT})
FACT_FIELDS: tuple[str, ...] = tuple(
    name
    for name, field in COMPLAINT_FIELDS.items()
    if name not in _NOT_FACTS and not is_personal(field)
)
"""Complaint fields whose values the history carries, in field order.

Every other field is either taken from the events themselves (``status``
from ``to_state``, ``received_at`` and ``received_by`` from the receipt
event), is the complaint's identity (``id``, ``version``, ``history``), or is
personal data (bound by the stored commitments, not the events).
"""
FACT_NAMES = frozenset(FACT_FIELDS)
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
    if isinstance(value, enum.Enum):
        return value.value
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
    default: Any = COMPLAINT_FIELDS[name].default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        default = default.factory()
    return fact_value(default)


DEFAULTS: dict[str, Any] = {
    name: _default(name)
    for name in FACT_FIELDS
    if COMPLAINT_FIELDS[name].default is not attrs.NOTHING
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
    return {
        name: _public(value) for name, value in changes.items() if name in FACT_NAMES
    }


def receipt_facts(complaint: Complaint) -> dict[str, Any]:
    """Return the facts the receipt event records for ``complaint``.

    .. versionadded:: 0.2.0
    """
    facts = {name: _public(getattr(complaint, name)) for name in _RECEIPT}
    if complaint.external_ids:
        facts["external_ids"] = _public(complaint.external_ids)
    return facts
