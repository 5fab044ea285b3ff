"""Fixtures for the web desk: a handler on SQLite (or PostgreSQL) and test clients."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette")

from starlette.requests import HTTPConnection
from starlette.testclient import TestClient

from iso10002.calendars import WeekdayCalendar
from iso10002.handler import Actor, ComplaintsHandler, RoleBasedAccess
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.web import ComplainantAccess, PasswordUsers, create_app, hash_password

SECRET = "test-secret-" + "x" * 40
TOKENS = {
    "handler": Actor("agent:1", roles={"complaints-handler"}),
    "other-handler": Actor("agent:2", roles={"complaints-handler"}),
    "manager": Actor("manager:1", roles={"complaints-manager"}),
    "auditor": Actor("auditor:1", roles={"auditor"}),
    "intake": Actor("web-form", roles={"intake"}),
    "nobody": Actor("guest"),
}
PASSWORD = "correct horse battery"


def bearer(connection: HTTPConnection) -> Actor | None:
    """Authenticate by a bearer token from ``TOKENS`` (the host's hook in tests)."""
    header = connection.headers.get("authorization", "")
    return TOKENS.get(header.removeprefix("Bearer ").strip())


def make_handler(repository) -> ComplaintsHandler:
    return ComplaintsHandler(
        repository,
        calendar=WeekdayCalendar(zone="Europe/London"),
        access=ComplainantAccess(base=RoleBasedAccess()),
    )


@pytest.fixture
def repository(tmp_path: Path) -> Iterator[SQLiteComplaintRepository]:
    repo = SQLiteComplaintRepository(tmp_path / "desk.db")
    yield repo
    repo.close()


@pytest.fixture
def handler(repository) -> Iterator[ComplaintsHandler]:
    made = make_handler(repository)
    yield made
    made.shutdown()


@pytest.fixture
def api(handler) -> Iterator[TestClient]:
    """A client of an app whose host authenticates by bearer token."""
    app = create_app(handler, secret_key=SECRET, authenticate=bearer)
    with TestClient(app, base_url="https://testserver") as client:
        yield client


@pytest.fixture(scope="session")
def users() -> PasswordUsers:
    digest = hash_password(PASSWORD)
    return PasswordUsers(
        {
            "agent:1": {"roles": ["complaints-handler"], "password_hash": digest},
            "manager:1": {"roles": ["complaints-manager"], "password_hash": digest},
            "auditor:1": {"roles": ["auditor"], "password_hash": digest},
        }
    )


@pytest.fixture
def desk(handler, users) -> Iterator[TestClient]:
    """A client of the standalone desk (its own sign-in), not signed in."""
    app = create_app(handler, secret_key=SECRET, users=users)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        yield client


def auth(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {name}"}


FORM = {
    "complainant": {"name": "Sam Taylor", "email": "sam@example.org"},
    "description": "I was charged twice for my March bill.",
}
