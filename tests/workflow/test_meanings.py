"""Meaning comes from the definition: steps declare it, validation checks it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import attrs
import pytest

from iso10002.errors import InvalidWorkflowDefinition
from iso10002.model import WorkflowRef
from iso10002.vocabulary import (
    CLAUSE_7_MEANINGS,
    MEANINGS,
    STANDARD_EVENTS,
    STANDARD_VOCABULARY,
    ClockEffect,
    Meaning,
    StandardState,
    Vocabulary,
    declared_meanings,
    register_workflow,
    standard_event,
    vocabulary_for,
)
from iso10002.workflow import (
    State,
    Step,
    Workflow,
    WorkflowDefinition,
    check_conformance,
    conforming_definition,
    small_organisation_workflow,
    standard_workflow,
)

BROKEN = json.loads((Path(__file__).parent / "broken_meanings.json").read_text("utf-8"))


def renamed_acknowledgement(*, meanings=("acknowledged",), name="renamed.ack"):
    """Return the standard workflow with its acknowledgement event renamed."""
    standard = standard_workflow()
    steps = tuple(
        attrs.evolve(s, event="ReceiptConfirmed", meanings=meanings)
        if s.trigger == "acknowledge"
        else s
        for s in standard.steps
    )
    return attrs.evolve(standard, name=name, steps=steps)


class TestVocabulary:
    def test_every_meaning_but_internal_has_a_standard_event_and_clause(self):
        """Each clause-7 meaning names its standard event and its clause."""
        assert set(MEANINGS) == set(Meaning) - {Meaning.INTERNAL}
        for meaning, info in MEANINGS.items():
            assert STANDARD_EVENTS[info.event] is meaning
            assert info.clause[0] in "78"
        with pytest.raises(KeyError):
            standard_event(Meaning.INTERNAL)

    def test_deadline_effects(self):
        """Acknowledging and communicating meet deadlines; withdrawing voids them."""
        assert ClockEffect.MEETS in MEANINGS[Meaning.ACKNOWLEDGED].clock
        assert ClockEffect.MEETS in MEANINGS[Meaning.COMMUNICATED].clock
        assert ClockEffect.VOIDS in MEANINGS[Meaning.WITHDRAWN].clock
        assert ClockEffect.VOIDS in MEANINGS[Meaning.REJECTED].clock
        assert ClockEffect.PAUSES in MEANINGS[Meaning.INFORMATION_REQUESTED].clock

    def test_the_standard_vocabulary_is_the_standard_workflows(self):
        """The standard workflow declares the vocabulary unknown workflows read with."""
        assert standard_workflow().vocabulary == STANDARD_VOCABULARY
        assert STANDARD_VOCABULARY.terminal_states == {
            StandardState.CLOSED.value,
            StandardState.WITHDRAWN.value,
            StandardState.REJECTED.value,
        }

    def test_small_organisation_acknowledgement_also_assesses(self):
        """The small organisation's merged step means both acknowledged and assessed."""
        vocabulary = vocabulary_for(
            WorkflowRef(name=small_organisation_workflow().name, version=1)
        )
        assert vocabulary.meanings_of(standard_event(Meaning.ACKNOWLEDGED)) == {
            Meaning.ACKNOWLEDGED,
            Meaning.ASSESSED,
        }
        assert STANDARD_VOCABULARY.meanings_of("ComplaintAcknowledged") == {
            Meaning.ACKNOWLEDGED
        }

    def test_a_run_definition_is_known_by_name_and_version(self):
        """A Workflow registers its definition's meanings for its complaints' ref."""
        definition = renamed_acknowledgement(name="vocab.known")
        assert vocabulary_for(WorkflowRef(name="vocab.known", version=1)) is (
            STANDARD_VOCABULARY
        )
        Workflow(definition)
        vocabulary = vocabulary_for(WorkflowRef(name="vocab.known", version=1))
        assert vocabulary == definition.vocabulary
        assert vocabulary.means("ReceiptConfirmed", Meaning.ACKNOWLEDGED)
        assert vocabulary.standard_names("ReceiptConfirmed") == (
            "ReceiptConfirmed",
            "ComplaintAcknowledged",
        )

    def test_an_unknown_workflow_reads_with_the_standard_meanings(self):
        """A ref this process never built falls back to the standard vocabulary."""
        ref = WorkflowRef(name="never.built.anywhere", version=7)
        assert vocabulary_for(ref) is STANDARD_VOCABULARY
        assert vocabulary_for(None) is STANDARD_VOCABULARY

    def test_the_last_registered_wins(self):
        """Registering another definition under a ref replaces the first."""
        first = renamed_acknowledgement(name="vocab.twice")
        register_workflow(first)
        second = renamed_acknowledgement(meanings=("internal",), name="vocab.twice")
        register_workflow(second)
        ref = WorkflowRef(name="vocab.twice", version=1)
        assert vocabulary_for(ref) == second.vocabulary

    def test_shipped_names_are_not_overwritten(self):
        """A definition reusing a shipped name does not change how those read."""
        changed = attrs.evolve(renamed_acknowledgement(), name=standard_workflow().name)
        register_workflow(changed)
        ref = WorkflowRef(name=standard_workflow().name, version=1)
        assert not vocabulary_for(ref).means("ReceiptConfirmed", Meaning.ACKNOWLEDGED)

    def test_ends(self):
        """An event ends the handling by meaning or by leading to a terminal state."""
        vocabulary = Vocabulary(
            {"Done": frozenset({Meaning.CLOSED})}, frozenset({"x"}), frozenset()
        )
        assert vocabulary.ends("Done", None)
        assert vocabulary.ends("Anything", "x")
        assert not vocabulary.ends("Anything", "y")

    def test_declared_meanings(self):
        """Declared meanings win; a standard event carries its own; others none."""
        step = Step(trigger="go", sources=["a"], event="StepTaken")
        assert declared_meanings(step) is None
        assert declared_meanings(attrs.evolve(step, meanings=["internal"])) == {
            Meaning.INTERNAL
        }
        assert declared_meanings(attrs.evolve(step, meanings=["nonsense"])) is None
        assert declared_meanings(attrs.evolve(step, event="ComplaintClosed")) == {
            Meaning.CLOSED
        }


