"""PostgreSQL saves in few round trips, with the checks of a save kept.

A round trip is counted where the client asks the server to answer what it
sent so far (a ``Sync``, or a simple ``Query``, in libpq's protocol trace):
it waits once per batch. A handler step on a remembered complaint sends its
whole write (update, events, KPI rows, commit) as one statement; a save
whose search terms change sends it as one pipelined batch.
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime, timedelta, timezone

import pytest

from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.errors import ConflictError, DuplicateError, IntegrityError
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.model import ComplaintForm, DueDate
from iso10002.repositories import Query, RowStoreRepository
from iso10002.repositories.rows import (
    CheckedRows,
    DerivedRows,
    HeadRows,
    RememberedRows,
    RowStore,
)
from iso10002.serialization import from_dict
from iso10002.testing.contract import make_complaint, next_version
from iso10002.vocabulary import Meaning, standard_event

pytestmark = pytest.mark.postgres

try:
    import psycopg
    from psycopg import pq
    from psycopg_pool import ConnectionPool

    from iso10002.repositories.postgres import PostgresComplaintRepository
except ImportError as exc:  # pragma: no cover - the postgres extra is missing
    if os.environ.get("ISO10002_REQUIRE_POSTGRES") == "1":
        raise
    pytest.skip(f"psycopg is not installed ({exc})", allow_module_level=True)

START = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)


class Trace:
    """Count the round trips of one pool connection through libpq's trace."""

    def __init__(self, path):
        self.path = path
        self.file = path.open("w")

    def configure(self, conn):
        conn.pgconn.trace(self.file.fileno())
        conn.pgconn.set_trace_flags(
            pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE
        )

    def _size(self):
        self.file.flush()
        return self.path.stat().st_size

    def _sent(self, action):
        """Run ``action`` and return the message names the client sent."""
        start = self._size()
        self.last = action()
        with self.path.open() as f:
            f.seek(start)
            text = f.read(self._size() - start)
        return [
            line.split("\t")[2] for line in text.splitlines() if line.startswith("F\t")
        ]

    def round_trips(self, action):
        """Run ``action`` and return how many batches the client sent."""
        return sum(name in ("Sync", "Query") for name in self._sent(action))

    def statements(self, action):
        """Run ``action`` and return how many statements the client ran."""
        return sum(name in ("Bind", "Query") for name in self._sent(action))


@pytest.fixture
def dsn(iso10002_postgres_dsn):
    if pq.version() < 140000:  # pragma: no cover - trace flags need libpq 14
        pytest.skip("libpq older than 14 cannot trace without timestamps")
    return iso10002_postgres_dsn


@pytest.fixture
def schema(dsn):
    name = f"iso10002_r{secrets.token_hex(4)}"
    yield name
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture
def trace(tmp_path):
    traced = Trace(tmp_path / "libpq.trace")
    yield traced
    traced.file.close()


@pytest.fixture
def repository(dsn, schema, trace):
    """A repository on a pool of one traced connection."""
    pool = ConnectionPool(
        dsn,
        min_size=1,
        max_size=1,
        kwargs={"autocommit": True},
        configure=trace.configure,
        open=True,
    )
    repo = PostgresComplaintRepository(pool, schema=schema)
    yield repo
    repo.close()
    pool.close()


@pytest.fixture
def other(dsn, schema, repository):
    """A second repository on the same store (another process, in effect)."""
    repo = PostgresComplaintRepository(dsn, schema=schema)
    yield repo
    repo.close()


def _events(dsn, schema, complaint_id):
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            f'SELECT count(*) FROM "{schema}".events WHERE complaint_id = %s',
            (complaint_id,),
        ).fetchone()
    return row[0]


