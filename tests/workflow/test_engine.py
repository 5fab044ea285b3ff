from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
import transitions
from hypothesis import given
from hypothesis import strategies as st

from iso10002.errors import (
    GuardRejected,
    InvalidWorkflowDefinition,
    TransitionNotAllowed,
    ValidationError,
)
from iso10002.model import (
    Classification,
    Complainant,
    ComplaintForm,
    Link,
    LinkKind,
    Outcome,
    WorkflowRef,
)
from iso10002.principles import Finding, FindingSeverity, PolicyRegistry
from iso10002.serialization import to_dict
from iso10002.testing.stateful import workflow_definitions
from iso10002.workflow import (
    REOPEN_WINDOW_POLICY_ID,
    State,
    Step,
    Transitioned,
    Workflow,
    WorkflowDefinition,
    WorkflowEngine,
    standard_workflow,
)
from iso10002.workflow._transitions import build_machine, compile_table, drive


@attrs.frozen
class AlwaysSays:
    """A test policy returning one finding of the given severity."""

    id: str
    severity: FindingSeverity

    def evaluate(self, complaint, context):
        return [
            Finding(
                policy_id=self.id,
                principle="objectivity",
                clause="4.7",
                code="said",
                severity=self.severity,
                message=f"said by {self.id} to {context.actor}",
                evidence={
                    "status": complaint.status,
                    "before": context.previous.status,
                },
            )
        ]


def guarded(*guards, roles=()):
    return WorkflowDefinition(
        name="guarded",
        version=1,
        states=[State(name="open", initial=True), State(name="done", terminal=True)],
        steps=[
            Step(
                trigger="finish",
                sources=["open"],
                destination="done",
                event="ComplaintClosed",
                guards=guards,
                roles=roles,
            )
        ],
    )


