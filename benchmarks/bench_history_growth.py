"""Cost of one handler step as a complaint's history grows, per adapter.

One complaint is taken by a handler through receive → acknowledge → assign;
its history is then lengthened to ``SHORT`` and ``LONG`` events by repeating
that assignment (alternating assignees) with ``Complaint.next_version``, which
records the facts each event changes, and imported. The timed step is the
handler's ``assign`` (load, workflow, due dates, save with its chained event),
alternating assignees, on each complaint in the same run.

Target (issue 14): a step at 5,000 events within 2x a step at 10 events.
Run: ``python benchmarks/bench_history_growth.py [--dsn DSN] [--long 5000]``.
PostgreSQL is skipped when no server answers.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import attrs
import psycopg

sys.path.insert(0, str(Path(__file__).parent))

from _util import best_of

from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.handler import Actor, ComplaintsHandler, HandlerStore
from iso10002.handler.postgres import PostgresHandlerStore
from iso10002.model import Complaint, ComplaintForm
from iso10002.repositories import ComplaintRepository, InMemoryComplaintRepository
from iso10002.repositories.postgres import PostgresComplaintRepository
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.serialization import from_dict

SHORT = 10
TARGET = 2.0
STEPS = 40
WEB = Actor("web-form", roles={"intake"})
AGENT = Actor("agent:1", roles={"complaints-manager"})
ASSIGNEES = ("agent:2", "agent:3")
CALENDAR = WeekdayCalendar(zone="UTC")
START = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
FORM = from_dict(
    ComplaintForm,
    {
        "complainant": {"name": "Sam Taylor", "email": "sam@example.org"},
        "description": "I was charged twice for my March bill.",
    },
)


def template() -> Complaint:
    """A complaint received, acknowledged and assigned by a real handler."""
    repository = InMemoryComplaintRepository()
    handler = ComplaintsHandler(repository, clock=FixedClock(START), calendar=CALENDAR)
    received = handler.receive(FORM, actor=WEB, channel="web")
    handler.acknowledge(received.id, actor=AGENT)
    handler.assign(received.id, actor=AGENT, assignee=ASSIGNEES[0])
    complaint = repository.get(received.id)
    handler.shutdown()
    return complaint


def lengthened(base: Complaint, events: int, number: int) -> Complaint:
    """``base`` under a new id, its last assignment repeated up to ``events`` events."""
    complaint = base
    step = base.history[-1]
    while complaint.version < events:
        assignee = ASSIGNEES[complaint.version % 2]
        data = {k: v for k, v in step.data.items() if k != "assignee"}
        event = attrs.evolve(
            step, sequence=complaint.version + 1, at=step.at, data=data
        )
        complaint = complaint.next_version(event, assignee=assignee)
    return attrs.evolve(
        complaint, id=f"{base.id}-{number}", reference=f"{base.reference}-{number}"
    )


def time_steps(
    repository: ComplaintRepository, complaint_id: str, store: HandlerStore | None
) -> float:
    """Best mean seconds of one handler ``assign`` on ``complaint_id``."""
    handler = ComplaintsHandler(
        repository,
        clock=FixedClock(START + timedelta(days=1)),
        calendar=CALENDAR,
        store=store,
    )
    turn = iter(range(10**9))

    def step() -> None:
        handler.assign(complaint_id, actor=AGENT, assignee=ASSIGNEES[next(turn) % 2])

    try:
        return best_of(step, number=STEPS, repeat=3)
    finally:
        handler.shutdown()


def measure(
    name: str,
    open_repository: Callable[[], ComplaintRepository],
    long: int,
    store: Callable[[], HandlerStore] | None = None,
) -> None:
    """Import a short and a long complaint, time a step on each, print the ratio."""
    base = template()
    short, longer = lengthened(base, SHORT, 1), lengthened(base, long, 2)
    repository = open_repository()
    try:
        repository.import_complaints([short, longer])
        at_short = time_steps(repository, short.id, store and store())
        at_long = time_steps(repository, longer.id, store and store())
    finally:
        repository.close()
    ratio = at_long / at_short
    verdict = "meets" if ratio <= TARGET else "MISSES"
    print(
        f"{name}: step at {SHORT} events {at_short * 1e3:.2f} ms, "
        f"at {long} events {at_long * 1e3:.2f} ms, "
        f"ratio {ratio:.2f}x ({verdict} target <= {TARGET}x)"
    )


@contextmanager
def postgres_schema(dsn: str) -> Iterator[str | None]:
    """A throwaway schema name, or ``None`` when no server answers."""
    try:
        psycopg.connect(dsn, connect_timeout=3).close()
    except psycopg.Error:
        yield None
        return
    schema = f"bench_{secrets.token_hex(3)}"
    try:
        yield schema
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main() -> None:
    """Measure SQLite (a file, default synchronous) and PostgreSQL if reachable."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--long", type=int, default=5000)
    args = parser.parse_args()
    print(f"one handler assign step, best mean of 3 x {STEPS}")
    with tempfile.TemporaryDirectory() as tmp:
        measure(
            "sqlite",
            lambda: SQLiteComplaintRepository(Path(tmp) / "growth.db"),
            args.long,
        )
    with postgres_schema(args.dsn) as schema:
        if schema is None:
            print("postgres: skipped (no server answers)")
            return
        measure(
            "postgres",
            lambda: PostgresComplaintRepository(args.dsn, schema=schema),
            args.long,
            lambda: PostgresHandlerStore(args.dsn, schema=schema),
        )


if __name__ == "__main__":
    main()
