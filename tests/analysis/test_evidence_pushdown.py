"""Audit evidence checks pushed down to SQL equal streaming (SQLite, PostgreSQL)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.analysis import (
    KpiSpec,
    Period,
    build_management_review,
    collect_evidence,
)
from iso10002.analysis.evidence import EVIDENCE_CHECKS, EvidenceAccumulator
from iso10002.analysis.pushdown import (
    EvidencePushDown,
    evidence_check,
    evidence_checks_from,
)
from iso10002.errors import ValidationError
from iso10002.model import Outcome, Remedy, RemedyKind
from iso10002.principles import PolicyContext, policies_for
from iso10002.repositories.sqlite import SQLiteComplaintRepository

AS_OF = datetime(2026, 3, 1, tzinfo=timezone.utc)
OUTCOME = Outcome.UPHELD
REMEDY = Remedy(kind=RemedyKind.REFUND, amount=Decimal("1.5"), currency="GBP")
IDS = st.sampled_from([None, 0, 1, 3])


def streamed(complaints, as_of, period, ids_shown):
    """The checks streaming gives over the complaints in scope, ids capped."""
    scope = [c for c in complaints if period is None or c.received_at in period]
    checks = collect_evidence(scope, as_of=as_of).checks
    if ids_shown is None:
        return checks
    return tuple(
        attrs.evolve(c, nonconforming_ids=c.nonconforming_ids[:ids_shown])
        for c in checks
    )


@pytest.fixture
def repository():
    """A private in-memory SQLite store, closed afterwards."""
    repo = SQLiteComplaintRepository(":memory:")
    yield repo
    repo.close()


class TestSQLiteEvidencePushDown:
    def test_is_an_evidence_push_down(self, repository):
        """The adapter offers the optional evidence protocol."""
        assert isinstance(repository, EvidencePushDown)

    def test_hand_computed_sample(self, repository, sample):
        """Acknowledged in time: C1 and C3 yes; C2 late, C4 overdue (2 of 4)."""
        repository.add_many(sample)
        checks = {c.id: c for c in repository.analytics_evidence(AS_OF)}
        ack = checks["acknowledged-in-time"]
        assert (ack.applicable, ack.conforming) == (4, 2)
        assert ack.nonconforming_ids == ("C2", "C4")
        root = checks["root-cause-for-upheld"]
        assert (root.applicable, root.conforming) == (2, 2)
        assert tuple(checks) == tuple(c[0] for c in EVIDENCE_CHECKS)
        assert repository.analytics_evidence(AS_OF) == streamed(sample, AS_OF, None, 20)

    def test_ids_are_capped_counts_kept(self, repository, sample):
        """With one id shown, the first gap in id order is named; counts stay."""
        repository.add_many(sample)
        checks = {c.id: c for c in repository.analytics_evidence(AS_OF, None, 1)}
        ack = checks["acknowledged-in-time"]
        assert (ack.applicable - ack.conforming, ack.nonconforming_ids) == (2, ("C2",))

    def test_a_period_limits_the_complaints(self, repository, sample):
        """Only February's complaints are counted for February."""
        repository.add_many(sample)
        february = Period.parse("2026-02")
        found = repository.analytics_evidence(AS_OF, february)
        assert found == streamed(sample, AS_OF, february, 20)
        ack = next(c for c in found if c.id == "acknowledged-in-time")
        assert ack.nonconforming_ids == ("C4",)

    @pytest.mark.parametrize(
        ("args", "field"),
        [
            ((datetime(2026, 3, 1), None, 20), "as_of"),
            ((AS_OF, "2026-02", 20), "period"),
            ((AS_OF, None, -1), "ids_shown"),
            ((AS_OF, None, True), "ids_shown"),
        ],
    )
    def test_rejects_bad_arguments(self, repository, args, field):
        """A naive instant, a period given as text or a bad cap names the argument."""
        with pytest.raises(ValidationError) as raised:
            repository.analytics_evidence(*args)
        assert raised.value.problems[0][0] == field

    @settings(max_examples=30)
    @given(data=st.data())
    def test_random_stores_equal_streaming(
        self, data, pushdown_complaints, pushdown_specs
    ):
        """For random complaints, instants, periods and caps, SQL equals streaming."""
        items = data.draw(pushdown_complaints)
        spec, _ = data.draw(pushdown_specs)
        ids = data.draw(IDS)
        with closing(SQLiteComplaintRepository(":memory:")) as repo:
            repo.add_many(items)
            assert repo.analytics_evidence(spec.as_of, spec.period, ids) == streamed(
                items, spec.as_of, spec.period, ids
            )

    @settings(max_examples=10)
    @given(data=st.data())
    def test_equal_after_save_erase_and_import(
        self, data, pushdown_complaints, pushdown_specs, churn
    ):
        """Saves, erasures and imports keep the evidence columns in step."""
        items = data.draw(pushdown_complaints)
        spec, _ = data.draw(pushdown_specs)
        with closing(SQLiteComplaintRepository(":memory:")) as repo:
            current = churn(repo, items, OUTCOME, REMEDY)
            assert repo.analytics_evidence(spec.as_of, spec.period, None) == (
                streamed(current, spec.as_of, spec.period, None)
            )

    def test_a_version_8_file_gains_the_evidence_facts(
        self, tmp_path, sample, downgrade_sqlite
    ):
        """Opening a v8 database fills the evidence columns from the documents."""
        path = tmp_path / "v8.db"
        with closing(SQLiteComplaintRepository(path)) as repo:
            repo.add_many(sample)
        downgrade_sqlite(path, 8)
        with closing(sqlite3.connect(path)) as raw:
            columns = [row[1] for row in raw.execute("PRAGMA table_info(kpi_facts)")]
        assert "evidence" not in columns
        with closing(SQLiteComplaintRepository(path)) as repo:
            assert repo.analytics_evidence(AS_OF) == streamed(sample, AS_OF, None, 20)
            assert repo.verify_integrity().ok


