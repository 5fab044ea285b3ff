"""Principle guards on any definition; one default policy set; the step context."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import attrs
import pytest
from hypothesis import settings

from iso10002.cli import main
from iso10002.errors import InvalidWorkflowDefinition, ValidationError
from iso10002.model import Complaint
from iso10002.principles import (
    POLICY_PACKS,
    Finding,
    OrganisationProfile,
    PolicyContext,
    default_policies,
    policies_for,
)
from iso10002.principles.packs import PackEscalationWording
from iso10002.testing.stateful import workflow_state_machine
from iso10002.workflow import (
    PRINCIPLE_GUARDS,
    State,
    Step,
    StepContext,
    Workflow,
    WorkflowDefinition,
    expected_guards,
    guards_off,
    small_organisation_workflow,
    standard_workflow,
)

PACK_GUARD = "uk.fca.disp.escalation-route-wording"
PACK_WORDING = "iso10002.packs.escalation-route-wording"


def _with_pack_guard():
    """The standard workflow whose decision also checks the FCA's wording."""
    definition = standard_workflow()
    steps = tuple(
        attrs.evolve(s, guards=(*s.guards, PACK_GUARD)) if s.trigger == "decide" else s
        for s in definition.steps
    )
    return attrs.evolve(definition, name="acme.fca", steps=steps)


def _mediation():
    """A user's definition: renamed steps, an extra mediation step, no guards."""
    return WorkflowDefinition(
        name="acme.mediation",
        version=1,
        states=(
            State(name="new", initial=True),
            State(name="triaged"),
            State(name="mediating"),
            State(name="answered"),
            State(name="sent"),
            State(name="done", terminal=True),
        ),
        steps=(
            Step(trigger="triage", sources=("new",), destination="triaged",
                 event="Triaged", sets=("classification",),
                 requires=("classification",), clauses=("7.4", "7.5"),
                 meanings=("acknowledged", "assessed")),
            Step(trigger="mediate", sources=("triaged",), destination="mediating",
                 event="MediationStarted", clauses=("7.6",),
                 meanings=("investigated",)),
            Step(trigger="answer", sources=("mediating",), destination="answered",
                 event="Answered", sets=("decision", "outcome"),
                 requires=("decision", "outcome"), clauses=("7.7",),
                 meanings=("decided",)),
            Step(trigger="send", sources=("answered",), destination="sent",
                 event="Sent", sets=("decision",),
                 requires=("decision", "decision.communicated_at"),
                 clauses=("7.8",), meanings=("communicated",)),
            Step(trigger="finish", sources=("sent",), destination="done",
                 event="Finished", sets=("outcome", "root_cause"),
                 requires=("decision", "decision.communicated_at", "outcome"),
                 clauses=("7.9",), meanings=("closed",)),
        ),
    )  # fmt: skip


class TestExpectedGuards:
    """Which guards a step should run follows from its clauses and fields."""

    def test_a_custom_definition_gets_the_guards_by_meaning(self):
        """Mediating, answering, sending and finishing get the guards of 7.6-7.9."""
        definition = _mediation()
        expected = {
            s.trigger: set(expected_guards(s, definition)) for s in definition.steps
        }
        fee = "iso10002.charges.no-fee"
        assert expected == {
            "triage": {fee},
            "mediate": {fee, "iso10002.accountability.owner-assigned"},
            "answer": {
                fee,
                "iso10002.objectivity.handler-not-conflicted",
                "iso10002.customer-focus.decision-reasons",
                "iso10002.customer-focus.escalation-route",
            },
            "send": {fee, PACK_WORDING},
            "finish": {fee, "iso10002.improvement.root-cause-recorded"},
        }
        found = guards_off(definition)
        assert len(found) == sum(len(g) for g in expected.values())
        assert {f.evidence["trigger"] for f in found} == set(expected)

    def test_every_guard_is_a_shipped_blocking_policy(self):
        """Each principle guard resolves to a shipped policy whose default blocks."""
        known = default_policies()
        for policy_id in set(PRINCIPLE_GUARDS) - {PACK_WORDING}:
            assert known[policy_id].severity.value == "blocking"
        for pack in POLICY_PACKS:  # the pack guard runs the pack's own blocking rule
            rule = known[f"{pack}.escalation-route-wording"]
            assert rule.severity.value == "blocking"
        assert isinstance(known[PACK_WORDING], PackEscalationWording)

    def test_every_blocking_policy_of_the_edition_is_a_guard(self):
        """A policy blocking by default is guarded, unless no audit can report it.

        The integrity policy blocks only a rewritten history (needs the version
        before a step, which the engine never rewrites) or a broken hash chain
        (needs the store's verifier): an audit of stored complaints reports
        neither, ``verify_integrity`` does.
        """
        blocking = {
            policy_id
            for policy_id, policy in policies_for("iso10002:2018").items()
            if "blocking"
            in {
                getattr(getattr(policy, name, None), "value", None)
                for name in ("severity", "tamper_severity")
            }
        }
        unguarded = {"iso10002.information-integrity.history-consistent"}
        assert blocking - unguarded == set(PRINCIPLE_GUARDS) - {PACK_WORDING}

    @pytest.mark.parametrize("make", [standard_workflow, small_organisation_workflow])
    def test_the_older_edition_names_the_same_guards(self, make):
        """The 2014 policy set has every principle guard, so either edition runs."""
        Workflow(make(), policies_for("iso10002:2014"))
        edition = set(PRINCIPLE_GUARDS) - {PACK_WORDING}
        assert edition <= set(policies_for("iso10002:2014"))


