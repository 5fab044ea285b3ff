"""``iso10002 serve``: the command line that runs the desk in uvicorn."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from iso10002.cli import cli
from iso10002.cli._errors import CliError
from iso10002.cli._serve import _secret, desk_handler
from iso10002.communications import ComplainantAccess
from iso10002.handler.postgres import PostgresHandlerStore
from iso10002.repositories.postgres import PostgresComplaintRepository
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.web import hash_password


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_server(args: list[str], cwd: Path) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    env = {**os.environ, "ISO10002_SECRET_KEY": "k" * 48, "PYTHONWARNINGS": "error"}
    process = subprocess.Popen(
        [sys.executable, "-m", "iso10002", "serve", *args, "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/complain", timeout=2) as answer:
                if answer.status == 200:
                    return process, url
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.kill()
    _, err = process.communicate()
    pytest.fail(f"serve did not start: {err}")


def stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    _, err = process.communicate(timeout=30)
    return err


def users_file(tmp_path: Path) -> Path:
    path = tmp_path / "users.json"
    digest = hash_password("a long enough password")
    path.write_text(
        json.dumps(
            {"agent:1": {"roles": ["complaints-handler"], "password_hash": digest}}
        )
    )
    return path


class TestServeOptions:
    def test_help_names_the_options(self):
        """--help documents the store, address, accounts and key options."""
        result = CliRunner().invoke(cli, ["serve", "--help"])
        assert result.exit_code == 0
        for option in ("--db", "--host", "--port", "--users", "--secret-key-file"):
            assert option in result.output

    def test_hash_password_prints_an_argon2_hash(self):
        """--hash-password reads the password twice and prints its hash."""
        secret = "a long enough password"
        result = CliRunner().invoke(
            cli, ["serve", "--hash-password"], input=f"{secret}\n{secret}\n"
        )
        assert result.exit_code == 0
        assert result.output.strip().splitlines()[-1].startswith("$argon2id$")

    def test_a_short_password_is_refused(self):
        """Fewer than 12 characters is an error, not a weak hash."""
        result = CliRunner().invoke(
            cli, ["serve", "--hash-password"], input="short\nshort\n"
        )
        assert result.exit_code == 1
        assert "at least 12 characters" in result.output

    def test_db_is_required(self):
        """Without --db the command explains what it needs."""
        result = CliRunner().invoke(cli, ["serve"])
        assert result.exit_code == 2
        assert "--db is required" in result.output

    def test_a_malformed_users_file_is_one_line_naming_the_user(self, tmp_path):
        """An account without a hash is reported, not served."""
        bad = tmp_path / "users.json"
        bad.write_text(json.dumps({"agent:1": {"roles": ["x"]}}))
        result = CliRunner().invoke(
            cli, ["serve", "--db", str(tmp_path / "d.db"), "--users", str(bad)]
        )
        assert result.exit_code == 1
        assert "agent:1" in result.output


class TestServeRuns:
    def test_serves_sqlite_on_localhost(self, tmp_path):
        """The desk answers on 127.0.0.1 with its pages and the OpenAPI document."""
        process, url = run_server(
            ["--db", "desk.db", "--users", str(users_file(tmp_path)), "--http"],
            tmp_path,
        )
        try:
            with urllib.request.urlopen(f"{url}/api/openapi.json", timeout=5) as answer:
                document = json.load(answer)
            assert (
                "/api/complaints/{complaint_id}/steps/acknowledge" in document["paths"]
            )
            with urllib.request.urlopen(f"{url}/login", timeout=5) as answer:
                assert answer.status == 200
        finally:
            stop(process)
        assert (tmp_path / "desk.db").exists()

    @pytest.mark.postgres
    def test_serves_postgresql(
        self, tmp_path, iso10002_postgres_dsn, iso10002_postgres_schema
    ):
        """The same command on a PostgreSQL schema."""
        process, url = run_server(
            [
                "--db",
                iso10002_postgres_dsn,
                "--schema",
                iso10002_postgres_schema,
                "--http",
            ],
            tmp_path,
        )
        try:
            with urllib.request.urlopen(f"{url}/complain", timeout=5) as answer:
                assert b"Make a complaint" in answer.read()
        finally:
            err = stop(process)
        assert "nobody can sign in" in err


class TestServeParts:
    def test_the_secret_comes_from_the_file_then_the_environment(
        self, tmp_path, monkeypatch
    ):
        """--secret-key-file wins; else ISO10002_SECRET_KEY; else a random key."""
        key = tmp_path / "desk.key"
        key.write_text("f" * 48 + "\n")
        monkeypatch.setenv("ISO10002_SECRET_KEY", "e" * 48)
        assert _secret(key) == "f" * 48
        assert _secret(None) == "e" * 48
        monkeypatch.delenv("ISO10002_SECRET_KEY")
        first, second = _secret(None), _secret(None)
        assert first != second
        assert len(first) >= 32

    def test_a_missing_key_file_is_an_error(self, tmp_path):
        """The file is named in the message."""
        with pytest.raises(CliError, match=r"desk\.key"):
            _secret(tmp_path / "desk.key")

    def test_the_desk_handler_lets_complainants_use_their_links(self, tmp_path):
        """On SQLite the handler keeps its own store and wraps the access policy."""
        repository = SQLiteComplaintRepository(tmp_path / "d.db")
        handler, store = desk_handler(repository, str(tmp_path / "d.db"), "x", "UTC")
        try:
            assert store is None
            assert isinstance(handler.access, ComplainantAccess)
        finally:
            handler.shutdown()
            repository.close()

    @pytest.mark.postgres
    def test_on_postgresql_the_desk_handler_has_a_shared_store(
        self, iso10002_postgres_dsn, iso10002_postgres_schema
    ):
        """Reference counters live in PostgreSQL, shared by every process."""
        repository = PostgresComplaintRepository(
            iso10002_postgres_dsn, schema=iso10002_postgres_schema, migrate=True
        )
        handler, store = desk_handler(
            repository, iso10002_postgres_dsn, iso10002_postgres_schema, "UTC"
        )
        try:
            assert isinstance(store, PostgresHandlerStore)
            assert handler.store is store
        finally:
            handler.shutdown()
            store.close()
            repository.close()
