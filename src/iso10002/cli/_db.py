"""Open the stores the commands read and write: a SQLite file or a PostgreSQL schema.

``--db`` takes a SQLite path or a PostgreSQL URI (``postgresql://…``); ``--schema``
names the PostgreSQL schema (ignored for SQLite). Read commands open only an
existing store: they never create a SQLite file, never add tables to a SQLite
file of another application, and never create or migrate a PostgreSQL schema.

Every store is checked as it is opened: quickly by default (hash chains from
stored bytes, row heads, the seals of the last ``iso10002 verify
--checkpoint``, and deeply every complaint not sealed), deeply with
``--verify-deep`` (see ``docs/cli.md``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from contextlib import closing
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable
from urllib.parse import urlsplit, urlunsplit

import click

from iso10002.cli._errors import CliError
from iso10002.errors import RepositoryError
from iso10002.integrity import IntegrityReport
from iso10002.model import Complaint
from iso10002.repositories import ComplaintRepository
from iso10002.repositories.sqlite import SQLiteComplaintRepository

__all__ = [
    "DEFAULT_SCHEMA",
    "DEMO_TABLE",
    "BulkRepository",
    "check_store",
    "deep_asked",
    "describe",
    "is_demo_database",
    "is_dsn",
    "open_repository",
    "remove_demo_database",
    "store_options",
    "write_demo_marker",
]

F = TypeVar("F", bound=Callable[..., Any])

DEMO_TABLE = "iso10002_demo"
"""The table that marks a file as written by ``iso10002 demo`` (safe to overwrite)."""

DEFAULT_SCHEMA = "iso10002"
"""The PostgreSQL schema used when ``--schema`` is not given."""

_SIDE_FILES = ("-wal", "-shm", "-journal")
_DSN_PREFIXES = ("postgresql://", "postgres://")
# The tables every iso10002 store has (the analysis facts are rebuilt if missing).
_REQUIRED_TABLES = frozenset({"iso10002_schema", "complaints", "events"})


@runtime_checkable
class BulkRepository(ComplaintRepository, Protocol):
    """A repository that also bulk-loads complaints (both durable adapters do)."""

    def import_complaints(
        self, complaints: Iterable[Complaint], *, batch_size: int = 2000
    ) -> int:
        """Store new complaints with their histories, one transaction per batch."""
        ...

    def verify_integrity(
        self,
        *,
        anchor: Any = None,
        anchor_keys: Any = None,
        quick: bool = False,
    ) -> IntegrityReport:
        """Check the store deeply, or (``quick``) as it is opened."""
        ...

    def record_checkpoint(self) -> IntegrityReport:
        """Check the store deeply and, if sound, seal every complaint."""
        ...


def is_dsn(target: str) -> bool:
    """Tell whether ``--db`` names a PostgreSQL database (a ``postgresql://`` URI)."""
    return target.strip().lower().startswith(_DSN_PREFIXES)


def describe(target: str) -> str:
    """Return ``target`` fit for messages: a DSN loses its password."""
    if not is_dsn(target):
        return target
    parts = urlsplit(target.strip())
    if parts.password is None:
        return urlunsplit(parts._replace(query=""))
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=f"{user}{host}{port}", query=""))


