"""Fixtures for the web desk: a handler on SQLite (or PostgreSQL) and test clients."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.requests import HTTPConnection

with warnings.catch_warnings():
    # Starlette asks for httpx2 in place of httpx; either works for these tests.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from iso10002.calendars import WeekdayCalendar
from iso10002.handler import Actor, ComplaintsHandler, RoleBasedAccess
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.web import PasswordUsers, complainant_access, create_app, hash_password

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


def make_handler(repository, store=None, clock=None) -> ComplaintsHandler:
    return ComplaintsHandler(
        repository,
        calendar=WeekdayCalendar(zone="Europe/London"),
        access=complainant_access(RoleBasedAccess()),
        store=store,
        clock=clock,
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
    with TestClient(
        app, base_url="https://testserver", follow_redirects=False
    ) as client:
        yield client


@pytest.fixture
def desk_client_for(handler):
    """Return a console client whose host hook signs in the given bearer role."""
    clients = []

    def make(role: str):
        app = create_app(handler, secret_key=SECRET, authenticate=bearer)
        client = TestClient(
            app,
            base_url="https://testserver",
            headers={"Authorization": f"Bearer {role}"},
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def auth(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {name}"}


FORM = {
    "complainant": {"name": "Sam Taylor", "email": "sam@example.org"},
    "description": "I was charged twice for my March bill.",
}


DECISION = {
    "decision": {
        "outcome": "upheld",
        "summary": "We refunded the second payment.",
        "reasons": "The bank statement shows the same payment taken twice.",
        "escalation_route": "You may refer this to the ombudsman within six months.",
    },
    "outcome": "upheld",
}


CLOSING = {
    "root_cause": {
        "category": "billing-system",
        "description": "The payment retry ran twice.",
        "corrective_action": "Retries now check for a settled payment.",
    }
}
"""What closing an upheld complaint records: its root cause (clause 8.7)."""


def receive(api, who="manager", **headers):
    response = api.post("/api/complaints", json=FORM, headers={**auth(who), **headers})
    assert response.status_code == 201, response.text
    return response.json()


def step(api, cid, trigger, data=None, who="manager", **headers):
    body = {} if data is None else {"data": data}
    return api.post(
        f"/api/complaints/{cid}/steps/{trigger}",
        json=body,
        headers={**auth(who), **headers},
    )


def step_keywords(api, cid, trigger, keywords, who="manager"):
    """Take a step with its keyword data as the body's members."""
    return api.post(
        f"/api/complaints/{cid}/steps/{trigger}", json=keywords, headers=auth(who)
    )


def walk(api, cid, who="manager", until=None):
    """Take the standard path from receipt to closing (or up to ``until``)."""
    response = None
    for trigger, data in [
        ("acknowledge", None),
        ("assess", {"classification": {"category": "billing"}}),
        ("assign", {"assignee": "agent:1"}),
        ("investigate", None),
        ("decide", DECISION),
        ("communicate_decision", None),
        ("close", CLOSING),
    ]:
        if trigger == until:
            break
        response = step(api, cid, trigger, data, who)
        assert response.status_code == 200, (trigger, response.text)
    return None if response is None else response.json()


class Kit:
    """What the web tests share (a fixture: test modules cannot import conftest)."""

    FORM = FORM
    SECRET = SECRET
    DECISION = DECISION
    CLOSING = CLOSING
    TestClient = TestClient
    auth = staticmethod(auth)
    bearer = staticmethod(bearer)
    make_handler = staticmethod(make_handler)
    receive = staticmethod(receive)
    step = staticmethod(step)
    step_keywords = staticmethod(step_keywords)
    walk = staticmethod(walk)


@pytest.fixture(scope="session")
def kit() -> type[Kit]:
    return Kit
