"""Plans for the demo: what happens to each simulated complaint, and when."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

from iso10002.cli._people import CATEGORIES, CHANNELS, chance, make_form, pick
from iso10002.handler import Actor
from iso10002.model import Outcome, Remedy, RemedyKind, RootCause

__all__ = ["SCENARIOS", "Plan", "Planned", "plan_complaint"]

SCENARIOS: tuple[tuple[str, float], ...] = (
    ("resolved", 0.55),
    ("information_requested", 0.10),
    ("escalated", 0.07),
    ("appeal", 0.07),
    ("withdrawn", 0.07),
    ("not_a_complaint", 0.05),
    ("duplicate", 0.05),
    ("reopened", 0.04),
)
"""The paths a simulated complaint takes, with how often each is chosen."""

_INTAKE = {
    "web": "web-form",
    "app": "mobile-app",
    "chat": "chat-desk",
    "social_media": "social-team",
    "phone": "contact-centre",
    "email": "complaints-mailbox",
    "letter": "mailroom",
    "in_person": "branch-desk",
}
_AGENTS = tuple(
    Actor(f"agent:{n:02d}", roles={"complaints-handler"}) for n in range(12)
)
_MANAGERS = tuple(Actor(f"manager:{n}", roles={"complaints-manager"}) for n in range(3))
_SURVEY = Actor("survey-tool", roles={"system"})
_ROUTE = (
    "If you remain dissatisfied you may refer your complaint to the independent "
    "ombudsman within six months of this response, free of charge."
)
_OUTCOMES = (
    (Outcome.UPHELD.value, 0.35),
    (Outcome.PARTIALLY_UPHELD.value, 0.25),
    (Outcome.NOT_UPHELD.value, 0.40),
)
_ROOT_CAUSES = ("process", "system", "training", "supplier", "communication")
_SCORES: Mapping[str, tuple[int, ...]] = {
    Outcome.UPHELD.value: (5, 5, 4, 4, 4, 3),
    Outcome.PARTIALLY_UPHELD.value: (4, 4, 3, 3, 2),
    Outcome.NOT_UPHELD.value: (3, 2, 2, 1, 1),
}
_COMMENTS = (
    "Thank you for sorting this out quickly.",
    "It took too long and I had to chase twice.",
    "The letter was clear and the refund arrived.",
    "Nobody told me what was happening.",
)


@attrs.frozen
class Planned:
    """One handler call at a simulated instant."""

    at: datetime
    step: str
    actor: Actor
    args: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class Plan:
    """Everything that will happen to one complaint, in time order."""

    index: int
    scenario: str
    steps: tuple[Planned, ...]


class _Timeline:
    """Collect steps at increasing instants."""

    def __init__(self, rng: random.Random, start: datetime) -> None:
        self.rng = rng
        self.now = start
        self.steps: list[Planned] = []

    def after(
        self, low_hours: float, high_hours: float, step: str, actor: Actor, **args: Any
    ) -> None:
        self.now += timedelta(hours=self.rng.uniform(low_hours, high_hours))
        self.steps.append(Planned(self.now, step, actor, args))


def _decision(rng: random.Random, category: str, outcome: str) -> dict[str, Any]:
    topic = category.replace("_", " ")
    remedies: list[Remedy] = [Remedy(kind=RemedyKind.EXPLANATION)]
    if outcome != Outcome.NOT_UPHELD.value:
        remedies.insert(0, Remedy(kind=RemedyKind.APOLOGY))
        if chance(rng, 0.6):
            amount = Decimal(rng.choice((10, 20, 25, 40, 50, 75, 120)))
            remedies.append(
                Remedy(
                    kind=rng.choice((RemedyKind.REFUND, RemedyKind.GOODWILL)),
                    amount=amount,
                    currency="GBP",
                )
            )
    verdict = {
        Outcome.UPHELD.value: "We agree we got this wrong",
        Outcome.PARTIALLY_UPHELD.value: "We got part of this wrong",
        Outcome.NOT_UPHELD.value: "We found that our records are correct",
    }[outcome]
    return {
        "outcome": outcome,
        "summary": f"{verdict} in this {topic} matter.",
        "reasons": "We checked the account history and the notes of every contact.",
        "remedies": tuple(remedies),
        "escalation_route": _ROUTE,
    }


def _close(rng: random.Random, outcome: str) -> dict[str, Any]:
    if outcome == Outcome.NOT_UPHELD.value:
        return {}
    cause = rng.choice(_ROOT_CAUSES)
    return {
        "root_cause": RootCause(
            category=cause,
            description=f"A {cause} failure caused the problem.",
            corrective_action="Fixed and shared with the team concerned.",
        )
    }


def _decide(
    line: _Timeline, category: str, owner: Actor, *, slow: bool, received: datetime
) -> str:
    """Add a decision and its communication; return the outcome."""
    rng = line.rng
    outcome = pick(rng, _OUTCOMES)
    if slow:
        due = received + timedelta(days=rng.uniform(33, 55))
        gap = max((due - line.now).total_seconds() / 3600, 2.0)
        if chance(rng, 0.5):
            line.after(gap * 0.5, gap * 0.6, "record_holding_response", owner,
                       reason="waiting for a supplier's report")  # fmt: skip
            gap *= 0.4
        line.after(gap, gap + 1, "decide", owner, **_decision(rng, category, outcome))
    else:
        line.after(30, 18 * 24, "decide", owner, **_decision(rng, category, outcome))
    line.after(1, 20, "communicate_decision", owner)
    return outcome


def _finish(line: _Timeline, outcome: str, owner: Actor, *, survey: float) -> None:
    rng = line.rng
    if chance(rng, 0.5):
        line.after(24, 8 * 24, "record_complainant_reply", owner, accepted=True)
    line.after(24, 10 * 24, "close", owner, **_close(rng, outcome))
    if chance(rng, survey):
        comment = rng.choice(_COMMENTS) if chance(rng, 0.3) else None
        score = rng.choice(_SCORES[outcome])
        line.after(2 * 24, 21 * 24, "record_satisfaction", _SURVEY,
                   score=score, comment=comment)  # fmt: skip


def _duplicate_of(
    rng: random.Random, index: int, received: Sequence[datetime]
) -> int | None:
    earliest = received[index] - timedelta(days=10)
    candidates = [
        j for j in range(max(0, index - 60), index) if received[j] >= earliest
    ]
    return rng.choice(candidates) if candidates else None


def plan_complaint(  # noqa: C901, PLR0915 - one branch per scenario reads best
    seed: int, index: int, received: Sequence[datetime]
) -> Plan:
    """Return what happens to complaint ``index`` (received at ``received[index]``).

    The plan depends only on ``seed`` and ``index`` (and the receipt
    instants), so a run is reproducible whatever order plans are executed in.
    """
    rng = random.Random(f"{seed}:{index}")  # noqa: S311 - a simulation, not secrets
    at = received[index]
    scenario = pick(rng, SCENARIOS)
    original = _duplicate_of(rng, index, received) if scenario == "duplicate" else None
    if scenario == "duplicate" and original is None:
        scenario = "resolved"
    category = pick(rng, tuple((name, c[0]) for name, c in CATEGORIES.items()))
    channel = pick(rng, CHANNELS)
    form = make_form(rng, category, index + 1, at)
    intake = Actor(_INTAKE[channel], roles={"intake"})
    line = _Timeline(rng, at)
    line.steps.append(
        Planned(at, "receive", intake, {"form": form, "channel": channel})
    )
    agent = rng.choice(_AGENTS)
    manager = rng.choice(_MANAGERS)
    if chance(rng, 0.03):
        line.after(3.5 * 24, 7 * 24, "acknowledge", agent)
    else:
        line.after(0.3, 20, "acknowledge", agent)
    if scenario == "duplicate":
        # Spotting a duplicate needs sight of the original: a manager links them.
        line.after(1, 48, "link", manager, to_index=original, kind="duplicate_of")
        return Plan(index, scenario, tuple(line.steps))
    if scenario == "withdrawn" and chance(rng, 0.4):
        line.after(24, 10 * 24, "withdraw", agent)
        return Plan(index, scenario, tuple(line.steps))
    severity = rng.choices(("low", "medium", "high", "critical"), (3, 5, 2, 0.3))[0]
    priority = "urgent" if severity == "critical" else rng.choice(("normal", "high"))
    line.after(1, 30, "assess", agent, category=category, severity=severity,
               priority=priority)  # fmt: skip
    if scenario == "not_a_complaint":
        line.after(1, 24, "reject_as_not_a_complaint", agent)
        return Plan(index, scenario, tuple(line.steps))
    line.after(0.1, 2, "assign", agent, assignee=agent.name)
    line.after(1, 48, "investigate", agent)
    if scenario == "withdrawn":
        line.after(24, 15 * 24, "withdraw", agent)
        return Plan(index, scenario, tuple(line.steps))
    if scenario == "information_requested":
        line.after(24, 4 * 24, "request_information", agent)
        line.after(2 * 24, 10 * 24, "information_received", agent)
    slow = chance(rng, 0.05)
    owner = agent
    if scenario == "escalated":
        line.after(24, 5 * 24, "escalate", agent)
        owner = manager
    outcome = _decide(line, category, owner, slow=slow, received=at)
    if scenario == "appeal":
        line.after(2 * 24, 12 * 24, "record_complainant_reply", manager, accepted=False)
        line.after(2, 24, "investigate", manager)
        outcome = _decide(line, category, manager, slow=False, received=at)
        owner = manager
    # A reopened complaint is surveyed after its second closure only.
    _finish(line, outcome, owner, survey=0.0 if scenario == "reopened" else 0.45)
    if scenario == "reopened":
        line.after(3 * 24, 20 * 24, "reopen", manager)
        outcome = _decide(line, category, manager, slow=False, received=line.now)
        _finish(line, outcome, manager, survey=0.45)
    return Plan(index, scenario, tuple(line.steps))
