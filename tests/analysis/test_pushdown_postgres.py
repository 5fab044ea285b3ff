"""KPI push-down in PostgreSQL equals compute_kpis, by hand, at random."""

from __future__ import annotations

import logging
import os
from contextlib import closing
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.analysis import KpiSpec, Period, compute_kpis, kpis_from
from iso10002.analysis.kpis import KpiPushDown
from iso10002.calendars import WeekdayCalendar
from iso10002.errors import IntegrityError, ValidationError
from iso10002.model import Outcome, Remedy, RemedyKind
from iso10002.repositories import iter_complaints

pytestmark = pytest.mark.postgres

try:
    import psycopg
    from psycopg import sql

    from iso10002.repositories.postgres import PostgresComplaintRepository
except ImportError as exc:  # pragma: no cover - the postgres extra is missing
    if os.environ.get("ISO10002_REQUIRE_POSTGRES") == "1":
        raise
    pytest.skip(f"psycopg is not installed ({exc})", allow_module_level=True)

AS_OF = datetime(2026, 3, 1, tzinfo=timezone.utc)
_TABLES = (
    "kpi_keys",
    "kpi_decisions",
    "kpi_toggles",
    "kpi_remedies",
    "kpi_deadlines",
    "kpi_facts",
)


@pytest.fixture
def repository(new_store):
    """A store of its own, closed afterwards."""
    repo = new_store()
    yield repo
    repo.close()


OUTCOME = Outcome.NOT_UPHELD
REMEDY = Remedy(kind=RemedyKind.REFUND, amount=Decimal("2.25"), currency="EUR")


class TestPostgresPushDown:
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
        assert r.volumes.by_channel == {"phone": 1, "web": 3}
        ack = r.time_to_acknowledge
        assert (ack.count, ack.median_hours, ack.p90_hours) == (3, 2.0, 26.0)
        final = r.time_to_final_response
        assert (final.median_hours, final.p90_hours) == (96.0, 336.0)
        assert (final.median_business_days, final.p90_business_days) == (4, 10)
        assert r.redress.totals == {"EUR": Decimal(10), "GBP": Decimal("55.00")}
        assert r.outcomes.decided == 3
        assert (r.closed, r.reopened, r.communicated, r.appealed) == (3, 1, 3, 1)
        assert (r.satisfaction.responses, r.satisfaction.eligible) == (2, 3)
        assert [(s.period, s.received, s.decided, s.upheld) for s in r.series] == [
            ("2026-01", 2, 2, 1),
            ("2026-02", 2, 1, 1),
        ]
        assert r == compute_kpis(sample, KpiSpec(as_of=AS_OF))

    def test_appeal_rate_counts_only_decisions_that_could_be_appealed(
        self, repository, make
    ):
        """Push-down divides appeals by decisions on the merits: 1 of 2, not of 3."""
        sent = ("DecisionCommunicated", "2026-01-09T10:00")
        rejected = ("ComplainantRejected", "2026-01-10T10:00")
        data = [
            make("A1", "2026-01-05T10:00", [sent, rejected], outcome=Outcome.UPHELD),
            make("A2", "2026-01-05T10:00", [sent], outcome=Outcome.NOT_UPHELD),
            make("A3", "2026-01-05T10:00", [sent], outcome=Outcome.WITHDRAWN),
        ]
        for complaint in data:
            repository.add(complaint)
        r = repository.analytics_kpis(KpiSpec(as_of=AS_OF), None)
        assert r is not None
        assert (r.communicated, r.appealable, r.appealed) == (3, 2, 1)
        assert r.appeal_rate == 0.5

    def test_period_and_zone(self, repository, sample):
        """A period and a zone with summer time match compute_kpis."""
        repository.import_complaints(sample)
        spec = KpiSpec(as_of=AS_OF, period=Period.parse("2026-02"))
        calendar = WeekdayCalendar(zone="America/New_York")
        assert repository.analytics_kpis(spec, calendar) == compute_kpis(
            sample, spec, calendar=calendar
        )

    def test_kpis_from_pushes_down_and_rejects_bad_input(self, repository, sample):
        """kpis_from asks the store; a bad spec raises ValidationError."""
        repository.import_complaints(sample)

        def never():
            raise AssertionError

        spec = KpiSpec(as_of=AS_OF)
        assert kpis_from(repository, spec, fallback=never) == compute_kpis(sample, spec)
        with pytest.raises(ValidationError):
            repository.analytics_kpis("spec", None)

    def test_inside_a_host_transaction(self, iso10002_postgres_dsn, new_store, sample):
        """On a borrowed connection inside the host's transaction it sees its rows."""
        with closing(new_store()) as created:
            schema = created.schema
        with psycopg.connect(iso10002_postgres_dsn) as conn:
            repo = PostgresComplaintRepository(conn, schema=schema)
            with conn.transaction():
                for complaint in sample:
                    repo.add(complaint)
                spec = KpiSpec(as_of=AS_OF)
                assert repo.analytics_kpis(spec, None) == compute_kpis(sample, spec)
            repo.close()

    @settings(max_examples=12)
    @given(data=st.data())
    def test_random_stores_equal_compute_kpis(
        self, data, new_store, pushdown_complaints, pushdown_specs
    ):
        """For random complaints, specs and calendars, push-down equals streaming."""
        items = data.draw(pushdown_complaints)
        spec, calendar = data.draw(pushdown_specs)
        with closing(new_store()) as repo:
            repo.import_complaints(items)
            assert repo.analytics_kpis(spec, calendar) == compute_kpis(
                items, spec, calendar=calendar
            )

    @settings(max_examples=6)
    @given(data=st.data())
    def test_equal_after_save_erase_and_import(
        self, data, new_store, pushdown_complaints, pushdown_specs, churn
    ):
        """Saves, erasures and imports keep the facts in step with the documents."""
        items = data.draw(pushdown_complaints)
        spec, calendar = data.draw(pushdown_specs)
        with closing(new_store()) as repo:
            current = churn(repo, items, OUTCOME, REMEDY)
            assert repo.analytics_kpis(spec, calendar) == compute_kpis(
                current, spec, calendar=calendar
            )


