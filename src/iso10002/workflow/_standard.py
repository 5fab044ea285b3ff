"""The ISO 10002 clause-7 process as data, and a variant for small organisations."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from iso10002.vocabulary import (
    SMALL_ORGANISATION_WORKFLOW_NAME,
    STANDARD_WORKFLOW_NAME,
)
from iso10002.workflow._definition import State, Step, WorkflowDefinition
from iso10002.workflow._guards import REOPEN_WINDOW_POLICY_ID
from iso10002.workflow._principle_guards import with_principle_guards

__all__ = [
    "SMALL_ORGANISATION_WORKFLOW_NAME",
    "STANDARD_WORKFLOW_NAME",
    "small_organisation_workflow",
    "standard_workflow",
]


_OPEN = (
    "received",
    "acknowledged",
    "assessed",
    "investigating",
    "awaiting_complainant",
    "escalated",
    "decided",
    "decision_communicated",
    "internal_review",
)
_TERMINAL = ("closed", "withdrawn", "rejected")


def _states() -> tuple[State, ...]:
    return (
        State(name="received", initial=True, description="Recorded at intake (7.2)."),
        State(
            name="acknowledged",
            description="Receipt acknowledged to the complainant (7.4).",
        ),
        State(name="assessed", description="Initially assessed and classified (7.5)."),
        State(name="investigating", description="Being investigated (7.6)."),
        State(
            name="awaiting_complainant",
            clock_paused=True,
            description="Waiting for the complainant's information; deadlines pause.",
        ),
        State(
            name="escalated",
            description="Referred to a higher authority inside the organisation.",
        ),
        State(name="decided", description="A decision has been made (7.7)."),
        State(
            name="decision_communicated",
            description="The decision has been sent to the complainant (7.8).",
        ),
        State(
            name="internal_review",
            description="The complainant rejected the decision (appeal).",
        ),
        State(name="closed", terminal=True, description="Closed (7.9)."),
        State(
            name="withdrawn", terminal=True, description="Withdrawn by the complainant."
        ),
        State(name="rejected", terminal=True, description="Not a complaint (7.5)."),
    )


def _common_steps(*, investigation_states: tuple[str, ...]) -> tuple[Step, ...]:
    """Return the steps both standard workflows share."""
    return (
        Step(
            trigger="assign",
            sources=_OPEN,
            event="ComplaintAssigned",
            sets=("assignee",),
            requires=("assignee",),
            clauses=("7.3",),
            description="Give the complaint an owner (tracking).",
        ),
        Step(
            trigger="request_information",
            sources=investigation_states,
            destination="awaiting_complainant",
            event="InformationRequested",
            clauses=("7.6",),
            description="Ask the complainant for information; the clock pauses.",
        ),
        Step(
            trigger="information_received",
            sources=("awaiting_complainant",),
            destination="investigating",
            event="InformationReceived",
            clauses=("7.6",),
            description="The complainant replied; the clock resumes.",
        ),
        Step(
            trigger="record_holding_response",
            sources=(
                "acknowledged",
                "assessed",
                "investigating",
                "awaiting_complainant",
                "escalated",
                "internal_review",
            ),
            event="HoldingResponseSent",
            clauses=("7.3",),
            description="Tell the complainant the response is delayed and why.",
        ),
        Step(
            trigger="communicate_decision",
            sources=("decided",),
            destination="decision_communicated",
            event="DecisionCommunicated",
            sets=("decision",),
            requires=("decision", "decision.communicated_at"),
            clauses=("7.8",),
            description="Send the decision and escalation route to the complainant.",
        ),
        Step(
            trigger="accept_decision",
            sources=("decision_communicated",),
            event="ComplainantAccepted",
            clauses=("7.9",),
            description="The complainant accepted the decision.",
        ),
        Step(
            trigger="reject_decision",
            sources=("decision_communicated",),
            destination="internal_review",
            event="ComplainantRejected",
            clauses=("7.9",),
            description="The complainant rejected the decision: review it internally.",
        ),
        Step(
            trigger="withdraw",
            sources=_OPEN,
            destination="withdrawn",
            event="ComplaintWithdrawn",
            sets=("outcome",),
            description="The complainant withdrew the complaint.",
        ),
        Step(
            trigger="close",
            sources=("decision_communicated",),
            destination="closed",
            event="ComplaintClosed",
            sets=("outcome", "root_cause"),
            requires=("decision", "decision.communicated_at", "outcome"),
            clauses=("7.9",),
            description="Close the complaint once the decision has been communicated.",
        ),
        Step(
            trigger="reopen",
            sources=("closed",),
            destination="investigating",
            event="ComplaintReopened",
            guards=(REOPEN_WINDOW_POLICY_ID,),
            reopens=True,
            clauses=("7.9",),
            description="Reopen within the window; after it, link a new complaint.",
        ),
        Step(
            trigger="record_satisfaction",
            sources=("decision_communicated", "closed"),
            event="SatisfactionRecorded",
            sets=("satisfaction",),
            requires=("satisfaction",),
            annotation=True,
            clauses=("8.4",),
            description="Record the complainant's satisfaction with the handling.",
        ),
        Step(
            trigger="link",
            sources=(*_OPEN, *_TERMINAL),
            event="ComplaintLinked",
            sets=("links",),
            requires=("links",),
            annotation=True,
            clauses=("7.3",),
            description="Relate the complaint to another one.",
        ),
    )


def standard_workflow(*, disabled_guards: Iterable[str] = ()) -> WorkflowDefinition:
    """Return the ISO 10002 clause-7 process as a workflow definition.

    received → acknowledged → assessed → investigating → decided → decision
    communicated → closed, with: rejection as not a complaint after
    assessment; withdrawal from any open state; awaiting the complainant
    (the deadline clock pauses) and resuming; escalation; the complainant
    rejecting the decision (internal review, then a new decision); reopening a
    closed complaint within the reopen window (guard
    ``iso10002.workflow.reopen_window``).

    Conforming by default: each step also runs the blocking guiding-principle
    policies that protect it (:data:`~iso10002.workflow.PRINCIPLE_GUARDS`),
    so a step the audit would report is refused instead.

    Args:
        disabled_guards: Principle guards (policy ids) to leave out, e.g.
            ``{"iso10002.improvement.root-cause-recorded"}``; the choice shows
            in :func:`check_conformance` and in the audit.

    Returns:
        The definition ``iso10002.standard``, version 1.

    Raises:
        ValidationError: naming ``disabled_guards`` for an id that is not a
            principle guard.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       The principle guards, and ``disabled_guards``.
    """
    steps = (
        Step(
            trigger="acknowledge",
            sources=("received",),
            destination="acknowledged",
            event="ComplaintAcknowledged",
            clauses=("7.4",),
            description="Acknowledge receipt to the complainant.",
        ),
        Step(
            trigger="assess",
            sources=("acknowledged",),
            destination="assessed",
            event="ComplaintAssessed",
            sets=("classification",),
            requires=("classification",),
            clauses=("7.5",),
            description="Classify by severity, complexity and urgency.",
        ),
        Step(
            trigger="reject_as_not_a_complaint",
            sources=("assessed",),
            destination="rejected",
            event="ComplaintRejected",
            sets=("outcome",),
            clauses=("7.5",),
            description="The assessment found it is not a complaint.",
        ),
        Step(
            trigger="investigate",
            sources=("assessed", "internal_review"),
            destination="investigating",
            event="InvestigationStarted",
            clauses=("7.6",),
            description="Investigate the circumstances.",
        ),
        Step(
            trigger="escalate",
            sources=("assessed", "investigating", "internal_review"),
            destination="escalated",
            event="ComplaintEscalated",
            clauses=("7.6",),
            description="Refer to a higher authority inside the organisation.",
        ),
        Step(
            trigger="decide",
            sources=("investigating", "escalated", "internal_review"),
            destination="decided",
            event="DecisionMade",
            sets=("decision", "outcome"),
            requires=("decision", "outcome"),
            clauses=("7.7",),
            description="Decide the response and any remedy.",
        ),
        *_common_steps(
            investigation_states=("assessed", "investigating", "internal_review")
        ),
    )
    definition = WorkflowDefinition(
        name=STANDARD_WORKFLOW_NAME,
        version=1,
        description="ISO 10002 clause 7: complaints-handling process.",
        states=_states(),
        steps=steps,
    )
    return with_principle_guards(definition, disabled_guards)


def small_organisation_workflow(
    *, disabled_guards: Iterable[str] = ()
) -> WorkflowDefinition:
    """Return a shorter clause-7 process for small organisations.

    Acknowledging and assessing are one step (``acknowledge`` sets the
    classification), and a decision may be made as soon as it is assessed;
    every conformance check of :func:`check_conformance` still holds, and the
    same triggers, events and guarantees (withdrawal, clock pause, appeal,
    reopen window) apply, and the same principle guards as
    :func:`standard_workflow` (deciding straight after the assessment needs
    no owner: nobody started an investigation).

    Args:
        disabled_guards: Principle guards (policy ids) to leave out.

    Returns:
        The definition ``iso10002.small_organisation``, version 1.

    Raises:
        ValidationError: naming ``disabled_guards`` for an unknown id.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       The principle guards, and ``disabled_guards``.
    """
    states = tuple(s for s in _states() if s.name not in ("acknowledged", "escalated"))
    open_states = tuple(s for s in _OPEN if s not in ("acknowledged", "escalated"))
    common = []
    for step in _common_steps(investigation_states=("assessed", "investigating")):
        sources = tuple(
            s for s in step.sources if s not in ("acknowledged", "escalated")
        )
        if step.trigger in ("withdraw", "assign"):
            sources = open_states
        common.append(attrs.evolve(step, sources=sources))
    steps = (
        Step(
            trigger="acknowledge",
            sources=("received",),
            destination="assessed",
            event="ComplaintAcknowledged",
            meanings=("acknowledged", "assessed"),
            sets=("classification",),
            requires=("classification",),
            clauses=("7.4", "7.5"),
            description="Acknowledge receipt and record the initial assessment.",
        ),
        Step(
            trigger="reject_as_not_a_complaint",
            sources=("assessed",),
            destination="rejected",
            event="ComplaintRejected",
            sets=("outcome",),
            clauses=("7.5",),
            description="The assessment found it is not a complaint.",
        ),
        Step(
            trigger="investigate",
            sources=("assessed", "internal_review"),
            destination="investigating",
            event="InvestigationStarted",
            clauses=("7.6",),
            description="Look into it.",
        ),
        Step(
            trigger="decide",
            sources=("assessed", "investigating", "internal_review"),
            destination="decided",
            event="DecisionMade",
            sets=("decision", "outcome"),
            requires=("decision", "outcome"),
            clauses=("7.6", "7.7"),
            description="Decide the response (after looking into it).",
        ),
        *common,
    )
    definition = WorkflowDefinition(
        name=SMALL_ORGANISATION_WORKFLOW_NAME,
        version=1,
        description="ISO 10002 clause 7 for small organisations: fewer steps.",
        states=states,
        steps=steps,
    )
    return with_principle_guards(definition, disabled_guards)
