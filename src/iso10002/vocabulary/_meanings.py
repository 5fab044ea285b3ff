"""Each meaning's standard event, clause and clock effect; what a step means."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from iso10002.vocabulary._names import (
    RECEIVED_EVENT,
    ClockEffect,
    Meaning,
    StandardState,
)

if TYPE_CHECKING:
    from iso10002.workflow import Step

__all__ = [
    "CLAUSE_7_MEANINGS",
    "MEANINGS",
    "STANDARD_DESTINATIONS",
    "STANDARD_EVENTS",
    "MeaningInfo",
    "declared_meanings",
    "standard_event",
]


@attrs.frozen(kw_only=True)
class MeaningInfo:
    """One meaning: its standard event, the clause it evidences, its effects.

    Args:
        meaning: The meaning.
        event: The event name the standard workflow records for it.
        clause: The ISO 10002 clause an event of this meaning evidences.
        clock: What it does to deadline clocks (empty: nothing).
        description: A sentence for people.

    .. versionadded:: 0.2.0
    """

    meaning: Meaning
    event: str
    clause: str
    clock: tuple[ClockEffect, ...] = ()
    description: str = ""


def _info(
    meaning: Meaning,
    event: str,
    clause: str,
    description: str,
    *clock: ClockEffect,
) -> MeaningInfo:
    return MeaningInfo(
        meaning=meaning,
        event=event,
        clause=clause,
        clock=clock,
        description=description,
    )


_M = Meaning
_C = ClockEffect
MEANINGS: Mapping[Meaning, MeaningInfo] = {
    info.meaning: info
    for info in (
        _info(_M.RECEIVED, RECEIVED_EVENT, "7.2", "Recorded at intake.", _C.STARTS),
        _info(
            _M.ACKNOWLEDGED,
            "ComplaintAcknowledged",
            "7.4",
            "Receipt acknowledged to the complainant.",
            _C.MEETS,
        ),
        _info(
            _M.ASSESSED, "ComplaintAssessed", "7.5", "Initially assessed, classified."
        ),
        _info(_M.ASSIGNED, "ComplaintAssigned", "7.3", "Given an owner (tracking)."),
        _info(_M.INVESTIGATED, "InvestigationStarted", "7.6", "Investigation began."),
        _info(
            _M.ESCALATED,
            "ComplaintEscalated",
            "7.6",
            "Referred to a higher authority inside the organisation.",
        ),
        _info(
            _M.INFORMATION_REQUESTED,
            "InformationRequested",
            "7.6",
            "The complainant was asked for information.",
            _C.PAUSES,
        ),
        _info(
            _M.INFORMATION_RECEIVED,
            "InformationReceived",
            "7.6",
            "The complainant's information arrived.",
            _C.RESUMES,
        ),
        _info(
            _M.HOLDING_RESPONSE,
            "HoldingResponseSent",
            "7.3",
            "The complainant was told the response is delayed, and why.",
            _C.EXTENDS,
        ),
        _info(_M.DECIDED, "DecisionMade", "7.7", "The decision was made."),
        _info(
            _M.COMMUNICATED,
            "DecisionCommunicated",
            "7.8",
            "The decision was sent to the complainant (the final response).",
            _C.MEETS,
        ),
        _info(
            _M.ACCEPTED, "ComplainantAccepted", "7.9", "The complainant accepted it."
        ),
        _info(
            _M.APPEALED,
            "ComplainantRejected",
            "7.9",
            "The complainant rejected the decision (an appeal).",
        ),
        _info(_M.CLOSED, "ComplaintClosed", "7.9", "Handling closed."),
        _info(
            _M.WITHDRAWN,
            "ComplaintWithdrawn",
            "7.9",
            "The complainant withdrew the complaint.",
            _C.VOIDS,
        ),
        _info(
            _M.REJECTED,
            "ComplaintRejected",
            "7.5",
            "The assessment found it is not a complaint.",
            _C.VOIDS,
        ),
        _info(
            _M.REOPENED,
            "ComplaintReopened",
            "7.9",
            "A closed complaint was reopened (a new spell of handling).",
            _C.STARTS,
        ),
        _info(
            _M.SATISFACTION_RECORDED,
            "SatisfactionRecorded",
            "8.4",
            "The complainant's satisfaction with the handling was recorded.",
        ),
        _info(_M.LINKED, "ComplaintLinked", "7.3", "Related to another complaint."),
    )
}
"""Every meaning but ``INTERNAL``, with its standard event, clause and effects."""

STANDARD_EVENTS: Mapping[str, Meaning] = {
    info.event: meaning for meaning, info in MEANINGS.items()
}
"""The standard event names and the meaning each carries."""

_S = StandardState
STANDARD_DESTINATIONS: Mapping[Meaning, StandardState] = {
    Meaning.ACKNOWLEDGED: _S.ACKNOWLEDGED,
    Meaning.ASSESSED: _S.ASSESSED,
    Meaning.INVESTIGATED: _S.INVESTIGATING,
    Meaning.ESCALATED: _S.ESCALATED,
    Meaning.INFORMATION_REQUESTED: _S.AWAITING_COMPLAINANT,
    Meaning.INFORMATION_RECEIVED: _S.INVESTIGATING,
    Meaning.DECIDED: _S.DECIDED,
    Meaning.COMMUNICATED: _S.DECISION_COMMUNICATED,
    Meaning.APPEALED: _S.INTERNAL_REVIEW,
    Meaning.CLOSED: _S.CLOSED,
    Meaning.WITHDRAWN: _S.WITHDRAWN,
    Meaning.REJECTED: _S.REJECTED,
    Meaning.REOPENED: _S.INVESTIGATING,
}
"""The standard state an event of each meaning leads to (in the standard workflow)."""

CLAUSE_7_MEANINGS: tuple[Meaning, ...] = (
    Meaning.ACKNOWLEDGED,
    Meaning.ASSESSED,
    Meaning.DECIDED,
    Meaning.COMMUNICATED,
    Meaning.CLOSED,
)
"""The meanings every conforming workflow carries: the figures count them."""


def standard_event(meaning: Meaning) -> str:
    """Return the event name the standard workflow records for ``meaning``.

    Raises:
        KeyError: for :attr:`Meaning.INTERNAL`, which has no standard event.

    .. versionadded:: 0.2.0
    """
    return MEANINGS[meaning].event


def declared_meanings(step: Step) -> frozenset[Meaning] | None:
    """Return the meanings ``step`` carries, or ``None`` when none is known.

    Declared meanings win; a step that declares none carries the meaning of
    its standard event name, if it has one.

    Args:
        step: A :class:`~iso10002.workflow.Step`.

    Returns:
        Its meanings, or ``None`` when it declares an unknown one or
        declares none and its event is not a standard one.

    .. versionadded:: 0.2.0
    """
    if step.meanings:
        found = set()
        for value in step.meanings:
            try:
                found.add(Meaning(value))
            except ValueError:
                return None
        return frozenset(found)
    standard = STANDARD_EVENTS.get(step.event)
    return None if standard is None else frozenset({standard})
