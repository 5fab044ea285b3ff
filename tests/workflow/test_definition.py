from __future__ import annotations

import sys

import pytest
from hypothesis import given

from iso10002.errors import InvalidWorkflowDefinition, ValidationError
from iso10002.testing.stateful import workflow_definitions
from iso10002.workflow import (
    PRINCIPLE_GUARDS,
    State,
    Step,
    WorkflowDefinition,
    standard_workflow,
)


class TestStep:
    def test_internal_step_stays(self):
        """A step without destination leads back to its source and is internal."""
        step = Step(trigger="note", sources=["a", "b"], event="NoteAdded")
        assert step.internal
        assert step.destination_from("b") == "b"

    def test_moving_step_is_not_internal(self):
        """A step with another destination is not internal."""
        step = Step(trigger="go", sources=["a"], destination="b", event="StepTaken")
        assert not step.internal
        assert step.destination_from("a") == "b"

    def test_types_are_checked(self):
        """A destination that is not a string is refused, naming the field."""
        with pytest.raises(ValidationError) as info:
            Step(trigger="go", sources=["a"], destination=3, event="StepTaken")
        assert info.value.field == "destination"


class TestWorkflowDefinition:
    def test_accessors(self):
        """The definition answers the initial, terminal and clock-paused states."""
        definition = standard_workflow()
        assert definition.initial_state == "received"
        assert definition.terminal_states == {"closed", "withdrawn", "rejected"}
        assert definition.paused_states == {"awaiting_complainant"}
        assert definition.state("closed").terminal
        assert definition.guards == {
            "iso10002.workflow.reopen_window",
            *PRINCIPLE_GUARDS,
        }
        assert definition.roles == frozenset()
        assert {s.trigger for s in definition.steps_from("closed")} == {
            "reopen",
            "record_satisfaction",
            "link",
        }
        with pytest.raises(KeyError):
            definition.state("limbo")

    def test_standard_triggers_are_the_handler_s(self):
        """The standard workflow offers exactly the triggers a handler calls."""
        assert set(standard_workflow().triggers) == {
            "acknowledge",
            "assess",
            "assign",
            "request_information",
            "information_received",
            "investigate",
            "record_holding_response",
            "decide",
            "communicate_decision",
            "accept_decision",
            "reject_decision",
            "escalate",
            "withdraw",
            "reject_as_not_a_complaint",
            "close",
            "reopen",
            "record_satisfaction",
            "link",
        }

    def test_construction_validates(self):
        """Building an invalid definition directly raises with every problem."""
        with pytest.raises(InvalidWorkflowDefinition) as info:
            WorkflowDefinition(name="x", version=1, states=[State(name="a")], steps=[])
        assert set(info.value.problems) == {
            ("states", "no initial state (mark exactly one state initial)"),
            ("states", "no terminal state"),
        }

    @given(workflow_definitions())
    def test_round_trips_through_dict_json_and_toml(self, definition):
        """Any valid definition survives dict, JSON and TOML unchanged."""
        assert WorkflowDefinition.from_dict(definition.to_dict()) == definition
        assert WorkflowDefinition.from_json(definition.to_json()) == definition
        assert WorkflowDefinition.from_toml(definition.to_toml()) == definition

    def test_standard_round_trips(self):
        """The standard workflow survives TOML, internal steps included."""
        definition = standard_workflow()
        text = definition.to_toml()
        assert "destination" in text
        assert WorkflowDefinition.from_toml(text) == definition

    def test_bad_json_and_toml_text(self):
        """Text that does not parse is reported as a definition problem."""
        with pytest.raises(InvalidWorkflowDefinition, match="not valid JSON"):
            WorkflowDefinition.from_json("{")
        with pytest.raises(InvalidWorkflowDefinition, match="not valid TOML"):
            WorkflowDefinition.from_toml("name = ")
        with pytest.raises(InvalidWorkflowDefinition, match="must be text"):
            WorkflowDefinition.from_json(3)
        with pytest.raises(InvalidWorkflowDefinition, match="as str"):
            WorkflowDefinition.from_toml(b"name = 'x'")
        with pytest.raises(InvalidWorkflowDefinition, match="larger than"):
            WorkflowDefinition.from_json(" " * 1_000_001)

    def test_toml_dump_needs_the_extra(self, monkeypatch):
        """Without tomli-w, dumping TOML says which extra to install."""
        monkeypatch.setitem(sys.modules, "tomli_w", None)
        with pytest.raises(ImportError, match=r"iso10002\[toml\]"):
            standard_workflow().to_toml()