class TestEvidenceChecksFrom:
    def test_a_store_without_push_down_gives_none(self, sample):
        """A plain iterable cannot count in SQL: the caller streams instead."""
        assert evidence_checks_from(sample, AS_OF) is None

    def test_rejects_a_naive_instant(self, repository):
        """The instant must carry its offset."""
        with pytest.raises(ValidationError):
            evidence_checks_from(repository, datetime(2026, 3, 1))

    def test_evidence_check_rejects_an_unknown_check(self):
        """An adapter naming a check that does not exist is told so."""
        with pytest.raises(ValidationError):
            evidence_check("made-up", 1, 1, ())

    def test_the_pack_is_the_same_with_pushed_down_checks(self, repository, sample):
        """Giving the review the store's checks changes nothing in the pack."""
        repository.add_many(sample)
        spec = KpiSpec(as_of=AS_OF, period=Period.parse("2026-Q1"))
        policies = policies_for("iso10002:2018")
        context = PolicyContext(now=AS_OF)
        checks = evidence_checks_from(
            repository, AS_OF, period=spec.period, ids_shown=2
        )
        pushed = build_management_review(
            sample, spec, policies=policies, context=context, ids_shown=2, checks=checks
        )
        streamed_pack = build_management_review(
            sample, spec, policies=policies, context=context, ids_shown=2
        )
        assert pushed == streamed_pack

    def test_the_review_rejects_checks_that_are_not_the_nine(self, sample):
        """A partial list of checks is refused, naming ``checks``."""
        with pytest.raises(ValidationError) as raised:
            build_management_review(sample, KpiSpec(as_of=AS_OF), checks=())
        assert raised.value.problems[0][0] == "checks"


class TestBoundedIds:
    @settings(max_examples=30)
    @given(data=st.data())
    def test_kept_ids_are_the_first_of_the_full_lists(self, data, pushdown_complaints):
        """Keeping N ids per list gives the full result's counts and first N ids."""
        items = data.draw(pushdown_complaints)
        kept = data.draw(st.integers(0, 3))
        policies = policies_for("iso10002:2018")
        full = EvidenceAccumulator(AS_OF, policies).update(items).result()
        bounded = (
            EvidenceAccumulator(AS_OF, policies, ids_kept=kept).update(items).result()
        )
        assert bounded.checks == tuple(
            attrs.evolve(c, nonconforming_ids=c.nonconforming_ids[:kept])
            for c in full.checks
        )
        assert bounded.principles == tuple(
            attrs.evolve(p, nonconforming_ids=p.nonconforming_ids[:kept])
            for p in full.principles
        )
        assert bounded.findings == tuple(
            attrs.evolve(f, complaint_ids=f.complaint_ids[:kept]) for f in full.findings
        )

    def test_rejects_a_negative_cap(self):
        """``ids_kept`` must be a non-negative integer."""
        with pytest.raises(ValidationError):
            EvidenceAccumulator(AS_OF, ids_kept=-1)


