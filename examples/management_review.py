"""Management review pack: KPIs, control charts, Pareto, audit evidence, FCA return.

Builds 300 complaints with a small deterministic generator, then writes the
self-contained HTML page and its JSON twin to a temporary directory. Run it
with ``python examples/management_review.py``.
"""

from __future__ import annotations

import random
import tempfile
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from iso10002.analysis import (
    Granularity,
    KpiSpec,
    Period,
    build_management_review,
    fca_return,
    render_html,
)
from iso10002.analysis.evidence import OrganisationRecords
from iso10002.analysis.review import ImprovementAction, Objective, review_to_json
from iso10002.calendars import WeekdayCalendar
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
    RootCause,
    SatisfactionFeedback,
    Subject,
)

CATEGORIES = [
    "billing",
    "billing",
    "billing",
    "delay",
    "delay",
    "staff",
    "product fault",
]
CAUSES = ["manual keying", "manual keying", "batch failure", "training", "supplier"]
START = datetime(2025, 7, 1, 9, tzinfo=timezone.utc)


def generate(n: int, seed: int = 7) -> list[Complaint]:
    """Make ``n`` plausible complaints received over twelve months."""
    rnd = random.Random(seed)  # noqa: S311 - demo data, not security
    made = []
    for i in range(n):
        received = START + timedelta(days=rnd.randrange(365), hours=rnd.randrange(8))
        names = [
            "ComplaintAcknowledged",
            "ComplaintAssessed",
            "DecisionCommunicated",
            "ComplaintClosed",
        ][: rnd.choice([1, 2, 4, 4, 4, 4])]
        at, history = (
            received,
            [
                HistoryEvent(
                    sequence=1, name="ComplaintReceived", at=received, actor="web-form"
                )
            ],
        )
        for name in names:
            at += timedelta(
                hours=rnd.randrange(
                    1, 24 * (10 if name != "ComplaintAcknowledged" else 2)
                )
            )
            history.append(
                HistoryEvent(
                    sequence=len(history) + 1,
                    name=name,
                    at=at,
                    actor=f"agent:{rnd.randrange(1, 6)}",
                )
            )
        decided = "DecisionCommunicated" in names
        outcome = (
            rnd.choice(
                [
                    Outcome.UPHELD,
                    Outcome.PARTIALLY_UPHELD,
                    Outcome.NOT_UPHELD,
                    Outcome.NOT_UPHELD,
                ]
            )
            if decided
            else None
        )
        upheld = outcome in (Outcome.UPHELD, Outcome.PARTIALLY_UPHELD)
        made.append(
            Complaint(
                id=f"C{i:05d}",
                reference=f"CMP-{received.year}-{i:06d}",
                received_at=received,
                channel=rnd.choice(list(Channel)),
                received_by="web-form",
                complainant=Complainant(name=f"Customer {i}"),
                description="(demo)",
                subject=Subject(
                    product=rnd.choice(["card", "current account", "loan"])
                ),
                classification=Classification(category=rnd.choice(CATEGORIES)),
                status="closed" if "ComplaintClosed" in names else "acknowledged",
                assignee=f"agent:{rnd.randrange(1, 6)}",
                deadlines=(
                    DueDate(
                        step="acknowledge",
                        due_at=received + timedelta(days=1),
                        met_at=history[1].at if len(history) > 1 else None,
                    ),
                ),
                decision=Decision(
                    outcome=outcome,
                    summary="(demo)",
                    decided_by="agent:1",
                    decided_at=at,
                    communicated_at=at,
                    escalation_route="Financial Ombudsman Service",
                    remedies=(
                        Remedy(
                            kind=RemedyKind.COMPENSATION,
                            amount=Decimal(rnd.randrange(10, 200)),
                            currency="GBP",
                        ),
                    )
                    if upheld
                    else (),
                )
                if outcome
                else None,
                outcome=outcome,
                root_cause=RootCause(category=rnd.choice(CAUSES)) if upheld else None,
                satisfaction=SatisfactionFeedback(
                    score=rnd.randint(1, 5), received_at=at + timedelta(days=2)
                )
                if decided and rnd.random() < 0.4
                else None,
                version=len(history),
                history=tuple(history),
            )
        )
    return made


def main() -> None:
    """Build the pack and the FCA return, print a summary."""
    complaints = generate(300)
    london = WeekdayCalendar(zone="Europe/London")
    spec = KpiSpec(
        as_of=datetime(2026, 7, 1, tzinfo=timezone.utc), granularity=Granularity.MONTH
    )
    records = OrganisationRecords(
        commitment_statement=True,
        complaints_policy_published=True,
        accountable_manager="Head of Customer Care",
        roles_and_authorities_defined=True,
        process_documented=True,
        resources_allocated=True,
        training_records=True,
        information_published=True,
        last_management_review=date(2026, 1, 15),
        objectives=(
            Objective(metric="median_hours_to_acknowledge", target=24),
            Objective(metric="satisfaction_mean", target=3.5, direction="at_least"),
        ),
        improvement_actions=(
            ImprovementAction(
                id="IA-1",
                title="Remove manual keying",
                owner="Operations",
                cause="manual keying",
            ),
        ),
    )
    review = build_management_review(
        iter(complaints), spec, calendar=london, records=records
    )
    out = Path(tempfile.mkdtemp(prefix="iso10002-review-"))
    (out / "review.html").write_text(render_html(review), encoding="utf-8")
    (out / "review.json").write_text(review_to_json(review), encoding="utf-8")
    k = review.kpis
    print(
        f"{k.complaints} complaints, median {k.time_to_acknowledge.median_hours:.1f} h "
        f"to acknowledge, {k.backlog.open} open"
    )
    print("vital few root causes:", ", ".join(review.root_causes.vital_few))
    for chart in review.charts:
        print(f"{chart.title}: {len(chart.signals)} special-cause signal(s)")
    for o in review.objectives:
        print(
            f"objective {o.label}: target {o.target}, "
            f"actual {o.actual:.2f}, met {o.met}"
        )
    fca = fca_return(
        complaints, period=Period.parse("2026-H1", london.zone), calendar=london
    )
    t = fca.total
    print(
        f"FCA 2026-H1: opened {t.opened}, closed {t.closed} "
        f"({t.closed_within_3_business_days} within 3 business days), "
        f"upheld {t.upheld}, "
        f"redress GBP {t.redress_paid}"
    )
    print(f"wrote {out / 'review.html'} and review.json")


if __name__ == "__main__":
    main()