class TestWorkflow:
    def test_receive_starts_in_the_initial_state_under_the_definition(self, received):
        """A received complaint is version 1, in the initial state, named workflow."""
        assert received.status == "received"
        assert received.version == 1
        assert received.workflow == WorkflowRef(name="iso10002.standard", version=1)

    def test_fire_returns_the_next_version_with_one_event(self, workflow, received, t0):
        """Firing appends one event: sequence, trigger, states, actor, time, data."""
        at = t0 + timedelta(hours=1)
        result = workflow.fire(
            received, "acknowledge", actor="agent:7", at=at, data={"letter": "ack-1"}
        )
        assert isinstance(result, Transitioned)
        new = result.complaint
        assert (new.status, new.version) == ("acknowledged", 2)
        assert result.events == (new.history[-1],)
        event = new.history[-1]
        assert (event.sequence, event.name, event.trigger) == (
            2,
            "ComplaintAcknowledged",
            "acknowledge",
        )
        assert (event.from_state, event.to_state, event.actor, event.at) == (
            "received",
            "acknowledged",
            "agent:7",
            at,
        )
        assert event.data == {"letter": "ack-1"}
        assert received.status == "received"

    def test_walks_the_standard_path_to_closed(self, walk, received):
        """The standard path ends closed with eight contiguous events."""
        closed = walk(received)
        assert closed.status == "closed"
        assert [e.sequence for e in closed.history] == list(range(1, 9))
        assert closed.outcome is Outcome.UPHELD

    def test_unknown_trigger_is_not_allowed(self, workflow, received, t0):
        """An unknown trigger raises TransitionNotAllowed with state and allowed."""
        with pytest.raises(TransitionNotAllowed) as info:
            workflow.fire(received, "teleport", actor="a", at=t0)
        assert info.value.trigger == "teleport"
        assert info.value.state == "received"
        assert info.value.allowed == workflow.allowed_triggers(received)
        assert "acknowledge" in info.value.allowed

    def test_wrong_state_is_not_allowed(self, workflow, received, t0):
        """A known trigger from the wrong state raises TransitionNotAllowed."""
        with pytest.raises(
            TransitionNotAllowed, match="cannot 'close' from 'received'"
        ):
            workflow.fire(received, "close", actor="a", at=t0)

    def test_unknown_state_is_not_allowed(self, workflow, received, t0):
        """A complaint in a state the definition lacks cannot fire anything."""
        odd = attrs.evolve(received, status="limbo")
        with pytest.raises(TransitionNotAllowed, match="unknown state") as info:
            workflow.fire(odd, "acknowledge", actor="a", at=t0)
        assert info.value.allowed == ()

    def test_other_workflow_is_not_allowed(self, workflow, received, t0):
        """A complaint running under another workflow version is refused."""
        other = attrs.evolve(
            received, workflow=WorkflowRef(name="iso10002.standard", version=2)
        )
        with pytest.raises(TransitionNotAllowed, match="version 2"):
            workflow.fire(other, "acknowledge", actor="a", at=t0)

    def test_time_cannot_go_back(self, workflow, received, t0):
        """A step timed before the last event is refused, naming 'at'."""
        with pytest.raises(ValidationError) as info:
            workflow.fire(
                received, "acknowledge", actor="a", at=t0 - timedelta(seconds=1)
            )
        assert info.value.field == "at"

    def test_naive_time_is_refused(self, workflow, received, t0):
        """A naive datetime is refused, naming 'at'."""
        with pytest.raises(ValidationError) as info:
            workflow.fire(
                received, "acknowledge", actor="a", at=t0.replace(tzinfo=None)
            )
        assert info.value.field == "at"

    def test_undeclared_field_is_refused(self, workflow, received, t0):
        """Data for a complaint field the step does not set names that field."""
        with pytest.raises(ValidationError) as info:
            workflow.fire(
                received, "acknowledge", actor="a", at=t0, data={"assignee": "x"}
            )
        assert info.value.field == "assignee"

    def test_missing_required_data_names_the_field(self, workflow, walk, received, t0):
        """A step whose required field stays empty names it."""
        acknowledged = walk(received, 1)
        with pytest.raises(ValidationError) as info:
            workflow.fire(acknowledged, "assess", actor="a", at=t0 + timedelta(hours=2))
        assert info.value.field == "classification"

    def test_nested_requirement_names_the_path(
        self, workflow, walk, received, t0, decision_for
    ):
        """communicate_decision requires decision.communicated_at, named by its path."""
        decided = walk(received, 5)
        with pytest.raises(ValidationError) as info:
            workflow.fire(
                decided,
                "communicate_decision",
                actor="a",
                at=t0 + timedelta(days=1),
                data={"decision": decision_for(t0)},
            )
        assert info.value.field == "decision.communicated_at"

    def test_plain_data_is_structured_into_model_values(
        self, workflow, walk, received, t0
    ):
        """Mappings, lists and enum values for declared fields become model values."""
        acknowledged = walk(received, 1)
        at = t0 + timedelta(hours=2)
        assessed = workflow.fire(
            acknowledged,
            "assess",
            actor="a",
            at=at,
            data={"classification": {"category": "x"}},
        ).complaint
        assert assessed.classification == Classification(category="x")
        linked = workflow.fire(
            assessed,
            "link",
            actor="a",
            at=at,
            data={"links": [{"kind": "related_to", "complaint_id": "C-2"}]},
        ).complaint
        assert linked.links == (Link(kind=LinkKind.RELATED_TO, complaint_id="C-2"),)
        withdrawn = workflow.fire(
            linked, "withdraw", actor="a", at=at, data={"outcome": "withdrawn"}
        )
        assert withdrawn.complaint.outcome is Outcome.WITHDRAWN

    def test_bad_plain_data_names_the_nested_field(self, workflow, walk, received, t0):
        """Invalid plain data is reported with the path inside the field."""
        acknowledged = walk(received, 1)
        with pytest.raises(ValidationError) as info:
            workflow.fire(
                acknowledged,
                "assess",
                actor="a",
                at=t0 + timedelta(hours=2),
                data={"classification": {"category": "x", "severity": "apocalyptic"}},
            )
        assert info.value.field == "classification.severity"
        with pytest.raises(ValidationError) as info:
            workflow.fire(
                acknowledged,
                "withdraw",
                actor="a",
                at=t0 + timedelta(hours=2),
                data={"outcome": "vanished"},
            )
        assert info.value.field == "outcome"

    def test_event_data_must_be_json(self, workflow, received, t0):
        """Event data that is not JSON is refused."""
        with pytest.raises(ValidationError):
            workflow.fire(received, "acknowledge", actor="a", at=t0, data={"when": t0})

    def test_roles_restrict_a_step(self, received, t0):
        """An actor without a role of the step gets TransitionNotAllowed."""
        engine = Workflow(guarded(roles=["manager"]))
        complaint = engine.receive(
            _form(),
            id="C",
            reference="R",
            received_at=t0,
            channel=received.channel,
            actor="w",
        )
        with pytest.raises(TransitionNotAllowed, match="roles") as info:
            engine.fire(complaint, "finish", actor="a", at=t0, roles=["agent"])
        assert info.value.allowed == ()
        assert engine.allowed_triggers(complaint) == ("finish",)
        assert engine.allowed_triggers(complaint, roles=["agent"]) == ()
        done = engine.fire(
            complaint, "finish", actor="m", at=t0, roles={"manager", "agent"}
        )
        assert done.complaint.status == "done"

    def test_blocking_guard_rejects_with_findings(self, received, t0):
        """A blocking finding raises GuardRejected carrying every finding."""
        policies = PolicyRegistry(
            [
                AlwaysSays("no", FindingSeverity.BLOCKING),
                AlwaysSays("hm", FindingSeverity.WARNING),
            ]
        )
        engine = Workflow(guarded("no", "hm"), policies)
        complaint = engine.receive(
            _form(),
            id="C",
            reference="R",
            received_at=t0,
            channel=received.channel,
            actor="w",
        )
        with pytest.raises(GuardRejected) as info:
            engine.fire(complaint, "finish", actor="a", at=t0)
        assert [f.policy_id for f in info.value.findings] == ["no", "hm"]
        assert info.value.findings[0].evidence == {"status": "done", "before": "open"}
        assert not engine.can_fire(complaint, "finish", actor="a", at=t0)

    def test_non_blocking_findings_are_returned(self, received, t0):
        """Warnings from guards do not block and come back with the result."""
        engine = Workflow(guarded("hm"), [AlwaysSays("hm", FindingSeverity.WARNING)])
        complaint = engine.receive(
            _form(),
            id="C",
            reference="R",
            received_at=t0,
            channel=received.channel,
            actor="w",
        )
        result = engine.fire(complaint, "finish", actor="a", at=t0)
        assert [f.code for f in result.findings] == ["said"]
        assert engine.can_fire(complaint, "finish", actor="a", at=t0)

    def test_guard_naming_an_unknown_policy_is_refused(self):
        """A guard naming an unregistered policy is a listed problem."""
        with pytest.raises(InvalidWorkflowDefinition) as info:
            Workflow(guarded("missing"))
        assert info.value.problems == (
            ("steps[0].guards[0]", "unknown policy 'missing'"),
        )

    def test_policies_must_be_policies(self):
        """Something that is not a policy is refused, naming its position."""
        with pytest.raises(ValidationError) as info:
            Workflow(guarded(), [object()])
        assert info.value.field == "policies[0]"

    def test_definition_must_be_a_definition(self):
        """A workflow needs a WorkflowDefinition."""
        with pytest.raises(ValidationError):
            Workflow({"name": "x"})

    def test_is_a_workflow_engine(self, workflow):
        """Workflow satisfies the engine protocol a handler depends on."""
        assert isinstance(workflow, WorkflowEngine)
        assert workflow.definition == standard_workflow()
        assert repr(workflow) == "Workflow('iso10002.standard', version=1)"
        assert workflow.allowed_triggers_in("limbo") == ()

    def test_reopen_window_is_the_default_guard(self, workflow):
        """The standard reopen step is guarded by the built-in reopen window."""
        (reopen,) = [s for s in workflow.definition.steps if s.trigger == "reopen"]
        assert reopen.guards == (REOPEN_WINDOW_POLICY_ID, "iso10002.charges.no-fee")


