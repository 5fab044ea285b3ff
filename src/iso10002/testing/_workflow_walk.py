"""Random valid walks through a handler, with the data a conforming process gives."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from iso10002.model import (
    Classification,
    Complaint,
    ContactMethod,
    Decision,
    Outcome,
    Priority,
    Remedy,
    RemedyKind,
    RootCause,
    SatisfactionFeedback,
    Severity,
)
from iso10002.vocabulary import Meaning, declared_meanings
from iso10002.workflow import Step, WorkflowDefinition

if TYPE_CHECKING:
    from iso10002.clock import FixedClock
    from iso10002.handler import ComplaintsHandler

__all__ = ["ESCALATION_ROUTE", "conforming_step_data", "walk"]

ESCALATION_ROUTE = "You may refer this complaint to the ombudsman within six months."
"""The escalation route :func:`conforming_step_data` gives every decision."""

_ENDING_EARLY = frozenset({Meaning.WITHDRAWN, Meaning.REJECTED})
_OUTCOMES = (Outcome.UPHELD, Outcome.PARTIALLY_UPHELD, Outcome.NOT_UPHELD)


def _meanings(step: Step) -> frozenset[Meaning]:
    return declared_meanings(step) or frozenset()


def conforming_step_data(  # noqa: C901 - one branch per field a step sets
    step: Step, complaint: Complaint, at: datetime, *, seed: int = 0
) -> dict[str, Any]:
    """Return the data a conforming process gives ``step`` on ``complaint``.

    Data is chosen by what the step means and sets: a classification to an
    assessing step; an owner; a decision with reasons, remedies and the
    escalation route; its communication; the outcome (withdrawn, not a
    complaint, or the decision's) and a root cause with a corrective action
    when the complaint is upheld; a satisfaction score.

    Args:
        step: The step about to fire.
        complaint: The complaint before it.
        at: When the step fires.
        seed: Varies the choices (outcome, category, score, amount).

    Returns:
        The step's data for :meth:`~iso10002.handler.ComplaintsHandler.fire`.

    .. versionadded:: 0.2.0
    """
    meanings = _meanings(step)
    data: dict[str, Any] = {}
    sets = set(step.sets)
    if "classification" in sets:
        data["classification"] = Classification(
            category=("billing", "service", "delivery")[seed % 3],
            severity=(Severity.LOW, Severity.MEDIUM, Severity.HIGH)[seed % 3],
            priority=Priority.NORMAL,
        )
    if "assignee" in sets:
        data["assignee"] = f"agent:{1 + seed % 3}"
    decision = complaint.decision
    if Meaning.DECIDED in meanings:
        outcome = _OUTCOMES[seed % len(_OUTCOMES)]
        remedies = (
            (
                Remedy(
                    kind=RemedyKind.COMPENSATION,
                    amount=Decimal(10 * (1 + seed % 5)),
                    currency="GBP",
                ),
            )
            if outcome is not Outcome.NOT_UPHELD
            else ()
        )
        data["decision"] = Decision(
            outcome=outcome,
            summary="We looked into it.",
            reasons="The records show what happened.",
            remedies=remedies,
            decided_by="agent:1",
            decided_at=at,
            escalation_route=ESCALATION_ROUTE,
        )
        data["outcome"] = outcome
    elif Meaning.COMMUNICATED in meanings and decision is not None:
        data["decision"] = attrs.evolve(
            decision, communicated_at=at, communicated_via=ContactMethod.EMAIL
        )
    if Meaning.WITHDRAWN in meanings:
        data["outcome"] = Outcome.WITHDRAWN
    elif Meaning.REJECTED in meanings:
        data["outcome"] = Outcome.NOT_A_COMPLAINT
    elif Meaning.CLOSED in meanings and decision is not None:
        data["outcome"] = decision.outcome
        if "root_cause" in sets and decision.outcome is not Outcome.NOT_UPHELD:
            data["root_cause"] = RootCause(
                category=("process", "people", "system")[seed % 3],
                description="Found in the investigation.",
                corrective_action="Fix the cause (action CA-1).",
            )
    if "satisfaction" in sets:
        data["satisfaction"] = SatisfactionFeedback(score=1 + seed % 5, received_at=at)
    if Meaning.HOLDING_RESPONSE in meanings:
        data["reason_code"] = "stated"
    return {k: v for k, v in data.items() if k in sets or k == "reason_code"}


def _possible(step: Step, complaint: Complaint) -> bool:
    meanings = _meanings(step)
    if Meaning.LINKED in meanings:
        return False  # needs another complaint
    if Meaning.COMMUNICATED in meanings or Meaning.CLOSED in meanings:
        return complaint.decision is not None
    return not (
        Meaning.SATISFACTION_RECORDED in meanings and complaint.satisfaction is not None
    )


def walk(  # noqa: PLR0913 - the handler, its clock and the walk's knobs
    handler: ComplaintsHandler,
    definition: WorkflowDefinition,
    complaint_id: str,
    *,
    clock: FixedClock,
    choices: Iterable[int],
    actor: Any = "agent:1",
    gap: Callable[[int], timedelta] = lambda i: timedelta(hours=5 + 7 * (i % 11)),
) -> Complaint:
    """Take random valid steps through ``handler`` until the choices run out.

    The complaint is given an owner first (a conforming process assigns one
    before investigating); each later choice picks one of the steps its
    current state allows (four in five choices pick a step that moves it
    on without ending it early) and fires it with
    :func:`conforming_step_data`, after advancing ``clock`` by
    ``gap(choice)``.

    Args:
        handler: A handler running ``definition``.
        definition: The workflow it runs.
        complaint_id: A complaint received through ``handler``.
        clock: The handler's clock.
        choices: Numbers choosing each step (e.g. drawn by Hypothesis).
        actor: Who takes the steps.
        gap: How long before each step, by its choice.

    Returns:
        The complaint after the last step.

    .. versionadded:: 0.2.0
    """
    complaint = handler.get(complaint_id, actor=actor)
    assigning = next(s for s in definition.steps if Meaning.ASSIGNED in _meanings(s))
    for choice in (None, *choices):
        if choice is None:
            step = assigning
        else:
            allowed = [
                s
                for s in definition.steps_from(complaint.status)
                if _possible(s, complaint)
            ]
            if not allowed:
                break
            forward = [
                s
                for s in allowed
                if not s.internal and _ENDING_EARLY.isdisjoint(_meanings(s))
            ]
            options = forward if forward and choice % 5 else allowed
            step = options[choice // 5 % len(options)]
            clock.advance(gap(choice))
        data = conforming_step_data(
            step, complaint, clock.now(), seed=0 if choice is None else choice
        )
        complaint = handler.fire(
            complaint_id, step.trigger, actor=actor, data=data
        ).complaint
    return complaint
