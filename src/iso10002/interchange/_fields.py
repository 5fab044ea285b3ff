"""What an import mapping may name: the model fields and the history events."""

from __future__ import annotations

import enum

import attrs

from iso10002.model import (
    EXTERNAL_SYSTEM_PATTERN,
    Channel,
    ContactMethod,
    Outcome,
    Priority,
    RemedyKind,
    Severity,
)
from iso10002.vocabulary import Meaning, StandardState, standard_event

__all__ = [
    "EVENTS",
    "EXTERNAL_IDS",
    "FIELDS",
    "EventKind",
    "FieldKind",
    "FieldSpec",
    "field_spec",
]


class FieldKind(enum.Enum):
    """How a source value is read for a field."""

    TEXT = "text"
    LONG_TEXT = "long text"
    ENUM = "one of a list"
    DATETIME = "date or datetime"
    DATE = "date"
    DECIMAL = "amount"
    BOOL = "yes or no"
    LIST = "list of text"


@attrs.frozen
class FieldSpec:
    """One importable field: how its value is read, and its vocabulary."""

    kind: FieldKind
    choices: type[enum.Enum] | None = None


_T, _L = FieldSpec(FieldKind.TEXT), FieldSpec(FieldKind.LONG_TEXT)

FIELDS: dict[str, FieldSpec] = {
    "reference": _T,
    "received_at": FieldSpec(FieldKind.DATETIME),
    "channel": FieldSpec(FieldKind.ENUM, Channel),
    "received_by": _T,
    "assignee": _T,
    "description": _L,
    "desired_outcome": _L,
    "complainant.name": _T,
    "complainant.email": _T,
    "complainant.phone": _T,
    "complainant.postal_address": _L,
    "complainant.customer_reference": _T,
    "complainant.preferred_contact": FieldSpec(FieldKind.ENUM, ContactMethod),
    "complainant.language": _T,
    "complainant.vulnerable": FieldSpec(FieldKind.BOOL),
    "subject.product": _T,
    "subject.service": _T,
    "subject.location": _T,
    "subject.incident_date": FieldSpec(FieldKind.DATE),
    "subject.references": FieldSpec(FieldKind.LIST),
    "classification.category": _T,
    "classification.severity": FieldSpec(FieldKind.ENUM, Severity),
    "classification.priority": FieldSpec(FieldKind.ENUM, Priority),
    "classification.subcategory": _T,
    "classification.tags": FieldSpec(FieldKind.LIST),
    "outcome": FieldSpec(FieldKind.ENUM, Outcome),
    "decision.summary": _L,
    "decision.reasons": _L,
    "decision.decided_by": _T,
    "decision.escalation_route": _L,
    "decision.communicated_via": FieldSpec(FieldKind.ENUM, ContactMethod),
    "decision.remedy": FieldSpec(FieldKind.ENUM, RemedyKind),
    "decision.amount": FieldSpec(FieldKind.DECIMAL),
    "decision.currency": _T,
}
"""Every field a mapping may fill, by its dotted name."""

EXTERNAL_IDS = "external_ids."
"""Prefix of the fields ``external_ids.<system>``: the record's id in that system."""


def field_spec(name: str) -> FieldSpec | None:
    """Return how ``name`` is read, or ``None`` if a mapping may not name it.

    Besides :data:`FIELDS`, ``external_ids.<system>`` names the record's
    identifier in another system (``<system>`` a short lower-case code, e.g.
    ``external_ids.cfpb``).
    """
    found = FIELDS.get(name)
    system = name[len(EXTERNAL_IDS) :] if name.startswith(EXTERNAL_IDS) else ""
    if found is None and EXTERNAL_SYSTEM_PATTERN.fullmatch(system):
        return _T
    return found


@attrs.frozen
class EventKind:
    """A history event an import can synthesise."""

    name: str
    trigger: str
    to_state: str | None  # None: the state does not change


_M = Meaning
_S = StandardState


def _kind(meaning: Meaning, trigger: str, to_state: StandardState | None) -> EventKind:
    return EventKind(
        standard_event(meaning), trigger, None if to_state is None else to_state.value
    )


EVENTS: dict[str, EventKind] = {
    meaning.value: _kind(meaning, trigger, to_state)
    for meaning, trigger, to_state in (
        (_M.ACKNOWLEDGED, "acknowledge", _S.ACKNOWLEDGED),
        (_M.ASSESSED, "assess", _S.ASSESSED),
        (_M.DECIDED, "decide", _S.DECIDED),
        (_M.COMMUNICATED, "communicate_decision", _S.DECISION_COMMUNICATED),
        (_M.ACCEPTED, "accept_decision", None),
        (_M.APPEALED, "reject_decision", _S.INTERNAL_REVIEW),
        (_M.CLOSED, "close", _S.CLOSED),
        (_M.WITHDRAWN, "withdraw", _S.WITHDRAWN),
        (_M.REOPENED, "reopen", _S.INVESTIGATING),
    )
}
"""The events a mapping may synthesise, in the order they enter a history."""
