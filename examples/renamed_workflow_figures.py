"""Rename a workflow's events and states, add a mediation step: the figures hold.

The host's own names are declared with their clause-7 meanings, so deadlines,
KPIs and the audit evidence read the renamed workflow exactly as they read the
standard one (see docs/vocabulary.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs

from iso10002.analysis import KpiSpec, collect_evidence, compute_kpis
from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.model import (
    Classification,
    Complainant,
    ComplaintForm,
    Decision,
    Outcome,
    RootCause,
)
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.workflow import State, Step, check_conformance, standard_workflow

standard = standard_workflow()
renamed = {  # trigger: (our event name, what it means)
    "acknowledge": ("ReceiptConfirmed", "acknowledged"),
    "decide": ("OutcomeReached", "decided"),
    "communicate_decision": ("OutcomeSent", "communicated"),
    "close": ("CaseFinished", "closed"),
}
steps = []
for step in standard.steps:
    if step.trigger in renamed:
        event, meaning = renamed[step.trigger]
        step = attrs.evolve(step, event=event, meanings=[meaning])  # noqa: PLW2901
    if step.trigger in ("decide", "withdraw", "assign"):
        step = attrs.evolve(step, sources=(*step.sources, "mediation"))  # noqa: PLW2901
    steps.append(step)
steps.append(
    Step(
        trigger="mediate",
        sources=("investigating",),
        destination="mediation",
        event="MediationHeld",
        meanings=["internal"],  # our own step: it means nothing to the figures
        clauses=("7.6",),
        # A stage of the investigation runs the guards investigating runs.
        guards=next(s.guards for s in standard.steps if s.trigger == "investigate"),
    )
)
acme = attrs.evolve(
    standard,
    name="acme.complaints",
    version=1,
    states=[*standard.states, State(name="mediation")],
    steps=steps,
)
assert check_conformance(acme) == ()

agent = Actor("agent:1", roles={"complaints-handler", "complaints-manager"})
t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def handle(definition):
    """Handle one complaint through ``definition`` and return it."""
    clock = FixedClock(t0)
    repository = InMemoryComplaintRepository()
    handler = ComplaintsHandler(
        repository,
        definition,
        clock=clock,
        calendar=WeekdayCalendar(),
        store=InMemoryHandlerStore(),
    )
    form = ComplaintForm(
        complainant=Complainant(name="A. Customer"), description="Charged twice."
    )
    cid = handler.receive(form, actor=agent, channel="web").id
    decision = Decision(
        outcome=Outcome.UPHELD,
        summary="Refund the second charge.",
        reasons="The card was charged twice for one order.",
        decided_by="agent:1",
        decided_at=t0 + timedelta(days=3),
        escalation_route="You may refer this to the ombudsman within six months.",
    )
    cause = RootCause(
        category="billing system",
        description="A retry charged again.",
        corrective_action="Make retries idempotent.",
    )
    plan = [
        ("assign", {"assignee": "agent:1"}),
        ("acknowledge", None),
        ("assess", {"classification": Classification(category="billing")}),
        ("investigate", None),
        ("mediate", None),
        ("decide", {"decision": decision, "outcome": Outcome.UPHELD}),
        ("communicate_decision", None),  # the decision, with when it was sent
        ("close", {"outcome": Outcome.UPHELD, "root_cause": cause}),
    ]
    for trigger, data in plan:
        clock.advance(timedelta(hours=10))  # the same times under both workflows
        if trigger not in definition.triggers:
            continue
        payload = data
        if trigger == "communicate_decision":
            payload = {"decision": attrs.evolve(decision, communicated_at=clock.now())}
        handler.fire(cid, trigger, actor=agent, data=payload)
    handler.shutdown()
    return repository.get(cid)


ours, theirs = handle(acme), handle(standard)
print("our history:", ", ".join(e.name for e in ours.history))
as_of = t0 + timedelta(days=30)
spec = KpiSpec(as_of=as_of)
for label, complaint in (("acme", ours), ("standard", theirs)):
    kpis = compute_kpis([complaint], spec)
    print(
        f"{label:9} acknowledged {kpis.time_to_acknowledge.count}, "
        f"closed {kpis.closed}, deadlines met "
        f"{[(d.step, d.met_at is not None) for d in complaint.deadlines]}"
    )
assert ours.deadlines == theirs.deadlines
assert compute_kpis([ours], spec).closed == compute_kpis([theirs], spec).closed == 1
assert collect_evidence([ours], as_of=as_of).checks == (
    collect_evidence([theirs], as_of=as_of).checks
)
print("the renamed workflow's figures equal the standard workflow's")
