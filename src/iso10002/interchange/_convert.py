"""Turn one source row into a complaint with the history its columns attest."""

from __future__ import annotations

import hashlib
from typing import Any

import attrs

from iso10002.interchange._fields import EVENTS
from iso10002.interchange._mapping import ImportMapping
from iso10002.interchange._row import RowProblem, RowWork
from iso10002.interchange._row_events import attested_events
from iso10002.interchange._row_facts import finished
from iso10002.interchange._row_parts import decision_of, parts_of
from iso10002.interchange._sources import SourceRow
from iso10002.interchange._values import CellError, cell_text
from iso10002.model import (
    RECEIVED_EVENT,
    Channel,
    Complaint,
    HistoryEvent,
    Outcome,
)
from iso10002.vocabulary import Meaning, StandardState

__all__ = ["RowResult", "complaint_id", "convert_row"]

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
    parts = parts_of(work)
    events = attested_events(work, received_at) if received_at is not None else []
    instants = {key_: at for key_, at, _ in events}
    outcome = work.value("outcome")
    last = events[-1][0] if events else StandardState.RECEIVED.value
    if last == Meaning.WITHDRAWN.value and outcome is None:
        outcome = Outcome.WITHDRAWN
    decision = decision_of(work, instants, outcome)
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
        complaint = finished(work, complaint)
    return RowResult(
        row.number,
        key,
        complaint if not work.problems else None,
        tuple(work.problems),
        tuple(work.assumptions),
    )
