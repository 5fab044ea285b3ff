"""Policy findings and provenance pushed down to SQL equal streaming (PostgreSQL)."""

from __future__ import annotations

from contextlib import closing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.analysis.test_policy_pushdown import (
    AS_OF,
    IDS,
    REMEDY,
    hostile,
    pushed,
    share,
    streamed,
)

from iso10002.analysis.pushdown import PolicyPushDown
from iso10002.model import Outcome


@pytest.mark.postgres
class TestPostgresPolicyPushDown:
    """The PostgreSQL adapter counts the stored findings as streaming does."""

    def test_hand_computed_sample(self, new_store, sample):
        """The sample's findings, principles and provenance equal streaming."""
        with closing(new_store()) as repo:
            assert isinstance(repo, PolicyPushDown)
            for complaint in sample:
                repo.add(complaint)
            assert pushed(repo, AS_OF, None, 20) == streamed(sample, AS_OF, None, 20)
            assert pushed(repo, AS_OF, None, 1) == streamed(sample, AS_OF, None, 1)
            assert repo.analytics_provenance(AS_OF) == share(sample, AS_OF, None)

    def test_unusual_text_orders_as_in_python(self, new_store, make):
        """Ids and messages beyond the BMP or at U+FFFF order by code point."""
        items = hostile(make)
        with closing(new_store()) as repo:
            for complaint in items:
                repo.add(complaint)
            for ids in (None, 1, 2):
                assert pushed(repo, AS_OF, None, ids) == streamed(
                    items, AS_OF, None, ids
                )

    @settings(max_examples=12, deadline=None)
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
            assert pushed(repo, spec.as_of, spec.period, ids) == streamed(
                items, spec.as_of, spec.period, ids
            )
            assert repo.analytics_provenance(spec.as_of, spec.period) == share(
                items, spec.as_of, spec.period
            )

    @settings(max_examples=6, deadline=None)
    @given(data=st.data())
    def test_equal_after_save_erase_and_import(
        self, data, new_store, pushdown_complaints, pushdown_specs, churn
    ):
        """Saves, erasures and imports keep the stored findings in step."""
        items = data.draw(pushdown_complaints)
        spec, _ = data.draw(pushdown_specs)
        with closing(new_store()) as repo:
            current = churn(repo, items, Outcome.NOT_UPHELD, REMEDY)
            assert pushed(repo, spec.as_of, spec.period, None) == streamed(
                current, spec.as_of, spec.period, None
            )

    def test_a_version_7_schema_gains_the_stored_findings(
        self, iso10002_postgres_dsn, new_store, sample
    ):
        """Opening an older schema fills the new tables; the deep check passes."""
        import psycopg  # noqa: PLC0415 - the postgres extra
        from psycopg import sql  # noqa: PLC0415

        from iso10002.repositories.postgres import (  # noqa: PLC0415
            PostgresComplaintRepository,
        )

        with closing(new_store()) as repo:
            for complaint in sample:
                repo.add(complaint)
            schema = repo.schema
        ident = sql.Identifier(schema)
        with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP TABLE {}.kpi_flags").format(ident))
            conn.execute(sql.SQL("DROP TABLE {}.kpi_findings").format(ident))
            conn.execute(
                sql.SQL("DELETE FROM {}.schema_version WHERE version >= 9").format(
                    ident
                )
            )
        with closing(
            PostgresComplaintRepository(iso10002_postgres_dsn, schema=schema)
        ) as repo:
            assert pushed(repo, AS_OF, None, 20) == streamed(sample, AS_OF, None, 20)
            assert repo.verify_integrity().ok

    @pytest.mark.parametrize(
        "change",
        ["message = convert_to('edited', 'UTF8')", "until_us = 1"],
    )
    def test_the_deep_check_names_an_edited_row(
        self, iso10002_postgres_dsn, new_store, sample, change
    ):
        """An edit of a stored finding is found by the deep check."""
        import psycopg  # noqa: PLC0415 - the postgres extra
        from psycopg import sql  # noqa: PLC0415

        with closing(new_store()) as repo:
            for complaint in sample:
                repo.add(complaint)
            assert repo.fill_stale_findings() == len(sample)  # rows to edit
            ident = sql.Identifier(repo.schema)
            with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
                conn.execute(
                    sql.SQL(
                        "UPDATE {}.kpi_findings SET "
                        + change
                        + " WHERE (complaint_id, seq) IN"
                        " (SELECT complaint_id, seq FROM {}.kpi_findings LIMIT 1)"
                    ).format(ident, ident)
                )
            report = repo.verify_integrity()
        assert not report.ok
        assert any("kpi_findings" in p.message for p in report.problems)

    def test_the_quick_check_names_an_edited_sealed_row(
        self, iso10002_postgres_dsn, new_store, sample
    ):
        """After a checkpoint, an edit of a stored finding breaks the seal."""
        import psycopg  # noqa: PLC0415 - the postgres extra
        from psycopg import sql  # noqa: PLC0415

        from iso10002.repositories.postgres import (  # noqa: PLC0415
            PostgresComplaintRepository,
        )

        with closing(new_store()) as first:
            schema = first.schema
        # A pool of one times out in the checkpoint (it needs two connections).
        with closing(
            PostgresComplaintRepository(
                iso10002_postgres_dsn, schema=schema, pool_size=2
            )
        ) as repo:
            for complaint in sample:
                repo.add(complaint)
            assert repo.record_checkpoint().ok
            assert repo.verify_integrity(quick=True).ok
            ident = sql.Identifier(repo.schema)
            with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
                conn.execute(
                    sql.SQL(
                        "UPDATE {}.kpi_flags SET provenance = provenance + 64"
                        " WHERE complaint_id = 'C1'"
                    ).format(ident)
                )
            report = repo.verify_integrity(quick=True)
        assert not report.ok
        assert {p.complaint_id for p in report.problems} == {"C1"}
