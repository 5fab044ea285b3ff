"""KPIs of stored complaints: SQL push-down against streaming them into compute_kpis.

Stores N complaints in a SQLite file (bulk import, not timed), then times the
pure-Python path (every complaint read back through ``find`` pages and fed to
``compute_kpis``) and ``analytics_kpis`` (SQL aggregates over the facts
tables) on the same data, checks that both reports are equal and prints the
ratio. The target of the push-down issue is a push-down at least 2x faster
than the pure-Python path on 1M stored complaints.

Storing 1M complaints takes about five minutes, so the default is 100,000 (about
a minute in all); run ``python benchmarks/bench_pushdown.py --n 1000000``
for the target size. ``--repeats R`` times each path R times (best of R).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from iso10002.analysis import KpiSpec, compute_kpis
from iso10002.model import (
    Channel,
    Classification,
    Complainant,
    Complaint,
    Decision,
    DueDate,
    HistoryEvent,
    Outcome,
    Remedy,
    RemedyKind,
    SatisfactionFeedback,
    Subject,
)
from iso10002.repositories import Query
from iso10002.repositories._protocol import MAX_PAGE_SIZE
from iso10002.repositories.sqlite import SQLiteComplaintRepository

N = 100_000
TARGET = 2.0
START = datetime(2025, 1, 1, 9, tzinfo=timezone.utc)
AS_OF = datetime(2026, 3, 1, tzinfo=timezone.utc)
STEPS = ["ComplaintAcknowledged", "ComplaintAssessed", "DecisionCommunicated"]


def complaints(n: int) -> Iterator[Complaint]:
    """Yield ``n`` varied complaints over 14 months (deterministic)."""
    rnd = random.Random(1)
    outcomes = [Outcome.UPHELD, Outcome.PARTIALLY_UPHELD, Outcome.NOT_UPHELD]
    for i in range(n):
        received = START + timedelta(minutes=rnd.randrange(600_000))
        names = [*STEPS, "ComplaintClosed"][: rnd.choice([1, 2, 4, 4])]
        if len(names) == 4 and rnd.random() < 0.05:
            names.append("ComplaintReopened")
        at = received
        history = [
            HistoryEvent(sequence=1, name="ComplaintReceived", at=received, actor="w")
        ]
        for name in names:
            at += timedelta(hours=rnd.randrange(1, 200))
            history.append(
                HistoryEvent(sequence=len(history) + 1, name=name, at=at, actor="a")
            )
        outcome = rnd.choice(outcomes) if "DecisionCommunicated" in names else None
        yield Complaint(
            id=f"C{i:08d}",
            reference=f"R{i}",
            received_at=received,
            channel=rnd.choice(list(Channel)),
            received_by="w",
            complainant=Complainant(name="n"),
            description="d",
            subject=Subject(product=rnd.choice(["card", "loan", "account"])),
            classification=Classification(
                category=rnd.choice(["billing", "delay", "staff"])
            ),
            status="received",
            assignee=f"agent{rnd.randrange(20)}",
            deadlines=(
                DueDate(
                    step="acknowledge",
                    due_at=received + timedelta(days=1),
                    met_at=history[1].at if len(history) > 1 else None,
                ),
            ),
            decision=None
            if outcome is None
            else Decision(
                outcome=outcome,
                summary="s",
                decided_by="a",
                decided_at=at,
                remedies=(
                    Remedy(
                        kind=RemedyKind.REFUND,
                        amount=Decimal(rnd.randrange(10_000)) / 100,
                        currency="GBP",
                    ),
                ),
            ),
            outcome=outcome,
            satisfaction=SatisfactionFeedback(score=rnd.randint(1, 5), received_at=at)
            if rnd.random() < 0.3
            else None,
            version=len(history),
            history=tuple(history),
        )


def stored(repository: SQLiteComplaintRepository) -> Iterator[Complaint]:
    """Stream every stored complaint, one ``find`` page at a time."""
    after = None
    while True:
        page = repository.find(Query(), limit=MAX_PAGE_SIZE, after=after)
        yield from page.items
        if page.next_cursor is None:
            return
        after = page.next_cursor


def timed(fn, repeats: int):
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=N, help="complaints to store")
    parser.add_argument("--repeats", type=int, default=1, help="best of R runs")
    args = parser.parse_args()
    spec = KpiSpec(as_of=AS_OF)
    with tempfile.TemporaryDirectory() as folder:
        repository = SQLiteComplaintRepository(Path(folder) / "bench.db")
        try:
            start = time.perf_counter()
            repository.import_complaints(complaints(args.n), batch_size=5_000)
            took = time.perf_counter() - start
            print(f"stored {args.n:,} complaints in {took:.1f} s")
            python_s, expected = timed(
                lambda: compute_kpis(stored(repository), spec), args.repeats
            )
            sql_s, report = timed(
                lambda: repository.analytics_kpis(spec, None), args.repeats
            )
        finally:
            repository.close()
    if report != expected:
        print("push-down and compute_kpis DISAGREE")
        return 1
    ratio = python_s / sql_s
    verdict = "meets" if ratio >= TARGET else "MISSES"
    print(
        f"KPIs of {args.n:,} stored complaints: pure Python {python_s:.2f} s,"
        f" SQL push-down {sql_s:.2f} s, push-down {ratio:.1f}x faster"
        f" ({verdict} target >= {TARGET}x)"
    )
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
