"""PostgresComplaintRepository on a real server: the contract, then specifics."""

from __future__ import annotations

import functools
import os
import secrets
import signal
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone

import pytest

from iso10002.clock import FixedClock
from iso10002.errors import (
    DuplicateError,
    IntegrityError,
    RepositoryError,
    ValidationError,
)
from iso10002.history import amend
from iso10002.model import Classification, DueDate
from iso10002.repositories import Query
from iso10002.repositories.postgres._schema import MIGRATIONS
from iso10002.testing.contract import (
    Capability,
    RepositoryContract,
    make_complaint,
    next_version,
)

pytestmark = pytest.mark.postgres

_REQUIRED = os.environ.get("ISO10002_REQUIRE_POSTGRES") == "1"

try:
    import psycopg

    from iso10002.repositories.postgres import PostgresComplaintRepository
except ImportError as exc:  # pragma: no cover - the postgres extra is missing
    if _REQUIRED:
        raise
    pytest.skip(f"psycopg is not installed ({exc})", allow_module_level=True)


@pytest.fixture(scope="module")
def postgres_dsn(iso10002_postgres_dsn):
    """Use the plugin's DSN (skips without a server, fails under REQUIRE_POSTGRES)."""
    return iso10002_postgres_dsn


@pytest.fixture(scope="module")
def schema_names(postgres_dsn):
    """Hand out fresh schema names for this run; drop them all at the end."""
    prefix = f"iso10002_t{secrets.token_hex(4)}_"
    counter = iter(range(1, 1_000_000))
    yield lambda: f"{prefix}{next(counter)}"
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)",
                (prefix,),
            )
        ]
        for name in names:
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')


@pytest.fixture
def admin(postgres_dsn):
    """A superuser connection for editing rows behind the repository's back."""
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        yield conn


def _tamper(dsn, schema, statement, params):
    with psycopg.connect(dsn, autocommit=True) as conn:
        # Disables the append-only trigger, as someone with direct access could.
        conn.execute("SET session_replication_role = replica")
        conn.execute(statement.replace("{s}", f'"{schema}"'), params)


class TestPostgresContract(RepositoryContract):
    capabilities = frozenset(
        {
            Capability.CLAIM_NEXT,
            Capability.MULTI_PROCESS,
            Capability.RAW_ACCESS,
            Capability.SEARCH,
        }
    )
    volume = 300

    @pytest.fixture
    def repository_factory(self, postgres_dsn, schema_names):
        return lambda: PostgresComplaintRepository(postgres_dsn, schema=schema_names())

    @pytest.fixture
    def process_repository_factory(self, repository, postgres_dsn):
        return functools.partial(
            PostgresComplaintRepository,
            postgres_dsn,
            schema=repository.schema,
            pool_size=1,
        )

    @pytest.fixture(autouse=True)
    def _dsn(self, postgres_dsn):
        self.dsn = postgres_dsn

    def tamper_event(self, repository, complaint_id, sequence):
        _tamper(
            self.dsn,
            repository.schema,
            "UPDATE {s}.events"
            ' SET event = (event::jsonb || \'{"actor": "mallory"}\')::json'
            " WHERE complaint_id = %s AND sequence = %s",
            (complaint_id, sequence),
        )

    def stored_salt(self, repository, complaint_id):
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            row = conn.execute(
                f'SELECT salt FROM "{repository.schema}".complaints WHERE id = %s',
                (complaint_id,),
            ).fetchone()
        return bytes(row[0])

    def corrupt_document(self, repository, complaint_id):
        _tamper(
            self.dsn,
            repository.schema,
            'UPDATE {s}.complaints SET document = \'{"id": 1, "status": []}\''
            " WHERE id = %s",
            (complaint_id,),
        )


@pytest.fixture
def repository(postgres_dsn, schema_names):
    repo = PostgresComplaintRepository(postgres_dsn, schema=schema_names())
    yield repo
    repo.close()


def _run_script(code, *args):
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