class TestRoundTrips:
    @staticmethod
    def _handler(repository):
        return ComplaintsHandler(
            repository,
            clock=FixedClock(START),
            calendar=WeekdayCalendar(zone="UTC"),
            store=InMemoryHandlerStore(),
        )

    @staticmethod
    def _received(handler):
        form = from_dict(
            ComplaintForm,
            {
                "complainant": {"name": "Sam Taylor", "email": "sam@example.org"},
                "description": "I was charged twice for my March bill.",
            },
        )
        return handler.receive(
            form, actor=Actor("web-form", roles={"intake"}), channel="web"
        )

    def test_a_handler_step_on_a_remembered_complaint_is_one_batch(
        self, repository, trace
    ):
        """No read: the write goes as one batch, checked against the version held."""
        agent = Actor("agent:1", roles={"complaints-manager"})
        handler = self._handler(repository)
        received = self._received(handler)
        handler.acknowledge(received.id, actor=agent)
        for assignee in ("agent:2", "agent:3"):
            assert (
                trace.round_trips(
                    lambda a=assignee: handler.assign(
                        received.id, actor=agent, assignee=a
                    )
                )
                == 1
            )
        assert repository.get(received.id).assignee == "agent:3"
        assert repository.verify_integrity().ok

    def test_a_handler_step_is_one_read_and_one_write(self, repository, trace, other):
        """A complaint not remembered here is read once, then written as one batch."""
        agent = Actor("agent:1", roles={"complaints-manager"})
        received = self._received(self._handler(other))
        handler = self._handler(repository)
        assign = lambda: handler.assign(  # noqa: E731 - one step, run once
            received.id, actor=agent, assignee="agent:2"
        )
        assert trace.round_trips(assign) == 2
        assert repository.get(received.id).assignee == "agent:2"

    def test_a_step_over_another_writers_change_reads_and_writes_again(
        self, repository, other, dsn, schema
    ):
        """The remembered version is refused in its batch: read, then write again."""
        agent = Actor("agent:1", roles={"complaints-manager"})
        handler = self._handler(repository)
        received = self._received(handler)
        handler.acknowledge(received.id, actor=agent)
        self._handler(other).assign(received.id, actor=agent, assignee="agent:9")
        # The batch over the remembered version is refused; the step reads
        # and writes again (more round trips, only when another writer came
        # between).
        handler.assign(received.id, actor=agent, assignee="agent:2")
        stored = repository.get(received.id)
        assert stored.assignee == "agent:2"
        assert stored.version == 4  # receipt, acknowledgement, theirs, ours
        # Nothing of the refused batch was stored: receipt, two steps, ours.
        assert _events(dsn, schema, received.id) == 4
        assert repository.verify_integrity().ok

    def test_a_handler_step_runs_one_statement(self, repository, trace):
        """A step's write is one statement: update, KPI rows and events (CTEs)."""
        agent = Actor("agent:1", roles={"complaints-manager"})
        handler = self._handler(repository)
        received = self._received(handler)
        handler.acknowledge(received.id, actor=agent)
        assign = lambda: handler.assign(  # noqa: E731 - one step, run once
            received.id, actor=agent, assignee="agent:2"
        )
        # UPDATE, KPI rows and events in one statement (its own transaction);
        # no read.
        assert trace.statements(assign) == 1
        assert repository.verify_integrity().ok

    def test_kpi_rows_follow_lists_that_grow_and_shrink(self, repository):
        """Saves that add and drop deadlines leave exactly the new version's rows."""
        base = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
        complaint = make_complaint(1)
        repository.add(complaint)
        for steps in (("a", "b", "c"), ("a",), (), ("x", "y"), ("y", "x")):
            due = tuple(
                DueDate(step=step, due_at=base + timedelta(days=n))
                for n, step in enumerate(steps, start=1)
            )
            later = next_version(complaint, deadlines=due)
            repository.save(later, expected_version=complaint.version)
            complaint = later
            assert repository.verify_integrity().ok, steps
        assert repository.get("C-000001") == complaint

    def test_kpi_toggle_rows_numbered_from_two_survive_later_saves(self, repository):
        """Toggle rows (numbered from 2) stay exact as closings and reopenings add."""
        complaint = make_complaint(1)
        repository.add(complaint)
        meanings = [Meaning.CLOSED, Meaning.REOPENED] * 3 + [Meaning.INVESTIGATED]
        for meaning in meanings:
            later = next_version(complaint, name=standard_event(meaning))
            repository.save(later, expected_version=complaint.version)
            complaint = later
            assert repository.verify_integrity().ok, meaning

    def test_a_save_after_a_read_is_one_round_trip(self, repository, trace):
        """Saving the version after the one just read sends one batch."""
        repository.add(make_complaint(1))
        current = repository.get("C-000001")
        saved = next_version(current, assignee="agent:2")
        count = trace.round_trips(
            lambda: repository.save(saved, expected_version=current.version)
        )
        assert count == 1
        assert repository.get("C-000001") == saved

    def test_an_add_is_one_round_trip(self, repository, trace):
        """Adding a complaint sends its rows, events and indexes as one batch."""
        complaint = make_complaint(1, events=3)
        assert trace.round_trips(lambda: repository.add(complaint)) == 1
        assert repository.get("C-000001") == complaint

    def test_a_refused_add_costs_a_few_more_round_trips(self, repository, trace):
        """An add whose key is taken reads what holds it, and stores nothing."""
        repository.add(make_complaint(1), idempotency_key="k-1")

        def add_again():
            with pytest.raises(DuplicateError) as caught:
                repository.add(make_complaint(2), idempotency_key="k-1")
            return caught.value

        # The batch, its rollback (psycopg's, with its prepared statements),
        # then the read of what holds the key.
        assert trace.round_trips(add_again) <= 4
        assert trace.last.complaint_id == "C-000001"
        assert repository.count(Query()) == 1
        assert repository.verify_integrity().ok

    def test_consecutive_saves_are_one_round_trip_each(self, repository, trace):
        """A save chains to the head the previous save wrote, without a read."""
        complaint = make_complaint(1)
        repository.add(complaint)
        for i in range(3):
            later = next_version(complaint, assignee=f"agent:{i}")
            count = trace.round_trips(
                lambda c=complaint, n=later: repository.save(
                    n, expected_version=c.version
                )
            )
            assert count == 1
            complaint = later
        assert repository.get("C-000001") == complaint
        assert repository.verify_integrity().ok

    def test_lending_a_pooled_connection_costs_no_round_trip(self, dsn, schema, trace):
        """The pool a repository opens checks an idle connection without a query."""
        repository = PostgresComplaintRepository(dsn, schema=schema, pool_size=1)
        try:
            repository.add(make_complaint(1))
            with repository._db.connection() as conn:
                trace.configure(conn)

            def step():
                current = repository.get("C-000001")
                later = next_version(current, assignee="agent:2")
                repository.save(later, expected_version=current.version)

            assert trace.round_trips(step) == 2
        finally:
            repository.close()

    def test_a_save_without_a_known_head_reads_it_first(self, repository, other, trace):
        """A save of a complaint this repository never read reads its head first."""
        other.add(make_complaint(1))
        current = other.get("C-000001")
        saved = next_version(current, assignee="agent:2")
        count = trace.round_trips(
            lambda: repository.save(saved, expected_version=current.version)
        )
        assert count <= 4
        assert other.get("C-000001") == saved
        assert repository.verify_integrity().ok