class TestDefinitionMeanings:
    def test_a_renamed_event_must_declare_its_meaning(self):
        """A renamed acknowledgement with no declared meaning is refused, by step."""
        with pytest.raises(InvalidWorkflowDefinition) as info:
            renamed_acknowledgement(meanings=())
        (problem,) = info.value.problems
        assert problem[0].endswith(".meanings")
        assert (
            "'ReceiptConfirmed' of step 'acknowledge' has no known meaning"
            in problem[1]
        )

    def test_an_unknown_meaning_is_refused(self):
        """A meaning outside the vocabulary is refused, listing the known ones."""
        with pytest.raises(
            InvalidWorkflowDefinition, match="unknown meaning 'acknowledgd'"
        ):
            renamed_acknowledgement(meanings=("acknowledgd",))

    def test_one_event_with_two_meanings_in_two_steps_is_refused(self):
        """An event must mean the same in every step that records it."""
        standard = standard_workflow()
        steps = [
            attrs.evolve(s, event="CaseMoved", meanings=("investigated",))
            if s.trigger == "investigate"
            else attrs.evolve(s, event="CaseMoved", meanings=("escalated",))
            if s.trigger == "escalate"
            else s
            for s in standard.steps
        ]
        with pytest.raises(
            InvalidWorkflowDefinition, match=r"means \['escalated'\] in step"
        ):
            attrs.evolve(standard, name="two.meanings", steps=steps)

    def test_a_standard_event_keeps_its_meaning(self):
        """A standard event name cannot be declared to mean something else."""
        standard = standard_workflow()
        steps = [
            attrs.evolve(s, meanings=("internal",)) if s.trigger == "close" else s
            for s in standard.steps
        ]
        with pytest.raises(
            InvalidWorkflowDefinition, match="standard event of 'closed'"
        ):
            attrs.evolve(standard, name="misread", steps=steps)

    def test_internal_cannot_be_combined(self):
        """'internal' means no clause-7 meaning, so it stands alone."""
        with pytest.raises(InvalidWorkflowDefinition, match="cannot be combined"):
            renamed_acknowledgement(meanings=("acknowledged", "internal"))

    def test_received_belongs_to_intake(self):
        """No step may claim the meaning of intake."""
        with pytest.raises(InvalidWorkflowDefinition, match="recorded by intake"):
            renamed_acknowledgement(meanings=("received",))

    def test_meanings_round_trip(self):
        """Declared meanings survive a dict, JSON and TOML round trip."""
        definition = renamed_acknowledgement(name="round.trip")
        assert WorkflowDefinition.from_json(definition.to_json()) == definition
        assert WorkflowDefinition.from_dict(definition.to_dict()) == definition


