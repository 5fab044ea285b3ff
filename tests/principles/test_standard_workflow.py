"""The default policies as workflow guards never block the standard path."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from iso10002.errors import GuardRejected
from iso10002.model import (
    Channel,
    Decision,
    Link,
    LinkKind,
    Outcome,
    RootCause,
    SatisfactionFeedback,
)
from iso10002.principles import (
    OrganisationProfile,
    PolicyContext,
    has_blocking,
    policies_for,
)
from iso10002.testing.stateful import workflow_state_machine
from iso10002.testing.strategies import (
    classifications,
    complaint_forms,
    multiline_text,
    utc_datetimes,
)
from iso10002.workflow import (
    REOPEN_WINDOW_POLICY_ID,
    Workflow,
    small_organisation_workflow,
    standard_workflow,
)

POLICIES = policies_for("iso10002:2018")
STAFF = ("agent:1", "agent:2", "lead:1")
PROFILE = OrganisationProfile(
    channels=list(Channel),
    complaints_policy="https://example.org/complaints",
    accountable_manager="lead:1",
    competences={s: ["*"] for s in STAFF},
    workload_limit=100,
)
ANSWERED = [o for o in Outcome if o is not Outcome.WITHDRAWN]
# The main path; other allowed triggers (withdraw, link, escalate, reopen …) are
# taken as detours one time in five.
FORWARD = frozenset(
    {
        "acknowledge",
        "assess",
        "investigate",
        "decide",
        "communicate_decision",
        "close",
    }
)


def _guarded(definition):
    """Every step of ``definition`` guarded by every default policy."""
    ids = tuple(POLICIES)
    steps = tuple(attrs.evolve(s, guards=(*s.guards, *ids)) for s in definition.steps)
    return attrs.evolve(definition, steps=steps)


STANDARD_WORKFLOW_NAME = Workflow(_guarded(standard_workflow()), POLICIES)
SMALL = Workflow(_guarded(small_organisation_workflow()), POLICIES)


def _payload(data, workflow, complaint, trigger, actor, at):  # noqa: C901, PLR0911
    """The data each standard step needs, as the standard path supplies it."""
    [step] = [
        s
        for s in workflow.definition.steps
        if s.trigger == trigger and complaint.status in s.sources
    ]
    if "classification" in step.sets:
        return {"classification": data.draw(classifications())}
    if trigger == "assign":
        return {"assignee": data.draw(st.sampled_from(STAFF))}
    if trigger == "decide":
        outcome = data.draw(st.sampled_from(ANSWERED))
        decision = Decision(
            outcome=outcome,
            summary="Our decision.",
            reasons=data.draw(multiline_text(max_size=40)),
            decided_by=actor,
            decided_at=at,
            escalation_route="You may refer this to the ombudsman.",
        )
        return {"decision": decision, "outcome": outcome}
    if trigger == "communicate_decision":
        preferred = complaint.complainant.preferred_contact
        sent = attrs.evolve(
            complaint.decision, communicated_at=at, communicated_via=preferred
        )
        return {"decision": sent}
    if trigger == "close":
        payload = {"outcome": complaint.outcome or complaint.decision.outcome}
        if payload["outcome"] is Outcome.UPHELD:
            payload["root_cause"] = RootCause(
                category="process", corrective_action="CAPA-1"
            )
        return payload
    if trigger == "withdraw":
        return {"outcome": Outcome.WITHDRAWN}
    if trigger == "reject_as_not_a_complaint":
        return {"outcome": Outcome.NOT_A_COMPLAINT}
    if trigger == "record_satisfaction":
        return {"satisfaction": SatisfactionFeedback(score=4, received_at=at)}
    if trigger == "link":
        return {"links": (Link(kind=LinkKind.RELATED_TO, complaint_id="C-0"),)}
    return {}


def _drive(workflow, data, form, start, channel, steps):
    complaint = workflow.receive(
        form,
        id="C-1",
        reference="CMP-1",
        received_at=start,
        channel=channel,
        actor="web-form",
    )
    for _ in range(steps):
        if complaint.status in ("withdrawn", "rejected"):
            break
        allowed = workflow.allowed_triggers(complaint)
        forward = [t for t in allowed if t in FORWARD]
        if forward and data.draw(st.integers(0, 4)) > 0:
            allowed = forward
        if not allowed:
            break
        trigger = data.draw(st.sampled_from(allowed))
        actor = data.draw(st.sampled_from(STAFF))
        at = complaint.history[-1].at + timedelta(hours=data.draw(st.integers(0, 72)))
        if trigger == "investigate" and complaint.assignee is None:
            # The standard path assigns an owner before investigating.
            complaint = workflow.fire(
                complaint, "assign", actor=actor, at=at, data={"assignee": actor}
            ).complaint
        previous = complaint
        try:
            result = workflow.fire(
                complaint,
                trigger,
                actor=actor,
                at=at,
                data=_payload(data, workflow, complaint, trigger, actor, at),
            )
        except GuardRejected as exc:
            refused = exc
        else:
            refused = None
        if refused is not None:
            # Only the workflow's own reopen window may refuse a standard step.
            blocking = {f.policy_id for f in refused.findings if f.blocking}
            assert blocking == {REOPEN_WINDOW_POLICY_ID}, refused.findings
            continue
        complaint = result.complaint
        audit = PolicyContext(
            now=at,
            actor=actor,
            trigger=trigger,
            previous=previous,
            organisation=PROFILE,
        )
        assert not has_blocking(POLICIES.evaluate(complaint, audit))
    return complaint


class TestStandardPath:
    @given(
        st.data(),
        complaint_forms(),
        utc_datetimes(max_value=datetime(2090, 1, 1)),
        st.sampled_from(Channel),
        st.sampled_from([STANDARD_WORKFLOW_NAME, SMALL]),
    )
    def test_allowed_triggers_never_meet_a_blocking_finding(
        self, data, form, start, channel, workflow
    ):
        """Allowed triggers with the data each step needs never meet a block."""
        concerning = {n.strip().casefold() for n in form.subject.concerning}
        assume(not concerning & set(STAFF))
        _drive(workflow, data, form, start, channel, 16)

    @given(st.data(), complaint_forms(), utc_datetimes(max_value=datetime(2090, 1, 1)))
    def test_investigating_without_an_owner_is_refused(self, data, form, start):
        """Skipping the assignment before investigating is blocked by accountability."""
        c = STANDARD_WORKFLOW_NAME.receive(
            form,
            id="C-1",
            reference="R",
            received_at=start,
            channel=Channel.WEB,
            actor="web-form",
        )
        at = c.received_at
        c = STANDARD_WORKFLOW_NAME.fire(
            c, "acknowledge", actor="agent:1", at=at
        ).complaint
        c = STANDARD_WORKFLOW_NAME.fire(
            c,
            "assess",
            actor="agent:1",
            at=at,
            data={"classification": data.draw(classifications())},
        ).complaint
        with pytest.raises(GuardRejected) as refused:
            STANDARD_WORKFLOW_NAME.fire(c, "investigate", actor="agent:1", at=at)
        assert "iso10002.accountability.owner-assigned" in {
            f.policy_id for f in refused.value.findings if f.blocking
        }


# The workflow issue's stateful machine (arbitrary triggers, actors and data),
# run with every default policy as a guard on every step.
_Machine = workflow_state_machine(_guarded(standard_workflow()), POLICIES)
TestStandardWorkflowGuardedByDefaultPolicies = _Machine.TestCase
TestStandardWorkflowGuardedByDefaultPolicies.settings = settings(
    _Machine.TestCase.settings, max_examples=10, stateful_step_count=15
)