@pytest.mark.postgres
class TestPostgresEvidencePushDown:
    def test_hand_computed_sample(self, new_store, sample):
        """The sample's checks equal streaming, C2 and C4 acknowledged late."""
        with closing(new_store()) as repo:
            for complaint in sample:
                repo.add(complaint)
            checks = repo.analytics_evidence(AS_OF)
            assert isinstance(repo, EvidencePushDown)
        ack = next(c for c in checks if c.id == "acknowledged-in-time")
        assert ack.nonconforming_ids == ("C2", "C4")
        assert checks == streamed(sample, AS_OF, None, 20)

    @settings(max_examples=12)
    @given(data=st.data())
    def test_random_stores_equal_streaming(
        self, data, new_store, pushdown_complaints, pushdown_specs
    ):
        """For random complaints, instants, periods and caps, SQL equals streaming."""
        items = data.draw(pushdown_complaints)
        spec, _ = data.draw(pushdown_specs)
        ids = data.draw(IDS)
        with closing(new_store()) as repo:
            repo.import_complaints(items)
            assert repo.analytics_evidence(spec.as_of, spec.period, ids) == streamed(
                items, spec.as_of, spec.period, ids
            )

    @settings(max_examples=6)
    @given(data=st.data())
    def test_equal_after_save_erase_and_import(
        self, data, new_store, pushdown_complaints, pushdown_specs, churn
    ):
        """Saves, erasures and imports keep the evidence columns in step."""
        items = data.draw(pushdown_complaints)
        spec, _ = data.draw(pushdown_specs)
        with closing(new_store()) as repo:
            current = churn(repo, items, Outcome.NOT_UPHELD, REMEDY)
            assert repo.analytics_evidence(spec.as_of, spec.period, None) == (
                streamed(current, spec.as_of, spec.period, None)
            )

    def test_a_version_6_schema_gains_the_evidence_facts(
        self, iso10002_postgres_dsn, new_store, sample
    ):
        """Opening a v6 schema fills the evidence columns from the complaints."""
        import psycopg  # noqa: PLC0415 - the postgres extra
        from psycopg import sql  # noqa: PLC0415

        from iso10002.repositories._kpi_facts import (  # noqa: PLC0415
            EVIDENCE_COLUMNS,
        )

        with closing(new_store()) as repo:
            for complaint in sample:
                repo.add(complaint)
            schema = repo.schema
        with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
            for dropped in (  # schema version 8
                "DROP TABLE {}.kpi_decisions",
                "DROP TABLE {}.kpi_keys",
                "ALTER TABLE {}.kpi_facts DROP COLUMN decided_us",
                "ALTER TABLE {}.kpi_facts DROP COLUMN category_us",
                "ALTER TABLE {}.kpi_facts DROP COLUMN subcategory_us",
                "ALTER TABLE {}.kpi_facts DROP COLUMN product_us",
                "ALTER TABLE {}.kpi_facts DROP COLUMN root_cause_us",
                "ALTER TABLE {}.kpi_facts DROP COLUMN assignee_us",
                "ALTER TABLE {}.kpi_remedies DROP COLUMN from_us",
                "ALTER TABLE {}.kpi_remedies DROP COLUMN until_us",
            ):
                conn.execute(sql.SQL(dropped).format(sql.Identifier(schema)))
            for name in EVIDENCE_COLUMNS:
                conn.execute(
                    sql.SQL("ALTER TABLE {}.kpi_facts DROP COLUMN {}").format(
                        sql.Identifier(schema), sql.Identifier(name)
                    )
                )
            conn.execute(
                sql.SQL("DELETE FROM {}.schema_version WHERE version >= 7").format(
                    sql.Identifier(schema)
                )
            )
        from iso10002.repositories.postgres import (  # noqa: PLC0415
            PostgresComplaintRepository,
        )

        with closing(
            PostgresComplaintRepository(iso10002_postgres_dsn, schema=schema)
        ) as repo:
            assert repo.analytics_evidence(AS_OF) == streamed(sample, AS_OF, None, 20)
            assert repo.verify_integrity().ok
