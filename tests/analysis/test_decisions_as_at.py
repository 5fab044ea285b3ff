"""The decision in force at a past instant: streaming, both SQL push-downs, migrations.

A complaint can be decided, closed, reopened and decided again. The KPIs
(outcomes, redress, remedies, the duplicate rule) and the audit evidence
("decision recorded", "outcome recorded", "root cause for upheld") as at an
instant count the decision in force then, read from the facts the events
record; the SQL stores keep when each decision began (``decided_us``) and the
earlier ones (``kpi_decisions``), and must give what streaming gives.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iso10002.analysis import (
    KpiSpec,
    build_management_review,
    collect_evidence,
    compute_kpis,
    kpis_from,
)
from iso10002.analysis.pushdown import remedies_from
from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.errors import ValidationError
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.model import ComplaintForm, Remedy, RemedyKind, RootCause
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
OTHER = "agent:2"
ROUTE = "You may refer this to the ombudsman within six months."
PAID = (Remedy(kind=RemedyKind.REFUND, amount=Decimal("25.50"), currency="GBP"),)
APOLOGY = (Remedy(kind=RemedyKind.APOLOGY),)
GOODWILL = (
    Remedy(kind=RemedyKind.GOODWILL, amount=Decimal(10), currency="EUR"),
    Remedy(kind=RemedyKind.EXPLANATION),
)
UPHELD = {"upheld", "partially_upheld"}
OUTCOMES = ["upheld", "partially_upheld", "not_upheld", "duplicate"]
REMEDIES = [(), PAID, APOLOGY, GOODWILL]


def _handler(repository, clock):
    return ComplaintsHandler(
        repository,
        clock=clock,
        calendar=WeekdayCalendar(),
        pack="uk.fca.disp",
        store=InMemoryHandlerStore(),
    )


def _decide(handler, cid, outcome, remedies):
    handler.decide(
        cid,
        actor=AGENT,
        outcome=outcome,
        summary="Decided.",
        reasons="Because.",
        remedies=remedies,
        escalation_route=ROUTE,
    )


def store(repository, plans):
    """Receive and decide one complaint per plan; maybe reopen and decide again.

    A plan is ``(days, outcome, remedies, again)`` where ``again`` is ``None``
    or ``(days, outcome, remedies)`` of a second decision after a closure and
    a reopening.
    """
    clock = FixedClock(START)
    handler = _handler(repository, clock)
    for days, outcome, remedies, again, *late in plans:
        clock.set(START)
        cid = handler.receive(
            from_dict(ComplaintForm, FORM), actor=INTAKE, channel="web"
        ).id
        handler.acknowledge(cid, actor=AGENT)
        if late:  # assessed, assigned to another handler, then to AGENT later
            clock.advance(timedelta(days=late[0]))
            handler.assess(cid, actor=AGENT, category="billing", subcategory="fees")
            handler.assign(cid, actor=AGENT, assignee=OTHER)
            handler.investigate(cid, actor=AGENT)
            clock.advance(timedelta(days=1))
            handler.assign(cid, actor=AGENT, assignee=AGENT.name)
        else:
            handler.assess(cid, actor=AGENT, category="billing")
            handler.assign(cid, actor=AGENT, assignee=AGENT.name)
            handler.investigate(cid, actor=AGENT)
        clock.advance(timedelta(days=days))
        _decide(handler, cid, outcome, remedies)
        clock.advance(timedelta(hours=1))
        handler.communicate_decision(cid, actor=AGENT)
        if again is not None:
            later, outcome2, remedies2 = again
            clock.advance(timedelta(days=1))
            cause = (
                RootCause(category="billing run", corrective_action="CAPA-1")
                if outcome in UPHELD
                else None
            )
            handler.close(cid, actor=AGENT, root_cause=cause)
            clock.advance(timedelta(days=later))
            handler.reopen(cid, actor=AGENT, reason="New evidence.")
            _decide(handler, cid, outcome2, remedies2)
    return list(iter_complaints(repository))


def streamed_remedies(complaints, spec):
    return build_management_review(complaints, spec).remedies


def streamed_evidence(complaints, as_of):
    return collect_evidence(
        [c for c in complaints if c.received_at <= as_of], as_of=as_of
    ).checks


_DECISION = st.tuples(
    st.integers(1, 20), st.sampled_from(OUTCOMES), st.sampled_from(REMEDIES)
)
PLANS = st.lists(
    st.tuples(
        st.integers(1, 20),
        st.sampled_from(OUTCOMES),
        st.sampled_from(REMEDIES),
        st.none() | _DECISION,
    )
    | st.tuples(
        st.integers(1, 20),
        st.sampled_from(OUTCOMES),
        st.sampled_from(REMEDIES),
        st.none() | _DECISION,
        st.integers(0, 10),
    ),
    min_size=1,
    max_size=4,
)
DAYS = st.integers(0, 60)


def as_at(day):
    return START + timedelta(days=day, hours=12)


class TestStreaming:
    def test_a_redecided_complaint_shows_each_decision_in_its_time(self):
        """Between the decisions the first counts; after the second, the second."""
        complaints = store(
            InMemoryComplaintRepository(),
            [(3, "not_upheld", APOLOGY, (5, "upheld", PAID))],
        )
        first = compute_kpis(complaints, KpiSpec(as_of=as_at(6)))
        assert dict(first.outcomes.counts) == {"not_upheld": 1}
        assert dict(first.redress.remedies_by_kind) == {"apology": 1}
        assert first.redress.complaints_with_redress == 0
        second = compute_kpis(complaints, KpiSpec(as_of=as_at(30)))
        assert dict(second.outcomes.counts) == {"upheld": 1}
        assert dict(second.redress.totals) == {"GBP": Decimal("25.50")}
        before = compute_kpis(complaints, KpiSpec(as_of=as_at(1)))
        assert dict(before.outcomes.counts) == {}
        assert before.complaints == 1

    def test_category_and_handler_as_at_before_the_assessment(self):
        """Assessed and reassigned later: as at before, unclassified and unassigned."""
        complaints = store(
            InMemoryComplaintRepository(), [(10, "upheld", PAID, None, 4)]
        )
        early = compute_kpis(complaints, KpiSpec(as_of=as_at(2)))
        assert dict(early.volumes.by_category) == {"(unclassified)": 1}
        assert dict(early.volumes.by_subcategory) == {"(unclassified)": 1}
        assert [w.handler for w in early.workload] == ["(unassigned)"]
        between = compute_kpis(complaints, KpiSpec(as_of=as_at(4)))
        assert dict(between.volumes.by_subcategory) == {"billing / fees": 1}
        assert [w.handler for w in between.workload] == [OTHER]
        late = compute_kpis(complaints, KpiSpec(as_of=as_at(30)))
        assert [w.handler for w in late.workload] == [AGENT.name]

    def test_a_complaint_found_a_duplicate_later_counts_before_that(self):
        """A duplicate decided after the review date is still a complaint then."""
        complaints = store(InMemoryComplaintRepository(), [(10, "duplicate", (), None)])
        assert compute_kpis(complaints, KpiSpec(as_of=as_at(2))).complaints == 1
        assert compute_kpis(complaints, KpiSpec(as_of=as_at(20))).complaints == 0

    def test_closed_before_the_second_decision_has_the_first_on_record(self):
        """The evidence "decision recorded" reads the decision in force then."""
        complaints = store(
            InMemoryComplaintRepository(),
            [(3, "not_upheld", (), (5, "upheld", PAID))],
        )
        checks = {c.id: c for c in streamed_evidence(complaints, as_at(6))}
        assert checks["decision-recorded"].applicable == 1
        assert checks["decision-recorded"].conforming == 1
        assert checks["root-cause-for-upheld"].applicable == 0
        later = {c.id: c for c in streamed_evidence(complaints, as_at(30))}
        assert later["root-cause-for-upheld"].applicable == 1


class TestRemedies:
    def test_a_plain_iterable_cannot_count_in_sql(self):
        """Streaming is the caller's fallback: ``remedies_from`` gives None."""
        assert remedies_from([], KpiSpec(as_of=START)) is None

    def test_a_wrong_spec_is_refused(self):
        with closing(SQLiteComplaintRepository(":memory:")) as repository:
            with pytest.raises(ValidationError, match="spec"):
                remedies_from(repository, "2026-03-01")
            with pytest.raises(ValidationError, match="spec"):
                repository.analytics_remedies("2026-03-01")

    def test_hand_counted_remedies_in_a_period(self):
        """Three complaints: money, apology only, re-decided to money later."""
        with closing(SQLiteComplaintRepository(":memory:")) as repository:
            complaints = store(
                repository,
                [
                    (2, "upheld", PAID, None),
                    (3, "not_upheld", APOLOGY, None),
                    (3, "not_upheld", APOLOGY, (5, "upheld", GOODWILL)),
                    (4, "duplicate", PAID, None),
                ],
            )
            spec = KpiSpec(as_of=as_at(7))
            summary = remedies_from(repository, spec)
            assert summary == streamed_remedies(complaints, spec)
        assert (summary.decided, summary.with_remedy) == (3, 3)
        assert (summary.monetary, summary.non_monetary_only) == (1, 2)
        assert {k.kind: k.complaints for k in summary.by_kind} == {
            "refund": 1,
            "apology": 2,
        }


