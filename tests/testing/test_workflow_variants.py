"""Properties that hold for every conforming workflow, not just the shipped one.

Random customisations (renamed states and events, merged or split steps, a
mediation stage, internal notes, no pause, escalation or appeal) run through
the handler; the deadlines, KPIs, audit evidence and both regulatory returns
computed from their histories equal those of the same histories in the
shipped workflow's names, and SQL push-down equals streaming.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta, timezone

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
    kpis_from,
)
from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.deadlines import get_pack, project_due_dates
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.model import Channel, ComplaintForm
from iso10002.principles import PolicyContext, policies_for
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.serialization import from_dict
from iso10002.testing.workflows import walk, workflow_variants
from iso10002.workflow import check_conformance

START = datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc)
AS_OF = datetime(2026, 12, 31, tzinfo=timezone.utc)
H1 = Period.parse("2026-H1", timezone.utc)
CALENDAR = WeekdayCalendar()
PACK = "uk.fca.disp"
AGENT = Actor("agent:1", roles={"complaints-handler", "complaints-manager"})
FORM = from_dict(
    ComplaintForm,
    {
        "complainant": {"name": "Sam Taylor", "email": "sam@example.org"},
        "description": "I was charged twice.",
        "subject": {"product": "card"},
    },
)
PLANS = st.lists(
    st.lists(st.integers(0, 10_000), min_size=0, max_size=14), min_size=1, max_size=3
)


def streamed_evidence(complaints, period, as_of=AS_OF):
    """The audit evidence checks streaming gives over the complaints in ``period``."""
    scope = [
        c
        for c in complaints
        if c.received_at <= as_of and (period is None or c.received_at in period)
    ]
    return collect_evidence(scope, as_of=as_of).checks


def inside(complaints, share):
    """Return the instant ``share`` of the way from receipt to the last event."""
    last = max(c.history[-1].at for c in complaints)
    return START + (last - START) * share


def handle(definition, plans, repository=None):
    """Receive one complaint per plan and walk it; return the stored complaints."""
    clock = FixedClock(START)
    repository = InMemoryComplaintRepository() if repository is None else repository
    handler = ComplaintsHandler(
        repository,
        definition,
        clock=clock,
        calendar=CALENDAR,
        pack=PACK,
        store=InMemoryHandlerStore(),
    )
    ids = []
    for plan in plans:
        clock.advance(timedelta(hours=3))
        received = handler.receive(FORM, actor=AGENT, channel=Channel.EMAIL)
        walk(handler, definition, received.id, clock=clock, choices=plan, actor=AGENT)
        ids.append(received.id)
    return [repository.get(i) for i in ids]


def same_kpis(custom, base, variant):
    """Return the custom KPI report with the base workflow's name on its deadlines."""
    shares = tuple(
        attrs.evolve(s, workflow=variant.base.name)
        if s.workflow == variant.definition.name
        else s
        for s in custom.deadlines
    )
    return attrs.evolve(custom, deadlines=shares) == base


def reach_an_end(definition):
    """Tell whether every state reachable from the initial one can end."""
    edges = {
        s: {st.destination_from(s) for st in definition.steps_from(s)}
        for s in definition.state_names
    }
    reverse = {}
    for source, targets in edges.items():
        for target in targets:
            reverse.setdefault(target, set()).add(source)
    ending = set(definition.terminal_states)
    queue = deque(ending)
    while queue:
        for prev in reverse.get(queue.popleft(), ()):
            if prev not in ending:
                ending.add(prev)
                queue.append(prev)
    reachable = {definition.initial_state}
    queue = deque(reachable)
    while queue:
        for nxt in edges[queue.popleft()]:
            if nxt not in reachable:
                reachable.add(nxt)
                queue.append(nxt)
    return reachable <= ending


