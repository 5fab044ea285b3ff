"""Customise the standard workflow, check it conforms, and run a complaint."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs

from iso10002.model import (
    Channel,
    Classification,
    Complainant,
    ComplaintForm,
    Decision,
    Outcome,
)
from iso10002.workflow import (
    Step,
    Workflow,
    check_conformance,
    standard_workflow,
    to_mermaid,
)

standard = standard_workflow()

# Only managers decide, and they may decide straight after assessment.
steps = [
    attrs.evolve(s, roles=("manager",)) if s.trigger == "decide" else s
    for s in standard.steps
]
steps = [
    attrs.evolve(s, sources=(*s.sources, "assessed")) if s.trigger == "decide" else s
    for s in steps
]
# A shortcut that skips communicating the decision would not conform:
shortcut = Step(
    trigger="close_quietly",
    sources=("decided",),
    destination="closed",
    event="ComplaintClosed",
    clauses=("7.9",),
    requires=("outcome",),
)
risky = attrs.evolve(
    standard, name="acme.complaints", version=1, steps=[*steps, shortcut]
)
for gap in check_conformance(risky):
    print(f"gap {gap.clause} {gap.code}: {gap.message} {list(gap.triggers)}")

custom = attrs.evolve(risky, steps=steps)
assert check_conformance(custom) == ()
print("customised workflow conforms:", custom.name, "version", custom.version)

workflow = Workflow(custom)
t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
form = ComplaintForm(
    complainant=Complainant(name="A. Customer"), description="Charged twice."
)
c = workflow.receive(
    form,
    id="C-1",
    reference="CMP-1",
    received_at=t0,
    channel=Channel.WEB,
    actor="web-form",
)
c = workflow.fire(c, "acknowledge", actor="agent:1", at=t0).complaint
c = workflow.fire(
    c,
    "assess",
    actor="agent:1",
    at=t0 + timedelta(hours=1),
    data={"classification": Classification(category="billing")},
).complaint
decision = Decision(
    outcome=Outcome.UPHELD,
    summary="Refund the second charge.",
    reasons="The statement shows the same charge twice.",
    decided_by="manager:2",
    escalation_route="You may refer this to the ombudsman.",
    decided_at=t0 + timedelta(hours=2),
)
print(
    "an agent may decide:",
    workflow.can_fire(
        c,
        "decide",
        actor="agent:1",
        roles=["agent"],
        at=t0 + timedelta(hours=2),
        data={"decision": decision, "outcome": Outcome.UPHELD},
    ),
)
c = workflow.fire(
    c,
    "decide",
    actor="manager:2",
    roles=["manager"],
    at=t0 + timedelta(hours=2),
    data={"decision": decision, "outcome": Outcome.UPHELD},
).complaint
print("status:", c.status, "version:", c.version)
print("history:", " -> ".join(e.name for e in c.history))
print(to_mermaid(custom).splitlines()[3])
