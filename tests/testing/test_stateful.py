from __future__ import annotations

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from iso10002.testing.stateful import (
    SETTABLE_FIELDS,
    field_values,
    workflow_definitions,
    workflow_state_machine,
)
from iso10002.testing.strategies import complaints
from iso10002.workflow import Workflow, check_conformance, standard_workflow

QUICK = settings(max_examples=3, stateful_step_count=12, database=None)
# Finding a planted bug needs no shrinking, which is slow for state machines.
HUNT = settings(
    max_examples=100, stateful_step_count=30, database=None, phases=[Phase.generate]
)


def run(machine):
    case = machine.TestCase()
    case.settings = QUICK
    case.runTest()


class TestWorkflowStateMachine:
    @settings(max_examples=6, suppress_health_check=[HealthCheck.nested_given])
    @given(workflow_definitions())
    def test_random_definitions_keep_every_invariant(self, definition):
        """Complaints driven through any generated definition keep every invariant."""
        run(workflow_state_machine(definition))

    def test_catches_an_engine_that_moves_terminal_complaints(self, monkeypatch):
        """A broken engine that lets a step leave a terminal state is caught."""
        original = Workflow.fire

        def leaky(self, complaint, trigger, **kwargs):
            result = original(self, complaint, trigger, **kwargs)
            if (
                complaint.status in self.definition.terminal_states
                and trigger == "link"
            ):
                moved = attrs.evolve(
                    result.complaint.history[-1], to_state="investigating"
                )
                new = attrs.evolve(
                    result.complaint,
                    status="investigating",
                    history=(*result.complaint.history[:-1], moved),
                )
                return attrs.evolve(result, complaint=new, events=(moved,))
            return result

        monkeypatch.setattr(Workflow, "fire", leaky)
        machine = workflow_state_machine(standard_workflow())
        case = machine.TestCase()
        case.settings = HUNT
        with pytest.raises(AssertionError, match="terminal states absorb"):
            case.runTest()

    def test_catches_an_engine_that_skips_required_data(self, monkeypatch):
        """A broken engine that drops the data a step requires is caught."""
        original = Workflow.fire

        def forgetful(self, complaint, trigger, **kwargs):
            result = original(self, complaint, trigger, **kwargs)
            if trigger == "assess":
                return attrs.evolve(
                    result,
                    complaint=attrs.evolve(result.complaint, classification=None),
                )
            return result

        monkeypatch.setattr(Workflow, "fire", forgetful)
        case = workflow_state_machine(standard_workflow()).TestCase()
        case.settings = HUNT
        with pytest.raises(AssertionError, match="required data missing"):
            case.runTest()

    def test_the_machine_is_named_after_the_definition(self):
        """The generated class names the workflow it tests."""
        machine = workflow_state_machine(standard_workflow())
        assert machine.__name__ == "WorkflowStateMachine[iso10002.standard]"


class TestWorkflowDefinitions:
    @settings(max_examples=30)
    @given(workflow_definitions(max_states=3))
    def test_respects_the_size_bound(self, definition):
        """Generated definitions stay within the state bound and can end."""
        assert 2 <= len(definition.states) <= 3
        assert definition.terminal_states

    @settings(max_examples=30)
    @given(workflow_definitions())
    def test_generated_definitions_are_not_clause_7_workflows(self, definition):
        """Generated definitions are not ISO processes, so conformance reports gaps."""
        assert any(g.code == "missing-step" for g in check_conformance(definition))


class TestFieldValues:
    @settings(max_examples=20)
    @given(complaints(max_events=1), st.data())
    def test_values_fit_the_field(self, complaint, data):
        """Generated values can be set on the complaint field they are for."""
        name = data.draw(st.sampled_from([*SETTABLE_FIELDS, "subject", "deadlines"]))
        value = data.draw(field_values(name))
        assert getattr(attrs.evolve(complaint, **{name: value}), name) == value
