"""A save over the row last written sends only the KPI rows that changed.

The change is computed against the rows the same process wrote with the row
being written over; whatever the path, the stored rows must be the
complaint's own after every save: as rows are added, changed and removed,
after another process wrote, and after a host's transaction was rolled back.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.repositories.kpi_script import run_script

from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.model import ComplaintForm, RootCause
from iso10002.serialization import from_dict

try:
    import psycopg
    from psycopg import sql

    from iso10002.repositories._kpi_facts import FactRows, fact_rows
    from iso10002.repositories._rows import ComplaintRow
    from iso10002.repositories.postgres import PostgresComplaintRepository
    from iso10002.repositories.postgres._fact_changes import (
        COLUMNS,
        TABLE_NAMES,
        FactChanges,
        WrittenFacts,
        changed_rows,
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

# -- the change itself, without a server ------------------------------------

_ROWS = st.dictionaries(
    st.integers(0, 12), st.tuples(st.integers(0, 3), st.none() | st.binary(max_size=2))
).map(lambda rows: [("C-1", seq, *rest) for seq, rest in sorted(rows.items())])


@given(_ROWS, _ROWS)
def test_applying_the_change_gives_the_new_rows(before, after):
    """Delete the numbers that went, upsert the rows that changed: ``after``."""
    changed, gone = changed_rows(before, after)
    stored = {row[1]: row for row in before}
    for seq in gone:
        del stored[seq]
    for row in changed:
        stored[row[1]] = row
    assert sorted(stored.values()) == sorted(after)
    assert all(row not in before for row in changed)  # nothing sent twice


@given(_ROWS, st.lists(st.tuples(st.integers(0, 3), st.none()), max_size=4))
def test_rows_only_added_send_only_the_new_ones(before, extra):
    """The usual step appends rows: exactly those go, nothing is deleted."""
    start = len(before) and before[-1][1] + 1
    after = before + [("C-1", start + i, *rest) for i, rest in enumerate(extra)]
    assert changed_rows(before, after) == (after[len(before) :], [])


def _facts(n):
    return FactRows((n,), [], [], [], [], [("C", i) for i in range(n)])


def _row(cid="C-1", version=1, link="a", salt=b"s"):
    return ComplaintRow(
        complaint_id=cid,
        version=version,
        document="{}",
        salt=salt,
        last_link=link,
        received_us=0,
    )


def test_rows_are_remembered_only_for_the_row_they_were_written_with():
    """Another version, chain head or salt (an erasure) is not the same row."""
    written = WrittenFacts()
    written.remember(_row(), _facts(2))
    assert written.stored_with(_row()) == _facts(2)
    assert written.stored_with(_row(version=2)) is None
    assert written.stored_with(_row(link="b")) is None
    assert written.stored_with(_row(salt=b"t")) is None
    written.forget("C-1")
    assert written.stored_with(_row()) is None


def test_memory_is_bounded_by_complaints_and_by_rows():
    """The oldest go first, past either bound."""
    written = WrittenFacts(entries=2, rows=9)
    for i in range(3):
        written.remember(_row(f"C-{i}"), _facts(1))
    assert written.stored_with(_row("C-0")) is None
    assert written.stored_with(_row("C-2")) is not None
    written.remember(_row("C-3"), _facts(9))  # 1 + 9 rows: C-1 must go
    assert written.stored_with(_row("C-1")) is None
    assert written.stored_with(_row("C-2")) is None  # 1 + 9 > 9
    assert written.stored_with(_row("C-3")) is not None


def test_each_shape_is_composed_once_and_names_only_its_tables():
    """Only the child tables that changed are in a change's statement."""
    changes = FactChanges("s", [])
    keys_only = (False,) * 9 + (True, False)
    statement = changes.statement(keys_only)
    assert changes.statement(keys_only) is statement
    assert b'"kpi_keys"' in statement
    assert b'"kpi_deadlines"' not in statement
    assert b"DELETE" not in statement
    assert b'"kpi_facts"' not in statement
    assert b'"kpi_facts"' in changes.statement((*keys_only[:-1], True))


# -- on a server ----------------------------------------------------------------


def _plain(rows):
    return [
        tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows
    ]


def _stored(dsn, schema, cid):
    with psycopg.connect(dsn) as conn:
        found = []
        for table, name in enumerate(TABLE_NAMES):
            order = "" if table == 0 else " ORDER BY seq"
            found.append(
                _plain(
                    conn.execute(
                        sql.SQL("SELECT {} FROM {}.{} WHERE complaint_id = %s").format(
                            sql.SQL(", ").join(map(sql.Identifier, COLUMNS[table])),
                            sql.Identifier(schema),
                            sql.Identifier(name),
                        )
                        + sql.SQL(order),
                        (cid,),
                    ).fetchall()
                )
            )
        return found


