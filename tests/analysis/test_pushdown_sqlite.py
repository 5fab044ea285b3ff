"""KPI push-down in the SQLite adapter equals compute_kpis, by hand and at random."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.analysis import Granularity, KpiSpec, Period, compute_kpis, kpis_from
from iso10002.analysis.kpis import KpiPushDown
from iso10002.calendars import WeekdayCalendar
from iso10002.errors import IntegrityError, ValidationError
from iso10002.model import Channel, Outcome, Remedy, RemedyKind
from iso10002.repositories import iter_complaints
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.testing.contract import next_version

AS_OF = datetime(2026, 3, 1, tzinfo=timezone.utc)


@pytest.fixture
def repository():
    """A private in-memory store, closed afterwards."""
    repo = SQLiteComplaintRepository(":memory:")
    yield repo
    repo.close()


OUTCOME = Outcome.UPHELD
REMEDY = Remedy(kind=RemedyKind.REFUND, amount=Decimal("1.5"), currency="GBP")


class TestSQLitePushDown:
    def test_is_a_kpi_push_down(self, repository):
        """The adapter offers the optional analytics protocol."""
        assert isinstance(repository, KpiPushDown)

    def test_hand_computed_sample(self, repository, sample):
        """The fixed sample gives the figures worked out by hand in test_kpis."""
        for complaint in sample:
            repository.add(complaint)
        r = repository.analytics_kpis(KpiSpec(as_of=AS_OF), None)
        assert r is not None
        assert r.complaints == 4
        assert r.volumes.by_period == {"2026-01": 2, "2026-02": 2}
        assert r.volumes.by_category == {
            "(unclassified)": 1,
            "billing": 2,
            "service": 1,
        }
        ack = r.time_to_acknowledge
        assert (ack.count, ack.median_hours, ack.p90_hours, ack.max_hours) == (
            3,
            2.0,
            26.0,
            26.0,
        )
        assert (ack.median_business_days, ack.p90_business_days) == (0, 1)
        final = r.time_to_final_response
        assert (final.median_business_days, final.p90_business_days) == (4, 10)
        (deadline,) = r.deadlines
        assert (deadline.met, deadline.missed, deadline.pending) == (1, 2, 0)
        assert r.redress.totals == {"EUR": Decimal(10), "GBP": Decimal("55.00")}
        assert (r.closed, r.reopened, r.communicated, r.appealed) == (3, 1, 3, 1)
        assert [b.count for b in r.backlog.buckets] == [0, 0, 1, 1, 0]
        assert [(h.handler, h.assigned, h.open) for h in r.workload] == [
            ("(unassigned)", 1, 1),
            ("agent-1", 2, 0),
            ("agent-2", 1, 1),
        ]
        assert r == compute_kpis(sample, KpiSpec(as_of=AS_OF))

    def test_a_save_that_moves_the_receipt_moves_the_facts(self, repository, sample):
        """A save changing received_at and channel regroups the complaint by both."""
        for complaint in sample:
            repository.add(complaint)
        february = next(c for c in sample if c.received_at.month == 2)
        moved = next_version(
            february,
            received_at=february.received_at - timedelta(days=40),
            channel=Channel.LETTER,
        )
        repository.save(moved, expected_version=february.version)
        current = [moved if c.id == moved.id else c for c in sample]
        r = repository.analytics_kpis(KpiSpec(as_of=AS_OF), None)
        assert r is not None
        assert r.volumes.by_period == {"2025-12": 1, "2026-01": 2, "2026-02": 1}
        assert r.volumes.by_channel[Channel.LETTER.value] == 1
        assert r == compute_kpis(current, KpiSpec(as_of=AS_OF))

    @pytest.mark.parametrize(
        "spec",
        [
            KpiSpec(as_of=datetime(2026, 1, 5, 12, 30, tzinfo=timezone.utc)),
            KpiSpec(as_of=AS_OF, period=Period.parse("2026-01")),
            KpiSpec(as_of=AS_OF, granularity=Granularity.WEEK, ageing_days=(1,)),
        ],
    )
    def test_sample_with_other_specs(self, repository, sample, spec):
        """An earlier as_of, a period or another granularity match compute_kpis."""
        repository.add_many(sample)
        calendar = WeekdayCalendar(zone="Europe/London")
        assert repository.analytics_kpis(spec, calendar) == compute_kpis(
            sample, spec, calendar=calendar
        )

    @pytest.mark.parametrize("day", range(9, 17))
    def test_open_after_many_closes_and_reopens(self, repository, make, day):
        """Open or not follows every close and reopen up to as_of (toggles > 2)."""
        cycle = [
            ("ComplaintClosed", "2026-01-10T10:00"),
            ("ComplaintReopened", "2026-01-11T10:00"),
            ("ComplaintWithdrawn", "2026-01-12T10:00"),
            ("ComplaintReopened", "2026-01-13T10:00"),
            ("ComplaintClosed", "2026-01-14T10:00"),
            ("ComplaintClosed", "2026-01-14T11:00"),
            ("ComplaintReopened", "2026-01-15T10:00"),
        ]
        complaint = make("T1", "2026-01-05T10:00", cycle)
        repository.add(complaint)
        spec = KpiSpec(as_of=datetime(2026, 1, day, 12, tzinfo=timezone.utc))
        report = repository.analytics_kpis(spec, None)
        assert report == compute_kpis([complaint], spec)
        assert report.backlog.open == (day not in (10, 12, 14))

    def test_empty_store(self, repository):
        """With nothing stored, the report is the empty one of compute_kpis."""
        spec = KpiSpec(as_of=AS_OF)
        assert repository.analytics_kpis(spec, None) == compute_kpis([], spec)

    def test_kpis_from_pushes_down(self, repository, sample):
        """kpis_from asks the store and never streams when it answers."""
        repository.add_many(sample)

        def never():
            raise AssertionError

        spec = KpiSpec(as_of=AS_OF)
        assert kpis_from(repository, spec, fallback=never) == compute_kpis(sample, spec)

    def test_rejects_a_bad_spec_or_calendar(self, repository):
        """A wrong spec or calendar raises ValidationError, as compute_kpis does."""
        with pytest.raises(ValidationError):
            repository.analytics_kpis("spec", None)
        with pytest.raises(ValidationError):
            repository.analytics_kpis(KpiSpec(as_of=AS_OF), object())

    def test_huge_amounts_are_exact_or_declined(self, repository, make):
        """Big coefficients sum exactly; a total beyond 28 digits declines."""
        small = make("B2", remedies=[("0.125", "GBP")], outcome=Outcome.UPHELD)
        big = make(
            "B1", outcome=Outcome.UPHELD, remedies=[("123456789012345678901.25", "GBP")]
        )
        repository.add_many([big, small])
        spec = KpiSpec(as_of=AS_OF)
        report = repository.analytics_kpis(spec, None)
        assert report == compute_kpis([big, small], spec)
        assert str(report.redress.totals["GBP"]) == "123456789012345678901.375"
        huge = make("B3", outcome=Outcome.UPHELD, remedies=[("9" * 27 + ".9", "EUR")])
        repository.add(huge)
        repository.add(make("B4", outcome=Outcome.UPHELD, remedies=[("1", "EUR")]))
        assert repository.analytics_kpis(spec, None) is None
        everything = [repository.get(i) for i in ("B1", "B2", "B3", "B4")]
        assert kpis_from(repository, spec, fallback=lambda: everything) == (
            compute_kpis(everything, spec)
        )

    @settings(max_examples=25)
    @given(data=st.data())
    def test_random_stores_equal_compute_kpis(
        self, data, pushdown_complaints, pushdown_specs
    ):
        """For random complaints, specs and calendars, push-down equals streaming."""
        items = data.draw(pushdown_complaints)
        spec, calendar = data.draw(pushdown_specs)
        with closing(SQLiteComplaintRepository(":memory:")) as repo:
            repo.add_many(items)
            assert repo.analytics_kpis(spec, calendar) == compute_kpis(
                items, spec, calendar=calendar
            )

    @settings(max_examples=10)
    @given(data=st.data())
    def test_equal_after_save_erase_and_import(
        self, data, pushdown_complaints, pushdown_specs, churn
    ):
        """Saves, erasures and imports keep the facts in step with the documents."""
        items = data.draw(pushdown_complaints)
        spec, calendar = data.draw(pushdown_specs)
        with closing(SQLiteComplaintRepository(":memory:")) as repo:
            current = churn(repo, items, OUTCOME, REMEDY)
            assert repo.analytics_kpis(spec, calendar) == compute_kpis(
                current, spec, calendar=calendar
            )


class TestMigrationBackfill:
    def test_a_version_1_database_gets_its_facts(
        self, tmp_path, sample, downgrade_sqlite
    ):
        """Opening a v1 database with data back-fills the facts; KPIs are right."""
        path = tmp_path / "v1.db"
        repo = SQLiteComplaintRepository(path)
        repo.add_many(sample)
        repo.close()
        downgrade_sqlite(path, 1)
        repo = SQLiteComplaintRepository(path)
        try:
            spec = KpiSpec(as_of=AS_OF)
            assert repo.analytics_kpis(spec, None) == compute_kpis(sample, spec)
        finally:
            repo.close()

    def test_an_unreadable_document_is_named_not_left_out(
        self, tmp_path, sample, downgrade_sqlite, caplog
    ):
        """The migration cannot read one document: KPIs raise, as streaming does.

        Once the document reads again, the facts are filled in and the KPIs
        count every complaint.
        """
        path = tmp_path / "v1.db"
        with closing(SQLiteComplaintRepository(path)) as repo:
            repo.add_many(sample)
        downgrade_sqlite(path, 1)
        broken = sample[1].id
        with closing(sqlite3.connect(path)) as connection, connection:
            (good,) = connection.execute(
                "SELECT document FROM complaints WHERE id = ?", (broken,)
            ).fetchone()
            connection.execute(
                "UPDATE complaints SET document = 'not json' WHERE id = ?", (broken,)
            )
        spec = KpiSpec(as_of=AS_OF)
        with caplog.at_level(logging.WARNING, logger="iso10002"):
            repo = SQLiteComplaintRepository(path)
        try:
            assert broken in caplog.text
            with pytest.raises(IntegrityError, match=repr(broken)) as raised:
                repo.analytics_kpis(spec, None)
            assert raised.value.complaint_id == broken
            with pytest.raises(IntegrityError):
                compute_kpis(iter_complaints(repo), spec)
            assert [p.complaint_id for p in repo.verify_integrity().problems] == [
                broken
            ]
            # Still named on the next call: the gap is not forgotten.
            with pytest.raises(IntegrityError, match=repr(broken)):
                repo.analytics_kpis(spec, None)
            with closing(sqlite3.connect(path)) as connection, connection:
                connection.execute(
                    "UPDATE complaints SET document = ? WHERE id = ?", (good, broken)
                )
            assert repo.analytics_kpis(spec, None) == compute_kpis(sample, spec)
        finally:
            repo.close()
        with closing(sqlite3.connect(path)) as connection:
            counts = connection.execute(
                "SELECT (SELECT count(*) FROM complaints), "
                "(SELECT count(*) FROM kpi_facts)"
            ).fetchone()
        assert counts == (len(sample), len(sample))
