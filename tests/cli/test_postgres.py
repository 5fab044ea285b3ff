"""Every command on a PostgreSQL store: ``--db postgresql://…`` with ``--schema``."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

pytestmark = pytest.mark.postgres

psycopg = pytest.importorskip("psycopg")

EXAMPLES = Path(__file__).parents[2] / "examples" / "import"


@pytest.fixture(scope="module")
def pg(iso10002_postgres_dsn):
    """Return ``(dsn, schema)`` of a fresh schema filled by ``iso10002 demo``."""
    from tests.cli.conftest import _invoke  # noqa: PLC0415 - the in-process runner

    schema = f"cli_{secrets.token_hex(5)}"
    result = _invoke(
        "demo", "--db", iso10002_postgres_dsn, "--schema", schema, "--complaints", "60"
    )
    assert result.exit_code == 0, result.stderr
    yield iso10002_postgres_dsn, schema
    with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}_in" CASCADE')


class TestPostgresStore:
    def test_demo_refuses_a_schema_in_use(self, invoke, pg, one_line_failure):
        """The demo never writes into a schema that holds complaints."""
        dsn, schema = pg
        result = invoke("demo", "--db", dsn, "--schema", schema, "--complaints", "5")
        assert "already holds 60" in one_line_failure(result, 1)

    def test_report_audit_and_returns(self, invoke, pg, demo_db):
        """report, audit and return give the same figures as on SQLite."""
        dsn, schema = pg
        for args in (
            ("report", "--period", "2025"),
            ("audit", "--period", "2025", "--json", "-"),
            (
                "return",
                "fca",
                "--period",
                "2025-H1",
                "--format",
                "json",
                "--holidays",
                "GB-ENG",
            ),
            ("return", "asic", "--period", "2025-Q1", "--holidays", "AU-NSW"),
        ):
            on_pg = invoke(*args, "--db", dsn, "--schema", schema)
            on_file = invoke(*args, "--db", str(demo_db))
            assert on_pg.exit_code == 0, on_pg.stderr
            assert on_pg.stdout == on_file.stdout

    def test_export_then_import_into_another_schema(self, invoke, pg, tmp_path):
        """Export from one schema imports equal into a new one, idempotently."""
        dsn, schema = pg
        out = tmp_path / "all.jsonl"
        exported = invoke(
            "export", "--db", dsn, "--schema", schema, "-o", str(out),
            "--include-personal-data",
        )  # fmt: skip
        assert exported.exit_code == 0, exported.stderr
        target = f"{schema}_in"
        first = invoke("import", str(out), "--db", dsn, "--schema", target)
        assert first.exit_code == 0, first.stderr
        assert "imported 60" in first.stdout
        again = invoke("import", str(out), "--db", dsn, "--schema", target)
        assert "already imported 60" in again.stdout
        back = tmp_path / "back.jsonl"
        invoke("export", "--db", dsn, "--schema", target, "-o", str(back),
               "--include-personal-data")  # fmt: skip
        assert [json.loads(x) for x in back.read_text().splitlines()] == [
            json.loads(x) for x in out.read_text().splitlines()
        ]

    def test_missing_schema_is_one_line(self, invoke, pg, one_line_failure):
        """A read command on a schema that does not exist fails in one line."""
        dsn, _schema = pg
        result = invoke("report", "--db", dsn, "--schema", "no_such_schema_here")
        line = one_line_failure(result, 1)
        assert "no_such_schema_here" in line

    def test_password_is_not_printed(self, invoke, one_line_failure):
        """A DSN's password never reaches the error line."""
        dsn = "postgresql://someone:s3cret@127.0.0.1:1/nothing"
        line = one_line_failure(invoke("report", "--db", dsn), 1)
        assert "s3cret" not in line
