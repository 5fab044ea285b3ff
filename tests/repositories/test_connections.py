"""Connections that outlive their server session or their process."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import textwrap

import pytest

from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.testing.contract import make_complaint

_FORK = hasattr(os, "fork")

_CHILD = """
import os, sys
from iso10002.errors import RepositoryError
from iso10002.testing.contract import make_complaint
{open}
repo.add(make_complaint(1))
pid = os.fork()
if pid == 0:
    try:
        found = repo.get("C-000001")
        repo.add(make_complaint(2))
        print("child-ok", found.id, flush=True)
    except RepositoryError as exc:
        print("child-refused", exc, flush=True)
    except BaseException as exc:
        print("child-raw", type(exc).__name__, exc, flush=True)
    os._exit(0)
os.waitpid(pid, 0)
print("parent-ok", repo.get("C-000001").id, flush=True)
repo.close()
"""


def _run_fork(open_code: str) -> str:
    """Run the fork script in a fresh interpreter, bounded in time."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_CHILD.format(open=open_code))],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(not _FORK, reason="os.fork is not available")
class TestSQLiteAcrossFork:
    def test_a_file_store_opens_fresh_connections_in_the_child(self, tmp_path):
        """After fork() the child reads and writes through its own connection."""
        path = tmp_path / "fork.db"
        out = _run_fork(
            "from iso10002.repositories.sqlite import SQLiteComplaintRepository\n"
            f"repo = SQLiteComplaintRepository({str(path)!r})\n"
        )
        assert "child-ok C-000001" in out
        assert "parent-ok C-000001" in out
        repository = SQLiteComplaintRepository(path)
        assert repository.get("C-000002").id == "C-000002"
        assert repository.verify_integrity().ok
        repository.close()

    def test_an_in_memory_store_is_refused_in_the_child(self):
        """A child cannot share the parent's in-memory database: a clear error."""
        out = _run_fork(
            "from iso10002.repositories.sqlite import SQLiteComplaintRepository\n"
            "repo = SQLiteComplaintRepository(':memory:')\n"
        )
        assert "child-refused" in out
        assert "fork()" in out
        assert "parent-ok C-000001" in out


@pytest.fixture(scope="module")
def postgres_dsn(iso10002_postgres_dsn):
    """Use the plugin's DSN (skips without a server)."""
    pytest.importorskip("psycopg")
    return iso10002_postgres_dsn


@pytest.fixture
def schema(postgres_dsn):
    """A fresh schema name, dropped afterwards."""
    import psycopg  # noqa: PLC0415 - optional driver

    name = f"iso10002_c{secrets.token_hex(6)}"
    yield name
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.mark.postgres
class TestPostgresConnections:
    def test_a_terminated_pooled_connection_is_replaced_on_checkout(
        self, postgres_dsn, schema
    ):
        """After the server ends the pool's sessions, the next call still works."""
        import psycopg  # noqa: PLC0415 - optional driver

        from iso10002.repositories.postgres import (  # noqa: PLC0415
            PostgresComplaintRepository,
        )

        repository = PostgresComplaintRepository(
            postgres_dsn, schema=schema, pool_size=1
        )
        try:
            repository.add(make_complaint(1))
            for _ in range(3):
                # The pool's one session (read through the repository's own
                # connector: only this test's session is ended).
                with repository._db.connection() as conn:
                    pid = conn.info.backend_pid
                with psycopg.connect(postgres_dsn, autocommit=True) as admin:
                    # Waits until the session has ended (up to 10 s).
                    ended = admin.execute(
                        "SELECT pg_terminate_backend(%s, 10000)", (pid,)
                    ).fetchone()
                    assert ended == (True,)
                assert repository.get("C-000001").id == "C-000001"
                with repository._db.connection() as conn:
                    assert conn.info.backend_pid != pid
        finally:
            repository.close()

    @pytest.mark.skipif(not _FORK, reason="os.fork is not available")
    def test_a_repository_used_after_fork_fails_clearly_in_the_child(
        self, postgres_dsn, schema
    ):
        """The child gets a RepositoryError naming fork(), not a hang."""
        out = _run_fork(
            "from iso10002.repositories.postgres import PostgresComplaintRepository\n"
            f"repo = PostgresComplaintRepository({postgres_dsn!r}, schema={schema!r})\n"
        )
        assert "child-refused" in out
        assert "fork()" in out
        assert "parent-ok C-000001" in out
