"""The second classification level in the KPIs: streaming and both push-downs agree.

Issue 18: a sub-issue is a subcategory that KPIs and the Pareto can group by.
"""

from __future__ import annotations

import secrets
from contextlib import closing
from datetime import datetime, timezone

import attrs
import pytest

from iso10002.analysis import KpiSpec, compute_kpis
from iso10002.analysis.charts import classification_counts
from iso10002.analysis.kpis import subcategory_key
from iso10002.model import Classification
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.testing.contract import make_complaint, next_version

AS_OF = datetime(2027, 1, 1, tzinfo=timezone.utc)
SUBS = ("Card declined", None, "Card declined", "Fee charged twice")


def _sample():
    complaints = [make_complaint(10)]  # unclassified
    for n, sub in enumerate(SUBS, start=1):
        first = make_complaint(n, category="payments")
        classified = Classification(category="payments", subcategory=sub)
        complaints.append(next_version(first, classification=classified))
    return complaints


def _expected():
    return {
        "(unclassified)": 1,
        "payments / -": 1,
        "payments / Card declined": 2,
        "payments / Fee charged twice": 1,
    }


def test_streaming_counts_the_second_level_as_the_pareto_does():
    sample = _sample()
    report = compute_kpis(sample, KpiSpec(as_of=AS_OF))
    assert report.volumes.by_subcategory == _expected()
    assert classification_counts(sample, level="subcategory") == _expected()
    assert subcategory_key(None) == "(unclassified)"


def test_sqlite_push_down_equals_streaming(tmp_path):
    sample = _sample()
    with closing(SQLiteComplaintRepository(tmp_path / "k.db")) as repository:
        for complaint in sample:
            repository.add(complaint)
        pushed = repository.analytics_kpis(KpiSpec(as_of=AS_OF), None)
        assert pushed is not None
        assert pushed.volumes.by_subcategory == _expected()
        assert pushed == compute_kpis(sample, KpiSpec(as_of=AS_OF))
        # A save that changes the subcategory moves the count.
        current = repository.get(make_complaint(2).id)
        moved = next_version(
            current,
            classification=attrs.evolve(
                current.classification, subcategory="Card declined"
            ),
        )
        repository.save(moved, expected_version=current.version)
        again = repository.analytics_kpis(KpiSpec(as_of=AS_OF), None)
        assert again is not None
        assert again.volumes.by_subcategory["payments / Card declined"] == 3
        assert repository.verify_integrity().ok


def test_a_version_7_file_gains_the_subcategory_facts(tmp_path, downgrade_sqlite):
    path = tmp_path / "old.db"
    sample = _sample()
    with closing(SQLiteComplaintRepository(path)) as repository:
        for complaint in sample:
            repository.add(complaint)
    downgrade_sqlite(path, 7)
    with closing(SQLiteComplaintRepository(path)) as reopened:
        pushed = reopened.analytics_kpis(KpiSpec(as_of=AS_OF), None)
        assert pushed is not None
        assert pushed.volumes.by_subcategory == _expected()
        assert reopened.verify_integrity().ok


@pytest.mark.postgres
def test_postgres_push_down_equals_streaming(iso10002_postgres_dsn):
    psycopg = pytest.importorskip("psycopg")
    from iso10002.repositories.postgres import (  # noqa: PLC0415 - postgres extra
        PostgresComplaintRepository,
    )

    schema = f"subcat_{secrets.token_hex(5)}"
    sample = _sample()
    try:
        with closing(
            PostgresComplaintRepository(iso10002_postgres_dsn, schema=schema)
        ) as repository:
            for complaint in sample:
                repository.add(complaint)
            pushed = repository.analytics_kpis(KpiSpec(as_of=AS_OF), None)
            assert pushed is not None
            assert pushed == compute_kpis(sample, KpiSpec(as_of=AS_OF))
            assert pushed.volumes.by_subcategory == _expected()
    finally:
        with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