class TestSchema:
    def test_schema_version_is_recorded_once(self, repository, postgres_dsn, admin):
        """Opening a store twice applies each migration once and records it."""
        PostgresComplaintRepository(postgres_dsn, schema=repository.schema).close()
        rows = admin.execute(
            f'SELECT version FROM "{repository.schema}".schema_version ORDER BY version'
        ).fetchall()
        assert rows == [(version,) for version, _, _ in MIGRATIONS]

    def test_missing_schema_without_migrate_is_refused(
        self, postgres_dsn, schema_names
    ):
        """migrate=False refuses a schema that is not at the current version."""
        with pytest.raises(RepositoryError, match="version 0"):
            PostgresComplaintRepository(
                postgres_dsn, schema=schema_names(), migrate=False
            )

    def test_a_newer_schema_is_refused(self, repository, postgres_dsn, admin):
        """A schema migrated by a newer library is not touched."""
        admin.execute(
            f'INSERT INTO "{repository.schema}".schema_version VALUES (99, %s)',
            ("future",),
        )
        with pytest.raises(RepositoryError, match="newer"):
            PostgresComplaintRepository(postgres_dsn, schema=repository.schema)

    @pytest.mark.parametrize("name", ["", "Upper", "x;drop", "1abc", "a" * 64, 5])
    def test_bad_schema_names_are_refused(self, postgres_dsn, name):
        """Only plain lowercase identifiers are accepted as schema names."""
        with pytest.raises(ValidationError) as caught:
            PostgresComplaintRepository(postgres_dsn, schema=name)
        assert caught.value.field == "schema"

    def test_unreachable_server_raises_repository_error(self):
        """A DSN nobody answers raises RepositoryError, not a driver error."""
        with pytest.raises(RepositoryError):
            PostgresComplaintRepository(
                "postgresql://postgres@127.0.0.1:1/test", connect_timeout=1
            )

    def test_bad_target_is_refused(self):
        """Only a DSN, a pool or a connection can be a target."""
        with pytest.raises(ValidationError):
            PostgresComplaintRepository(42)  # type: ignore[arg-type]

    def test_the_event_log_refuses_update_delete_and_truncate(self, repository, admin):
        """The append-only trigger refuses every change to stored events."""
        repository.add(make_complaint(1))
        table = f'"{repository.schema}".events'
        for statement in (
            f"UPDATE {table} SET commitment = 'x'",
            f"DELETE FROM {table}",
            f"TRUNCATE {table}",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                admin.execute(statement)
        assert len(repository.events()) == 1

    def test_closed_repository_refuses_work(self, repository):
        """After close every operation raises RepositoryError."""
        repository.close()
        with pytest.raises(RepositoryError):
            repository.get("C-000001")


class TestCallerConnection:
    @pytest.fixture
    def host(self, postgres_dsn, repository):
        with psycopg.connect(postgres_dsn, autocommit=True) as conn:
            conn.execute(
                f'CREATE TABLE "{repository.schema}".host_orders (id int PRIMARY KEY)'
            )
            yield conn, PostgresComplaintRepository(conn, schema=repository.schema)

    def _orders(self, conn, schema):
        return conn.execute(f'SELECT count(*) FROM "{schema}".host_orders').fetchone()[
            0
        ]

    def test_complaint_commits_with_the_host_rows(self, host, repository):
        """A complaint added in the host's transaction commits with the host's rows."""
        conn, repo = host
        with conn.transaction():
            conn.execute(f'INSERT INTO "{repository.schema}".host_orders VALUES (1)')
            repo.add(make_complaint(1))
        assert repository.get("C-000001") == make_complaint(1)
        assert self._orders(conn, repository.schema) == 1

    def test_complaint_rolls_back_with_the_host_rows(self, host, repository):
        """When the host's transaction fails, its rows and the complaint both go."""
        conn, repo = host

        class HostFailure(Exception):
            pass

        def host_work():
            with conn.transaction():
                conn.execute(
                    f'INSERT INTO "{repository.schema}".host_orders VALUES (1)'
                )
                repo.add(make_complaint(1))
                raise HostFailure

        with pytest.raises(HostFailure):
            host_work()
        assert repository.count(Query()) == 0
        assert repository.events() == ()
        assert self._orders(conn, repository.schema) == 0

    def test_a_refused_add_leaves_the_host_transaction_usable(self, host, repository):
        """A DuplicateError rolls back only the repository's savepoint."""
        conn, repo = host
        repository.add(make_complaint(1))
        with conn.transaction():
            conn.execute(f'INSERT INTO "{repository.schema}".host_orders VALUES (1)')
            with pytest.raises(DuplicateError):
                repo.add(make_complaint(1))
            conn.execute(f'INSERT INTO "{repository.schema}".host_orders VALUES (2)')
        assert self._orders(conn, repository.schema) == 2
        assert len(repository.events()) == 1


_KILL_WRITER = """
    import sys, time, psycopg
    from iso10002.repositories.postgres import PostgresComplaintRepository
    import attrs
    from datetime import timedelta
    from iso10002.model import HistoryEvent

    def next_version(c, *, actor="agent:1", **changes):
        event = HistoryEvent(sequence=c.version + 1, name="ComplaintAcknowledged",
                             at=c.history[-1].at + timedelta(minutes=1), actor=actor,
                             to_state=changes.get("status"))
        return c.next_version(event, **changes)
    dsn, schema = sys.argv[1], sys.argv[2]
    conn = psycopg.connect(dsn, autocommit=True)
    repo = PostgresComplaintRepository(conn, schema=schema)
    current = repo.get("C-000001")
    with conn.transaction():
        later = next_version(current, status="investigating")
        repo.save(later, expected_version=current.version)
        print("saved, not committed", flush=True)
        time.sleep(60)
"""

_CLAIM_WORKER = """
    import sys
    from iso10002.repositories._protocol import Query
    from iso10002.repositories.postgres import PostgresComplaintRepository
    import attrs
    from datetime import timedelta
    from iso10002.model import HistoryEvent

    def next_version(c, *, actor="agent:1", **changes):
        event = HistoryEvent(sequence=c.version + 1, name="ComplaintAcknowledged",
                             at=c.history[-1].at + timedelta(minutes=1), actor=actor,
                             to_state=changes.get("status"))
        return c.next_version(event, **changes)
    dsn, schema, worker = sys.argv[1], sys.argv[2], sys.argv[3]
    repo = PostgresComplaintRepository(dsn, schema=schema, pool_size=1)
    query = Query(status_in=("received",))
    while (complaint := repo.claim_next(query, worker=worker)) is not None:
        repo.save(next_version(complaint, status="acknowledged", actor=worker),
                  expected_version=complaint.version)
        repo.release_claim(complaint.id, worker=worker)
        print(complaint.id, flush=True)
    repo.close()
"""


class TestProcesses:
    def test_sigkill_mid_save_leaves_the_old_version(self, repository, postgres_dsn):
        """A writer killed inside its save leaves the old version; writing goes on."""
        first = repository.add(make_complaint(1))
        writer = _run_script(_KILL_WRITER, postgres_dsn, repository.schema)
        try:
            line = writer.stdout.readline()
            assert line.strip() == "saved, not committed", writer.stderr.read()
            writer.send_signal(signal.SIGKILL)
            writer.wait(timeout=10)
        finally:
            if writer.poll() is None:
                writer.kill()
            writer.stdout.close()
            writer.stderr.close()
        assert repository.get(first.id) == first
        # The killed writer's feed lock and row lock are gone: the next save works.
        second = next_version(first, status="acknowledged")
        repository.save(second, expected_version=1)
        assert repository.get(first.id) == second
        assert [e.event for e in repository.events()] == list(second.history)
        assert repository.verify_integrity().ok

    def test_four_processes_claim_every_complaint_exactly_once(
        self, repository, postgres_dsn
    ):
        """Four worker processes draining one queue never handle a complaint twice."""
        count = 24
        repository.import_complaints(make_complaint(n) for n in range(1, count + 1))
        workers = [
            _run_script(_CLAIM_WORKER, postgres_dsn, repository.schema, f"w{i}")
            for i in range(4)
        ]
        claimed = []
        for worker in workers:
            out, err = worker.communicate(timeout=60)
            assert worker.returncode == 0, err
            claimed.extend(out.split())
        assert sorted(claimed) == [f"C-{n:06d}" for n in range(1, count + 1)]
        assert repository.count(Query(status_in=("acknowledged",))) == count
        assert repository.verify_integrity().ok


class TestClaims:
    def test_a_claim_lapses_when_its_lease_expires(self, postgres_dsn, schema_names):
        """After the lease passes another worker is handed the same complaint."""
        clock = FixedClock(datetime(2026, 1, 1, tzinfo=timezone.utc))
        repo = PostgresComplaintRepository(
            postgres_dsn, schema=schema_names(), clock=clock
        )
        try:
            repo.add(make_complaint(1))
            assert (
                repo.claim_next(Query(), worker="a", lease=timedelta(minutes=1))
                is not None
            )
            assert repo.claim_next(Query(), worker="b") is None
            clock.advance(timedelta(minutes=2))
            again = repo.claim_next(Query(), worker="b")
            assert again is not None
            assert again.id == "C-000001"
        finally:
            repo.close()

    def test_most_urgent_due_date_is_claimed_first(self, repository):
        """claim_next hands out the earliest pending due date first."""
        base = datetime(2026, 2, 1, tzinfo=timezone.utc)
        for n, days in ((1, 9), (2, 3), (3, 6)):
            repository.add(
                make_complaint(
                    n, deadlines=(DueDate(step="final", due_at=base + timedelta(days)),)
                )
            )
        order = [repository.claim_next(Query(), worker="w").id for _ in range(3)]
        assert order == ["C-000002", "C-000003", "C-000001"]

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [({"worker": ""}, "worker"), ({"worker": "w", "lease": timedelta(0)}, "lease")],
    )
    def test_bad_claim_arguments_are_refused(self, repository, kwargs, field):
        """An empty worker or a non-positive lease raises ValidationError naming it."""
        with pytest.raises(ValidationError) as caught:
            repository.claim_next(Query(), **kwargs)
        assert caught.value.field == field


