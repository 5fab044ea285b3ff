"""The KPI child rows go to PostgreSQL as one array per column (``unnest``).

One statement serves every number of rows, so the element types the writer
casts each array to must be the columns' own, and rows must read back the same
whatever their number, as it grows and as columns hold only NULLs.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest
from tests.repositories.kpi_script import run_script

from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.model import ComplaintForm, RootCause
from iso10002.serialization import from_dict

pytestmark = pytest.mark.postgres

try:
    import psycopg
    from psycopg import sql

    from iso10002.repositories.postgres._facts import (
        COLUMNS,
        TABLE_NAMES,
        FactWriter,
        element_type,
    )
except ImportError as exc:  # pragma: no cover - the postgres extra is missing
    if os.environ.get("ISO10002_REQUIRE_POSTGRES") == "1":
        raise
    pytest.skip(f"psycopg is not installed ({exc})", allow_module_level=True)

START = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
CAUSE = RootCause(category="billing run", corrective_action="CAPA-1")
WEB = Actor("web-form", roles={"intake"})
AGENT = Actor("agent:1", roles={"complaints-manager"})
FORM = {
    "complainant": {"name": "Sam Taylor", "email": "sam@example.org"},
    "description": "I was charged twice for my March bill.",
}


def _stored(dsn, schema, table, complaint_id):
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            sql.SQL("SELECT {} FROM {}.{} WHERE complaint_id = %s ORDER BY seq").format(
                sql.SQL(", ").join(map(sql.Identifier, COLUMNS[table])),
                sql.Identifier(schema),
                sql.Identifier(TABLE_NAMES[table]),
            ),
            (complaint_id,),
        ).fetchall()


def test_each_array_is_cast_to_its_columns_type(new_store, iso10002_postgres_dsn):
    """The writer's element types are the catalogue's, column by column."""
    repository = new_store()
    with psycopg.connect(iso10002_postgres_dsn) as conn:
        for table, name in enumerate(TABLE_NAMES[1:], start=1):
            types = dict(
                conn.execute(
                    "SELECT a.attname, format_type(a.atttypid, NULL)"
                    " FROM pg_attribute a WHERE a.attrelid = %s::regclass"
                    " AND a.attnum > 0 AND NOT a.attisdropped",
                    (f'"{repository.schema}".{name}',),
                ).fetchall()
            )
            for column in COLUMNS[table]:
                assert element_type(column) == types[column], (name, column)
    repository.close()


def test_one_statement_serves_every_number_of_rows():
    """A save's statement does not depend on how many child rows there are."""
    writer = FactWriter("s")
    assert isinstance(writer._replace, bytes)
    assert b"unnest(" in writer._replace


@pytest.mark.parametrize("steps", [1, 7, 40])
def test_rows_read_back_as_their_number_grows(new_store, iso10002_postgres_dsn, steps):
    """Reassign, re-decide: every child row stored is the complaint's own."""
    repository = new_store()
    clock = FixedClock(START)
    handler = ComplaintsHandler(
        repository,
        clock=clock,
        calendar=WeekdayCalendar(zone="UTC"),
        store=InMemoryHandlerStore(),
    )
    received = handler.receive(from_dict(ComplaintForm, FORM), actor=WEB, channel="web")
    cid = received.id
    run_script(handler, clock, cid, assignments=steps)
    complaint = repository.get(cid)
    from iso10002.repositories._kpi_facts import fact_rows  # noqa: PLC0415

    rows = fact_rows(complaint)
    for table in range(1, len(TABLE_NAMES)):
        expected = [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
            for row in rows[table]
        ]
        stored = [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
            for row in _stored(iso10002_postgres_dsn, repository.schema, table, cid)
        ]
        assert stored == expected, TABLE_NAMES[table]
    counts = {
        TABLE_NAMES[table]: len(
            _stored(iso10002_postgres_dsn, repository.schema, table, cid)
        )
        for table in range(1, len(TABLE_NAMES))
    }
    assert counts["kpi_keys"] == steps - 1  # the earlier assignees (blanks not kept)
    assert counts["kpi_remedies"] == 3  # two of the first decision, one now
    assert counts["kpi_decisions"] == 1  # the first decision, until the second
    assert repository.verify_integrity().ok
    handler.shutdown()
    repository.close()
