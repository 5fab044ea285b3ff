"""After erasure and ``purge_erased()``, the erased values are gone from the files."""

from __future__ import annotations

import os
import secrets
import sqlite3
import time
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from iso10002.clock import FixedClock
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.model import ComplaintForm
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.serialization import from_dict

NAME = "Zebulon Quixotewright"
EMAIL = "zq.erasure@example.org"
LONG = "My meter was read twice, so I was billed twice. " * 200  # overflow pages
# Text no compressor shrinks: PostgreSQL stores it in TOAST as it is, so a byte
# search of the TOAST file can find it (compressed values it could not).
RANDOM = secrets.token_hex(4000)
SYSTEM = Actor("system:test", roles={"system"})


def _form(description: str) -> ComplaintForm:
    return from_dict(
        ComplaintForm,
        {"complainant": {"name": NAME, "email": EMAIL}, "description": description},
    )


def _fill(repository, count: int = 6) -> list[str]:
    """Receive, acknowledge and erase complaints with short and long personal text."""
    clock = FixedClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    handler = ComplaintsHandler(repository, clock=clock, store=InMemoryHandlerStore())
    ids = []
    for n in range(count):
        description = (LONG, RANDOM, "Billed twice in March.")[n % 3]
        complaint = handler.receive(_form(description), actor=SYSTEM, channel="web")
        clock.advance(timedelta(minutes=1))
        handler.acknowledge(complaint.id, actor=SYSTEM)
        ids.append(complaint.id)
    for complaint_id in ids:
        handler.erase_personal_data(complaint_id, actor=SYSTEM)
    return ids


def _found(paths: list[Path]) -> dict[str, int]:
    """Count the erased values in each file's raw bytes."""
    counts = {}
    for path in paths:
        data = path.read_bytes() if path.exists() else b""
        counts[path.name] = sum(
            data.count(value.encode())
            for value in (NAME, EMAIL, LONG[:40], RANDOM[:40], RANDOM[-40:])
        )
    return counts


class TestSQLitePurge:
    def test_after_purge_no_file_holds_an_erased_value(self, tmp_path):
        """Erase, purge: neither the .db nor the -wal bytes contain the values."""
        path = tmp_path / "complaints.db"
        files = [path, Path(f"{path}-wal")]
        with closing(SQLiteComplaintRepository(path)) as repository:
            _fill(repository)
            assert sum(_found(files).values()) > 0  # the log still has them
            assert repository.purge_erased() is True
            assert _found(files) == {"complaints.db": 0, "complaints.db-wal": 0}
            assert files[1].stat().st_size == 0
            assert repository.verify_integrity().ok
        assert _found(files) == {"complaints.db": 0, "complaints.db-wal": 0}

    def test_a_reader_holding_old_pages_makes_purge_report_false(self, tmp_path):
        """A long read keeps the log busy: purge says so; a later purge succeeds."""
        path = tmp_path / "complaints.db"
        with closing(SQLiteComplaintRepository(path, timeout=0.1)) as repository:
            reader = sqlite3.connect(path, isolation_level=None)
            try:
                reader.execute("BEGIN")
                reader.execute("SELECT count(*) FROM complaints").fetchone()
                _fill(repository, count=2)
                assert repository.purge_erased() is False
                reader.execute("COMMIT")
            finally:
                reader.close()
            assert repository.purge_erased() is True
            assert _found([path, Path(f"{path}-wal")]) == {
                "complaints.db": 0,
                "complaints.db-wal": 0,
            }

    def test_an_in_memory_database_has_nothing_to_purge(self):
        """``:memory:`` has no files: purge reports success."""
        with closing(SQLiteComplaintRepository(":memory:")) as repository:
            _fill(repository, count=1)
            assert repository.purge_erased() is True


@pytest.mark.postgres
class TestPostgresPurge:
    @pytest.fixture
    def repository(self, iso10002_postgres_dsn):
        psycopg = pytest.importorskip("psycopg")
        from iso10002.repositories.postgres import (  # noqa: PLC0415
            PostgresComplaintRepository,
        )

        schema = f"purge_{os.urandom(5).hex()}"
        repository = PostgresComplaintRepository(iso10002_postgres_dsn, schema=schema)
        yield repository
        repository.close()
        with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

    @staticmethod
    def _files(dsn: str, schema: str) -> list[Path]:
        """Return the complaints table's heap and TOAST files, after a checkpoint."""
        import psycopg  # noqa: PLC0415

        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CHECKPOINT")
            (directory,) = conn.execute("SHOW data_directory").fetchone()
            table = f'"{schema}".complaints'
            rows = conn.execute(
                "SELECT pg_relation_filepath(c.oid),"
                " pg_relation_filepath(nullif(c.reltoastrelid, 0))"
                " FROM pg_class c WHERE c.oid = %s::regclass",
                (table,),
            ).fetchone()
        if not os.access(directory, os.R_OK | os.X_OK):
            pytest.skip(f"the server's data directory {directory} is not readable")
        return [Path(directory) / relative for relative in rows if relative]

    def test_after_purge_the_table_files_hold_no_erased_value(
        self, repository, iso10002_postgres_dsn
    ):
        """Dead tuples keep the values after erasure; VACUUM FULL removes them."""
        import psycopg  # noqa: PLC0415

        with psycopg.connect(iso10002_postgres_dsn) as reader:
            # An open snapshot keeps every dead tuple (no pruning, no vacuum).
            reader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            reader.execute("SELECT txid_current()")
            _fill(repository)
            before = self._files(iso10002_postgres_dsn, repository.schema)
            heap, toast = before
            assert _found([heap])[heap.name] > 0  # dead tuples still hold them
            assert _found([toast])[toast.name] > 0  # and dead TOAST chunks
            reader.rollback()
        # A transaction still open elsewhere on the server (another test
        # worker, say) keeps the row versions it may see, through VACUUM FULL
        # too: purge again, a bounded number of times, until none is left.
        for _ in range(40):
            repository.purge_erased()
            after = self._files(iso10002_postgres_dsn, repository.schema)
            if sum(_found(after).values()) == 0:
                break
            time.sleep(0.5)
        assert set(after).isdisjoint(before)  # new files were written
        assert sum(_found(after).values()) == 0
        assert sum(_found(before).values()) == 0  # the old files were emptied
        assert repository.verify_integrity().ok
