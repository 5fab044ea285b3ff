"""The quick check's two digest queries give the same digest per complaint.

Imports seal a few complaints by lookups (``DIGESTS``); the quick check and
the checkpoint hash the whole store by one scan per table (``ALL_DIGESTS``).
A seal written by one is compared with a digest made by the other, so they
must agree byte for byte, also where rows are missing (a null-extended join
must hash as a lookup that finds nothing) or edited.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.model import ComplaintForm, Remedy, RemedyKind, RootCause
from iso10002.serialization import from_dict

pytestmark = pytest.mark.postgres

try:
    import psycopg
    from psycopg import sql

    from iso10002.repositories.postgres._digests import ALL_DIGESTS, DIGESTS
except ImportError as exc:  # pragma: no cover - the postgres extra is missing
    if os.environ.get("ISO10002_REQUIRE_POSTGRES") == "1":
        raise
    pytest.skip(f"psycopg is not installed ({exc})", allow_module_level=True)

START = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
WEB = Actor("web-form", roles={"intake"})
AGENT = Actor("agent:1", roles={"complaints-manager"})
CAUSE = RootCause(category="billing run", corrective_action="CAPA-1")


def _complaints(repository, count):
    clock = FixedClock(START)
    handler = ComplaintsHandler(
        repository,
        clock=clock,
        calendar=WeekdayCalendar(zone="UTC"),
        store=InMemoryHandlerStore(),
    )
    ids = []
    for i in range(count):
        form = {
            "complainant": {"name": f"Sam {i}", "email": f"s{i}@example.org"},
            "description": f"Charged twice, case {i} \u00e9\u2014\U0001f4a1",
        }
        cid = handler.receive(
            from_dict(ComplaintForm, form), actor=WEB, channel="web"
        ).id
        ids.append(cid)
        clock.advance(timedelta(minutes=7))
        if i % 3 == 0:
            continue  # received only: no child rows at all
        handler.acknowledge(cid, actor=AGENT)
        handler.assess(cid, actor=AGENT, category=f"billing {i % 2}")
        handler.assign(cid, actor=AGENT, assignee="agent:2")
        handler.assign(cid, actor=AGENT, assignee="agent:3")
        if i % 3 == 2:
            handler.investigate(cid, actor=AGENT)
            handler.decide(
                cid,
                actor=AGENT,
                outcome="upheld",
                summary="Refunded.",
                reasons="Charged twice.",
                escalation_route="You may refer this to the ombudsman.",
                remedies=[
                    Remedy(
                        kind=RemedyKind.REFUND, amount=Decimal("9.99"), currency="GBP"
                    ),
                    Remedy(kind=RemedyKind.APOLOGY),
                ],
            )
            handler.communicate_decision(cid, actor=AGENT)
            handler.close(cid, actor=AGENT, root_cause=CAUSE)
    return ids, handler


def _both(dsn, schema):
    s = sql.Identifier(schema)
    with psycopg.connect(dsn) as conn:
        few = sql.SQL(DIGESTS).format(
            s=s, seals=sql.SQL(" FROM {s}.complaints c").format(s=s)
        )
        by_lookup = {row[0]: row[2] for row in conn.execute(few).fetchall()}
        every = sql.SQL(ALL_DIGESTS).format(s=s, seals=sql.SQL(""), sealed=sql.SQL(""))
        by_scan = {row[0]: row[2] for row in conn.execute(every).fetchall()}
    return by_lookup, by_scan


def test_lookups_and_scans_hash_alike(new_store, iso10002_postgres_dsn):
    """Same digests for complaints with and without child rows, found and stale."""
    repository = new_store()
    ids, handler = _complaints(repository, 9)
    assert repository.fill_stale_findings() == len(ids)
    handler.assign(ids[1], actor=AGENT, assignee="agent:4")  # stale again
    handler.shutdown()
    by_lookup, by_scan = _both(iso10002_postgres_dsn, repository.schema)
    assert set(by_lookup) == set(ids)
    assert by_scan == by_lookup
    repository.close()


@pytest.mark.parametrize(
    "edit",
    [
        "DELETE FROM {s}.kpi_facts WHERE complaint_id = %s",
        "DELETE FROM {s}.kpi_flags WHERE complaint_id = %s",
        "DELETE FROM {s}.kpi_keys WHERE complaint_id = %s",
        "DELETE FROM {s}.search_digests WHERE complaint_id = %s",
        "UPDATE {s}.kpi_remedies SET amount = '1.00' WHERE complaint_id = %s",
    ],
)
def test_missing_and_edited_rows_hash_alike(new_store, iso10002_postgres_dsn, edit):
    """A null-extended join hashes as a lookup finding nothing; edits show in both."""
    repository = new_store()
    ids, handler = _complaints(repository, 3)
    handler.shutdown()
    before = _both(iso10002_postgres_dsn, repository.schema)[0]
    with psycopg.connect(iso10002_postgres_dsn) as conn:
        conn.execute(
            sql.SQL(edit).format(s=sql.Identifier(repository.schema)), (ids[2],)
        )
    by_lookup, by_scan = _both(iso10002_postgres_dsn, repository.schema)
    assert by_scan == by_lookup
    assert by_lookup[ids[2]] != before[ids[2]]  # the edit changed the digest
    assert by_lookup[ids[0]] == before[ids[0]]
    repository.close()