class TestOneDefaultPolicySet:
    """Workflow, handler, CLI and state machine resolve guards alike."""

    def test_a_pack_guard_resolves_without_policies(self):
        """A guard naming a pack's content rule needs no policies argument."""
        Workflow(_with_pack_guard())
        assert PACK_GUARD in default_policies()

    def test_what_workflow_check_accepts_the_state_machine_runs(self, tmp_path):
        """A definition the CLI accepts builds a state machine with no policies."""
        path = tmp_path / "fca.json"
        path.write_text(_with_pack_guard().to_json(), encoding="utf-8")
        status = main(["workflow", "check", str(path), "--policies", "uk.fca.disp"])
        assert status == 0
        machine = workflow_state_machine(_with_pack_guard())
        case = machine.TestCase()
        case.settings = settings(max_examples=2, stateful_step_count=8, database=None)
        case.runTest()

    def test_an_unknown_guard_is_still_refused(self):
        """An id that is neither given nor shipped names the guard's path."""
        definition = standard_workflow()
        steps = (attrs.evolve(definition.steps[0], guards=("acme.missing",)),)
        broken = attrs.evolve(definition, steps=(*steps, *definition.steps[1:]))
        with pytest.raises(InvalidWorkflowDefinition) as info:
            Workflow(broken)
        assert info.value.problems == (
            ("steps[0].guards[0]", "unknown policy 'acme.missing'"),
        )

    def test_given_policies_win_over_the_defaults(self, received, t0):
        """A policy given under a shipped id replaces the shipped one."""

        @attrs.frozen
        class Lenient:
            id: str = "iso10002.accountability.owner-assigned"

            def evaluate(self, complaint, context) -> Sequence[Finding]:
                return ()

        workflow = Workflow(standard_workflow(), [Lenient()])
        at = t0 + timedelta(hours=1)
        c = workflow.fire(received, "acknowledge", actor="a", at=at).complaint
        data = {"classification": {"category": "x"}}
        c = workflow.fire(c, "assess", actor="a", at=at, data=data).complaint
        assert workflow.fire(c, "investigate", actor="a", at=at).complaint.status == (
            "investigating"
        )


@attrs.define
class _Seen:
    contexts: list[PolicyContext] = attrs.field(factory=list)
    id: str = "test.seen"

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        self.contexts.append(context)
        return ()


class TestStepContext:
    """Workflow.fire hands the caller's setting to every guard."""

    def _workflow(self, seen):
        definition = standard_workflow()
        steps = tuple(
            attrs.evolve(s, guards=(*s.guards, seen.id))
            if s.trigger == "acknowledge"
            else s
            for s in definition.steps
        )
        return Workflow(attrs.evolve(definition, steps=steps), [seen])

    def test_the_guard_context_carries_organisation_calendar_and_pack(
        self, received, t0
    ):
        """Organisation, calendar and pack reach the policy; the instant is at."""
        seen = _Seen()
        profile = OrganisationProfile(accountable_manager="lead:1")
        setting = StepContext(organisation=profile, calendar="cal", pack="pack")
        at = t0 + timedelta(hours=2)
        self._workflow(seen).fire(
            received, "acknowledge", actor="agent:1", at=at, context=setting
        )
        [context] = seen.contexts
        assert (context.organisation, context.calendar, context.pack) == (
            profile,
            "cal",
            "pack",
        )
        assert (context.now, context.actor, context.trigger) == (
            at,
            "agent:1",
            "acknowledge",
        )

    def test_without_a_context_the_setting_is_unknown(self, received, t0):
        """No context: the policy sees None for what only the caller knows."""
        seen = _Seen()
        self._workflow(seen).fire(received, "acknowledge", actor="a", at=t0)
        [context] = seen.contexts
        assert (context.organisation, context.calendar, context.pack) == (
            None,
            None,
            None,
        )

    def test_a_bad_context_is_named(self, workflow, received, t0):
        """Something else than a StepContext is a ValidationError naming context."""
        with pytest.raises(ValidationError) as info:
            workflow.fire(
                received, "acknowledge", actor="a", at=t0, context={"pack": "x"}
            )
        assert info.value.field == "context"


class TestWorkflowCheck:
    """``iso10002 workflow check`` reports a guard turned off, unless accepted."""

    def test_a_guard_off_fails_the_check_until_ignored(self, tmp_path, capsys):
        """The gap names guard and steps; --ignore guard-off accepts the choice."""
        guard = "iso10002.customer-focus.escalation-route"
        path = tmp_path / "lenient.json"
        path.write_text(
            standard_workflow(disabled_guards={guard}).to_json(), encoding="utf-8"
        )
        assert main(["workflow", "check", str(path)]) == 1
        out = capsys.readouterr().out
        assert f"clause 4.11 [guard-off]: the guard {guard!r}" in out
        assert "(steps: decide)" in out
        assert main(["workflow", "check", str(path), "--ignore", "guard-off"]) == 0
