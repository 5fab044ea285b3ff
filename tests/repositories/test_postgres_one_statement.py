"""A step over the row last written goes as one statement, checks kept.

The ``UPDATE`` of the complaint row, the change of its KPI rows and its new
events are one ``WITH`` statement, run as its own transaction. These tests
hold it to what the pipelined batch promised: positions in order, nothing
stored when the row moved on or when the server refuses any part, and the
pipelined batch kept where one statement cannot do (a host's transaction, new
search terms).
"""

from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.errors import ConflictError, IntegrityError, RepositoryError
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.model import Classification, ComplaintForm, LinkKind
from iso10002.serialization import from_dict
from iso10002.testing.contract import make_complaint, next_version

try:
    import psycopg

    from iso10002.repositories.postgres import PostgresComplaintRepository
    from iso10002.repositories.postgres._one_statement import OneStatement, numbered
    from iso10002.repositories.postgres._rows import PostgresRows
except ImportError as exc:  # pragma: no cover - the postgres extra is missing
    if os.environ.get("ISO10002_REQUIRE_POSTGRES") == "1":
        raise
    pytest.skip(f"psycopg is not installed ({exc})", allow_module_level=True)

START = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
WEB = Actor("web-form", roles={"intake"})
AGENT = Actor("agent:1", roles={"complaints-manager"})
FORM = {
    "complainant": {"name": "Sam Taylor", "email": "sam@example.org"},
    "description": "I was charged twice for my March bill.",
}

# -- numbering placeholders, without a server --------------------------------

_TEXT = st.text(st.characters(codec="ascii", exclude_characters="%"), max_size=12).map(
    str.encode
)


@given(st.lists(st.tuples(_TEXT, st.sampled_from([b"%s", b"%b", b"%t"]))), _TEXT)
def test_placeholders_are_numbered_in_order(pieces, tail):
    """Every placeholder becomes $1, $2 … in order; the text between is kept."""
    statement = b"".join(text + mark for text, mark in pieces) + tail
    out = numbered(statement)
    expected = b"".join(
        text + b"$%d" % n for n, (text, _) in enumerate(pieces, start=1)
    )
    assert out == expected + tail
    assert b"%" not in out


@pytest.mark.parametrize("statement", [b"SELECT 100%%", b"a LIKE 'x%'", b"%(name)s"])
def test_a_percent_that_is_no_placeholder_is_refused(statement):
    """A literal % (or a named placeholder) cannot be numbered safely."""
    with pytest.raises(ValueError, match="only in placeholders"):
        numbered(statement)


# -- against a server ----------------------------------------------------------


@pytest.fixture
def sent(monkeypatch):
    """The number of events of each step sent as one statement, in order."""
    counts: list[int] = []
    params = OneStatement.event_params

    def spy(lock_args, complaint_id, events):
        counts.append(len(events))
        return params(lock_args, complaint_id, events)

    monkeypatch.setattr(OneStatement, "event_params", staticmethod(spy))
    return counts


def _handler(repository):
    return ComplaintsHandler(
        repository,
        clock=FixedClock(START),
        calendar=WeekdayCalendar(zone="UTC"),
        store=InMemoryHandlerStore(),
    )


def _receive(handler):
    form = from_dict(ComplaintForm, FORM)
    return handler.receive(form, actor=WEB, channel="web").id


def _feed(dsn, schema, complaint_id):
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(
            f'SELECT position, sequence FROM "{schema}".events'
            " WHERE complaint_id = %s ORDER BY position",
            (complaint_id,),
        ).fetchall()


def _facts_row(dsn, schema):
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(
            f'SELECT * FROM "{schema}".kpi_facts WHERE complaint_id = %s',
            ("C-000001",),
        ).fetchall()