class TestChecksKept:
    def test_a_stale_save_names_the_stored_version_and_stores_nothing(
        self, repository, other, dsn, schema
    ):
        """A save over a head another writer moved raises ConflictError, no rows."""
        repository.add(make_complaint(1))
        current = repository.get("C-000001")
        other.save(next_version(current, assignee="agent:9"), expected_version=1)
        with pytest.raises(ConflictError) as caught:
            repository.save(next_version(current), expected_version=1)
        assert caught.value.actual_version == 2
        assert _events(dsn, schema, "C-000001") == 2
        assert repository.get("C-000001").assignee == "agent:9"
        assert repository.verify_integrity().ok

    def test_a_remembered_head_that_was_rolled_back_is_read_again(
        self, repository, other, dsn, schema
    ):
        """A head remembered from a rolled-back save costs a re-read, not an error."""
        other.add(make_complaint(1))
        with psycopg.connect(dsn, autocommit=True) as conn:
            host = PostgresComplaintRepository(conn, schema=schema)
            current = host.get("C-000001")
            with conn.transaction(force_rollback=True):
                host.save(next_version(current, assignee="x"), expected_version=1)
            # Another writer stores a different version 2 ...
            other.save(next_version(current, assignee="agent:7"), expected_version=1)
            stored = other.get("C-000001")
            # ... and the host saves version 3 over it.
            later = next_version(stored, assignee="agent:8")
            host.save(later, expected_version=2)
        assert other.get("C-000001") == later
        assert _events(dsn, schema, "C-000001") == 3
        assert other.verify_integrity().ok

    def test_a_stale_save_in_a_host_transaction_leaves_it_usable(
        self, repository, other, dsn, schema
    ):
        """A ConflictError inside the host's transaction rolls back only the save."""
        other.add(make_complaint(1))
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'CREATE TABLE "{schema}".host_rows (id int)')
            host = PostgresComplaintRepository(conn, schema=schema)
            current = host.get("C-000001")
            other.save(next_version(current, assignee="agent:7"), expected_version=1)
            with conn.transaction():
                conn.execute(f'INSERT INTO "{schema}".host_rows VALUES (1)')
                with pytest.raises(ConflictError):
                    host.save(next_version(current), expected_version=1)
                fresh = host.get("C-000001")
                host.save(next_version(fresh, assignee="agent:8"), expected_version=2)
            rows = conn.execute(f'SELECT count(*) FROM "{schema}".host_rows')
            assert rows.fetchone()[0] == 1
        assert other.get("C-000001").assignee == "agent:8"
        assert other.verify_integrity().ok

    def test_a_statement_refused_mid_batch_stores_nothing(
        self, repository, dsn, schema
    ):
        """When the server refuses one statement of the batch, none is stored."""
        repository.add(make_complaint(1))
        current = repository.get("C-000001")
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(
                f'CREATE FUNCTION "{schema}".refuse() RETURNS trigger'
                " LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$"
            )
            conn.execute(
                f'CREATE TRIGGER refuse BEFORE INSERT ON "{schema}".search_terms'
                f' FOR EACH ROW EXECUTE FUNCTION "{schema}".refuse()'
            )
        changed = next_version(current, description="A new text to index.")
        with pytest.raises(IntegrityError):
            repository.save(changed, expected_version=1)
        assert repository.get("C-000001") == current
        assert _events(dsn, schema, "C-000001") == 1
        assert repository.verify_integrity().ok
        # The pool's connection is usable again.
        assert repository.get("C-000001").version == 1

    def test_an_error_while_sending_stores_nothing(self, repository, monkeypatch):
        """When the client fails half-way through the batch, it is rolled back."""
        repository.add(make_complaint(1))
        current = repository.get("C-000001")
        facts = repository._sql.facts
        write = facts.write_one

        def failing(cur, complaint, **options):
            write(cur, complaint, **options)
            raise RuntimeError

        monkeypatch.setattr(facts, "write_one", failing)
        # A new text to index: the write goes as a pipelined batch (the
        # search terms change), not as one statement.
        with pytest.raises(RuntimeError):
            repository.save(
                next_version(current, description="Charged three times."),
                expected_version=1,
            )
        monkeypatch.undo()
        assert repository.get("C-000001") == current
        assert repository.verify_integrity().ok
        saved = next_version(current, assignee="agent:2")
        repository.save(saved, expected_version=1)
        assert repository.get("C-000001") == saved

    def test_erasure_forgets_the_head_and_its_salt(self, repository):
        """After an erasure the next save chains to the new salt."""
        repository.add(make_complaint(1))
        current = repository.get("C-000001")
        erased = repository.erase_personal_data(
            "C-000001", actor="dpo", at=current.history[-1].at
        )
        assert repository._heads.last.get("C-000001") is None
        saved = next_version(erased, assignee="agent:2")
        repository.save(saved, expected_version=erased.version)
        assert repository.get("C-000001") == saved
        assert repository.verify_integrity().ok


def test_the_store_is_a_row_store_with_all_four_capabilities(repository):
    """The adapter is a RowStoreRepository over a store offering every capability."""
    assert isinstance(repository, RowStoreRepository)
    store = repository.store
    for capability in (RowStore, HeadRows, CheckedRows, DerivedRows, RememberedRows):
        assert isinstance(store, capability)
