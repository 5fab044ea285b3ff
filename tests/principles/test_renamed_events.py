"""Policies read a renamed workflow's events by their meaning, not their name."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs

from iso10002.model import Channel, Classification, Complainant, ComplaintForm
from iso10002.principles import PolicyContext
from iso10002.principles.accountability import OwnerAssigned
from iso10002.principles.objectivity import ComplainantHeardBeforeDecision
from iso10002.workflow import Workflow, standard_workflow

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
RENAMED = {
    "investigate": ("InquiryOpened", "investigated"),
    "acknowledge": ("ReceiptConfirmed", "acknowledged"),
    "decide": ("OutcomeReached", "decided"),
    "information_received": ("DetailsArrived", "information_received"),
}


def unguarded():
    """Return the standard workflow without guards: these tests take the bad steps."""
    standard = standard_workflow()
    return attrs.evolve(
        standard, steps=[attrs.evolve(s, guards=()) for s in standard.steps]
    )


def renamed_workflow():
    """Return a running workflow whose investigation and decision events are renamed."""
    standard = unguarded()
    steps = [
        attrs.evolve(s, event=RENAMED[s.trigger][0], meanings=[RENAMED[s.trigger][1]])
        if s.trigger in RENAMED
        else s
        for s in standard.steps
    ]
    return Workflow(
        attrs.evolve(standard, name="policies.renamed", version=1, steps=steps)
    )


def investigated_without_owner(workflow):
    """Receive, acknowledge, assess and investigate with nobody assigned."""
    complaint = workflow.receive(
        ComplaintForm(complainant=Complainant(name="A. Customer"), description="x"),
        id="c-1",
        reference="CMP-1",
        received_at=T0,
        channel=Channel.EMAIL,
        actor="web-form",
    )
    at = T0
    for trigger, data in (
        ("acknowledge", None),
        ("assess", {"classification": Classification(category="billing")}),
        ("investigate", None),
    ):
        at += timedelta(hours=1)
        complaint = workflow.fire(
            complaint, trigger, actor="agent:1", at=at, data=data
        ).complaint
    return complaint


class TestRenamedEvents:
    def test_owner_policy_sees_a_renamed_investigation(self):
        """An investigation recorded as 'InquiryOpened' without an owner is blocking."""
        complaint = investigated_without_owner(renamed_workflow())
        assert "InvestigationStarted" not in {e.name for e in complaint.history}
        (finding,) = OwnerAssigned().evaluate(complaint, PolicyContext(now=T0))
        assert finding.severity is OwnerAssigned().severity

    def test_heard_before_decision_reads_a_renamed_reply(self):
        """A renamed reply answers the request: deciding afterwards is no finding."""
        workflow = renamed_workflow()
        complaint = investigated_without_owner(workflow)
        at = complaint.history[-1].at
        for trigger in ("assign", "request_information", "information_received"):
            at += timedelta(hours=1)
            data = {"assignee": "agent:1"} if trigger == "assign" else None
            complaint = workflow.fire(
                complaint, trigger, actor="agent:1", at=at, data=data
            ).complaint
        assert "DetailsArrived" in {e.name for e in complaint.history}
        policy = ComplainantHeardBeforeDecision()
        context = PolicyContext(now=at)
        assert policy.evaluate(with_event(complaint, "OutcomeReached"), context) == []
        # Read without the workflow's meanings, the reply is not one: a finding.
        unknown = attrs.evolve(
            complaint, workflow=attrs.evolve(complaint.workflow, name="not.run")
        )
        assert policy.evaluate(with_event(unknown, "DecisionMade"), context) != []


def with_event(complaint, name):
    """Return ``complaint`` with one more event called ``name`` (a decision)."""
    last = complaint.history[-1]
    event = attrs.evolve(last, sequence=last.sequence + 1, name=name)
    return attrs.evolve(
        complaint, history=(*complaint.history, event), version=complaint.version + 1
    )


class TestRenamedStates:
    def test_root_cause_policy_sees_a_renamed_closed_state(self):
        """An upheld complaint closed as 'finished' without a root cause is found."""
        from iso10002.principles.improvement import RootCauseRecorded  # noqa: PLC0415

        standard = unguarded()
        rename = {"closed": "finished"}
        definition = attrs.evolve(
            standard,
            name="policies.finished",
            states=[
                attrs.evolve(s, name=rename.get(s.name, s.name))
                for s in standard.states
            ],
            steps=[
                attrs.evolve(
                    s,
                    sources=[rename.get(n, n) for n in s.sources],
                    destination=rename.get(s.destination, s.destination),
                )
                for s in standard.steps
            ],
        )
        workflow = Workflow(definition)
        complaint = investigated_without_owner(workflow)
        at = complaint.history[-1].at
        decision = {
            "outcome": "upheld",
            "summary": "Yes.",
            "reasons": "Because.",
            "decided_by": "agent:1",
            "decided_at": at.isoformat(),
            "escalation_route": "The ombudsman.",
        }
        complaint = workflow.fire(
            complaint,
            "decide",
            actor="agent:1",
            at=at,
            data={"decision": decision, "outcome": "upheld"},
        ).complaint
        communicated = dict(decision, communicated_at=at.isoformat())
        for trigger, data in (
            ("communicate_decision", {"decision": communicated}),
            ("close", {"outcome": "upheld"}),
        ):
            complaint = workflow.fire(
                complaint, trigger, actor="agent:1", at=at, data=data
            ).complaint
        assert complaint.status == "finished"
        (finding,) = RootCauseRecorded().evaluate(complaint, PolicyContext(now=at))
        assert finding.code == "root-cause-missing"
