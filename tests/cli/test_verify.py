"""The check every command opens a store with, and ``iso10002 verify``.

Each tamper kind (an event, a document, a KPI fact row, a row's head, a
seal) is made behind the library's back on a SQLite file and on a
PostgreSQL schema, sealed by ``iso10002 verify --checkpoint`` or not; every
time, ``iso10002 report`` refuses the store as it opens it.
"""

from __future__ import annotations

import secrets
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.testing.contract import make_complaint, next_version

_SQLITE = {
    "event": (
        "DROP TRIGGER events_refuse_update",
        (
            'UPDATE events SET event = replace(event, \'"actor":"\', \'"actor":"x\')'
            " WHERE position = (SELECT min(position) FROM events)"
        ),
    ),
    "document": (
        (
            'UPDATE complaints SET document = replace(document, \'"channel":"\','
            ' \'"channel":"x\') WHERE id = (SELECT min(id) FROM complaints)'
        ),
    ),
    "kpi": (
        (
            "UPDATE kpi_facts SET channel = channel || 'x'"
            " WHERE complaint_id = (SELECT min(complaint_id) FROM kpi_facts)"
        ),
    ),
    "head": (
        (
            "UPDATE complaints SET last_link = last_link || '0'"
            " WHERE id = (SELECT min(id) FROM complaints)"
        ),
    ),
    "column": (
        (
            "UPDATE complaints SET status = 'withdrawn'"
            " WHERE id = (SELECT min(id) FROM complaints WHERE status <> 'withdrawn')"
        ),
    ),
}
_POSTGRES = {
    "event": (
        "ALTER TABLE {s}.events DISABLE TRIGGER USER",
        (
            'UPDATE {s}.events SET event = replace(event::text, \'"actor":"\','
            ' \'"actor":"x\')::json WHERE position = (SELECT min(position)'
            " FROM {s}.events)"
        ),
    ),
    "document": (
        (
            "UPDATE {s}.complaints SET document = jsonb_set(document, '{{channel}}',"
            " '\"x\"') WHERE id = (SELECT min(id) FROM {s}.complaints)"
        ),
    ),
    "kpi": (
        (
            "UPDATE {s}.kpi_facts SET channel = channel || 'x'"
            " WHERE complaint_id = (SELECT min(complaint_id) FROM {s}.kpi_facts)"
        ),
    ),
    "head": (
        (
            "UPDATE {s}.complaints SET version = version + 1"
            " WHERE id = (SELECT min(id) FROM {s}.complaints)"
        ),
    ),
    "column": (
        (
            "UPDATE {s}.complaints SET status = 'withdrawn' WHERE id ="
            " (SELECT min(id) FROM {s}.complaints WHERE status <> 'withdrawn')"
        ),
    ),
}
KINDS = sorted(_SQLITE)


class _Store:
    """One store under test: its ``--db`` arguments and a way to tamper with it."""

    def __init__(self, args: list[str], run_sql: Callable[[str], Any], kind: str):
        self.args = args
        self.run_sql = run_sql
        self.kind = kind

    def tamper(self, how: str) -> None:
        table = _SQLITE if self.kind == "sqlite" else _POSTGRES
        for statement in table[how]:
            self.run_sql(statement)


def _sqlite_store(demo_db: Path, where: Path) -> _Store:
    path = where / "store.db"
    shutil.copy(demo_db, path)

    def run_sql(statement: str) -> None:
        connection = sqlite3.connect(path)
        with connection:
            connection.execute(statement)
        connection.close()

    return _Store(["--db", str(path)], run_sql, "sqlite")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, demo_db, tmp_path, invoke) -> Iterator[_Store]:
    """A small store written by ``iso10002 demo``, on each engine."""
    if request.param == "sqlite":
        yield _sqlite_store(demo_db, tmp_path)
        return
    psycopg = pytest.importorskip("psycopg")
    dsn = request.getfixturevalue("iso10002_postgres_dsn")
    schema = f"verify_{secrets.token_hex(5)}"
    made = invoke("demo", "--db", dsn, "--schema", schema, "--complaints", "30")
    assert made.exit_code == 0, made.stderr

    def run_sql(statement: str) -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(statement.format(s=f'"{schema}"'))

    yield _Store(["--db", dsn, "--schema", schema], run_sql, "postgres")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _report(invoke, store: _Store, *extra: str):
    return invoke("report", "--period", "2025", *store.args, *extra)


