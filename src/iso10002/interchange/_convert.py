"""Turn one source row into a complaint with the history its columns attest."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.history import (
    FACT_FIELDS,
    fact_value,
    receipt_facts,
    replay_document,
    step_facts,
)
from iso10002.interchange._fields import EVENTS, EXTERNAL_IDS
from iso10002.interchange._mapping import EventRule, ImportMapping
from iso10002.interchange._row import RowProblem, RowWork
from iso10002.interchange._sources import SourceRow
from iso10002.interchange._values import CellError, cell_text
from iso10002.model import (
    RECEIVED_EVENT,
    Channel,
    Classification,
    Complainant,
    Complaint,
    Decision,
    ExternalId,
    HistoryEvent,
    Outcome,
    Remedy,
    RemedyKind,
    Subject,
)
from iso10002.vocabulary import Meaning, StandardState

__all__ = ["RowResult", "complaint_id", "convert_row"]

_NOT_IN_SOURCE = "(not in the source)"
_TERMINAL = {
    StandardState.CLOSED.value: None,
    StandardState.WITHDRAWN.value: Outcome.WITHDRAWN,
}


@attrs.frozen
class RowResult:
    """What one source row becomes: a complaint, or the problems that stop it.

    Args:
        row: The row's number.
        key: The row's source key ('' when it has none).
        complaint: The complaint it would store, when it has no problem.
        problems: Every problem found in the row.
        assumptions: What was assumed to store it (e.g. a date's time of day).

    .. versionadded:: 0.2.0
    """

    row: int
    key: str
    complaint: Complaint | None
    problems: tuple[RowProblem, ...] = ()
    assumptions: tuple[str, ...] = ()


def complaint_id(source: str, key: str) -> str:
    """Return the id an imported row gets: stable for a source and a key.

    .. versionadded:: 0.2.0
    """
    digest = hashlib.sha256(f"{source}\x00{key}".encode("utf-8", "surrogatepass"))
    return f"imp-{digest.hexdigest()[:40]}"


def _flags(
    work: RowWork,
    flags: list[EventRule],
    found: dict[str, tuple[datetime, dict[str, Any]]],
) -> None:
    """Add the flagged events that happened, each at its reference's instant."""
    waiting: list[EventRule] = []
    for rule in flags:
        try:
            text = cell_text(work.row.values.get(rule.column))
        except CellError as exc:
            work.fail(f"events.{rule.event}", str(exc), rule.column)
            continue
        if text in rule.when:
            waiting.append(rule)
    while waiting:  # a flag may take the instant of another flag
        ready = [r for r in waiting if (r.at or "") in found]
        for rule in ready:
            work.assumptions.append(
                f"events.{rule.event}: no instant in the source, {rule.at}'s taken"
            )
            base = found[rule.at or ""][0]
            found[rule.event] = (base, {"instant": "unknown", "instant_of": rule.at})
        if not ready:
            for rule in waiting:
                work.fail(
                    f"events.{rule.event}",
                    f"says the event happened, but the row has no {rule.at} date",
                    rule.column,
                )
            return
        waiting = [r for r in waiting if r not in ready]


def _events(
    work: RowWork, received: datetime
) -> list[tuple[str, datetime, dict[str, Any]]]:
    """Return the attested events after receipt: ``(key, instant, data)``."""
    found: dict[str, tuple[datetime, dict[str, Any]]] = {}
    flags: list[EventRule] = []
    for rule in work.m.events:
        if rule.when:
            flags.append(rule)
            continue
        try:
            text = cell_text(work.row.values.get(rule.column))
            if not text:
                continue
            at, day = work.instant(f"events.{rule.event}", text)
        except CellError as exc:
            work.fail(f"events.{rule.event}", str(exc), rule.column)
            continue
        found[rule.event] = (at, {"precision": "day"} if day else {})
    _flags(work, flags, found)
    events = []
    previous, previous_name = received, StandardState.RECEIVED.value
    columns = {r.event: r.column for r in work.m.events}
    for key in EVENTS:
        if key not in found:
            continue
        at, data = found[key]
        if at < previous:
            if work.m.contradictions == "refuse":
                work.fail(
                    f"events.{key}",
                    f"{at:%Y-%m-%d %H:%M} UTC is before {previous_name} "
                    f"({previous:%Y-%m-%d %H:%M} UTC)",
                    columns[key],
                )
                continue
            work.assumptions.append(
                f"events.{key}: earlier than {previous_name} in the source, "
                "kept in order with its instant recorded"
            )
            data = {**data, "source_at": at.isoformat(), "anomaly": "out_of_order"}
            at = previous
        events.append((key, at, data))
        previous, previous_name = at, key
    return events


def _decision(
    work: RowWork, events: Mapping[str, datetime], outcome: Outcome | None
) -> Decision | None:
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


def _parts(work: RowWork) -> dict[str, Any]:
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


_DECIDING = EVENTS[Meaning.DECIDED.value].name


def with_facts(complaint: Complaint) -> Complaint:
    """Record the complaint's facts in its synthesised history (the record).

    The receipt event states the facts of receipt (and the classification
    and assignee the source gives); the decision event, or the last event
    when the source has none, states the decision and outcome; the last
    event states whatever else the record holds (due dates, links …). The
    fold of the history then gives the document (:mod:`iso10002.history`),
    so ``verify_integrity`` checks imported records like any other, and
    figures as at a past date read the decision from the day it was made.
    """
    history = list(complaint.history)
    first = {
        **receipt_facts(complaint),
        **step_facts(
            {
                name: getattr(complaint, name)
                for name in ("classification", "assignee")
                if getattr(complaint, name) is not None
            }
        ),
    }
    placed = set(first)
    history[0] = attrs.evolve(history[0], data={**history[0].data, **first})
    deciding = next(
        (i for i, e in enumerate(history) if e.name == _DECIDING), len(history) - 1
    )
    decided = step_facts(
        {
            name: getattr(complaint, name)
            for name in ("decision", "outcome")
            if getattr(complaint, name) is not None
        }
    )
    if decided:
        event = history[deciding]
        history[deciding] = attrs.evolve(event, data={**event.data, **decided})
        placed |= set(decided)
    rest = {
        name: getattr(complaint, name)
        for name in FACT_FIELDS
        if name not in placed
        and fact_value(getattr(complaint, name))
        != (replay_document(history[:1]) or {}).get(name)
    }
    if rest:
        last = history[-1]
        history[-1] = attrs.evolve(last, data={**last.data, **step_facts(rest)})
    return attrs.evolve(complaint, history=tuple(history))


def _finished(work: RowWork, complaint: Complaint) -> Complaint | None:
    """Add the mapping's due dates, then record every fact in the history."""
    if work.m.pack is not None:
        dated = _with_due_dates(work, complaint)
        if dated is None:
            return None
        complaint = dated
    return with_facts(complaint)


def _with_due_dates(work: RowWork, complaint: Complaint) -> Complaint | None:
    """Project the mapping's pack's due dates, counted from the recorded instants."""
    from iso10002.calendars import WeekdayCalendar  # noqa: PLC0415 - only with a pack
    from iso10002.deadlines import get_pack, project_due_dates  # noqa: PLC0415

    try:
        pack = get_pack(work.m.pack or "", on=complaint.received_at.date())
        calendar = WeekdayCalendar(zone=work.m.zone)
        due = project_due_dates(complaint, pack, calendar)
    except ValidationError as exc:
        work.fail("pack", exc.problems[0][1], column=None)
        return None
    return attrs.evolve(complaint, deadlines=due)


def convert_row(mapping: ImportMapping, row: SourceRow) -> RowResult:  # noqa: C901 - one pass over a row
    """Turn one source row into the complaint it describes, or say why not.

    Args:
        mapping: How the source's columns map to the model.
        row: The row.

    Returns:
        The complaint with its synthesised history, or every problem found;
        and what was assumed.

    .. versionadded:: 0.2.0
    """
    work = RowWork(mapping, row)
    if row.problem is not None:
        work.fail("row", row.problem, column=None)
        return RowResult(row.number, "", None, tuple(work.problems))
    try:
        key = cell_text(row.values.get(mapping.key))
    except CellError as exc:
        key = ""
        work.fail("key", str(exc), mapping.key)
    else:
        if not key:
            work.fail("key", "is empty: every row needs its source key", mapping.key)
    received = work.value("received_at")
    received_at, day = received if received is not None else (None, False)
    if received_at is None and not work.problems:
        work.fail("received_at", "is empty: every complaint has a date of receipt")
    channel = work.value("channel") or Channel.OTHER
    parts = _parts(work)
    events = _events(work, received_at) if received_at is not None else []
    instants = {key_: at for key_, at, _ in events}
    outcome = work.value("outcome")
    last = events[-1][0] if events else StandardState.RECEIVED.value
    if last == Meaning.WITHDRAWN.value and outcome is None:
        outcome = Outcome.WITHDRAWN
    decision = _decision(work, instants, outcome)
    if work.problems or received_at is None:
        return RowResult(row.number, key, None, tuple(work.problems))
    source = {"import": mapping.name}
    received_data: dict[str, Any] = {"channel": channel.value, **source}
    if day:
        received_data["precision"] = "day"
    actor = mapping.actor
    history = [
        HistoryEvent(
            sequence=1,
            name=RECEIVED_EVENT,
            at=received_at,
            actor=actor,
            to_state=StandardState.RECEIVED.value,
            data=received_data,
        )
    ]
    state = StandardState.RECEIVED.value
    for key_, at, data in events:
        kind = EVENTS[key_]
        history.append(
            HistoryEvent(
                sequence=len(history) + 1,
                name=kind.name,
                at=at,
                actor=actor,
                trigger=kind.trigger,
                from_state=state if kind.to_state else None,
                to_state=kind.to_state,
                data={**data, **source},
            )
        )
        state = kind.to_state or state
    description = work.value("description")
    if description is None:
        work.assumptions.append("description: none in the source, recorded as such")
    reference = work.value("reference") or (key if len(key) <= 64 else None)  # noqa: PLR2004
    identifier = complaint_id(mapping.name, key)
    complaint = work.build(
        Complaint,
        "",
        id=identifier,
        reference=reference or identifier,
        received_at=received_at,
        channel=channel,
        received_by=work.value("received_by") or actor,
        description=description,
        desired_outcome=work.value("desired_outcome"),
        assignee=work.value("assignee"),
        status=state,
        decision=decision,
        outcome=outcome if state in _TERMINAL else None,
        version=len(history),
        history=tuple(history),
        **parts,
    )
    if complaint is None and not work.problems:  # pragma: no cover - defensive
        work.fail("row", "could not be stored")
    if complaint is not None:
        complaint = _finished(work, complaint)
    return RowResult(
        row.number,
        key,
        complaint if not work.problems else None,
        tuple(work.problems),
        tuple(work.assumptions),
    )
