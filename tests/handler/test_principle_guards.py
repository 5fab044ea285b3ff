"""Conforming by default: the shipped workflow refuses what the audit would report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs
import pytest
from tests.handler.conftest import AGENT, INTAKE, MANAGER, OTHER_AGENT

from iso10002.deadlines import ClassificationMatch, PackRule, PackSelection
from iso10002.errors import GuardRejected
from iso10002.handler import Actor, ComplaintsHandler
from iso10002.principles import PolicyContext, evaluate_all, policies_for
from iso10002.workflow import (
    PRINCIPLE_GUARDS,
    check_conformance,
    guards_off,
    small_organisation_workflow,
    standard_workflow,
)

REASONS = "The payment was taken twice by mistake."
ROUTE = "You may refer this to the ombudsman within six months."

Step = Callable[[ComplaintsHandler, str], Any]


def _to_assessed(handler: ComplaintsHandler, cid: str) -> None:
    handler.acknowledge(cid, actor=AGENT)
    handler.assess(cid, actor=AGENT, category="billing")


def _to_investigating(handler: ComplaintsHandler, cid: str) -> None:
    _to_assessed(handler, cid)
    handler.assign(cid, actor=AGENT, assignee=AGENT.name)
    handler.investigate(cid, actor=AGENT)


def _decide(actor: Actor = AGENT, **changes: Any) -> Step:
    facts = {
        "outcome": "upheld",
        "summary": "We refund the second payment.",
        "reasons": REASONS,
        "escalation_route": ROUTE,
        **changes,
    }
    return lambda h, cid: h.decide(cid, actor=actor, **facts).complaint


def _to_communicated(handler: ComplaintsHandler, cid: str) -> None:
    _to_investigating(handler, cid)
    _decide()(handler, cid)
    handler.communicate_decision(cid, actor=AGENT)


@attrs.frozen
class Case:
    """A step the audit would report, and how to reach it."""

    guard: str
    code: str
    clause: str
    prepare: Step
    step: Step
    concerning: tuple[str, ...] = ()
    pack: str = "iso10002"
    reported_as: str = ""  # the finding's policy id, when not the guard's

    @property
    def finding_id(self) -> str:
        return self.reported_as or self.guard

    @property
    def policies(self) -> str:
        return "iso10002:2018" if self.pack == "iso10002" else self.pack


CASES = {
    "investigating-without-owner": Case(
        "iso10002.accountability.owner-assigned",
        "owner-missing",
        "4.12",
        _to_assessed,
        lambda h, cid: h.investigate(cid, actor=AGENT).complaint,
    ),
    "deciding-without-reasons": Case(
        "iso10002.customer-focus.decision-reasons",
        "decision-without-reasons",
        "4.11",
        _to_investigating,
        _decide(reasons=""),
    ),
    "deciding-without-escalation-route": Case(
        "iso10002.customer-focus.escalation-route",
        "escalation-route-missing",
        "4.11",
        _to_investigating,
        _decide(escalation_route=None),
    ),
    "assigning-a-conflicted-owner": Case(
        "iso10002.objectivity.handler-not-conflicted",
        "conflicted-assignee",
        "4.7",
        _to_assessed,
        lambda h, cid: h.assign(cid, actor=AGENT, assignee=OTHER_AGENT.name).complaint,
        concerning=(OTHER_AGENT.name,),
    ),
    "deciding-when-conflicted": Case(
        "iso10002.objectivity.handler-not-conflicted",
        "conflicted-decided-by",
        "4.7",
        _to_investigating,
        _decide(actor=MANAGER),
        concerning=(MANAGER.name,),
    ),
    "closing-upheld-without-root-cause": Case(
        "iso10002.improvement.root-cause-recorded",
        "root-cause-missing",
        "4.13",
        _to_communicated,
        lambda h, cid: h.close(cid, actor=AGENT).complaint,
    ),
    "communicating-without-the-packs-wording": Case(
        "iso10002.packs.escalation-route-wording",
        "escalation-route-wording-missing",
        "4.11",
        lambda h, cid: (
            _to_investigating(h, cid),
            _decide(escalation_route="You may write to our chief executive.")(h, cid),
        ),
        lambda h, cid: h.communicate_decision(cid, actor=AGENT).complaint,
        pack="uk.fca.disp",
        reported_as="uk.fca.disp.escalation-route-wording",
    ),
    "charging-a-fee": Case(
        "iso10002.charges.no-fee",
        "fee-recorded",
        "4.8",
        lambda _h, _cid: None,
        lambda h, cid: h.acknowledge(cid, actor=AGENT, data={"fee": 25}).complaint,
    ),
}


def _received(handler: ComplaintsHandler, form: Any, case: Case) -> str:
    if case.concerning:
        subject = attrs.evolve(form.subject, concerning=case.concerning)
        form = attrs.evolve(form, subject=subject)
    complaint = handler.receive(form, actor=INTAKE, channel="web")
    case.prepare(handler, complaint.id)
    return complaint.id


class TestRefusedByDefault:
    """Each blocking finding of the audit is refused at its step instead."""

    @pytest.mark.parametrize("name", CASES)
    def test_the_step_is_refused_naming_policy_clause_and_gap(
        self, make_handler, form, name
    ):
        """The standard workflow refuses the step with the policy's blocking finding."""
        case = CASES[name]
        handler = make_handler(pack=case.pack)
        cid = _received(handler, form, case)
        before = handler.repository.get(cid)
        with pytest.raises(GuardRejected) as info:
            case.step(handler, cid)
        blocking = [f for f in info.value.findings if f.blocking]
        assert [(f.policy_id, f.code, f.clause) for f in blocking] == [
            (case.finding_id, case.code, case.clause)
        ]
        message = str(info.value)
        assert case.finding_id in message
        assert f"clause {case.clause}" in message
        assert blocking[0].message in message
        assert handler.repository.get(cid) == before

    @pytest.mark.parametrize("name", CASES)
    def test_turned_off_the_step_passes_and_the_audit_reports_it(
        self, make_handler, form, clock, name
    ):
        """With that guard off the step is taken, and the audit finds what it let by."""
        case = CASES[name]
        definition = standard_workflow(disabled_guards={case.guard})
        handler = make_handler(workflow=definition, pack=case.pack)
        cid = _received(handler, form, case)
        case.step(handler, cid)
        clock.advance(timedelta(minutes=1))
        report = evaluate_all(
            [handler.repository.get(cid)],
            policies_for(case.policies),
            PolicyContext(now=clock.now()),
        )
        assert (case.finding_id, case.code) in {
            (f.policy_id, f.code) for f in report if f.blocking
        }
        [off] = {g.code for g in check_conformance(definition)}
        assert off == "guard-off"
        assert {f.evidence["guard"] for f in guards_off(definition)} == {case.guard}

    def test_every_principle_guard_has_a_case(self):
        """The cases above cover every guard the shipped workflows carry."""
        assert {c.guard for c in CASES.values()} == set(PRINCIPLE_GUARDS)