def _check_db(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    """Refuse a missing SQLite file as a usage error (exit status 2)."""
    if value is None or is_dsn(value) or ctx.resilient_parsing:
        return value
    path = Path(value)
    if not path.exists():
        msg = f"File {value!r} does not exist."
        raise click.BadParameter(msg, ctx=ctx, param_hint="'--db'")
    if path.is_dir():
        msg = f"File {value!r} is a directory."
        raise click.BadParameter(msg, ctx=ctx, param_hint="'--db'")
    return value


def store_options(
    *, default: str | None = None, must_exist: bool = True, help_text: str
) -> Callable[[F], F]:
    """Return the ``--db`` and ``--schema`` options, shared by every command.

    With ``must_exist``, a SQLite path that does not exist is a usage error.
    """
    # click 8.3+ takes an explicit ``default=None`` as a value, which would
    # make a required option silently optional: pass a default only when set.
    defaults: dict[str, Any] = (
        {"required": True} if default is None else {"default": default}
    )
    db = click.option(
        "--db",
        "db",
        **defaults,
        show_default=default is not None,
        callback=_check_db if must_exist else None,
        metavar="PATH|DSN",
        help=help_text + " A SQLite file, or a PostgreSQL URI such as "
        "postgresql://user@host/dbname.",
    )
    schema = click.option(
        "--schema",
        "schema",
        default=DEFAULT_SCHEMA,
        show_default=True,
        help="The PostgreSQL schema of the store (ignored for a SQLite file).",
    )
    deep = click.option(
        "--verify-deep",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_remember_deep,
        help="Check the whole store deeply on opening (every document through the "
        "model, histories replayed, KPI facts and search index recomputed) "
        "instead of the quick check.",
    )

    def decorate(function: F) -> F:
        return db(schema(deep(function)))

    return decorate


_DEEP = "iso10002.verify_deep"


def _remember_deep(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
    """Keep ``--verify-deep`` for :func:`open_repository` (no command argument)."""
    if value:
        ctx.meta[_DEEP] = True


def deep_asked() -> bool:
    """Tell whether ``--verify-deep`` was given to the running command."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(_DEEP))


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


def _damaged(target: str, what: str) -> CliError:
    return CliError(
        f"{describe(target)}: damaged iso10002 database ({what}); "
        "restore it from a backup"
    )


def check_store(
    target: str, repository: BulkRepository, *, deep: bool | None = None
) -> None:
    """Refuse a store whose complaints or event log fail the check on opening.

    The check is ``verify_integrity(quick=True)`` unless ``deep`` (by default:
    unless ``--verify-deep`` was given), which runs the whole deep check.

    Raises:
        CliError: one line naming the first problem and how many there are.
    """
    if deep is None:
        deep = deep_asked()
    report = repository.verify_integrity(quick=not deep)
    if not report.ok:
        first = report.problems[0]
        ids = report.broken_complaint_ids
        raise _damaged(
            target,
            f"{len(ids)} complaint(s) fail the integrity check; first: {first.message}",
        )


def _open_sqlite(
    path: str, *, create: bool, pages: bool = True
) -> SQLiteComplaintRepository:
    file = Path(path)
    if not file.exists():
        if create and file.parent.is_dir():
            return SQLiteComplaintRepository(file)
        msg = f"{file.parent}: no such directory" if create else f"{path}: no such file"
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
        if create and not tables:
            return SQLiteComplaintRepository(file)
        msg = f"{path}: not an iso10002 database (no complaints tables)"
        raise CliError(msg)
    missing = sorted(_REQUIRED_TABLES - tables)
    if missing:
        raise _damaged(path, f"table {missing[0]} is missing")
    if pages:
        _check_pages(path, file)
    return SQLiteComplaintRepository(file)


def _check_pages(path: str, file: Path) -> None:
    """Refuse a SQLite file whose pages SQLite's own check finds damaged."""
    try:
        problem = _structure_problem(file)
    except sqlite3.Error as exc:
        problem = str(exc)
    if problem is not None:
        raise _damaged(path, f"SQLite page check: {problem}")


def _open_postgres(dsn: str, schema: str, *, create: bool) -> BulkRepository:
    try:
        from iso10002.repositories.postgres import (  # noqa: PLC0415 - only when used
            PostgresComplaintRepository,
        )
    except ImportError:
        msg = (
            "a PostgreSQL --db needs the 'postgres' extra: "
            "pip install 'iso10002[postgres]'"
        )
        raise CliError(msg) from None
    try:
        return PostgresComplaintRepository(
            dsn.strip(), schema=schema, migrate=create, pool_size=2
        )
    except RepositoryError as exc:
        # The driver's message may quote the DSN; name the store without its password.
        text = str(exc).replace(dsn, describe(dsn))
        msg = f"{describe(dsn)} (schema {schema}): {text}"
        raise CliError(msg) from None


def open_repository(  # noqa: PLR0913 - one switch per part of the opening
    target: str,
    schema: str = DEFAULT_SCHEMA,
    *,
    create: bool = False,
    verify: bool = True,
    deep: bool | None = None,
    pages: bool = True,
) -> BulkRepository:
    """Open the store named by ``--db``, or fail with one clear line.

    Every command reads through it, so a damaged store fails every command
    the same way: for SQLite the page check and the tables, then (with
    ``verify``, on either store) the quick check of :func:`check_store`, or
    the deep one with ``--verify-deep``. ``report`` and ``return`` run this
    very call in a process of their own beside their work (see
    ``iso10002.cli._opening``).

    Args:
        target: A SQLite path or a ``postgresql://`` URI.
        schema: The PostgreSQL schema (ignored for SQLite).
        create: Create the store when missing (an empty SQLite file or a new
            schema); read commands leave it ``False``.
        verify: Refuse a store that fails the check on opening.
        deep: Check deeply; ``None``: as ``--verify-deep`` says.
        pages: Run SQLite's page check (``PRAGMA quick_check``, as long as
            the file); only a caller whose check process runs it leaves it out.

    Raises:
        CliError: if the store is missing, unreadable, not an iso10002 store,
            or damaged.
    """
    repository: BulkRepository = (
        _open_postgres(target, schema, create=create)
        if is_dsn(target)
        else _open_sqlite(target, create=create, pages=pages)
    )
    if verify:
        try:
            check_store(target, repository, deep=deep)
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
