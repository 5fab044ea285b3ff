"""Open the SQLite files the commands read and write, refusing the wrong ones."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path

from iso10002.cli._errors import CliError
from iso10002.repositories.sqlite import SQLiteComplaintRepository

__all__ = [
    "DEMO_TABLE",
    "check_store",
    "is_demo_database",
    "open_repository",
    "remove_demo_database",
    "write_demo_marker",
]

DEMO_TABLE = "iso10002_demo"
"""The table that marks a file as written by ``iso10002 demo`` (safe to overwrite)."""

_SIDE_FILES = ("-wal", "-shm", "-journal")


# The tables every iso10002 store has (the analysis facts are rebuilt if missing).
_REQUIRED_TABLES = frozenset({"iso10002_schema", "complaints", "events"})


def _tables(path: Path) -> set[str]:
    """Return the table names of the SQLite file at ``path``, opened read-only."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        ).fetchall()
    return {str(name) for (name,) in rows}


def _structure_problem(path: Path) -> str | None:
    """Return SQLite's first complaint about the file's pages, or ``None``."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        rows = connection.execute("PRAGMA quick_check(1)").fetchall()
    first = str(rows[0][0]) if rows else "no answer"
    return None if first == "ok" else " ".join(first.split())


def _damaged(path: str, what: str) -> CliError:
    return CliError(
        f"{path}: damaged iso10002 database ({what}); restore it from a backup"
    )


def check_store(path: str, repository: SQLiteComplaintRepository) -> None:
    """Refuse a store whose complaints or event log fail ``verify_integrity``.

    Raises:
        CliError: one line naming the first problem and how many there are.
    """
    report = repository.verify_integrity()
    if not report.ok:
        first = report.problems[0]
        ids = report.broken_complaint_ids
        raise _damaged(
            path,
            f"{len(ids)} complaint(s) fail the integrity check; first: {first.message}",
        )


def open_repository(path: str, *, verify: bool = True) -> SQLiteComplaintRepository:
    """Open an existing iso10002 SQLite database, or fail with one clear line.

    Never creates a file and never adds tables to a SQLite file of another
    application. Every command reads through it, so a damaged store fails
    every command the same way: SQLite's page check, the tables, then (with
    ``verify``) the hash chains and documents of ``verify_integrity``.

    Raises:
        CliError: if the file is missing, not a SQLite database, not an
            iso10002 database, or damaged.
    """
    file = Path(path)
    if not file.exists():
        msg = f"{path}: no such file"
        raise CliError(msg)
    if not file.is_file():
        msg = f"{path}: not a file"
        raise CliError(msg)
    try:
        tables = _tables(file)
    except sqlite3.Error as exc:
        msg = f"{path}: not a readable SQLite database ({exc})"
        raise CliError(msg) from None
    if "iso10002_schema" not in tables or "complaints" not in tables:
        msg = f"{path}: not an iso10002 database (no complaints tables)"
        raise CliError(msg)
    missing = sorted(_REQUIRED_TABLES - tables)
    if missing:
        raise _damaged(path, f"table {missing[0]} is missing")
    try:
        problem = _structure_problem(file)
    except sqlite3.Error as exc:
        problem = str(exc)
    if problem is not None:
        raise _damaged(path, f"SQLite page check: {problem}")
    repository = SQLiteComplaintRepository(file)
    if verify:
        try:
            check_store(path, repository)
        except BaseException:
            repository.close()
            raise
    return repository


def is_demo_database(path: Path) -> bool:
    """Tell whether ``path`` is a SQLite file written by ``iso10002 demo``."""
    try:
        return DEMO_TABLE in _tables(path)
    except sqlite3.Error:
        return False


def remove_demo_database(path: Path) -> None:
    """Delete a demo database and SQLite's files beside it."""
    path.unlink()
    for suffix in _SIDE_FILES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def write_demo_marker(path: Path, facts: Mapping[str, str]) -> None:
    """Create (or update) the table marking ``path`` as a demo database."""
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute(
            f"CREATE TABLE IF NOT EXISTS {DEMO_TABLE} "
            "(key TEXT PRIMARY KEY, value TEXT NOT NULL)"
        )
        connection.executemany(
            f"INSERT INTO {DEMO_TABLE} (key, value) VALUES (?, ?) "  # noqa: S608 - a constant
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            sorted(facts.items()),
        )
