from __future__ import annotations

import contextlib
import re
import subprocess
import sys

import pytest

pytest_plugins = ["pytester"]

_UNREACHABLE = "--iso10002-postgres-dsn=postgresql://postgres@127.0.0.1:9/test"

_NEEDS_POSTGRES = """
def test_needs_postgres(iso10002_postgres_dsn):
    assert iso10002_postgres_dsn
"""


@pytest.fixture(autouse=True)
def _import_psycopg_once():
    # In-process pytester runs forget modules imported during the run; psycopg's
    # compiled core cannot be imported twice, so import it out here first.
    with contextlib.suppress(ImportError):
        import psycopg  # noqa: F401, PLC0415


class TestPytestPlugin:
    def test_importing_the_plugin_is_cheap(self):
        """Importing the plugin loads neither psycopg nor any adapter."""
        code = (
            "import sys, iso10002.testing.pytest_plugin\n"
            "heavy = [m for m in ('psycopg', 'iso10002.repositories.sqlite', "
            "'iso10002.repositories.memory', 'hypothesis') if m in sys.modules]\n"
            "assert not heavy, heavy\n"
        )
        subprocess.run([sys.executable, "-c", code], check=True)

    def test_repository_fixtures_give_empty_working_repositories(self, pytester):
        """The memory and SQLite fixtures each give a fresh, empty repository."""
        pytester.makepyfile(
            """
            from iso10002.repositories import Query
            from iso10002.testing.contract import make_complaint

            def test_memory(iso10002_memory_repository):
                repository = iso10002_memory_repository
                assert repository.count(Query()) == 0
                repository.add(make_complaint(1))
                assert repository.get("C-000001") == make_complaint(1)

            def test_sqlite(iso10002_sqlite_repository, tmp_path):
                repository = iso10002_sqlite_repository
                assert repository.count(Query()) == 0
                repository.add(make_complaint(1))
                assert repository.path.startswith(str(tmp_path))
                assert repository.get("C-000001") == make_complaint(1)
            """
        )
        pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=2)

    def test_postgres_fixture_skips_when_no_server_answers(self, pytester, monkeypatch):
        """Without a server the PostgreSQL fixture skips, giving the reason."""
        monkeypatch.delenv("ISO10002_REQUIRE_POSTGRES", raising=False)
        pytester.makepyfile(_NEEDS_POSTGRES)
        result = pytester.runpytest_inprocess(_UNREACHABLE, "-rs")
        result.assert_outcomes(skipped=1)
        result.stdout.fnmatch_lines(
            ["*no PostgreSQL server answers at postgresql://postgres@127.0.0.1:9/test*"]
        )

    def test_postgres_fixture_fails_when_postgres_is_required(
        self, pytester, monkeypatch
    ):
        """With ISO10002_REQUIRE_POSTGRES=1 a missing server is an error, not a skip."""
        monkeypatch.setenv("ISO10002_REQUIRE_POSTGRES", "1")
        pytester.makepyfile(_NEEDS_POSTGRES)
        result = pytester.runpytest_inprocess(_UNREACHABLE)
        result.assert_outcomes(errors=1)
        result.stdout.fnmatch_lines(
            ["*ISO10002_REQUIRE_POSTGRES=1, so this is a failure*"]
        )

    def test_postgres_fixture_skips_without_psycopg(self, pytester, monkeypatch):
        """Without psycopg installed the fixture skips and says how to install it."""
        monkeypatch.delenv("ISO10002_REQUIRE_POSTGRES", raising=False)
        pytester.makeconftest("import sys\nsys.modules['psycopg'] = None\n")
        pytester.makepyfile(_NEEDS_POSTGRES)
        result = pytester.runpytest_subprocess("-rs")
        result.assert_outcomes(skipped=1)
        result.stdout.fnmatch_lines(
            ["*psycopg is not installed*iso10002[[]postgres[]]*"]
        )

    def test_the_dsn_option_defaults_to_the_environment(self, pytester, monkeypatch):
        """ISO10002_TEST_POSTGRES_DSN sets the default of --iso10002-postgres-dsn."""
        monkeypatch.setenv(
            "ISO10002_TEST_POSTGRES_DSN", "postgresql://someone@db.example/x"
        )
        pytester.makepyfile(
            """
            def test_option(pytestconfig):
                value = pytestconfig.getoption("--iso10002-postgres-dsn")
                assert value == "postgresql://someone@db.example/x"
            """
        )
        pytester.runpytest_inprocess().assert_outcomes(passed=1)

    def test_passwords_are_hidden_in_skip_reasons(self, pytester, monkeypatch):
        """A DSN's password never appears in a skip reason."""
        monkeypatch.delenv("ISO10002_REQUIRE_POSTGRES", raising=False)
        pytester.makepyfile(_NEEDS_POSTGRES)
        result = pytester.runpytest_inprocess(
            "--iso10002-postgres-dsn=postgresql://user:s3cret@127.0.0.1:9/test", "-rs"
        )
        result.assert_outcomes(skipped=1)
        assert "s3cret" not in result.stdout.str()
        result.stdout.fnmatch_lines(["*postgresql://user@127.0.0.1:9/test*"])

    @pytest.mark.postgres
    def test_each_run_gets_its_own_schema_dropped_afterwards(
        self, pytester, iso10002_postgres_dsn
    ):
        """The schema fixture creates a randomly named schema, dropped afterwards."""
        psycopg = pytest.importorskip("psycopg")
        pytester.makepyfile(
            """
            import psycopg

            def test_schema(iso10002_postgres_dsn, iso10002_postgres_schema):
                print("SCHEMA", iso10002_postgres_schema)
                with psycopg.connect(iso10002_postgres_dsn) as connection:
                    row = connection.execute(
                        "SELECT 1 FROM information_schema.schemata "
                        "WHERE schema_name = %s",
                        (iso10002_postgres_schema,),
                    ).fetchone()
                assert row == (1,)
            """
        )
        result = pytester.runpytest_inprocess(
            f"--iso10002-postgres-dsn={iso10002_postgres_dsn}", "-s"
        )
        result.assert_outcomes(passed=1)
        names = re.findall(r"SCHEMA (\S+)", result.stdout.str())
        assert len(names) == 1
        assert names[0].startswith("iso10002_test_")
        with psycopg.connect(iso10002_postgres_dsn) as connection:
            row = connection.execute(
                "SELECT 1 FROM information_schema.schemata WHERE schema_name = %s",
                (names[0],),
            ).fetchone()
        assert row is None
