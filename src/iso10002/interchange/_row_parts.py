"""Build the parts of a complaint a source row describes: parties, subject, decision."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from iso10002.errors import ValidationError
from iso10002.interchange._fields import EXTERNAL_IDS
from iso10002.interchange._row import RowWork
from iso10002.model import (
    Classification,
    Complainant,
    Decision,
    ExternalId,
    Outcome,
    Remedy,
    RemedyKind,
    Subject,
)
from iso10002.vocabulary import Meaning

__all__ = ["decision_of", "parts_of"]

_NOT_IN_SOURCE = "(not in the source)"


def decision_of(
    work: RowWork, events: Mapping[str, datetime], outcome: Outcome | None
) -> Decision | None:
    """Return the decision the row states, dated by its events (``None``: none)."""
    if outcome is None or (
        Meaning.WITHDRAWN.value in events
        and not {Meaning.DECIDED.value, Meaning.COMMUNICATED.value} & set(events)
    ):
        return None  # a withdrawal is not a decision
    decided_at = None
    for key in (
        Meaning.DECIDED.value,
        Meaning.COMMUNICATED.value,
        Meaning.CLOSED.value,
    ):
        if key in events:
            decided_at = events[key]
            if key != Meaning.DECIDED.value:
                work.assumptions.append(f"decision: dated by the {key} event")
            break
    if decided_at is None:
        work.fail("outcome", "is given but no decided, communicated or closed date")
        return None
    summary = work.value("decision.summary")
    if summary is None:
        work.assumptions.append("decision.summary: none in the source")
        summary = _NOT_IN_SOURCE
    remedies = []
    kind = work.value("decision.remedy")
    amount = work.value("decision.amount")
    if kind is not None and kind is not RemedyKind.NONE:
        remedy = work.build(
            Remedy,
            "decision.",
            kind=kind,
            amount=amount,
            currency=work.value("decision.currency") if amount is not None else None,
        )
        remedies = [remedy] if remedy is not None else []
    decision: Decision | None = work.build(
        Decision,
        "decision.",
        outcome=outcome,
        summary=summary,
        reasons=work.value("decision.reasons"),
        remedies=tuple(remedies),
        decided_by=work.value("decision.decided_by") or work.m.actor,
        decided_at=decided_at,
        escalation_route=work.value("decision.escalation_route"),
        communicated_at=events.get("communicated"),
        communicated_via=work.value("decision.communicated_via"),
    )
    return decision


def parts_of(work: RowWork) -> dict[str, Any]:
    """Return the complainant, subject, classification and external ids."""
    name = work.value("complainant.name")
    if name is None:
        work.assumptions.append("complainant: no name in the source, anonymous")
    complainant = work.build(
        Complainant,
        "complainant.",
        name=name,
        **{
            field: work.value(f"complainant.{field}")
            for field in (
                "email",
                "phone",
                "postal_address",
                "customer_reference",
                "preferred_contact",
                "language",
                "vulnerable",
            )
        },
    )
    subject = work.build(
        Subject,
        "subject.",
        **{
            name: work.value(f"subject.{name}")
            for name in (
                "product",
                "service",
                "location",
                "incident_date",
                "references",
            )
        },
    )
    category = work.value("classification.category")
    classification = None
    if category is not None:
        classification = work.build(
            Classification,
            "classification.",
            category=category,
            severity=work.value("classification.severity"),
            priority=work.value("classification.priority"),
            tags=work.value("classification.tags"),
            subcategory=work.value("classification.subcategory"),
        )
    return {
        "complainant": complainant,
        "subject": subject,
        "classification": classification,
        "external_ids": _external_ids(work),
    }


def _external_ids(work: RowWork) -> tuple[ExternalId, ...]:
    """Return the record's ids in other systems (``external_ids.<system>``)."""
    found = []
    for field in sorted(f for f in work.m.used if f.startswith(EXTERNAL_IDS)):
        value = work.value(field)
        if value is None:
            continue
        try:
            found.append(ExternalId(system=field[len(EXTERNAL_IDS) :], value=value))
        except ValidationError as exc:
            for _path, message in exc.problems:
                work.fail(field, message)
    return tuple(found)
