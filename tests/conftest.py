"""Test configuration: Hypothesis profiles live here, never in the package."""

from __future__ import annotations

import hashlib
import itertools
import os
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from iso10002.integrity.documents import whole_document
from iso10002.repositories.sqlite._read import HISTORY
from iso10002.repositories.sqlite._schema import MIGRATIONS

settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "dev", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def _events_v1() -> str:
    """Return SQL that rebuilds the event log as schema version 1 defined it."""
    v1 = dict(MIGRATIONS)[1]
    start = v1.index("CREATE TABLE events (")
    table = v1[start : v1.index(");", start)]
    triggers = v1[v1.index("CREATE TRIGGER events_refuse_update") :]
    return (
        table.replace("CREATE TABLE events (", "CREATE TABLE events_v1 (")
        + ");INSERT INTO events_v1 SELECT * FROM events;DROP TABLE events;"
        + "ALTER TABLE events_v1 RENAME TO events;"
        + triggers
    )


def _downgrade_sqlite(path: os.PathLike[str], version: int) -> None:
    """Turn a closed SQLite store back into what schema ``version`` wrote."""
    if version < 12:
        # Before version 12 every complaint's findings were written with it.
        from iso10002.repositories.sqlite import (  # noqa: PLC0415
            SQLiteComplaintRepository,
        )

        store = SQLiteComplaintRepository(path)
        try:
            store.fill_stale_findings()
        finally:
            store.close()
    script = (
        ""
        if version >= 12
        else "DROP TABLE iso10002_rules; DROP INDEX kpi_flags_stale;"
        "ALTER TABLE kpi_flags DROP COLUMN stale_version;"
    )
    script += (
        ""
        if version >= 10
        else "DROP TABLE kpi_decisions; ALTER TABLE kpi_facts DROP COLUMN decided_us;"
        "ALTER TABLE kpi_remedies DROP COLUMN from_us;"
        "ALTER TABLE kpi_remedies DROP COLUMN until_us; DROP TABLE kpi_keys;"
        + "".join(
            f"ALTER TABLE kpi_facts DROP COLUMN {field}_us;"
            for field in (
                "category",
                "subcategory",
                "product",
                "root_cause",
                "assignee",
            )
        )
    )
    script += (
        ""
        if version >= 9
        else "".join(
            f"ALTER TABLE kpi_facts DROP COLUMN {name};"
            for name in (
                "assigned_us",
                "assessed_us",
                "ended_us",
                "ended_rejected",
                "ack_due_us",
                "final_due_us",
                "evidence",
            )
        )
    )
    script += "" if version >= 11 else "DROP TABLE kpi_flags; DROP TABLE kpi_findings;"
    script += "" if version >= 8 else "ALTER TABLE kpi_facts DROP COLUMN subcategory;"
    script += (
        "" if version >= 7 else "DROP TABLE search_terms; DROP TABLE search_digests;"
    )
    script += "" if version >= 6 else "DROP TABLE external_ids;"
    script += (
        "" if version >= 4 else "ALTER TABLE complaints DROP COLUMN idempotency_digest;"
    )
    script += _events_v1() if version < 3 else ""
    if version < 2:
        script += "".join(
            f"DROP TABLE {table};"
            for table in ("kpi_facts", "kpi_deadlines", "kpi_remedies", "kpi_toggles")
        )
    script += f"DELETE FROM iso10002_schema WHERE version > {int(version)};"
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        if version < 5:
            _whole_documents(connection)
        connection.executescript(f"BEGIN;{script}COMMIT;")
    finally:
        connection.close()


def _whole_documents(connection: sqlite3.Connection) -> None:
    """Store each document with its history, as schema versions before 5 did."""
    rows = connection.execute(f"SELECT id, document, {HISTORY} FROM complaints")
    connection.executemany(
        "UPDATE complaints SET document = ? WHERE id = ?",
        [(whole_document(doc, history), cid) for cid, doc, history in rows.fetchall()],
    )


@pytest.fixture
def downgrade_sqlite():
    """Return ``downgrade(path, version)`` for migration tests of the SQLite store."""
    return _downgrade_sqlite


@pytest.fixture(scope="module")
def new_store(
    request: pytest.FixtureRequest,
    iso10002_postgres_dsn: str,
    iso10002_postgres_schema: str,
) -> Iterator[Callable[[], Any]]:
    """Open PostgreSQL stores in fresh schemas of this module's own; drop them after.

    Each call of the returned function opens a store in a new schema named
    after the run's schema, the test module and a counter, so concurrent runs
    and modules never share one.
    """
    psycopg = pytest.importorskip("psycopg")
    from psycopg import sql  # noqa: PLC0415 - the postgres extra

    from iso10002.repositories.postgres import (  # noqa: PLC0415
        PostgresComplaintRepository,
    )

    tag = hashlib.sha256(request.module.__name__.encode()).hexdigest()[:6]
    counter = itertools.count(1)
    names: list[str] = []

    def open_store() -> Any:
        names.append(f"{iso10002_postgres_schema}_{tag}_{next(counter)}")
        return PostgresComplaintRepository(
            iso10002_postgres_dsn, schema=names[-1], pool_size=1
        )

    yield open_store
    with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
        for name in names:
            conn.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name))
            )