class TestWorkflowVariants:
    @given(workflow_variants())
    def test_every_variant_conforms_and_can_end(self, variant):
        """A generated workflow conforms, and every reachable state can end."""
        assert check_conformance(variant.definition) == ()
        assert reach_an_end(variant.definition)

    @given(workflow_variants())
    def test_variants_rename_and_map_back(self, variant):
        """Each state and event of a variant maps to its base's, or is its own."""
        base = variant.base
        own_states = set(variant.definition.state_names) - set(variant.states)
        assert own_states == set()
        assert set(variant.states.values()) - set(base.state_names) <= {"mediation"}
        base_events = {s.event for s in base.steps}
        own = {"MediationHeld", "CaseNoteAdded"}
        assert set(variant.events.values()) - base_events <= own

    @settings(max_examples=25)
    @given(workflow_variants(), PLANS)
    def test_figures_equal_those_of_the_same_histories_in_the_base_names(
        self, variant, plans
    ):
        """KPIs, evidence, deadlines and returns read a variant as its base."""
        custom = handle(variant.definition, plans)
        base = [variant.to_base(c) for c in custom]
        policies = policies_for("iso10002:2018")
        for complaint in custom:
            assert complaint.status in variant.definition.state_names
            # The walk handles conformingly: guards on any step would let it through.
            context = PolicyContext(now=complaint.history[-1].at, calendar=CALENDAR)
            assert not [f for f in policies.evaluate(complaint, context) if f.blocking]
        pack = get_pack(PACK)
        for c, b in zip(custom, base, strict=True):
            assert project_due_dates(b, pack, CALENDAR) == c.deadlines
        spec = KpiSpec(as_of=AS_OF)
        assert same_kpis(compute_kpis(custom, spec), compute_kpis(base, spec), variant)
        assert collect_evidence(custom, as_of=AS_OF) == collect_evidence(
            base, as_of=AS_OF
        )
        assert fca_return(custom, period=H1, calendar=CALENDAR) == fca_return(
            base, period=H1, calendar=CALENDAR
        )
        assert asic_return(custom, period=H1, calendar=CALENDAR) == asic_return(
            base, period=H1, calendar=CALENDAR
        )


class TestPushDownOnVariants:
    @settings(max_examples=15)
    @given(workflow_variants(), PLANS, st.floats(0, 1))
    def test_sqlite_push_down_equals_streaming(self, variant, plans, share):
        """SQLite's KPI and evidence push-downs on a variant equal streaming.

        Also as at an instant inside the histories (``share`` of the way to
        the last event), where later decisions must not count.
        """
        repository = SQLiteComplaintRepository(":memory:")
        try:
            custom = handle(variant.definition, plans, repository)
            spec = KpiSpec(as_of=AS_OF, period=H1)
            assert kpis_from(repository, spec) == compute_kpis(custom, spec)
            assert repository.analytics_evidence(AS_OF, H1, None) == (
                streamed_evidence(custom, H1)
            )
            past = KpiSpec(as_of=inside(custom, share))
            assert kpis_from(repository, past) == compute_kpis(custom, past)
            assert repository.analytics_evidence(past.as_of, None, None) == (
                streamed_evidence(custom, None, past.as_of)
            )
        finally:
            repository.close()


@pytest.mark.postgres
class TestPostgresPushDownOnVariants:
    @settings(max_examples=8)
    @given(variant=workflow_variants(), plans=PLANS, share=st.floats(0, 1))
    def test_postgres_push_down_equals_streaming(
        self, new_store, variant, plans, share
    ):
        """PostgreSQL's KPI and evidence push-downs on a variant equal streaming."""
        repository = new_store()
        try:
            custom = handle(variant.definition, plans, repository)
            spec = KpiSpec(as_of=AS_OF, period=H1)
            assert kpis_from(repository, spec) == compute_kpis(custom, spec)
            assert repository.analytics_evidence(AS_OF, H1, None) == (
                streamed_evidence(custom, H1)
            )
            past = KpiSpec(as_of=inside(custom, share))
            assert kpis_from(repository, past) == compute_kpis(custom, past)
            assert repository.analytics_evidence(past.as_of, None, None) == (
                streamed_evidence(custom, None, past.as_of)
            )
        finally:
            repository.close()
