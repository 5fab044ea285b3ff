"""``iso10002 serve``: run the web desk on SQLite or PostgreSQL (``web`` extra)."""

from __future__ import annotations

import os
import secrets
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click

from iso10002.calendars import WeekdayCalendar
from iso10002.cli._db import DEFAULT_SCHEMA, describe, is_dsn, open_repository
from iso10002.cli._errors import CliError
from iso10002.errors import ValidationError
from iso10002.handler import ComplaintsHandler, RoleBasedAccess
from iso10002.repositories import ComplaintRepository

__all__ = ["desk_handler", "serve"]

_SECRET_ENV = "ISO10002_SECRET_KEY"  # noqa: S105 - a variable name, not a secret


def desk_handler(
    repository: ComplaintRepository, target: str, schema: str, zone: str
) -> tuple[ComplaintsHandler, Any]:
    """Return the desk's handler and the store it opened (``None`` for SQLite).

    Complainants act on their own complaint through
    :func:`~iso10002.web.complainant_access`; staff by their roles.
    """
    from iso10002.web import complainant_access  # noqa: PLC0415 - the web extra

    store: Any = None
    if is_dsn(target):
        from iso10002.handler.postgres import PostgresHandlerStore  # noqa: PLC0415

        store = PostgresHandlerStore(target.strip(), schema=schema)
    handler = ComplaintsHandler(
        repository,
        calendar=WeekdayCalendar(zone=zone),
        access=complainant_access(RoleBasedAccess()),
        store=store,
    )
    return handler, store


def _secret(path: Path | None) -> str:
    if path is not None:
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            msg = f"--secret-key-file {path}: {exc.strerror or exc}"
            raise CliError(msg) from None
    from_env = os.environ.get(_SECRET_ENV, "").strip()
    if from_env:
        return from_env
    click.echo(
        f"No --secret-key-file or {_SECRET_ENV}: using a random key, so sessions "
        "and status links end when the server stops.",
        err=True,
    )
    return secrets.token_urlsafe(48)


@click.command()
@click.option(
    "--db",
    "db",
    metavar="PATH|DSN",
    help="A SQLite file (created if missing) or a PostgreSQL URI.",
)
@click.option(
    "--schema",
    default=DEFAULT_SCHEMA,
    show_default=True,
    help="The PostgreSQL schema (ignored for SQLite).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--users",
    "users_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON file of staff accounts: {name: {roles: [...], password_hash: ...}}.",
)
@click.option(
    "--secret-key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"File holding the signing key (or set {_SECRET_ENV}).",
)
@click.option(
    "--zone",
    default="UTC",
    show_default=True,
    help="The organisation's time zone for business days (Mon-Fri).",
)
@click.option(
    "--http",
    "plain_http",
    is_flag=True,
    help="Allow cookies over plain HTTP (a developer's machine only).",
)
@click.option(
    "--hash-password",
    is_flag=True,
    help="Read a password from the terminal, print its argon2 hash for --users, exit.",
)
def serve(  # noqa: PLR0913, PLR0917 - one parameter per option
    db: str | None,
    schema: str,
    host: str,
    port: int,
    users_file: Path | None,
    secret_key_file: Path | None,
    zone: str,
    plain_http: bool,  # noqa: FBT001 - a click flag
    hash_password: bool,  # noqa: FBT001 - a click flag
) -> None:
    """Run the complaints desk: REST API, staff console and complainant pages.

    Staff sign in at /login with the accounts of --users; the public form is
    at /complain; the API's OpenAPI document is at /api/openapi.json. Binds
    to 127.0.0.1 unless --host says otherwise (put a TLS proxy in front).
    """
    try:
        import uvicorn  # noqa: PLC0415 - the web extra

        from iso10002 import web  # noqa: PLC0415
    except ImportError:
        msg = "serve needs the 'web' extra: pip install 'iso10002[web]'"
        raise CliError(msg) from None
    if hash_password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            click.echo(web.hash_password(password))
        except ValidationError as exc:
            raise CliError(str(exc)) from None
        return
    if not db:
        msg = "--db is required (a SQLite file or a PostgreSQL URI)"
        raise click.UsageError(msg)
    try:
        users = None if users_file is None else web.PasswordUsers.from_file(users_file)
    except ValidationError as exc:
        msg = f"--users {users_file}: {exc}"
        raise CliError(msg) from None
    if users is None:
        click.echo("No --users: nobody can sign in to the console.", err=True)
    with ExitStack() as stack:
        repository = open_repository(db, schema, create=True)
        stack.callback(repository.close)
        handler, store = desk_handler(repository, db, schema, zone)
        stack.callback(handler.shutdown)
        if store is not None:
            stack.callback(store.close)
        app = web.create_app(
            handler,
            secret_key=_secret(secret_key_file),
            users=users,
            https_only=not plain_http,
        )
        click.echo(
            f"Serving {describe(db)} at http://{host}:{port}/ (Ctrl-C stops)",
            err=True,
        )
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    sys.stdout.flush()