class TestConformanceOfMeanings:
    def test_the_shipped_workflows_carry_every_clause_7_meaning(self):
        """No shipped workflow has a gap."""
        assert check_conformance(standard_workflow()) == ()
        assert check_conformance(small_organisation_workflow()) == ()

    def test_a_missing_meaning_is_a_gap(self):
        """An acknowledgement declared internal leaves a missing-meaning gap."""
        definition = renamed_acknowledgement(meanings=("internal",), name="no.ack")
        codes = {(g.code, g.clause) for g in check_conformance(definition)}
        assert ("missing-meaning", "7.4") in codes
        assert Meaning.ACKNOWLEDGED in CLAUSE_7_MEANINGS

    def test_a_renamed_but_declared_workflow_conforms(self):
        """A renamed acknowledgement that declares its meaning conforms."""
        assert check_conformance(renamed_acknowledgement(name="declared")) == ()

    def test_conforming_definition_returns_a_conforming_one(self):
        """A conforming definition passes, from data or built."""
        standard = standard_workflow()
        assert conforming_definition(standard.to_dict()) == standard
        assert conforming_definition(standard) is standard

    def test_conforming_definition_names_each_gap_step(self):
        """Gaps of a valid definition are reported at the path of the step concerned."""
        definition = renamed_acknowledgement(meanings=("internal",), name="gapped")
        with pytest.raises(InvalidWorkflowDefinition) as info:
            conforming_definition(definition)
        paths = dict(info.value.problems)
        assert paths["steps"].startswith("missing-meaning: no step carries")
        step = next(
            i for i, s in enumerate(definition.steps) if s.trigger == "acknowledge"
        )
        assert paths[f"steps[{step}]"].startswith("meaning-not-carried:")
        assert "(step 'acknowledge')" in paths[f"steps[{step}]"]

    def test_not_a_mapping(self):
        """Data that is not a mapping is one problem, not a crash."""
        with pytest.raises(InvalidWorkflowDefinition) as info:
            conforming_definition(["not", "a", "mapping"])  # type: ignore[arg-type]
        assert info.value.problems[0] == ("", "must be a mapping")


class TestBrokenMeaningsCorpus:
    def test_every_problem_in_one_error(self):
        """Four kinds of problem in one definition: one error lists them all."""
        with pytest.raises(InvalidWorkflowDefinition) as info:
            conforming_definition(BROKEN["config"])
        assert sorted(info.value.problems) == sorted(
            tuple(p) for p in BROKEN["problems"]
        )
        text = " ".join(m for _, m in info.value.problems)
        assert "step 'mediate'" in text
        assert "step 'settle'" in text
        assert "'abandoned' is unreachable" in text
        assert "'acknowledged'" in text

    def test_fixing_the_corpus_leaves_no_problem(self):
        """The corpus is broken only where it says: fixing those four, it conforms."""
        config = copy.deepcopy(BROKEN["config"])
        config["states"] = [s for s in config["states"] if s["name"] != "abandoned"]
        steps = config["steps"]
        steps[0]["meanings"] = ["acknowledged", "assessed"]
        steps[0]["clauses"] = ["7.4", "7.5"]
        steps[1]["meanings"] = ["internal"]
        steps[3]["event"] = "DecisionMade"
        steps[3]["meanings"] = []
        definition = WorkflowDefinition.from_dict(config)
        # Principle guards are a host's choice here: only they may be missing.
        assert {g.code for g in check_conformance(definition)} <= {"guard-off"}
        assert definition.vocabulary.means("CaseTriaged", Meaning.ACKNOWLEDGED)
        assert State(name="done", terminal=True) in definition.states
