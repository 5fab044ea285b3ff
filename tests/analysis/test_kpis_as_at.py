"""KPIs and the review pack as at a past instant: later decisions are not seen.

A management review re-run for a past review date must give the figures of
that date: an outcome or a remedy decided after it is not yet known, and a
duplicate (counted once, under its original) is not a decided complaint of
the remedies section either.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.analysis import KpiSpec, build_management_review, compute_kpis, kpis_from
from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.model import ComplaintForm, Remedy, RemedyKind
from iso10002.repositories import InMemoryComplaintRepository, iter_complaints
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.serialization import from_dict

START = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
AGENT = Actor("agent:1", roles={"complaints-handler", "complaints-manager"})
INTAKE = Actor("web-form", roles={"intake"})
FORM = {
    "complainant": {"name": "Sam Taylor", "email": "sam@example.org"},
    "description": "I was charged twice.",
    "subject": {"product": "card"},
}
PAID = (Remedy(kind=RemedyKind.REFUND, amount=Decimal(25), currency="GBP"),)
APOLOGY = (Remedy(kind=RemedyKind.APOLOGY),)


def _store(repository, plans):
    """Receive one complaint per plan; decide it ``days`` later. Return instants."""
    clock = FixedClock(START)
    handler = ComplaintsHandler(
        repository,
        clock=clock,
        calendar=WeekdayCalendar(),
        pack="uk.fca.disp",
        store=InMemoryHandlerStore(),
    )
    for days, outcome, remedies in plans:
        clock.set(START)
        cid = handler.receive(
            from_dict(ComplaintForm, FORM), actor=INTAKE, channel="web"
        ).id
        handler.acknowledge(cid, actor=AGENT)
        handler.assess(cid, actor=AGENT, category="billing")
        handler.assign(cid, actor=AGENT, assignee=AGENT.name)
        handler.investigate(cid, actor=AGENT)
        clock.advance(timedelta(days=days))
        handler.decide(
            cid,
            actor=AGENT,
            outcome=outcome,
            summary="Decided.",
            reasons="Because.",
            remedies=remedies,
            escalation_route="You may refer this to the ombudsman within six months.",
        )
        clock.advance(timedelta(hours=1))
        handler.communicate_decision(cid, actor=AGENT)
    return list(iter_complaints(repository))


BEFORE = KpiSpec(as_of=START + timedelta(days=5))
AFTER = KpiSpec(as_of=START + timedelta(days=20))


def test_kpi_outcomes_as_at_a_review_date_before_the_decision():
    """As at a day before the decision, the KPIs show no outcome and no redress."""
    complaints = _store(InMemoryComplaintRepository(), [(10, "upheld", PAID)])
    late = compute_kpis(complaints, AFTER)
    assert dict(late.outcomes.counts) == {"upheld": 1}
    early = compute_kpis(complaints, BEFORE)
    assert dict(early.outcomes.counts) == {}


def test_a_remedy_decided_after_the_review_date_is_not_counted():
    """As at a day before the decision, the pack's remedies show nothing decided."""
    complaints = _store(InMemoryComplaintRepository(), [(10, "upheld", PAID)])
    pack = build_management_review(complaints, BEFORE)
    assert (pack.remedies.decided, pack.remedies.with_remedy) == (0, 0)
    pack = build_management_review(complaints, AFTER)
    assert (pack.remedies.decided, pack.remedies.monetary) == (1, 1)


def test_a_decision_remade_after_the_review_date_keeps_the_first():
    """A reopened complaint re-decided later shows its first remedy as at before."""
    repository = InMemoryComplaintRepository()
    complaints = _store(repository, [(3, "not_upheld", APOLOGY)])
    cid = complaints[0].id
    first = complaints[0].history[-1].at
    clock = FixedClock(first + timedelta(days=10))
    handler = ComplaintsHandler(
        repository,
        clock=clock,
        calendar=WeekdayCalendar(),
        pack="uk.fca.disp",
        store=InMemoryHandlerStore(),
    )
    handler.close(cid, actor=AGENT)
    clock.advance(timedelta(days=1))
    handler.reopen(cid, actor=AGENT, reason="New evidence.")
    handler.decide(
        cid,
        actor=AGENT,
        outcome="upheld",
        summary="Decided again.",
        reasons="New evidence.",
        remedies=PAID,
        escalation_route="You may refer this to the ombudsman within six months.",
    )
    current = repository.get(cid)
    as_before = KpiSpec(as_of=first + timedelta(days=2))
    pack = build_management_review([current], as_before)
    assert (pack.remedies.decided, pack.remedies.monetary) == (1, 0)
    assert [k.kind for k in pack.remedies.by_kind] == ["apology"]
    pack = build_management_review([current], KpiSpec(as_of=clock.now()))
    assert (pack.remedies.decided, pack.remedies.monetary) == (1, 1)


def test_a_duplicate_is_not_a_decided_complaint_of_the_remedies():
    """The remedies section counts the complaints the outcomes table counts."""
    complaints = _store(
        InMemoryComplaintRepository(),
        [(3, "upheld", APOLOGY), (3, "duplicate", APOLOGY)],
    )
    spec = KpiSpec(as_of=START + timedelta(days=20))
    pack = build_management_review(complaints, spec)
    assert sum(dict(pack.kpis.outcomes.counts).values()) == 1
    assert (pack.remedies.decided, pack.remedies.with_remedy) == (1, 1)


_PLANS = st.lists(
    st.tuples(
        st.integers(1, 40),
        st.sampled_from(["upheld", "partially_upheld", "not_upheld", "duplicate"]),
        st.sampled_from([(), PAID, APOLOGY, PAID + APOLOGY]),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=15, deadline=None)
@given(_PLANS, st.integers(0, 45))
def test_sqlite_push_down_as_at_equals_streaming(plans, day):
    """For any review date, SQL push-down equals streaming the stored complaints."""
    repository = SQLiteComplaintRepository(":memory:")
    try:
        complaints = _store(repository, plans)
        spec = KpiSpec(as_of=START + timedelta(days=day, hours=12))
        assert kpis_from(repository, spec) == compute_kpis(complaints, spec)
    finally:
        repository.close()