class TestSqlite:
    @settings(max_examples=20, deadline=None)
    @given(PLANS, DAYS)
    def test_push_down_as_at_equals_streaming(self, plans, day):
        """For any review date, SQLite's KPIs and evidence equal streaming."""
        with closing(SQLiteComplaintRepository(":memory:")) as repository:
            complaints = store(repository, plans)
            spec = KpiSpec(as_of=as_at(day))
            assert kpis_from(repository, spec) == compute_kpis(complaints, spec)
            assert repository.analytics_evidence(spec.as_of, None, None) == (
                streamed_evidence(complaints, spec.as_of)
            )
            assert remedies_from(repository, spec) == streamed_remedies(
                complaints, spec
            )

    def test_the_rows_of_a_redecided_complaint(self, tmp_path):
        """The current decision in kpi_facts; the first in kpi_decisions."""
        path = tmp_path / "rows.db"
        with closing(SQLiteComplaintRepository(path)) as repository:
            store(repository, [(3, "not_upheld", APOLOGY, (5, "upheld", PAID))])
        with closing(sqlite3.connect(path)) as raw:
            decided, outcome = raw.execute(
                "SELECT decided_us, outcome FROM kpi_facts"
            ).fetchone()
            spans = raw.execute(
                "SELECT from_us, until_us, outcome, paid, with_decision"
                " FROM kpi_decisions"
            ).fetchall()
            remedies = raw.execute(
                "SELECT kind, from_us, until_us FROM kpi_remedies ORDER BY seq"
            ).fetchall()
        assert outcome == "upheld"
        ((start, until, first, paid, was_decided),) = spans
        assert (first, paid, was_decided) == ("not_upheld", 0, 1)
        assert until == decided
        assert start < until
        assert remedies == [("refund", decided, None), ("apology", start, until)]

    def test_a_version_9_file_gains_the_decisions(self, tmp_path, downgrade_sqlite):
        """Opening a v9 database fills decided_us and kpi_decisions; checks pass."""
        path = tmp_path / "v9.db"
        with closing(SQLiteComplaintRepository(path)) as repository:
            complaints = store(
                repository,
                [
                    (3, "not_upheld", APOLOGY, (5, "upheld", PAID)),
                    (2, "duplicate", (), None),
                    (4, "upheld", GOODWILL, None),
                ],
            )
        downgrade_sqlite(path, 9)
        with closing(sqlite3.connect(path)) as raw:
            tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
        assert "kpi_decisions" not in tables
        with closing(SQLiteComplaintRepository(path)) as repository:
            assert repository.verify_integrity().ok
            for day in (1, 3, 6, 30):
                spec = KpiSpec(as_of=as_at(day))
                assert kpis_from(repository, spec) == compute_kpis(complaints, spec)

    def test_an_edited_decision_span_is_found(self, tmp_path):
        """A kpi_decisions row changed on its own is reported by verification."""
        path = tmp_path / "edit.db"
        with closing(SQLiteComplaintRepository(path)) as repository:
            store(repository, [(3, "not_upheld", APOLOGY, (5, "upheld", PAID))])
        with closing(sqlite3.connect(path)) as raw:
            raw.execute("UPDATE kpi_decisions SET outcome = 'upheld'")
            raw.commit()
        with closing(SQLiteComplaintRepository(path)) as repository:
            assert not repository.verify_integrity().ok
            assert not repository.verify_integrity(quick=True).ok


@pytest.mark.postgres
class TestPostgres:
    @settings(
        max_examples=8,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(plans=PLANS, days=st.lists(DAYS, min_size=1, max_size=3))
    def test_push_down_as_at_equals_streaming(self, new_store, plans, days):
        """For any review date, PostgreSQL's KPIs and evidence equal streaming."""
        with closing(new_store()) as repository:
            complaints = store(repository, plans)
            for day in days:
                spec = KpiSpec(as_of=as_at(day))
                assert kpis_from(repository, spec) == compute_kpis(complaints, spec)
                assert repository.analytics_evidence(spec.as_of, None, None) == (
                    streamed_evidence(complaints, spec.as_of)
                )
                assert remedies_from(repository, spec) == streamed_remedies(
                    complaints, spec
                )
