"""Handler throughput on SQLite vs the raw repository (load + save) in the same run.

Each complaint goes received → acknowledged → assessed → assigned → investigating →
decided → decision communicated → closed. The raw run replays exactly the
same versions straight into a SQLiteComplaintRepository (``get`` then
``save``, as the handler does); the handler run adds access checks, the
workflow and its guards, the due-date projection, redaction and publishing.

Target (issue 7): handler overhead per step <= 2x the repository's own cost.
Run: ``python benchmarks/bench_handler.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from iso10002.clock import FixedClock
from iso10002.handler import Actor, ComplaintsHandler
from iso10002.model import Complaint, ComplaintForm, RootCause
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.serialization import from_dict

COMPLAINTS = 150
REPEAT = 3
TARGET = 2.0
STEPS_PER_COMPLAINT = 8  # receive + seven steps
WEB = Actor("web-form", roles={"intake"})
AGENT = Actor("agent:1", roles={"complaints-manager"})
CAUSE = RootCause(category="billing run", corrective_action="CAPA-12")
FORM = from_dict(
    ComplaintForm,
    {
        "complainant": {"name": "Sam Taylor", "email": "sam@example.org"},
        "description": "I was charged twice for my March bill.",
    },
)


class _Recording(InMemoryComplaintRepository):
    """An in-memory repository that remembers every version stored."""

    def __init__(self) -> None:
        super().__init__()
        self.versions: list[Complaint] = []

    def add(
        self,
        complaint: Complaint,
        *,
        idempotency_key: str | None = None,
        payload_digest: str | None = None,
    ) -> Complaint:
        self.versions.append(complaint)
        return super().add(
            complaint, idempotency_key=idempotency_key, payload_digest=payload_digest
        )

    def save(self, complaint: Complaint, *, expected_version: int) -> Complaint:
        self.versions.append(complaint)
        return super().save(complaint, expected_version=expected_version)


def run_handler(handler: ComplaintsHandler, clock: FixedClock) -> None:
    """Take COMPLAINTS complaints through the standard path."""
    for _ in range(COMPLAINTS):
        c = handler.receive(FORM, actor=WEB, channel="web")
        clock.advance(timedelta(minutes=1))
        handler.acknowledge(c.id, actor=AGENT)
        handler.assess(c.id, actor=AGENT, category="billing")
        handler.assign(c.id, actor=AGENT, assignee="agent:1")
        handler.investigate(c.id, actor=AGENT)
        handler.decide(
            c.id,
            actor=AGENT,
            outcome="upheld",
            summary="Refunded.",
            reasons="Charged twice.",
            escalation_route="The ombudsman.",
        )
        handler.communicate_decision(c.id, actor=AGENT)
        handler.close(c.id, actor=AGENT, root_cause=CAUSE)


def versions() -> list[Complaint]:
    """Record the versions a handler run stores, to replay them raw."""
    repository = _Recording()
    clock = FixedClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    run_handler(ComplaintsHandler(repository, clock=clock), clock)
    return repository.versions


def raw(path: Path, recorded: list[Any]) -> float:
    """Replay ``recorded`` into a fresh SQLite file: add, then get + save per step."""
    repository = SQLiteComplaintRepository(path)
    start = time.perf_counter()
    for complaint in recorded:
        if complaint.version == 1:
            repository.add(complaint)
        else:
            current = repository.get(complaint.id)
            repository.save(complaint, expected_version=current.version)
    elapsed = time.perf_counter() - start
    repository.close()
    return elapsed


def through_handler(path: Path) -> float:
    """Run the same path through a handler on a fresh SQLite file."""
    repository = SQLiteComplaintRepository(path)
    clock = FixedClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    handler = ComplaintsHandler(repository, clock=clock)
    start = time.perf_counter()
    run_handler(handler, clock)
    elapsed = time.perf_counter() - start
    handler.shutdown()
    repository.close()
    return elapsed


def main() -> None:
    """Time both, best of REPEAT, and print the comparison."""
    recorded = versions()
    steps = len(recorded)
    assert steps == COMPLAINTS * STEPS_PER_COMPLAINT
    best_raw = best_handler = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(REPEAT):
            best_raw = min(best_raw, raw(Path(tmp) / f"raw{i}.db", recorded))
            best_handler = min(best_handler, through_handler(Path(tmp) / f"h{i}.db"))
    per_raw, per_handler = best_raw / steps, best_handler / steps
    overhead = (per_handler - per_raw) / per_raw
    verdict = "meets" if overhead <= TARGET else "MISSES"
    print(f"{steps} steps ({COMPLAINTS} complaints), best of {REPEAT}")
    print(f"repository get+save: {per_raw * 1e6:8.1f} us/step ({1 / per_raw:7.0f}/s)")
    rate = 1 / per_handler
    print(f"handler:             {per_handler * 1e6:8.1f} us/step ({rate:7.0f}/s)")
    print(
        f"handler overhead: {overhead:.2f}x the repository's own cost per step "
        f"(total {per_handler / per_raw:.2f}x; {verdict} target overhead <= {TARGET}x)"
    )


if __name__ == "__main__":
    main()
