"""A host application's own policy, used as a workflow guard next to the ISO 10002 ones.

Run: python examples/custom_policy.py
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

import attrs

from iso10002.errors import GuardRejected
from iso10002.model import Channel, Complainant, Complaint, ComplaintForm
from iso10002.principles import Finding, FindingSeverity, PolicyContext, policies_for
from iso10002.workflow import Workflow, standard_workflow


@attrs.frozen
class VulnerableCustomersGoToSpecialists:
    """Only the specialist team may own complaints from vulnerable customers."""

    specialists: frozenset[str]
    id: str = "acme.vulnerable-customers.specialist"

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        owner = complaint.assignee
        if not complaint.complainant.vulnerable or owner in (None, *self.specialists):
            return ()
        return (
            Finding(
                policy_id=self.id,
                principle="competence",
                clause="4.14",
                code="not-a-specialist",
                severity=FindingSeverity.BLOCKING,
                message=f"{owner} is not in the vulnerable-customers team",
                evidence={"assignee": owner, "actor": context.actor},
            ),
        )


def guard(definition, trigger, *policy_ids):
    """Return ``definition`` with ``policy_ids`` added to the guards of ``trigger``."""
    steps = tuple(
        attrs.evolve(s, guards=(*s.guards, *policy_ids)) if s.trigger == trigger else s
        for s in definition.steps
    )
    return attrs.evolve(definition, steps=steps)


def main() -> None:
    specialist_rule = VulnerableCustomersGoToSpecialists(
        specialists=frozenset({"agent:7"})
    )
    policies = policies_for("iso10002:2018").with_policies(specialist_rule)
    definition = guard(
        standard_workflow(),
        "assign",
        specialist_rule.id,
        "iso10002.objectivity.handler-not-conflicted",
    )
    definition = guard(
        definition, "investigate", "iso10002.accountability.owner-assigned"
    )
    workflow = Workflow(definition, policies)

    at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    form = ComplaintForm(
        complainant=Complainant(name="A. Customer", vulnerable=True),
        description="My card was blocked while I was in hospital.",
    )
    c = workflow.receive(
        form,
        id="C-1",
        reference="CMP-2026-000001",
        received_at=at,
        channel=Channel.PHONE,
        actor="agent:1",
    )
    c = workflow.fire(c, "acknowledge", actor="agent:1", at=at).complaint
    c = workflow.fire(
        c,
        "assess",
        actor="agent:1",
        at=at + timedelta(hours=2),
        data={"classification": {"category": "cards", "severity": "high"}},
    ).complaint

    try:
        workflow.fire(c, "investigate", actor="agent:1", at=at + timedelta(hours=3))
    except GuardRejected as refused:
        print(f"investigate refused: {refused.findings[0].code}")

    try:
        workflow.fire(
            c,
            "assign",
            actor="agent:1",
            at=at + timedelta(hours=3),
            data={"assignee": "agent:1"},
        )
    except GuardRejected as refused:
        [finding] = [f for f in refused.findings if f.blocking]
        print(f"assign to agent:1 refused by {finding.policy_id}: {finding.message}")

    c = workflow.fire(
        c,
        "assign",
        actor="agent:1",
        at=at + timedelta(hours=3),
        data={"assignee": "agent:7"},
    ).complaint
    c = workflow.fire(
        c, "investigate", actor="agent:7", at=at + timedelta(hours=4)
    ).complaint
    print(f"assigned to {c.assignee}; status {c.status}; version {c.version}")


if __name__ == "__main__":
    main()
