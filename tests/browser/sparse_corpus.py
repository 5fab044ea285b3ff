"""A long, sparse, many-category data set: what real published complaints look like.

Eleven years, 137 categories with a long tail and long names, 1,269 handlers,
whole months with no complaint at all, a volume that grows tenfold (so the
c-chart is not stable), remedies recorded with and without amounts, and
outcomes that cannot be appealed. Deterministic for a given seed.
"""

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
    HistoryEvent,
    Outcome,
    Remedy,
    RemedyKind,
    RootCause,
    Subject,
)

START = datetime(2015, 1, 1, tzinfo=timezone.utc)
END = datetime(2026, 1, 1, tzinfo=timezone.utc)
EMPTY_MONTHS = {(2016, 2), (2016, 3), (2018, 7), (2018, 8), (2018, 9), (2021, 12)}
WORDS = [
    "billing",
    "statement",
    "incorrect",
    "fees",
    "charged",
    "account",
    "closure",
    "without",
    "notice",
    "mortgage",
    "servicing",
    "escrow",
    "payment",
    "loan",
    "modification",
    "debt",
    "collection",
    "credit",
    "reporting",
    "identity",
    "theft",
    "card",
    "disputed",
    "transaction",
    "overdraft",
]


def _category(i: int) -> str:
    rnd = random.Random(i)
    name = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(2, 9)))
    return f"{name} ({i})"


CATEGORIES = [_category(i) for i in range(137)]
HANDLERS = [f"handler-{i:04d}" for i in range(1269)]


def sparse_complaints(n: int, seed: int = 17) -> Iterator[Complaint]:
    """Yield about ``n`` complaints over 2015-2025, growing over time, with gaps."""
    rnd = random.Random(seed)
    span = (END - START).total_seconds()
    weights = [1 / (k + 1) ** 1.1 for k in range(len(CATEGORIES))]
    outcomes = [
        Outcome.UPHELD,
        Outcome.PARTIALLY_UPHELD,
        Outcome.NOT_UPHELD,
        Outcome.NOT_UPHELD,
        Outcome.DUPLICATE,
        Outcome.WITHDRAWN,
    ]
    made = 0
    while made < n:
        # Volume grows with time: the square root of a uniform draw skews late.
        received = START + timedelta(seconds=span * rnd.random() ** 0.5)
        if (received.year, received.month) in EMPTY_MONTHS:
            continue
        made += 1
        at = received + timedelta(hours=rnd.randrange(1, 48))
        history = [
            HistoryEvent(sequence=1, name="ComplaintReceived", at=received, actor="w"),
            HistoryEvent(sequence=2, name="ComplaintAcknowledged", at=at, actor="a"),
        ]
        outcome = rnd.choice(outcomes) if rnd.random() < 0.9 else None
        decision = None
        if outcome is not None:
            at += timedelta(days=rnd.randrange(1, 60))
            history.append(
                HistoryEvent(sequence=3, name="DecisionCommunicated", at=at, actor="a")
            )
            if rnd.random() < 0.08:
                history.append(
                    HistoryEvent(
                        sequence=4, name="ComplainantRejected", at=at, actor="c"
                    )
                )
                at += timedelta(days=3)
            if rnd.random() < 0.95:
                history.append(
                    HistoryEvent(
                        sequence=len(history) + 1,
                        name="ComplaintClosed",
                        at=at + timedelta(days=1),
                        actor="a",
                    )
                )
            decision = Decision(
                outcome=outcome,
                summary="s",
                decided_by="a",
                decided_at=at,
                remedies=_remedies(rnd, outcome),
            )
        yield Complaint(
            id=f"S{made:08d}",
            reference=f"R{made}",
            received_at=received,
            channel=rnd.choice(list(Channel)),
            received_by="w",
            complainant=Complainant(name="n"),
            description="d",
            subject=Subject(
                product=rnd.choice(["card", "loan", "mortgage", "account"])
            ),
            classification=Classification(category=rnd.choices(CATEGORIES, weights)[0]),
            root_cause=RootCause(category=rnd.choice(CATEGORIES[:30]))
            if rnd.random() < 0.3
            else None,
            status="received",
            assignee=rnd.choice(HANDLERS),
            decision=decision,
            outcome=outcome,
            version=len(history),
            history=tuple(history),
        )


def _remedies(rnd: random.Random, outcome: Outcome) -> tuple[Remedy, ...]:
    if outcome not in {Outcome.UPHELD, Outcome.PARTIALLY_UPHELD}:
        return (Remedy(kind=RemedyKind.EXPLANATION),)
    draw = rnd.random()
    if draw < 0.3:
        return (Remedy(kind=RemedyKind.REFUND),)
    if draw < 0.5:
        return (
            Remedy(kind=RemedyKind.APOLOGY),
            Remedy(
                kind=RemedyKind.COMPENSATION,
                amount=Decimal(rnd.randrange(100, 50_000)) / 100,
                currency="USD",
            ),
        )
    return (Remedy(kind=rnd.choice([RemedyKind.APOLOGY, RemedyKind.REPAIR])),)
