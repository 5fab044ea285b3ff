"""Fixtures for the command-line tests: run the real entry point in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest


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
