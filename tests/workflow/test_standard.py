from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import settings

from iso10002.errors import GuardRejected, TransitionNotAllowed
from iso10002.model import Channel, Classification, Outcome, SatisfactionFeedback
from iso10002.testing.stateful import workflow_state_machine
from iso10002.workflow import (
    DEFAULT_REOPEN_WINDOW,
    ReopenWindow,
    Workflow,
    check_conformance,
    small_organisation_workflow,
    standard_workflow,
)

STATEFUL = settings(max_examples=20, stateful_step_count=30)


class TestStandardWorkflow:
    def test_conforms(self):
        """The standard workflow skips no clause-7 step."""
        assert check_conformance(standard_workflow()) == ()

    def test_awaiting_the_complainant_pauses_and_resumes(
        self, workflow, walk, received, t0
    ):
        """Requesting information pauses the clock; the reply resumes investigating."""
        investigating = walk(received, 4)
        at = t0 + timedelta(days=1)
        waiting = workflow.fire(
            investigating, "request_information", actor="a", at=at
        ).complaint
        assert waiting.status in workflow.definition.paused_states
        assert waiting.history[-1].name == "InformationRequested"
        back = workflow.fire(
            waiting, "information_received", actor="a", at=at
        ).complaint
        assert (back.status, back.history[-1].name) == (
            "investigating",
            "InformationReceived",
        )

    def test_not_a_complaint_after_assessment(self, workflow, walk, received, t0):
        """An assessed complaint can be rejected as not a complaint, ending it."""
        assessed = walk(received, 2)
        rejected = workflow.fire(
            assessed,
            "reject_as_not_a_complaint",
            actor="a",
            at=t0 + timedelta(days=1),
            data={"outcome": Outcome.NOT_A_COMPLAINT},
        ).complaint
        assert rejected.status == "rejected"
        assert workflow.allowed_triggers(rejected) == ("link",)

    def test_withdrawal_from_every_open_state(self, workflow):
        """Every open state allows withdrawal; no terminal state does."""
        definition = workflow.definition
        for state in definition.state_names:
            allowed = workflow.allowed_triggers_in(state)
            assert ("withdraw" in allowed) == (state not in definition.terminal_states)

    def test_appeal_leads_to_a_new_decision(
        self, workflow, walk, received, t0, decision_for
    ):
        """A rejected decision goes to internal review and back to a new decision."""
        communicated = walk(received, 6)
        at = t0 + timedelta(days=2)
        review = workflow.fire(
            communicated, "reject_decision", actor="c", at=at
        ).complaint
        assert (review.status, review.history[-1].name) == (
            "internal_review",
            "ComplainantRejected",
        )
        again = workflow.fire(
            review,
            "decide",
            actor="m",
            at=at,
            data={"decision": decision_for(at), "outcome": Outcome.PARTIALLY_UPHELD},
        ).complaint
        assert (again.status, again.outcome) == ("decided", Outcome.PARTIALLY_UPHELD)

    def test_escalation_and_holding_response(self, workflow, walk, received, t0):
        """Escalation moves to escalated; a holding response keeps the state."""
        investigating = walk(received, 4)
        at = t0 + timedelta(days=3)
        escalated = workflow.fire(investigating, "escalate", actor="a", at=at).complaint
        held = workflow.fire(
            escalated, "record_holding_response", actor="a", at=at
        ).complaint
        assert (held.status, held.history[-1].name) == (
            "escalated",
            "HoldingResponseSent",
        )

    def test_reopen_within_the_window(self, workflow, walk, received, t0):
        """A closed complaint reopens inside the window, back to investigating."""
        closed = walk(received)
        at = closed.history[-1].at + DEFAULT_REOPEN_WINDOW
        reopened = workflow.fire(closed, "reopen", actor="a", at=at).complaint
        assert (reopened.status, reopened.history[-1].name) == (
            "investigating",
            "ComplaintReopened",
        )

    def test_reopen_after_the_window_is_rejected(self, workflow, walk, received):
        """After the window the reopen guard blocks, explaining what to do instead."""
        closed = walk(received)
        late = closed.history[-1].at + DEFAULT_REOPEN_WINDOW + timedelta(seconds=1)
        with pytest.raises(GuardRejected) as info:
            workflow.fire(closed, "reopen", actor="a", at=late)
        (finding,) = info.value.findings
        assert finding.code == "reopen-window-passed"
        assert "reopened_from" in finding.message

    def test_the_window_is_configurable(self, walk, received):
        """A ReopenWindow given in the policies replaces the default window."""
        closed = walk(received)
        strict = Workflow(standard_workflow(), [ReopenWindow(window=timedelta(days=1))])
        at = closed.history[-1].at + timedelta(days=2)
        assert not strict.can_fire(closed, "reopen", actor="a", at=at)
        assert Workflow(standard_workflow()).can_fire(
            closed, "reopen", actor="a", at=at
        )

    def test_closed_absorbs_all_but_annotation_and_reopen(
        self, workflow, walk, received
    ):
        """Only reopen, satisfaction and links apply to a closed complaint."""
        closed = walk(received)
        assert set(workflow.allowed_triggers(closed)) == {
            "reopen",
            "record_satisfaction",
            "link",
        }
        with pytest.raises(TransitionNotAllowed):
            workflow.fire(closed, "decide", actor="a", at=closed.history[-1].at)
        feedback = SatisfactionFeedback(score=4, received_at=closed.history[-1].at)
        noted = workflow.fire(
            closed,
            "record_satisfaction",
            actor="survey",
            at=closed.history[-1].at,
            data={"satisfaction": feedback},
        ).complaint
        assert (noted.status, noted.satisfaction) == ("closed", feedback)

    def test_assignment_keeps_the_state(self, workflow, received, t0):
        """assign sets the assignee without moving the complaint."""
        assigned = workflow.fire(
            received, "assign", actor="lead", at=t0, data={"assignee": "agent:3"}
        ).complaint
        assert (assigned.status, assigned.assignee, assigned.version) == (
            "received",
            "agent:3",
            2,
        )


class TestSmallOrganisationWorkflow:
    def test_conforms_with_fewer_steps(self):
        """The small-organisation workflow conforms with fewer states and steps."""
        small, standard = small_organisation_workflow(), standard_workflow()
        assert check_conformance(small) == ()
        assert len(small.states) < len(standard.states)
        assert small.paused_states == {"awaiting_complainant"}
        assert set(small.triggers) <= set(standard.triggers)

    def test_acknowledging_assesses(self, form, t0):
        """Acknowledging records the classification and reaches assessed in one step."""
        engine = Workflow(small_organisation_workflow())
        complaint = engine.receive(
            form,
            id="S-1",
            reference="S-1",
            received_at=t0,
            channel=Channel.EMAIL,
            actor="web",
        )
        assessed = engine.fire(
            complaint,
            "acknowledge",
            actor="a",
            at=t0,
            data={"classification": Classification(category="delivery")},
        ).complaint
        assert assessed.status == "assessed"
        assert assessed.workflow.name == "iso10002.small_organisation"


TestStandardWorkflowStateful = workflow_state_machine(standard_workflow()).TestCase
TestStandardWorkflowStateful.settings = STATEFUL

TestSmallOrganisationWorkflowStateful = workflow_state_machine(
    small_organisation_workflow()
).TestCase
TestSmallOrganisationWorkflowStateful.settings = STATEFUL
