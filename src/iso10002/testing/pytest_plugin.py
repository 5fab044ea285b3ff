"""The iso10002 pytest plugin: options and fixtures for testing storage adapters.

Loaded automatically through the ``pytest11`` entry point. It is cheap to
import (adapters and drivers are imported inside the fixtures) and works
without psycopg installed.

Fixtures:

* ``iso10002_memory_repository``: a new in-memory repository.
* ``iso10002_sqlite_repository``: a new SQLite repository in a temporary file.
* ``iso10002_postgres_dsn`` (session): the DSN of a PostgreSQL server that
  answers; skips the test with the reason when none does, and fails instead
  when the environment variable ``ISO10002_REQUIRE_POSTGRES=1`` is set (CI).
* ``iso10002_postgres_schema`` (session): a schema of its own for this test
  run (random suffix, dropped at the end), so parallel runs never collide.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from iso10002.repositories.memory import InMemoryComplaintRepository
    from iso10002.repositories.sqlite import SQLiteComplaintRepository

__all__ = [
    "DEFAULT_POSTGRES_DSN",
    "REQUIRE_POSTGRES_ENV",
    "iso10002_memory_repository",
    "iso10002_postgres_dsn",
    "iso10002_postgres_schema",
    "iso10002_sqlite_repository",
    "pytest_addoption",
    "pytest_configure",
]

DEFAULT_POSTGRES_DSN = "postgresql://postgres@127.0.0.1:5432/test"
"""DSN tried when neither the option nor ``ISO10002_TEST_POSTGRES_DSN`` is set."""

REQUIRE_POSTGRES_ENV = "ISO10002_REQUIRE_POSTGRES"
"""Set this environment variable to ``1`` to fail, not skip, without PostgreSQL."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--iso10002-postgres-dsn``."""
    group = parser.getgroup("iso10002")
    group.addoption(
        "--iso10002-postgres-dsn",
        default=os.environ.get("ISO10002_TEST_POSTGRES_DSN", DEFAULT_POSTGRES_DSN),
        help="PostgreSQL DSN for adapter tests (default: %(default)s)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``iso10002_postgres`` marker."""
    config.addinivalue_line(
        "markers",
        "iso10002_postgres: the test needs the PostgreSQL server given by the DSN",
    )


def _unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
        pytest.fail(
            f"{reason} ({REQUIRE_POSTGRES_ENV}=1, so this is a failure)", pytrace=False
        )
    pytest.skip(reason)


def _redact(dsn: str) -> str:
    """Hide a password in a DSN before it goes into a report."""
    scheme, sep, rest = dsn.partition("://")
    if sep and "@" in rest:
        credentials, _, host = rest.rpartition("@")
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return dsn


@pytest.fixture(scope="session")
def iso10002_postgres_dsn(pytestconfig: pytest.Config) -> str:
    """Return the DSN of a PostgreSQL server that answers, or skip (fail in CI).

    .. versionadded:: 0.1.0
    """
    dsn = str(pytestconfig.getoption("--iso10002-postgres-dsn"))
    try:
        import psycopg  # noqa: PLC0415 - optional driver, imported only when needed
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'iso10002[postgres]')")
        raise  # pragma: no cover - _unavailable always raises
    problem = ""
    try:
        with psycopg.connect(dsn, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as exc:
        problem = " ".join(str(exc).split())
    if problem:
        _unavailable(f"no PostgreSQL server answers at {_redact(dsn)}: {problem}")
    return dsn


@pytest.fixture(scope="session")
def iso10002_postgres_schema(iso10002_postgres_dsn: str) -> Iterator[str]:
    """Create a schema of this run's own (random suffix), drop it at the end.

    .. versionadded:: 0.1.0
    """
    import psycopg  # noqa: PLC0415 - optional driver
    from psycopg import sql  # noqa: PLC0415

    name = f"iso10002_test_{secrets.token_hex(6)}"
    with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name))
            )


@pytest.fixture
def iso10002_memory_repository() -> InMemoryComplaintRepository:
    """Return a new, empty in-memory repository.

    .. versionadded:: 0.1.0
    """
    from iso10002.repositories.memory import InMemoryComplaintRepository  # noqa: PLC0415

    return InMemoryComplaintRepository()


@pytest.fixture
def iso10002_sqlite_repository(tmp_path: Path) -> Iterator[SQLiteComplaintRepository]:
    """Return a new, empty SQLite repository in a temporary file, closed afterwards.

    .. versionadded:: 0.1.0
    """
    from iso10002.repositories.sqlite import SQLiteComplaintRepository  # noqa: PLC0415

    repository = SQLiteComplaintRepository(tmp_path / "complaints.db")
    yield repository
    repository.close()
