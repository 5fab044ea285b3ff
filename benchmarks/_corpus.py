"""A deterministic corpus of varied complaints for the analysis benchmarks."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal

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

START = datetime(2025, 1, 1, 9, tzinfo=timezone.utc)
STEPS = ["ComplaintAcknowledged", "ComplaintAssessed", "DecisionCommunicated"]


def varied_complaints(n: int) -> Iterator[Complaint]:
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
