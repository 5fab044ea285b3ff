"""Stores from before payload digests migrate: old keys refuse, new ones digest."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing

import pytest

from iso10002.errors import DuplicateError
from iso10002.repositories import SearchQuery
from iso10002.repositories._kpi_facts import EVIDENCE_COLUMNS
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.testing.contract import make_complaint


def _assert_old_and_new_keys(repository) -> None:
    """The old key has no digest; a key added after migrating keeps its digest."""
    with pytest.raises(DuplicateError) as caught:
        repository.add(make_complaint(2), idempotency_key="old", payload_digest="d:2")
    assert caught.value.payload_digest is None
    assert caught.value.complaint_id == make_complaint(1).id
    repository.add(make_complaint(3), idempotency_key="new", payload_digest="d:3")
    with pytest.raises(DuplicateError) as caught:
        repository.add(make_complaint(4), idempotency_key="new", payload_digest="d:4")
    assert caught.value.payload_digest == "d:3"
    assert repository.verify_integrity().ok


class TestSQLiteMigration:
    def test_a_version_3_file_gains_the_digest_column(self, tmp_path, downgrade_sqlite):
        """Reopening a v3 file adds the column; the key stored before still refuses."""
        path = tmp_path / "complaints.db"
        with closing(SQLiteComplaintRepository(path)) as repository:
            repository.add(make_complaint(1), idempotency_key="old")
        downgrade_sqlite(path, 3)
        with closing(sqlite3.connect(path)) as raw:
            columns = [row[1] for row in raw.execute("PRAGMA table_info(complaints)")]
        assert "idempotency_digest" not in columns  # really a version 3 file
        with closing(SQLiteComplaintRepository(path)) as reopened:
            _assert_old_and_new_keys(reopened)


@pytest.mark.postgres
class TestPostgresMigration:
    def test_a_version_2_schema_gains_the_digest_column(self, iso10002_postgres_dsn):
        """Reopening a v2 schema adds the column; an older key still refuses."""
        psycopg = pytest.importorskip("psycopg")
        from iso10002.repositories.postgres import (  # noqa: PLC0415
            PostgresComplaintRepository,
        )

        schema = f"digest_{os.urandom(5).hex()}"
        try:
            with closing(
                PostgresComplaintRepository(iso10002_postgres_dsn, schema=schema)
            ) as repository:
                repository.add(make_complaint(1), idempotency_key="old")
            with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
                conn.execute(
                    f'ALTER TABLE "{schema}".complaints DROP COLUMN idempotency_digest'
                )
                conn.execute(f'DROP INDEX "{schema}".complaints_external_ids')
                conn.execute(f'DROP TABLE "{schema}".search_terms')
                conn.execute(f'DROP TABLE "{schema}".search_digests')
                conn.execute(
                    f'ALTER TABLE "{schema}".kpi_facts DROP COLUMN subcategory'
                )
                conn.execute(f'DROP TABLE "{schema}".kpi_decisions')  # version 8
                conn.execute(f'DROP TABLE "{schema}".kpi_keys')
                for column in (
                    "decided_us",
                    "category_us",
                    "subcategory_us",
                    "product_us",
                    "root_cause_us",
                    "assignee_us",
                ):
                    conn.execute(
                        f'ALTER TABLE "{schema}".kpi_facts DROP COLUMN {column}'
                    )
                for column in ("from_us", "until_us"):
                    conn.execute(
                        f'ALTER TABLE "{schema}".kpi_remedies DROP COLUMN {column}'
                    )
                for column in EVIDENCE_COLUMNS:  # schema version 7
                    conn.execute(
                        f'ALTER TABLE "{schema}".kpi_facts DROP COLUMN {column}'
                    )
                conn.execute(f'DELETE FROM "{schema}".schema_version WHERE version > 2')
            with closing(
                PostgresComplaintRepository(iso10002_postgres_dsn, schema=schema)
            ) as reopened:
                _assert_old_and_new_keys(reopened)
                # The v5 step indexed the complaint stored before it.
                found = reopened.search(SearchQuery(email="person1@example.org"))
                assert [c.id for c in found] == [make_complaint(1).id]
                assert reopened.verify_integrity().ok
        finally:
            with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
