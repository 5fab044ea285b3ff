"""The check on opening, run beside ``report`` and ``return``.

In parallel (``ISO10002_OPENING_CHECK``) a process of its own checks the store
while the command computes;
nothing is printed or written before the check passes. A store edited behind
the library's back fails exactly as when the check runs first (sequential),
leaving no output file; a sound store gives the same bytes either way; and
the check process is reaped whatever the command does.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import shutil
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from iso10002.cli import _opening
from iso10002.cli._errors import CliError
from iso10002.cli._opening import MODE_VARIABLE, PARALLEL_FROM
from iso10002.errors import RepositoryError

MODES = ("parallel", "sequential")
AS_OF = ("--as-of", "2026-01-01")
_SQLITE = {
    "event": (
        "DROP TRIGGER events_refuse_update",
        (
            'UPDATE events SET event = replace(event, \'"actor":"\', \'"actor":"x\')'
            " WHERE position = (SELECT min(position) FROM events)"
        ),
    ),
    "kpi": (
        (
            "UPDATE kpi_facts SET channel = channel || 'x'"
            " WHERE complaint_id = (SELECT min(complaint_id) FROM kpi_facts)"
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
    "kpi": (
        (
            "UPDATE {s}.kpi_facts SET channel = channel || 'x'"
            " WHERE complaint_id = (SELECT min(complaint_id) FROM {s}.kpi_facts)"
        ),
    ),
}


class _Store:
    """A store under test: its ``--db`` arguments and a way to run SQL on it."""

    def __init__(self, args: list[str], run_sql: Callable[[str], Any], kind: str):
        self.args = args
        self.run_sql = run_sql
        self.kind = kind

    def tamper(self, how: str) -> None:
        for statement in (_SQLITE if self.kind == "sqlite" else _POSTGRES)[how]:
            self.run_sql(statement)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, demo_db, tmp_path, invoke) -> Iterator[_Store]:
    """A small store written by ``iso10002 demo``, on each engine, for one test."""
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        shutil.copy(demo_db, path)

        def run_sqlite(statement: str) -> None:
            connection = sqlite3.connect(path)
            with connection:
                connection.execute(statement)
            connection.close()

        yield _Store(["--db", str(path)], run_sqlite, "sqlite")
        return
    psycopg = pytest.importorskip("psycopg")
    dsn = request.getfixturevalue("iso10002_postgres_dsn")
    schema = f"opening_{secrets.token_hex(5)}"
    made = invoke("demo", "--db", dsn, "--schema", schema, "--complaints", "30")
    assert made.exit_code == 0, made.stderr

    def run_postgres(statement: str) -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(statement.format(s=f'"{schema}"'))

    yield _Store(["--db", dsn, "--schema", schema], run_postgres, "postgres")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def started(monkeypatch) -> list[int]:
    """Record the process id of every check process started in this test."""
    pids: list[int] = []
    original = _opening._CheckProcess.__init__

    def recording(self, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        assert self.process.pid is not None
        pids.append(self.process.pid)

    monkeypatch.setattr(_opening._CheckProcess, "__init__", recording)
    return pids


def _gone(pid: int) -> bool:
    """Tell whether no process ``pid`` is left (ended and reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _runs(invoke, monkeypatch, *args: str) -> dict[str, Any]:
    """Run the command once in each mode; return each mode's result."""
    results = {}
    for mode in MODES:
        monkeypatch.setenv(MODE_VARIABLE, mode)
        results[mode] = invoke(*args)
    return results


class TestATamperedStore:
    @pytest.mark.parametrize("how", sorted(_SQLITE))
    @pytest.mark.parametrize("deep", [(), ("--verify-deep",)], ids=["quick", "deep"])
    def test_the_text_report_fails_as_when_checked_first(
        self, invoke, store, monkeypatch, one_line_failure, started, how, deep
    ):
        """In parallel the summary is refused with the sequential run's line."""
        store.tamper(how)
        results = _runs(invoke, monkeypatch, "report", *store.args, *AS_OF, *deep)
        lines = {m: one_line_failure(r, 1) for m, r in results.items()}
        assert "damaged iso10002 database" in lines["sequential"]
        assert lines["parallel"] == lines["sequential"]
        assert results["parallel"].stdout == ""
        assert len(started) == 1  # the parallel run did check in a process

    @pytest.mark.parametrize("how", sorted(_SQLITE))
    def test_the_pack_fails_and_writes_no_file(
        self, invoke, store, monkeypatch, one_line_failure, tmp_path, started, how
    ):
        """In parallel the pack is refused as in sequence; neither file is left."""
        store.tamper(how)
        lines = {}
        for mode in MODES:
            monkeypatch.setenv(MODE_VARIABLE, mode)
            html, json_file = tmp_path / f"{mode}.html", tmp_path / f"{mode}.json"
            result = invoke(
                "report",
                *store.args,
                *AS_OF,
                "--html",
                str(html),
                "--json",
                str(json_file),
            )
            lines[mode] = one_line_failure(result, 1)
            assert not html.exists()
            assert not json_file.exists()
        assert "damaged iso10002 database" in lines["sequential"]
        assert lines["parallel"] == lines["sequential"]
        assert len(started) == 1

    def test_a_return_fails_and_writes_no_file(
        self, invoke, store, monkeypatch, one_line_failure, tmp_path
    ):
        """return fca and return asic are refused as in sequence, no file left."""
        store.tamper("kpi")
        for command, extra in (
            ("fca", ("--holidays", "GB-ENG")),
            ("asic", ("--holidays", "AU-NSW")),
        ):
            lines = {}
            for mode in MODES:
                monkeypatch.setenv(MODE_VARIABLE, mode)
                out = tmp_path / f"{command}-{mode}.csv"
                args = ("return", command, *store.args, "--period", "2025", *extra)
                lines[mode] = one_line_failure(invoke(*args, "--out", str(out)), 1)
                assert not out.exists()
            assert "damaged iso10002 database" in lines["sequential"]
            assert lines["parallel"] == lines["sequential"]

    def test_a_failing_check_wins_over_a_failing_report(
        self, invoke, store, monkeypatch, one_line_failure, started
    ):
        """When the report raises on a damaged store, the check's refusal is said."""
        store.tamper("kpi")

        def broken(*_args: Any, **_kwargs: Any) -> Any:
            msg = "the report broke"
            raise RuntimeError(msg)

        monkeypatch.setattr("iso10002.cli._report._kpis", broken)
        monkeypatch.setenv(MODE_VARIABLE, "parallel")
        line = one_line_failure(invoke("report", *store.args, *AS_OF), 1)
        assert "damaged iso10002 database" in line
        assert [_gone(pid) for pid in started] == [True]


class TestASoundStore:
    def test_the_text_report_is_the_same_in_both_modes(
        self, invoke, store, monkeypatch, started
    ):
        """The summary printed in parallel is byte for byte the sequential one."""
        results = _runs(invoke, monkeypatch, "report", *store.args, *AS_OF)
        assert results["sequential"].exit_code == 0, results["sequential"].stderr
        assert results["parallel"].exit_code == 0, results["parallel"].stderr
        assert results["parallel"].stdout == results["sequential"].stdout
        assert "complaints received" in results["parallel"].stdout
        assert [_gone(pid) for pid in started] == [True]

    def test_the_pack_is_the_same_in_both_modes(
        self, invoke, store, monkeypatch, tmp_path, started
    ):
        """The HTML and JSON files written in parallel equal the sequential ones."""
        written: dict[str, tuple[bytes, bytes]] = {}
        for mode in MODES:
            monkeypatch.setenv(MODE_VARIABLE, mode)
            html, json_file = tmp_path / f"{mode}.html", tmp_path / f"{mode}.json"
            result = invoke(
                "report",
                *store.args,
                *AS_OF,
                "--html",
                str(html),
                "--json",
                str(json_file),
            )
            assert result.exit_code == 0, result.stderr
            written[mode] = (html.read_bytes(), json_file.read_bytes())
        assert written["parallel"] == written["sequential"]
        assert [_gone(pid) for pid in started] == [True]

    def test_the_check_process_is_reaped_when_the_report_raises(
        self, invoke, store, monkeypatch, started
    ):
        """A report that raises propagates its error; the check process is gone."""

        def broken(*_args: Any, **_kwargs: Any) -> Any:
            msg = "the report broke"
            raise RuntimeError(msg)

        monkeypatch.setattr("iso10002.cli._report._kpis", broken)
        monkeypatch.setenv(MODE_VARIABLE, "parallel")
        with pytest.raises(RuntimeError, match="the report broke"):
            invoke("report", *store.args, *AS_OF)
        assert len(started) == 1
        assert _gone(started[0])


class TestAnInterruptedReport:
    @pytest.mark.postgres
    def test_a_waiting_check_is_stopped_at_once(
        self, invoke, monkeypatch, started, iso10002_postgres_dsn
    ):
        """Ctrl-C during the report ends a check still waiting, within seconds."""
        psycopg = pytest.importorskip("psycopg")
        dsn, schema = iso10002_postgres_dsn, f"opening_{secrets.token_hex(5)}"
        made = invoke("demo", "--db", dsn, "--schema", schema, "--complaints", "5")
        assert made.exit_code == 0, made.stderr

        def interrupted(*_args: Any, **_kwargs: Any) -> Any:
            raise KeyboardInterrupt

        monkeypatch.setattr("iso10002.cli._report._kpis", interrupted)
        monkeypatch.setenv(MODE_VARIABLE, "parallel")
        try:
            with psycopg.connect(dsn) as holder:
                # The check process waits on this lock for as long as it is held.
                holder.execute(f'LOCK TABLE "{schema}".events IN ACCESS EXCLUSIVE MODE')
                start = time.monotonic()
                result = invoke("report", "--db", dsn, "--schema", schema, *AS_OF)
                took = time.monotonic() - start
                assert result.exit_code == 1
                assert "aborted" in result.stderr  # click's word for Ctrl-C
                assert len(started) == 1
                assert _gone(started[0])
                assert took < 10  # a bounded stop, not the lock's end
                holder.rollback()
        finally:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    @pytest.mark.postgres
    def test_a_check_process_that_dies_is_a_failure(
        self, invoke, iso10002_postgres_dsn
    ):
        """A check process killed before its verdict fails the command, unvouched."""
        psycopg = pytest.importorskip("psycopg")
        dsn, schema = iso10002_postgres_dsn, f"opening_{secrets.token_hex(5)}"
        made = invoke("demo", "--db", dsn, "--schema", schema, "--complaints", "5")
        assert made.exit_code == 0, made.stderr
        try:
            with psycopg.connect(dsn) as holder:
                holder.execute(f'LOCK TABLE "{schema}".events IN ACCESS EXCLUSIVE MODE')
                check = _opening._CheckProcess(dsn, schema, deep=False)
                try:
                    assert check.process.pid is not None
                    os.kill(check.process.pid, signal.SIGKILL)
                    failure = check.verdict()
                finally:
                    check.stop()
                holder.rollback()
        finally:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        assert isinstance(failure, CliError)
        assert "without a verdict" in failure.message
        assert "-9" in failure.message


class TestWhatCrossesBack:
    def test_the_check_sends_none_for_a_sound_store_and_the_refusal_else(
        self, demo_db, tmp_path
    ):
        """The check process's work, run here: None, then the sequential line."""
        path = tmp_path / "store.db"
        shutil.copy(demo_db, path)
        sent = []
        for _ in range(2):
            receiver, sender = multiprocessing.Pipe(duplex=False)
            with receiver:
                _opening._check(str(path), "iso10002", False, sender)
                sent.append(receiver.recv())
            connection = sqlite3.connect(path)
            with connection:
                connection.execute(_SQLITE["kpi"][0])
            connection.close()
        assert sent[0] is None
        assert isinstance(sent[1], CliError)
        assert "damaged iso10002 database" in sent[1].message

    def test_an_expected_failure_keeps_its_type_and_message(self):
        """A refusal the command line reports in one line comes back as it was."""
        refusal = CliError("PATH: damaged iso10002 database (x); restore it")
        back = _opening._portable(refusal)
        assert type(back) is CliError
        assert back.message == refusal.message

    def test_an_unpicklable_failure_keeps_its_message(self):
        """A failure that cannot cross between processes comes back as its line."""

        class Local(RepositoryError):  # a local class cannot be pickled
            pass

        back = _opening._portable(Local("the server went away"))
        assert isinstance(back, CliError)
        assert back.message == "the server went away"

    def test_a_bug_comes_back_with_its_traceback(self):
        """An unexpected error in the check process keeps the place it was raised."""
        try:
            _ = {}["missing"]
        except KeyError as exc:
            back = _opening._portable(exc)
        assert isinstance(back, RuntimeError)
        assert "KeyError" in str(back)
        assert "test_a_bug_comes_back_with_its_traceback" in str(back)


class TestTheMode:
    def test_auto_checks_a_large_store_beside(
        self, invoke, store, monkeypatch, started
    ):
        """With two CPUs and PARALLEL_FROM complaints, auto starts a check process."""
        monkeypatch.setattr(_opening, "PARALLEL_FROM", 10)
        monkeypatch.setattr(_opening, "_cpus", lambda: 2)
        monkeypatch.setenv(MODE_VARIABLE, "auto")
        assert invoke("report", *store.args, *AS_OF).exit_code == 0
        assert len(started) == 1

    def test_auto_checks_first_on_one_cpu(self, invoke, store, monkeypatch, started):
        """On one CPU, auto checks in the command's process, however large the store."""
        monkeypatch.setattr(_opening, "PARALLEL_FROM", 10)
        monkeypatch.setattr(_opening, "_cpus", lambda: 1)
        monkeypatch.setenv(MODE_VARIABLE, "auto")
        assert invoke("report", *store.args, *AS_OF).exit_code == 0
        assert started == []

    def test_auto_checks_a_small_store_first(self, invoke, store, monkeypatch, started):
        """Below PARALLEL_FROM complaints, auto starts no check process."""
        assert PARALLEL_FROM > 60  # the demo stores are smaller
        monkeypatch.setenv(MODE_VARIABLE, "auto")
        assert invoke("report", *store.args, *AS_OF).exit_code == 0
        assert started == []

    def test_an_unknown_mode_is_one_line(self, invoke, demo_db, monkeypatch):
        """A misspelt ISO10002_OPENING_CHECK names the variable and the choices."""
        monkeypatch.setenv(MODE_VARIABLE, "paralel")
        result = invoke("report", "--db", str(demo_db), *AS_OF)
        assert result.exit_code == 1
        assert MODE_VARIABLE in result.stderr
        assert "sequential" in result.stderr


def test_the_parallel_check_runs_from_a_path_given_relative(
    invoke, demo_db: Path, tmp_path, monkeypatch
):
    """The check process finds a relative --db as the command does."""
    monkeypatch.chdir(demo_db.parent)
    monkeypatch.setenv(MODE_VARIABLE, "parallel")
    result = invoke("report", "--db", demo_db.name, *AS_OF)
    assert result.exit_code == 0, result.stderr