class TestSmallOrganisation:
    """The small-organisation workflow carries the same guards."""

    def test_deciding_without_reasons_is_refused(self, make_handler, form):
        """Deciding straight after the assessment still needs reasons."""
        handler = make_handler(workflow=small_organisation_workflow())
        complaint = handler.receive(form, actor=INTAKE, channel="web")
        handler.acknowledge(complaint.id, actor=AGENT, category="billing")
        with pytest.raises(GuardRejected) as info:
            _decide(reasons=" ")(handler, complaint.id)
        assert info.value.trigger == "decide"
        assert "iso10002.customer-focus.decision-reasons" in str(info.value)

    def test_deciding_without_investigation_needs_no_owner(self, make_handler, form):
        """Nobody started an investigation, so no owner is required to decide."""
        handler = make_handler(workflow=small_organisation_workflow())
        complaint = handler.receive(form, actor=INTAKE, channel="web")
        handler.acknowledge(complaint.id, actor=AGENT, category="billing")
        decided = _decide()(handler, complaint.id)
        assert (decided.status, decided.assignee) == ("decided", None)


class TestDisabledGuards:
    """Turning a guard off is explicit, checked, and shows."""

    @pytest.mark.parametrize("bad", ["iso10002.charges.no-fee", ["acme.unknown"]])
    def test_unknown_ids_and_bare_strings_are_refused(self, bad):
        """A bare string or an id that is no principle guard names disabled_guards."""
        from iso10002.errors import ValidationError  # noqa: PLC0415

        with pytest.raises(ValidationError) as info:
            standard_workflow(disabled_guards=bad)
        assert info.value.field == "disabled_guards"

    def test_the_shipped_definitions_have_no_guard_off(self):
        """Out of the box no guard is off and both definitions conform."""
        for definition in (standard_workflow(), small_organisation_workflow()):
            assert guards_off(definition) == ()
            assert check_conformance(definition) == ()

    def test_a_guard_off_names_each_step_without_it(self):
        """The conformance gap lists the steps and the principle's clause."""
        definition = standard_workflow(
            disabled_guards={"iso10002.customer-focus.decision-reasons"}
        )
        [gap] = check_conformance(definition)
        assert (gap.clause, gap.code, gap.triggers) == (
            "4.11",
            "guard-off",
            ("decide",),
        )
        [finding] = guards_off(definition)
        assert finding.severity.value == "warning"
        assert finding.evidence == {
            "workflow": "iso10002.standard",
            "version": 1,
            "trigger": "decide",
            "guard": "iso10002.customer-focus.decision-reasons",
        }


class TestPackWording:
    """The wording guard follows the pack in force, per complaint."""

    def test_no_pack_rule_no_refusal(self, make_handler, form):
        """Under the iso10002 pack any stated route will do."""
        handler = make_handler(pack="iso10002")
        cid = handler.receive(form, actor=INTAKE, channel="web").id
        _to_investigating(handler, cid)
        decided = _decide(escalation_route="Write to our chief executive.")(
            handler, cid
        )
        assert decided.status == "decided"

    def test_a_selection_applies_each_complaints_pack(self, make_handler, form):
        """Under a pack selection, an Australian complaint needs AFCA in the route."""
        australia = ClassificationMatch(products=("Superannuation",))
        selection = PackSelection(
            default="uk.fca.disp",
            rules=(PackRule(when=australia, pack="au.asic.rg271"),),
        )
        handler = make_handler(pack=selection)
        australian = attrs.evolve(
            form, subject=attrs.evolve(form.subject, product="Superannuation")
        )
        cid = handler.receive(australian, actor=INTAKE, channel="web").id
        _to_investigating(handler, cid)
        _decide()(handler, cid)  # the FCA's wording, not AFCA
        with pytest.raises(GuardRejected) as info:
            handler.communicate_decision(cid, actor=AGENT)
        [finding] = [f for f in info.value.findings if f.blocking]
        assert finding.policy_id == "au.asic.rg271.escalation-route-wording"
        assert handler.repository.get(cid).status == "decided"  # left as it was
        afca = "You may complain to the Australian Financial Complaints Authority."
        second = handler.receive(australian, actor=INTAKE, channel="web").id
        _to_investigating(handler, second)
        _decide(escalation_route=afca)(handler, second)
        told = handler.communicate_decision(second, actor=AGENT).complaint
        assert told.status == "decision_communicated"
