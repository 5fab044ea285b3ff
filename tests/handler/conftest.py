"""Fixtures for the handler tests: backends, a clock, actors and a form."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from iso10002.clock import FixedClock
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.model import ComplaintForm, RootCause
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.serialization import from_dict

ROOT_CAUSE = RootCause(category="payments", corrective_action="CAPA-7")
"""What closing an upheld complaint records (the root-cause guard needs it)."""

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday

INTAKE = Actor("web-form", roles={"intake"})
AGENT = Actor("agent:1", roles={"complaints-handler"})
OTHER_AGENT = Actor("agent:2", roles={"complaints-handler"})
MANAGER = Actor("manager:1", roles={"complaints-manager"})
AUDITOR = Actor("auditor:1", roles={"auditor"})
DPO = Actor("dpo:1", roles={"data-protection-officer"})
OUTSIDER = Actor("visitor")
SYSTEM = Actor("system:worker", roles={"system"})

PAYLOAD = {
    "complainant": {
        "name": "Sam Taylor",
        "email": "sam@example.org",
        "phone": "+44 20 7946 0000",
    },
    "description": "I was charged twice for my March bill.",
    "desired_outcome": "Refund the second payment.",
    "subject": {"product": "Electricity", "references": ["ACC-1029"]},
}


@pytest.fixture
def clock() -> FixedClock:
    """Return a clock at a Monday morning that tests move forwards."""
    return FixedClock(START)


@pytest.fixture
def form() -> ComplaintForm:
    """Return a valid intake form with personal data in every personal field kind."""
    return from_dict(ComplaintForm, PAYLOAD)


@pytest.fixture
def actors() -> dict[str, Actor]:
    """Return the actors the tests use, by short name."""
    return {
        "intake": INTAKE,
        "agent": AGENT,
        "other_agent": OTHER_AGENT,
        "manager": MANAGER,
        "auditor": AUDITOR,
        "dpo": DPO,
        "outsider": OUTSIDER,
        "system": SYSTEM,
    }


def _postgres(request: pytest.FixtureRequest) -> tuple[Any, Any, Callable[[], None]]:
    try:
        import psycopg  # noqa: PLC0415
        from psycopg import sql  # noqa: PLC0415

        from iso10002.handler.postgres import PostgresHandlerStore  # noqa: PLC0415
        from iso10002.repositories.postgres import (  # noqa: PLC0415
            PostgresComplaintRepository,
        )
    except ImportError as exc:  # pragma: no cover - without the postgres extra
        pytest.skip(f"psycopg is not installed ({exc})")
    dsn = request.getfixturevalue("iso10002_postgres_dsn")
    schema = f"handler_{secrets.token_hex(5)}"
    repository = PostgresComplaintRepository(dsn, schema=schema, pool_size=2)
    store = PostgresHandlerStore(dsn, schema=schema)

    def cleanup() -> None:
        store.close()
        repository.close()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                    sql.Identifier(schema)
                )
            )

    return repository, store, cleanup


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def backend(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Any, Any]]:
    """Return ``(repository, store)`` per adapter; PostgreSQL skips without a server."""
    if request.param == "memory":
        yield InMemoryComplaintRepository(), InMemoryHandlerStore()
        return
    if request.param == "sqlite":
        from iso10002.handler.sqlite import SQLiteHandlerStore  # noqa: PLC0415
        from iso10002.repositories.sqlite import SQLiteComplaintRepository  # noqa: PLC0415

        repository = SQLiteComplaintRepository(tmp_path / "complaints.db")
        store = SQLiteHandlerStore(repository.path)
        yield repository, store
        store.close()
        repository.close()
        return
    repository, store, cleanup = _postgres(request)
    try:
        yield repository, store
    finally:
        cleanup()


@pytest.fixture
def make_handler(
    backend: tuple[Any, Any], clock: FixedClock
) -> Callable[..., ComplaintsHandler]:
    """Return a factory of handlers on the backend, the test clock and its store."""
    repository, store = backend

    def make(**options: Any) -> ComplaintsHandler:
        options.setdefault("clock", clock)
        options.setdefault("store", store)
        return ComplaintsHandler(repository, **options)

    return make


@pytest.fixture
def walk(clock: FixedClock) -> Callable[..., Any]:
    """Return a function taking a received complaint to ``decision_communicated``."""

    def run(handler: ComplaintsHandler, complaint_id: str, actor: Actor) -> Any:
        clock.advance(timedelta(hours=2))
        handler.acknowledge(complaint_id, actor=actor)
        clock.advance(timedelta(hours=2))
        handler.assess(complaint_id, actor=actor, category="billing", severity="high")
        handler.assign(complaint_id, actor=actor, assignee=actor.name)
        clock.advance(timedelta(days=1))
        handler.investigate(complaint_id, actor=actor)
        clock.advance(timedelta(days=3))
        handler.decide(
            complaint_id,
            actor=actor,
            outcome="upheld",
            summary="We refunded the second payment.",
            reasons="The payment was taken twice by mistake.",
            escalation_route="You may refer this to the ombudsman within six months.",
        )
        clock.advance(timedelta(hours=1))
        return handler.communicate_decision(complaint_id, actor=actor).complaint

    return run