class TestIntegrity:
    def test_a_rewritten_version_column_is_named(self, repository, admin):
        """A row whose version disagrees with its event log is reported."""
        repository.add(make_complaint(1, events=2))
        repository.add(make_complaint(2, events=2))
        admin.execute(
            f'UPDATE "{repository.schema}".complaints'
            " SET version = 1 WHERE id = 'C-000001'"
        )
        report = repository.verify_integrity()
        assert report.broken_complaint_ids == ("C-000001",)

    def test_edited_personal_data_breaks_its_commitment(self, repository, admin):
        """Changing a complainant's name directly in the document is detected."""
        repository.add(make_complaint(1))
        admin.execute(
            f'UPDATE "{repository.schema}".complaints'
            " SET document = jsonb_set(document, '{complainant,name}', '\"Mallory\"')"
        )
        report = repository.verify_integrity()
        assert report.broken_complaint_ids == ("C-000001",)
        assert "commitment" in report.problems[0].message

    def test_escape_character_in_list_fields_round_trips(self, repository):
        """The escape's own character inside a tag survives the JSONB document."""
        complaint = amend(
            make_complaint(1),
            classification=Classification(
                category="billing", tags=("a\ue000\ue002b", "\ue000x")
            ),
        )
        repository.add(complaint)
        assert repository.get(complaint.id) == complaint
        assert repository.verify_integrity().ok

    def test_bulk_import_verifies_and_refuses_duplicates(self, repository):
        """Imported complaints verify; a batch repeating a stored id stores nothing."""
        assert (
            repository.import_complaints(
                (make_complaint(n, events=6) for n in range(1, 51)), batch_size=20
            )
            == 50
        )
        assert repository.verify_integrity().ok
        assert len(repository.events(limit=1000)) == 300
        with pytest.raises(DuplicateError) as caught:
            repository.import_complaints([make_complaint(51), make_complaint(3)])
        assert caught.value.complaint_id == "C-000003"
        assert repository.count(Query()) == 50

    def test_malformed_event_json_is_reported_not_raised(
        self, repository, postgres_dsn
    ):
        """An event edited into a non-event is reported by verify and raised by get."""
        repository.add(make_complaint(1, events=2))
        _tamper(
            postgres_dsn,
            repository.schema,
            "UPDATE {s}.events SET event = '[1, 2]' WHERE sequence = 2",
            (),
        )
        report = repository.verify_integrity()
        assert report.broken_complaint_ids == ("C-000001",)
        with pytest.raises(IntegrityError):
            repository.get("C-000001")