def _refuse(dsn, schema, table, errcode):
    """Make the server refuse every insert into ``table`` with ``errcode``."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            f'CREATE FUNCTION "{schema}".refuse() RETURNS trigger LANGUAGE plpgsql'
            f" AS $$ BEGIN RAISE EXCEPTION 'refused' USING ERRCODE = '{errcode}';"
            " END $$"
        )
        conn.execute(
            f'CREATE TRIGGER refuse BEFORE INSERT ON "{schema}".{table}'
            f' FOR EACH ROW EXECUTE FUNCTION "{schema}".refuse()'
        )


def _allow(dsn, schema, table):
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP TRIGGER refuse ON "{schema}".{table}')
        conn.execute(f'DROP FUNCTION "{schema}".refuse()')


@pytest.mark.postgres
def test_two_events_of_one_step_take_positions_in_their_order(
    new_store, iso10002_postgres_dsn, sent
):
    """A duplicate link withdraws too: two events, one statement, in order."""
    repository = new_store()
    handler = _handler(repository)
    first, second = _receive(handler), _receive(handler)
    handler.acknowledge(second, actor=AGENT)
    sent.clear()
    handler.link(second, actor=AGENT, to=first, kind=LinkKind.DUPLICATE_OF)
    assert sent == [2]
    stored = repository.get(second)
    assert [e.trigger for e in stored.history[-2:]] == ["link", "withdraw"]
    feed = _feed(iso10002_postgres_dsn, repository.schema, second)
    assert [s for _, s in feed] == [1, 2, 3, 4]
    assert [p for p, _ in feed] == sorted(p for p, _ in feed)
    assert repository.verify_integrity().ok
    handler.shutdown()


@pytest.mark.postgres
def test_a_step_over_a_row_another_process_moved_stores_nothing_of_it(
    new_store, iso10002_postgres_dsn, sent
):
    """The refused statement stores nothing; the save then reports the conflict."""
    repository = new_store()
    other = PostgresComplaintRepository(
        iso10002_postgres_dsn, schema=repository.schema, pool_size=1
    )
    repository.add(make_complaint(1))
    current = repository.get("C-000001")
    mine = next_version(current, assignee="agent:2")
    repository.save(mine, expected_version=1)  # now remembered here
    theirs = next_version(other.get("C-000001"), assignee="agent:9")
    other.save(theirs, expected_version=2)
    sent.clear()
    with pytest.raises(ConflictError):
        repository.save(next_version(mine, assignee="agent:3"), expected_version=2)
    assert sent == [1]  # tried as one statement, refused by the server
    assert repository.get("C-000001") == theirs
    assert len(_feed(iso10002_postgres_dsn, repository.schema, "C-000001")) == 3
    assert repository.verify_integrity().ok
    other.close()


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("errcode", "error"),
    [("23514", IntegrityError), ("P0001", RepositoryError)],
    ids=["integrity", "other"],
)
def test_a_part_the_server_refuses_stores_nothing(
    new_store, iso10002_postgres_dsn, sent, errcode, error
):
    """A refused facts row stops the whole statement; a later save goes through."""
    repository = new_store()
    handler = _handler(repository)
    cid = _receive(handler)
    handler.acknowledge(cid, actor=AGENT)
    before = repository.get(cid)
    # Every step here changes the facts row (its version, at least).
    _refuse(iso10002_postgres_dsn, repository.schema, "kpi_facts", errcode)
    sent.clear()
    with pytest.raises(error):
        handler.assign(cid, actor=AGENT, assignee="agent:2")
    assert sent  # the step went as one statement first
    assert repository.get(cid) == before
    assert len(_feed(iso10002_postgres_dsn, repository.schema, cid)) == 2
    _allow(iso10002_postgres_dsn, repository.schema, "kpi_facts")
    handler.assign(cid, actor=AGENT, assignee="agent:2")
    assert repository.get(cid).assignee == "agent:2"
    assert repository.verify_integrity().ok
    handler.shutdown()


@pytest.mark.postgres
def test_in_a_host_transaction_the_batch_is_pipelined(
    new_store, iso10002_postgres_dsn, sent
):
    """Inside the host's transaction the step is not sent as its own statement."""
    repository = new_store()
    repository.add(make_complaint(1))
    current = repository.get("C-000001")
    saved = next_version(current, assignee="agent:2")
    repository.save(saved, expected_version=1)
    sent.clear()
    with psycopg.connect(iso10002_postgres_dsn) as conn:
        host = PostgresComplaintRepository(conn, schema=repository.schema)
        later = next_version(host.get("C-000001"), assignee="agent:3")
        host.save(later, expected_version=2)
        again = next_version(later, assignee="agent:4")
        host.save(again, expected_version=3)
        conn.rollback()
    assert sent == []
    assert repository.get("C-000001") == saved
    assert repository.verify_integrity().ok


