"""The small-organisation workflow, and a user's one, give the standard figures."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.analysis import (
    KpiSpec,
    Period,
    asic_return,
    collect_evidence,
    compute_kpis,
    fca_return,
)
from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.ids import SequentialIdFactory
from iso10002.model import ComplaintForm, Remedy, RemedyKind, RootCause
from iso10002.principles import PolicyContext, policies_for
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.serialization import from_dict, to_dict
from iso10002.workflow import (
    State,
    Step,
    check_conformance,
    expected_guards,
    small_organisation_workflow,
    standard_workflow,
)

LONDON = ZoneInfo("Europe/London")
CALENDAR = WeekdayCalendar(zone="Europe/London")
START = datetime(2026, 7, 1, 9, tzinfo=timezone.utc)
END = datetime(2027, 1, 1, tzinfo=timezone.utc)
H2 = Period.parse("2026-H2", LONDON)
AGENT = Actor("agent:1", roles={"complaints-handler", "complaints-manager"})
INTAKE = Actor("web-form", roles={"intake"})
FORM = from_dict(
    ComplaintForm,
    {
        "complainant": {"name": "Sam Taylor", "email": "sam@example.org"},
        "description": "I was charged twice.",
        "subject": {"product": "card"},
    },
)
ROUTE = "You may refer this to the ombudsman within six months."
CAUSE = RootCause(category="billing run", corrective_action="CAPA-3")

# One complaint's life: outcome (None: withdrawn), days waiting for the
# complainant, days to decide, redress paid.
PLANS = st.lists(
    st.tuples(
        st.sampled_from([None, "upheld", "partially_upheld", "not_upheld"]),
        st.integers(0, 9),
        st.integers(1, 70),
        st.sampled_from([0, 50, 250]),
    ),
    min_size=1,
    max_size=6,
)


def mediation_workflow():
    """A user's definition: the standard one with a mediation step, as users add it.

    The new step is guarded as :func:`expected_guards` says (7.6: an owner).
    """
    standard = standard_workflow()
    state = State(name="mediation", description="Offered mediation (7.6).")
    mediate = Step(
        trigger="mediate",
        sources=("investigating",),
        destination="mediation",
        event="MediationOffered",
        clauses=("7.6",),
        meanings=("internal",),  # the organisation's own step
    )
    steps = [
        attrs.evolve(s, sources=(*s.sources, "mediation"))
        if s.trigger in ("decide", "withdraw", "assign", "link", "escalate")
        else s
        for s in (*standard.steps, mediate)
    ]
    draft = attrs.evolve(
        standard,
        name="acme.mediation",
        states=(*standard.states, state),
        steps=steps,
    )
    guarded = [
        attrs.evolve(
            s, guards=tuple(dict.fromkeys((*s.guards, *expected_guards(s, draft))))
        )
        for s in draft.steps
    ]
    return attrs.evolve(draft, steps=guarded)


def _run(definition, plans):
    """Handle ``plans`` under ``definition``, in the same instants, and return them."""
    clock = FixedClock(START)
    handler = ComplaintsHandler(
        InMemoryComplaintRepository(),
        workflow=definition,
        clock=clock,
        calendar=CALENDAR,
        pack="uk.fca.disp",
        store=InMemoryHandlerStore(),
        ids=SequentialIdFactory(),
    )
    small = definition.name == small_organisation_workflow().name
    ids = []
    for outcome, waiting, deciding, amount in plans:
        clock.advance(timedelta(hours=5))
        cid = handler.receive(FORM, actor=INTAKE, channel="web").id
        ids.append(cid)
        clock.advance(timedelta(hours=2))
        if small:
            handler.acknowledge(cid, actor=AGENT, category="billing")
        else:
            handler.acknowledge(cid, actor=AGENT)
            handler.assess(cid, actor=AGENT, category="billing")
        if outcome is None:
            clock.advance(timedelta(days=1))
            handler.withdraw(cid, actor=AGENT)
            continue
        handler.assign(cid, actor=AGENT, assignee=AGENT.name)
        handler.investigate(cid, actor=AGENT)
        if waiting:
            handler.request_information(cid, actor=AGENT)
            clock.advance(timedelta(days=waiting))
            handler.information_received(cid, actor=AGENT)
        clock.advance(timedelta(days=deciding))
        if "mediate" in definition.triggers:
            handler.step("mediate", cid, actor=AGENT)
        remedies = (
            (
                Remedy(
                    kind=RemedyKind.COMPENSATION, amount=Decimal(amount), currency="GBP"
                ),
            )
            if amount
            else ()
        )
        handler.decide(
            cid,
            actor=AGENT,
            outcome=outcome,
            summary="Decided.",
            reasons="We looked at the account.",
            remedies=remedies,
            escalation_route=ROUTE,
        )
        handler.communicate_decision(cid, actor=AGENT)
        clock.advance(timedelta(days=1))
        handler.close(cid, actor=AGENT, root_cause=CAUSE)
    return [handler.repository.get(c) for c in ids]


def _figures(complaints):
    kpis = to_dict(
        compute_kpis(complaints, KpiSpec(as_of=END, period=H2), calendar=CALENDAR)
    )
    # Deadline KPIs are kept per workflow: the one difference meant to show.
    for row in kpis["deadlines"]:
        row["workflow"] = "either"
    return (
        kpis,
        fca_return(complaints, period=H2, calendar=CALENDAR),
        asic_return(complaints, period=H2, calendar=CALENDAR),
    )


class TestSameFigures:
    """The same handling under either shipped workflow gives the same numbers."""

    @pytest.mark.parametrize("make", [small_organisation_workflow, mediation_workflow])
    @settings(max_examples=15, deadline=None)
    @given(plans=PLANS)
    def test_deadlines_kpis_and_returns_are_equal(self, make, plans):
        """Due dates, KPIs, the FCA and ASIC returns do not depend on the workflow."""
        standard = _run(standard_workflow(), plans)
        other = _run(make(), plans)
        assert [c.status for c in other] == [c.status for c in standard]
        assert [c.deadlines for c in other] == [c.deadlines for c in standard]
        assert _figures(other) == _figures(standard)

    def test_the_mediation_step_is_guarded_and_conforms(self):
        """The user's definition conforms; mediating needs an owner."""
        definition = mediation_workflow()
        assert check_conformance(definition) == ()
        [mediate] = [s for s in definition.steps if s.trigger == "mediate"]
        assert "iso10002.accountability.owner-assigned" in mediate.guards

    @pytest.mark.parametrize("make", [small_organisation_workflow, mediation_workflow])
    @pytest.mark.parametrize("outcome", ["upheld", "not_upheld", None])
    def test_audit_findings_are_equal(self, make, outcome):
        """The policy findings of the audit evidence are those of the standard run."""
        plans = [(outcome, 3, 20, 50)]

        def findings(definition):
            return collect_evidence(
                _run(definition, plans),
                as_of=END,
                policies=policies_for("iso10002:2018"),
                context=PolicyContext(now=END, calendar=CALENDAR),
            ).findings

        assert findings(make()) == findings(standard_workflow())
