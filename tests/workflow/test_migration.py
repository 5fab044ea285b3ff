from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from iso10002.errors import (
    InvalidWorkflowDefinition,
    TransitionNotAllowed,
    ValidationError,
)
from iso10002.model import WorkflowRef
from iso10002.workflow import (
    MIGRATED_EVENT,
    State,
    Workflow,
    WorkflowMigration,
    standard_workflow,
)


def version_2():
    """The standard workflow, version 2, with 'escalated' renamed 'with_manager'."""
    old = standard_workflow()
    rename = {"escalated": "with_manager"}
    states = [attrs.evolve(s, name=rename.get(s.name, s.name)) for s in old.states]
    steps = [
        attrs.evolve(
            step,
            sources=tuple(rename.get(s, s) for s in step.sources),
            destination=rename.get(step.destination, step.destination),
        )
        for step in old.steps
    ]
    return attrs.evolve(old, version=2, states=states, steps=steps)


def identity_except(**changes):
    mapping = {name: name for name in standard_workflow().state_names}
    mapping.update(changes)
    return mapping


class TestWorkflowMigration:
    def test_moves_a_complaint_to_the_new_version(self, workflow, walk, received, t0):
        """A migrated complaint records the new workflow and state, and runs."""
        investigating = walk(received, 4)
        escalated = workflow.fire(
            investigating, "escalate", actor="a", at=t0 + timedelta(days=1)
        )
        migration = WorkflowMigration(
            standard_workflow(), version_2(), identity_except(escalated="with_manager")
        )
        moved = migration.apply(
            escalated.complaint, actor="ops", at=t0 + timedelta(days=2)
        )
        new = moved.complaint
        assert new.workflow == WorkflowRef(name="iso10002.standard", version=2)
        assert (new.status, new.version) == (
            "with_manager",
            escalated.complaint.version + 1,
        )
        event = new.history[-1]
        assert (event.name, event.from_state, event.to_state) == (
            MIGRATED_EVENT,
            "escalated",
            "with_manager",
        )
        assert event.data["to_workflow"] == {"name": "iso10002.standard", "version": 2}
        assert Workflow(version_2()).allowed_triggers(new)[0] == "decide"

    def test_complaints_in_flight_keep_their_version(self, received, t0):
        """Without migration, the new version refuses complaints of the old."""
        with pytest.raises(TransitionNotAllowed, match="version 1"):
            Workflow(version_2()).fire(received, "acknowledge", actor="a", at=t0)

    def test_every_problem_of_a_mapping_is_listed(self):
        """Unmapped, unknown and terminal-to-open mappings are all reported."""
        mapping = identity_except(closed="investigating", limbo="received")
        del mapping["escalated"]
        with pytest.raises(InvalidWorkflowDefinition) as info:
            WorkflowMigration(standard_workflow(), version_2(), mapping)
        assert sorted(info.value.problems) == [
            ("states.closed", "an terminal state must map to an terminal state"),
            ("states.escalated", "every state of the source workflow must be mapped"),
            ("states.limbo", "not a state of the source workflow"),
        ]

    def test_target_states_must_exist_and_differ(self):
        """Mapping to an unknown state, or to the same version, is refused."""
        with pytest.raises(InvalidWorkflowDefinition) as info:
            WorkflowMigration(
                standard_workflow(), standard_workflow(), identity_except(escalated="x")
            )
        assert sorted(info.value.problems) == [
            ("states.escalated", "'x' is not a state of the target workflow"),
            ("target", "must be a different workflow or version"),
        ]

    def test_refuses_complaints_of_another_workflow(self, received, t0):
        """A complaint not running under the source definition is refused."""
        migration = WorkflowMigration(
            standard_workflow(), version_2(), identity_except(escalated="with_manager")
        )
        moved = migration.apply(received, actor="ops", at=t0).complaint
        with pytest.raises(TransitionNotAllowed):
            migration.apply(moved, actor="ops", at=t0)
        with pytest.raises(ValidationError):
            migration.apply(received, actor="ops", at=t0 - timedelta(days=1))

    def test_states_are_what_a_state_is(self):
        """The target's states are State values (sanity of the fixture)."""
        assert all(isinstance(s, State) for s in version_2().states)