def _form():
    return ComplaintForm(complainant=Complainant(name="B"), description="late")


class TestTransitionsCompilation:
    @given(workflow_definitions(), st.data())
    def test_table_agrees_with_the_definition_and_with_transitions(
        self, definition, data
    ):
        """The table holds each step's destination, as transitions reaches it."""
        table = compile_table(definition)
        expected = {
            (source, step.trigger): step.destination_from(source)
            for step in definition.steps
            for source in step.sources
        }
        assert {
            (s, t): d for s, row in table.items() for t, d in row.items()
        } == expected
        machine = build_machine(definition)
        state = data.draw(st.sampled_from(definition.state_names))
        for trigger in (*definition.triggers, "nope"):
            if trigger in table[state]:
                assert drive(machine, state, trigger) == table[state][trigger]
            else:
                with pytest.raises(TransitionNotAllowed) as info:
                    drive(machine, state, trigger)
                assert info.value.allowed == tuple(table[state])

    def test_no_machine_is_built_per_complaint(
        self, workflow, walk, received, monkeypatch
    ):
        """Firing steps never constructs a transitions Machine."""

        def refuse(*args, **kwargs):
            msg = "a Machine was built"
            raise AssertionError(msg)

        monkeypatch.setattr(transitions.Machine, "__init__", refuse)
        assert walk(received).status == "closed"
        assert to_dict(received)["status"] == "received"
