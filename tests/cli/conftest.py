"""Fixtures for the command-line tests.

``cli`` runs the real entry point in a subprocess; ``invoke`` runs it in this
process through click's CliRunner. Both share one small demo database per
test process (``demo_db``).
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from iso10002.cli import main
from iso10002.model import Complaint
from iso10002.repositories import MAX_PAGE_SIZE, Query
from iso10002.repositories.sqlite import SQLiteComplaintRepository


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "error", "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-m", "iso10002", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def cli(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Return a function running ``python -m iso10002 ARGS...`` in a new directory."""

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return _run(list(args), cwd or tmp_path)

    return run


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a small demo database, made once by the real command."""
    where = tmp_path_factory.mktemp("demo")
    result = _run(["demo", "--db", "demo.db", "--complaints", "60"], where)
    assert result.returncode == 0, result.stderr
    return where / "demo.db"


def assert_one_line_error(result: subprocess.CompletedProcess[str], status: int) -> str:
    """Check a failure: the exit status, and exactly one stderr line, no traceback."""
    assert result.returncode == status, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("iso10002")
    assert ": error: " in lines[0]
    return lines[0]


@pytest.fixture
def one_line_error() -> Callable[[subprocess.CompletedProcess[str], int], str]:
    """Return the checker of one-line failures."""
    return assert_one_line_error


# In-process runs through click's CliRunner: fast enough to check many outputs
# against the library's own results over the same database.


@dataclasses.dataclass(frozen=True)
class Invocation:
    """What one in-process run of the command line gave."""

    exit_code: int
    stdout: str
    stderr: str


def _invoke(*args: str) -> Invocation:
    runner = CliRunner()
    with runner.isolation() as streams:
        status = main(list(args))
    return Invocation(
        exit_code=status,
        stdout=streams[0].getvalue().decode("utf-8"),
        stderr=streams[1].getvalue().decode("utf-8"),
    )


@pytest.fixture(scope="session")
def invoke() -> Callable[..., Invocation]:
    """Return a function running ``iso10002 ARGS...`` in this process (CliRunner)."""
    return _invoke


def assert_one_line_failure(result: Invocation, status: int) -> str:
    """Check an in-process failure: the status and one stderr line, no traceback."""
    assert result.exit_code == status, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("iso10002")
    assert ": error: " in lines[0]
    return lines[0]


@pytest.fixture
def one_line_failure() -> Callable[[Invocation, int], str]:
    """Return the checker of one-line failures of in-process runs."""
    return assert_one_line_failure


@pytest.fixture(scope="session")
def demo_complaints(demo_db: Path) -> tuple[Complaint, ...]:
    """Return every complaint of the (small) demo database, oldest first."""
    repository = SQLiteComplaintRepository(demo_db)
    try:
        return repository.find(Query(), limit=MAX_PAGE_SIZE).items
    finally:
        repository.close()


@pytest.fixture(scope="session")
def no_personal_data(demo_complaints: tuple[Complaint, ...]) -> Callable[[str], None]:
    """Return a check that no complainant name, e-mail or phone is in a text."""
    personal: set[str] = set()
    for complaint in demo_complaints:
        person = complaint.complainant
        personal.update(v for v in (person.name, person.email, person.phone) if v)
    assert personal

    def check(text: str) -> None:
        leaked = sorted(value for value in personal if value in text)
        assert not leaked, leaked

    return check