class TestMigrationBackfill:
    @staticmethod
    def _downgrade(dsn, schema):
        """Turn the schema back into what version 1 wrote: no facts tables."""
        with psycopg.connect(dsn, autocommit=True) as conn:
            for table in _TABLES:
                conn.execute(
                    sql.SQL("DROP TABLE {}.{}").format(
                        sql.Identifier(schema), sql.Identifier(table)
                    )
                )
            conn.execute(
                sql.SQL(
                    "ALTER TABLE {}.complaints DROP COLUMN idempotency_digest"
                ).format(sql.Identifier(schema))
            )
            for dropped in (
                "DROP INDEX {}.complaints_external_ids",
                "DROP TABLE {}.search_terms",
                "DROP TABLE {}.search_digests",
            ):
                conn.execute(sql.SQL(dropped).format(sql.Identifier(schema)))
            conn.execute(
                sql.SQL("DELETE FROM {}.schema_version WHERE version >= 2").format(
                    sql.Identifier(schema)
                )
            )

    def test_a_version_1_schema_gets_its_facts(
        self, iso10002_postgres_dsn, new_store, sample
    ):
        """Opening a v1 schema with data back-fills the facts; KPIs are right."""
        repo = new_store()
        schema = repo.schema
        repo.import_complaints(sample)
        repo.close()
        self._downgrade(iso10002_postgres_dsn, schema)
        with closing(
            PostgresComplaintRepository(iso10002_postgres_dsn, schema=schema)
        ) as reopened:
            spec = KpiSpec(as_of=AS_OF)
            assert reopened.analytics_kpis(spec, None) == compute_kpis(sample, spec)

    def test_an_unreadable_complaint_is_named_not_left_out(
        self, iso10002_postgres_dsn, new_store, sample, caplog
    ):
        """The migration cannot read one complaint: KPIs raise, as streaming does.

        Once it reads again, its facts are filled in and the KPIs count it.
        """
        repo = new_store()
        schema = repo.schema
        repo.import_complaints(sample)
        repo.close()
        self._downgrade(iso10002_postgres_dsn, schema)
        broken = sample[1].id
        table = sql.SQL("{}.complaints").format(sql.Identifier(schema))
        with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
            (good,) = conn.execute(
                sql.SQL("SELECT document FROM {} WHERE id = %s").format(table),
                (broken,),
            ).fetchone()
            conn.execute(
                sql.SQL("UPDATE {} SET document = '[]' WHERE id = %s").format(table),
                (broken,),
            )
        spec = KpiSpec(as_of=AS_OF)
        with caplog.at_level(logging.WARNING, logger="iso10002"):
            reopened = PostgresComplaintRepository(iso10002_postgres_dsn, schema=schema)
        with closing(reopened):
            assert broken in caplog.text
            for _ in range(2):  # named on every call, not forgotten
                with pytest.raises(IntegrityError, match=repr(broken)) as raised:
                    reopened.analytics_kpis(spec, None)
                assert raised.value.complaint_id == broken
            with pytest.raises(IntegrityError):
                compute_kpis(iter_complaints(reopened), spec)
            with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("UPDATE {} SET document = %s WHERE id = %s").format(table),
                    (psycopg.types.json.Jsonb(good), broken),
                )
            assert reopened.analytics_kpis(spec, None) == compute_kpis(sample, spec)
            with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
                (facts,) = conn.execute(
                    sql.SQL("SELECT count(*) FROM {}.kpi_facts").format(
                        sql.Identifier(schema)
                    )
                ).fetchone()
            assert facts == len(sample)