class TestCheckOnOpening:
    @pytest.mark.parametrize("how", KINDS)
    def test_a_sealed_store_edited_behind_the_library_is_refused(
        self, invoke, store, one_line_failure, how
    ):
        """After a checkpoint, each kind of edit makes the quick check refuse."""
        sealed = invoke("verify", "--checkpoint", *store.args)
        assert sealed.exit_code == 0, sealed.stdout + sealed.stderr
        assert "sealed" in sealed.stdout
        assert _report(invoke, store).exit_code == 0
        store.tamper(how)
        assert "damaged iso10002 database" in one_line_failure(
            _report(invoke, store), 1
        )

    @pytest.mark.parametrize("how", KINDS)
    def test_an_unsealed_store_edited_behind_the_library_is_refused(
        self, invoke, store, one_line_failure, how
    ):
        """Without a checkpoint, the quick check checks every complaint deeply."""
        store.tamper(how)
        assert "damaged iso10002 database" in one_line_failure(
            _report(invoke, store), 1
        )

    def test_the_seal_vouches_for_a_document_edit_the_chain_cannot_see(
        self, invoke, store, one_line_failure
    ):
        """A sealed complaint's edited document is named by its seal."""
        assert invoke("verify", "--checkpoint", *store.args).exit_code == 0
        store.tamper("document")
        line = one_line_failure(_report(invoke, store), 1)
        assert "differ from what the last checkpoint sealed" in line

    def test_verify_deep_checks_deeply_on_opening(
        self, invoke, store, one_line_failure
    ):
        """--verify-deep names the deep check's finding, not the seal's."""
        assert invoke("verify", "--checkpoint", *store.args).exit_code == 0
        store.tamper("document")
        line = one_line_failure(_report(invoke, store, "--verify-deep"), 1)
        assert "checkpoint" not in line
        assert "differs" in line

    def test_an_edited_seal_is_refused(self, invoke, store, one_line_failure):
        """A seal changed behind the library's back is a damaged store too."""
        assert invoke("verify", "--checkpoint", *store.args).exit_code == 0
        table = "iso10002_seals" if store.kind == "sqlite" else "{s}.integrity_seals"
        # Append a digit: unlike replacing one hex digit by another, this
        # changes every seal (a seal without that digit was left as it was).
        store.run_sql(
            f"UPDATE {table} SET seal = seal || '0'"
            f" WHERE complaint_id = (SELECT min(complaint_id) FROM {table})"
        )
        assert "damaged" in one_line_failure(_report(invoke, store), 1)


class TestVerifyCommand:
    def test_a_sound_store_verifies(self, invoke, store):
        """verify exits 0 and counts what it checked."""
        result = invoke("verify", *store.args)
        assert result.exit_code == 0, result.stderr
        assert "0 problem(s)" in result.stdout

    def test_a_tampered_store_fails_and_is_not_sealed(self, invoke, store):
        """verify --checkpoint on a damaged store names the problem, seals nothing."""
        store.tamper("document")
        result = invoke("verify", "--checkpoint", *store.args)
        assert result.exit_code == 1
        assert "differs" in result.stdout
        assert "sealed" not in result.stdout


class TestWritesAfterTheCheckpoint:
    def test_a_complaint_written_since_is_checked_deeply(self, demo_db, tmp_path):
        """A new version after the checkpoint opens clean; a later edit of it fails."""
        path = _sqlite_store(demo_db, tmp_path).args[1]
        new = make_complaint(10_000)
        with closing(SQLiteComplaintRepository(path)) as repository:
            assert repository.record_checkpoint().ok
            repository.add(new)
            old = repository.get(_first_id(path))
            repository.save(next_version(old), expected_version=old.version)
            assert repository.verify_integrity(quick=True).ok
        connection = sqlite3.connect(path)
        with connection:
            connection.execute(
                "UPDATE kpi_facts SET channel = 'x' WHERE complaint_id = ?",
                (new.id,),
            )
        connection.close()
        with closing(SQLiteComplaintRepository(path)) as repository:
            report = repository.verify_integrity(quick=True)
        assert report.broken_complaint_ids == (new.id,)
        assert "KPI table" in report.problems[0].message


def _first_id(path: str) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("SELECT min(id) FROM complaints").fetchone()[0])
    finally:
        connection.close()