def _expected(complaint):
    rows = fact_rows(complaint)
    return [_plain([rows.facts]), *(_plain(child) for child in rows[1:])]


@pytest.fixture
def shapes(monkeypatch):
    """The shapes of the saves sent as changes, in order."""
    sent = []
    change = FactChanges.change

    def spy(self, *args):
        found = change(self, *args)
        sent.append(found[0])
        return found

    monkeypatch.setattr(FactChanges, "change", spy)
    return sent


def _handler(repository, clock):
    return ComplaintsHandler(
        repository,
        clock=clock,
        calendar=WeekdayCalendar(zone="UTC"),
        store=InMemoryHandlerStore(),
    )


@pytest.mark.postgres
def test_every_save_leaves_the_complaints_own_rows(
    new_store, iso10002_postgres_dsn, shapes
):
    """Rows added and changed: after each save they are the complaint's."""
    repository = new_store()
    clock = FixedClock(START)
    handler = _handler(repository, clock)
    cid = handler.receive(from_dict(ComplaintForm, FORM), actor=WEB, channel="web").id

    def check():
        stored = _stored(iso10002_postgres_dsn, repository.schema, cid)
        assert stored == _expected(repository.get(cid))

    run_script(handler, clock, cid, assignments=4, check=check)
    # Every save (14 steps after the receipt) went as a change, writing rows
    # of at least three child tables, and the facts row, as they changed.
    assert len(shapes) == 14
    upserted = {t for s in shapes for t in range(5) if s[2 * t + 1]}
    assert len(upserted) >= 3
    assert any(s[-1] for s in shapes)
    assert repository.verify_integrity().ok
    handler.shutdown()
    repository.close()


@pytest.mark.postgres
def test_saves_from_two_processes_take_turns(new_store, iso10002_postgres_dsn, shapes):
    """A save over a row another process wrote replaces every row, then changes."""
    first = new_store()
    second = PostgresComplaintRepository(
        iso10002_postgres_dsn, schema=first.schema, pool_size=1
    )
    clock = FixedClock(START)
    handlers = [_handler(first, clock), _handler(second, clock)]
    cid = (
        handlers[0].receive(from_dict(ComplaintForm, FORM), actor=WEB, channel="web").id
    )
    handlers[0].acknowledge(cid, actor=AGENT)
    for i in range(6):
        clock.advance(timedelta(minutes=5))
        handler = handlers[(i // 2) % 2]  # two saves each, in turn
        handler.assign(cid, actor=AGENT, assignee=f"agent:{i}")
        stored = _stored(iso10002_postgres_dsn, first.schema, cid)
        assert stored == _expected(first.get(cid))
    # Sent as changes: the acknowledgement (over the receipt), the first
    # turn's two saves, and the second save of each later turn; each later
    # turn's first save wrote over the other process's row, whole.
    assert len(shapes) == 5
    assert first.verify_integrity().ok
    for handler in handlers:
        handler.shutdown()
    second.close()
    first.close()


@pytest.mark.postgres
def test_a_save_rolled_back_with_the_host_is_not_remembered(
    new_store, iso10002_postgres_dsn
):
    """After the host's rollback, the next save sends the rows the store lacks."""
    repository = new_store()
    clock = FixedClock(START)
    handler = _handler(repository, clock)
    cid = handler.receive(from_dict(ComplaintForm, FORM), actor=WEB, channel="web").id
    handler.acknowledge(cid, actor=AGENT)

    class HostFailure(Exception):
        pass

    with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
        host = PostgresComplaintRepository(conn, schema=repository.schema)
        host_handler = _handler(host, clock)
        host_handler.assign(cid, actor=AGENT, assignee="agent:7")  # remembered

        def rolled_back():
            with conn.transaction():
                host_handler.assign(cid, actor=AGENT, assignee="agent:8")
                raise HostFailure

        with pytest.raises(HostFailure):
            rolled_back()
        # The same step again, in the same process, after a read: the stored
        # row is the one before the rolled-back save (the step writes over
        # it at once), and the rows that save would have added must be sent.
        assert host.get(cid).assignee == "agent:7"
        host_handler.assign(cid, actor=AGENT, assignee="agent:8")
        host_handler.shutdown()
    stored = _stored(iso10002_postgres_dsn, repository.schema, cid)
    assert stored == _expected(repository.get(cid))
    assert [r[3] for r in stored[5]] == ["assignee"]  # agent:7, until agent:8
    assert repository.verify_integrity().ok
    handler.shutdown()
    repository.close()
