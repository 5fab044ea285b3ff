"""The nine clause-7 evidence checks: one rule per check over a complaint's facts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import attrs

from iso10002.analysis._facts import UPHELD_ANY, Facts
from iso10002.model import Complaint

__all__ = ["CHECKS", "EVIDENCE_CHECKS", "Check"]

Rule = Callable[[Complaint, Facts, datetime], "bool | None"]


def _due(complaint: Complaint, step: str) -> tuple[datetime, datetime | None] | None:
    for due in complaint.deadlines:
        if due.step == step:
            return due.due_at, due.met_at
    return None


def _owner(c: Complaint, f: Facts, _: datetime) -> bool | None:
    if f.rejected:
        return None
    return c.assignee is not None or f.assigned


def _acknowledged(c: Complaint, f: Facts, as_of: datetime) -> bool | None:
    due = _due(c, "acknowledge")
    if due is None:
        return True if f.acknowledged_at is not None else None
    if f.acknowledged_at is None:
        return False if due[0] < as_of else None
    return f.acknowledged_at <= due[0]


def _assessed(c: Complaint, f: Facts, _: datetime) -> bool | None:
    if f.communicated_at is None and f.closed_at is None:
        return None
    return f.assessed and c.classification is not None


def _decision_recorded(_c: Complaint, f: Facts, _: datetime) -> bool | None:
    if f.closed_at is None:
        return None
    return f.decided  # a decision in force at the audit instant


def _communicated_before_closing(_: Complaint, f: Facts, __: datetime) -> bool | None:
    if f.closed_at is None:
        return None
    return f.communicated_at is not None and f.communicated_at <= f.closed_at


def _escalation_route(c: Complaint, f: Facts, _: datetime) -> bool | None:
    if f.communicated_at is None or c.decision is None:
        return None
    return c.decision.escalation_route is not None


def _root_cause(c: Complaint, f: Facts, _: datetime) -> bool | None:
    if f.outcome not in UPHELD_ANY:
        return None
    return c.root_cause is not None


def _final_in_time(c: Complaint, f: Facts, as_of: datetime) -> bool | None:
    due = _due(c, "final_response")
    if due is None:
        return None
    if f.communicated_at is None:
        return False if due[0] < as_of else None
    return f.communicated_at <= due[0]


def _outcome_recorded(_c: Complaint, f: Facts, _: datetime) -> bool | None:
    if f.closed_at is None:
        return None
    return f.outcome is not None


@attrs.frozen(kw_only=True)
class Check:
    id: str
    clause: str
    step: str
    principle: str
    description: str
    rule: Rule


EVIDENCE_CHECKS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "owner-assigned",
        "7.3",
        "tracking",
        "accountability",
        "Someone is responsible for the complaint (assignee or assignment recorded).",
    ),
    (
        "acknowledged-in-time",
        "7.4",
        "acknowledgement",
        "responsiveness",
        "Acknowledged, and by its 'acknowledge' deadline when one is set.",
    ),
    (
        "assessment-recorded",
        "7.5",
        "initial assessment",
        "objectivity",
        "An assessment event and a classification are recorded before the response.",
    ),
    (
        "root-cause-for-upheld",
        "7.6",
        "investigation",
        "improvement",
        "Complaints upheld in whole or in part have a root cause recorded.",
    ),
    (
        "final-response-in-time",
        "7.7",
        "response",
        "timeliness",
        "The decision was communicated by its 'final_response' deadline.",
    ),
    (
        "decision-recorded",
        "7.7",
        "response",
        "accountability",
        "Closed complaints carry the decision taken.",
    ),
    (
        "decision-communicated-before-closing",
        "7.8",
        "communicating the decision",
        "transparency",
        "The decision was communicated before the complaint was closed.",
    ),
    (
        "escalation-route-stated",
        "7.8",
        "communicating the decision",
        "accessibility",
        "Communicated decisions state where the complainant can go next.",
    ),
    (
        "outcome-recorded",
        "7.9",
        "closing",
        "information-integrity",
        "Closed complaints record their outcome.",
    ),
)
"""``(id, clause, step, principle, description)`` of every evidence check."""

_RULES: dict[str, Rule] = {
    "owner-assigned": _owner,
    "acknowledged-in-time": _acknowledged,
    "assessment-recorded": _assessed,
    "root-cause-for-upheld": _root_cause,
    "final-response-in-time": _final_in_time,
    "decision-recorded": _decision_recorded,
    "decision-communicated-before-closing": _communicated_before_closing,
    "escalation-route-stated": _escalation_route,
    "outcome-recorded": _outcome_recorded,
}
CHECKS = tuple(
    Check(id=i, clause=c, step=s, principle=p, description=d, rule=_RULES[i])
    for i, c, s, p, d in EVIDENCE_CHECKS
)
