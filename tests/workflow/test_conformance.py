from __future__ import annotations

import attrs

from iso10002.workflow import (
    CLAUSE_7_STEPS,
    WorkflowDefinition,
    check_conformance,
    standard_workflow,
)


def customise(definition, **changes_by_trigger):
    """Return ``definition`` with the named steps changed (or removed when None)."""
    steps = []
    for step in definition.steps:
        change = changes_by_trigger.get(step.trigger, {})
        if change is None:
            continue
        steps.append(attrs.evolve(step, **change))
    return attrs.evolve(definition, steps=steps)


def codes(definition):
    return {(g.clause, g.code) for g in check_conformance(definition)}


class TestCheckConformance:
    def test_deciding_straight_from_receipt_skips_acknowledgement_and_assessment(self):
        """A decide step from 'received' lets a decision skip 7.4 and 7.5."""
        custom = customise(
            standard_workflow(), decide={"sources": ("received", "investigating")}
        )
        gaps = check_conformance(custom)
        assert {(g.clause, g.code) for g in gaps} == {
            ("7.4", "decision-before-acknowledgement"),
            ("7.5", "decision-before-assessment"),
        }
        assert all(g.triggers == ("decide",) for g in gaps)

    def test_closing_without_communicating(self):
        """Closing from 'decided' is reported as closing before communication."""
        custom = customise(
            standard_workflow(),
            close={
                "sources": ("decided", "decision_communicated"),
                "requires": ("outcome",),
            },
        )
        assert codes(custom) == {("7.8", "closing-before-communication")}

    def test_missing_steps_are_listed_by_clause(self):
        """A workflow without acknowledgement reports the missing clause."""
        custom = customise(standard_workflow(), acknowledge={"clauses": ()})
        assert ("7.4", "missing-step") in codes(custom)
        assert {g.message for g in check_conformance(custom)} >= {
            f"no step implements {CLAUSE_7_STEPS['7.4']}"
        }

    def test_steps_must_require_their_data(self):
        """Deciding, communicating and closing must require their data."""
        custom = customise(
            standard_workflow(),
            decide={"requires": ("outcome",)},
            communicate_decision={"requires": ("decision",)},
            close={"requires": ("decision",)},
        )
        assert codes(custom) == {
            ("7.7", "decision-not-required"),
            ("7.8", "communication-not-required"),
            ("7.9", "outcome-not-required"),
        }

    def test_a_minimal_workflow_misses_most_steps(self):
        """A two-state workflow misses every clause-7 step but closing."""
        minimal = WorkflowDefinition.from_dict(
            {
                "name": "minimal",
                "version": 1,
                "states": [
                    {"name": "open", "initial": True},
                    {"name": "done", "terminal": True},
                ],
                "steps": [
                    {
                        "trigger": "close",
                        "sources": ["open"],
                        "destination": "done",
                        "event": "ComplaintClosed",
                        "clauses": ["7.9"],
                        "requires": ["outcome"],
                    }
                ],
            }
        )
        assert {
            g.clause for g in check_conformance(minimal) if g.code == "missing-step"
        } == {"7.4", "7.5", "7.6", "7.7", "7.8"}
        assert ("7.8", "closing-before-communication") in codes(minimal)

    def test_reopening_is_not_closing(self):
        """A reopen step carrying clause 7.9 does not count as closing."""
        custom = customise(standard_workflow(), close={"clauses": ()})
        assert ("7.9", "missing-step") in codes(custom)