@pytest.mark.postgres
def test_the_feed_lock_is_taken_after_the_other_parts_ran(
    new_store, iso10002_postgres_dsn
):
    """Waiting for the feed lock, the step has already written its row and facts.

    So the lock is held for the events and the commit only; and the events'
    positions, drawn after the lock, follow commit order.
    """
    repository = new_store()
    schema = repository.schema
    repository.add(make_complaint(1))
    current = repository.get("C-000001")
    saved = next_version(current, assignee="agent:2")
    repository.save(saved, expected_version=1)  # now remembered here
    failures: list[BaseException] = []

    def step():
        try:
            repository.save(next_version(saved, assignee="agent:3"), expected_version=2)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s, %s)", repository._sql.lock_args)
        thread = threading.Thread(target=step)
        thread.start()
        with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as probe:
            for _ in range(200):  # bounded: 10 s at most
                waiting = probe.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                    " AND NOT granted AND classid = %s AND objid = %s",
                    (
                        repository._sql.lock_args[0],
                        repository._sql.lock_args[1] % 2**32,
                    ),
                ).fetchone()[0]
                if waiting:
                    break
                time.sleep(0.05)
            assert waiting == 1, "the step never waited for the feed lock"
            for table in ("complaints", "kpi_facts"):
                column = "id" if table == "complaints" else "complaint_id"
                with pytest.raises(psycopg.errors.LockNotAvailable):
                    probe.execute(
                        f'SELECT 1 FROM "{schema}".{table}'
                        f" WHERE {column} = %s FOR UPDATE NOWAIT",
                        ("C-000001",),
                    )
        holder.execute("SELECT pg_advisory_unlock(%s, %s)", repository._sql.lock_args)
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert failures == []
    assert repository.get("C-000001").assignee == "agent:3"
    assert repository.verify_integrity().ok


@pytest.mark.postgres
def test_the_statement_stores_nothing_over_a_row_not_the_one_held(
    new_store, iso10002_postgres_dsn, sent, monkeypatch
):
    """A row whose salt moved (no new event to collide with) refuses it all."""
    repository = new_store()
    repository.add(make_complaint(1))
    current = repository.get("C-000001")
    saved = next_version(current, assignee="agent:2")
    repository.save(saved, expected_version=1)  # now remembered here
    schema = repository.schema
    kpi_before = _facts_row(iso10002_postgres_dsn, schema)
    with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
        conn.execute(
            f'UPDATE "{schema}".complaints SET salt = %s WHERE id = %s',
            (b"\x00" * 16, "C-000001"),
        )

    class Fallback(Exception):
        pass

    def fallback(*_args):
        raise Fallback

    monkeypatch.setattr(PostgresRows, "locked", fallback)
    sent.clear()
    with pytest.raises(Fallback):
        repository.save(next_version(saved, assignee="agent:3"), expected_version=2)
    assert sent == [1]  # tried as one statement, which stored nothing
    assert len(_feed(iso10002_postgres_dsn, schema, "C-000001")) == 2
    assert _facts_row(iso10002_postgres_dsn, schema) == kpi_before


@pytest.mark.postgres
def test_a_document_holding_the_escape_mark_is_escaped_in_one_statement(
    new_store, iso10002_postgres_dsn, sent
):
    """A head holding the escape mark is escaped, not sent as it is.

    (The escape keeps NUL out of JSONB, which refuses it; the model refuses
    NUL in a document's fields today, the mark itself it accepts.)
    """
    repository = new_store()
    repository.add(make_complaint(1))
    current = repository.get("C-000001")
    tags = ("a\ue000\ue002b", "\ue000x")
    tagged = next_version(
        current, classification=Classification(category="billing", tags=tags)
    )
    repository.save(tagged, expected_version=1)
    sent.clear()
    later = next_version(tagged, assignee="agent:2")
    repository.save(later, expected_version=2)
    assert sent == [1]
    assert repository.get("C-000001").classification.tags == tags
    with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
        escaped = conn.execute(
            f'SELECT document_escaped FROM "{repository.schema}".complaints'
            " WHERE id = %s",
            ("C-000001",),
        ).fetchone()[0]
    assert escaped
    assert repository.verify_integrity().ok
