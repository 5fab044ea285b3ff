"""Round trip of a complaint through the cattrs converter vs a hand-written conversion.

Target (issue: foundation): the cattrs round trip within 1.5x of the hand-written one.
Run: ``python benchmarks/bench_serialization.py``.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _util import best_of, report

from iso10002.model import (
    Channel,
    Classification,
    Complainant,
    Complaint,
    ComplaintForm,
    ContactMethod,
    Decision,
    HistoryEvent,
    Outcome,
    Priority,
    Remedy,
    RemedyKind,
    Severity,
    Subject,
    WorkflowRef,
)
from iso10002.serialization import from_dict, to_dict

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def sample() -> Complaint:
    form = ComplaintForm(
        complainant=Complainant(
            name="Sam Taylor", email="sam@example.org", phone="0123"
        ),
        description="Charged twice for the March bill.",
        desired_outcome="Refund",
        subject=Subject(
            product="Electricity", references=("ACC-1",), incident_date=date(2026, 3, 1)
        ),
    )
    c = Complaint.receive(
        form,
        id="01J00000000000000000000000",
        reference="CMP-2026-000001",
        received_at=T0,
        channel=Channel.WEB,
        received_by="web-form",
    )
    names = [
        "ComplaintAcknowledged",
        "ComplaintAssessed",
        "InvestigationStarted",
        "DecisionMade",
    ]
    history = list(c.history)
    for i, name in enumerate(names, start=2):
        history.append(
            HistoryEvent(
                sequence=i,
                name=name,
                at=T0 + timedelta(hours=i),
                actor="agent:17",
                trigger=name.lower(),
                from_state="a",
                to_state="b",
                data={"note": i},
            )
        )
    return Complaint(
        id=c.id,
        reference=c.reference,
        received_at=c.received_at,
        channel=c.channel,
        received_by=c.received_by,
        complainant=c.complainant,
        subject=c.subject,
        description=c.description,
        desired_outcome=c.desired_outcome,
        classification=Classification(
            category="billing", severity=Severity.HIGH, priority=Priority.HIGH
        ),
        status="decided",
        workflow=WorkflowRef(),
        assignee="agent:17",
        decision=Decision(
            outcome=Outcome.UPHELD,
            summary="Refunded",
            reasons="Duplicate charge",
            remedies=(
                Remedy(kind=RemedyKind.REFUND, amount=Decimal("54.20"), currency="GBP"),
            ),
            decided_by="agent:17",
            decided_at=T0 + timedelta(days=2),
        ),
        outcome=Outcome.UPHELD,
        version=5,
        history=tuple(history),
    )


# ---- the hand-written reference: explicit code for these exact classes ----
def _dt(v: datetime | None) -> str | None:
    return None if v is None else v.isoformat()


def _pdt(v: str | None) -> datetime | None:
    return None if v is None else datetime.fromisoformat(v)


def hand_to_dict(c: Complaint) -> dict[str, Any]:
    p = c.complainant
    s = c.subject
    d = c.decision
    k = c.classification
    return {
        "id": c.id,
        "reference": c.reference,
        "received_at": c.received_at.isoformat(),
        "channel": c.channel.value,
        "received_by": c.received_by,
        "complainant": {
            "name": p.name,
            "email": p.email,
            "phone": p.phone,
            "postal_address": p.postal_address,
            "customer_reference": p.customer_reference,
            "preferred_contact": p.preferred_contact.value,
            "representative": None,
            "accessibility_needs": list(p.accessibility_needs),
            "language": p.language,
            "vulnerable": p.vulnerable,
        },
        "subject": {
            "product": s.product,
            "service": s.service,
            "references": list(s.references),
            "location": s.location,
            "incident_date": None
            if s.incident_date is None
            else s.incident_date.isoformat(),
            "concerning": list(s.concerning),
        },
        "description": c.description,
        "desired_outcome": c.desired_outcome,
        "attachments": [],
        "classification": None
        if k is None
        else {
            "category": k.category,
            "subcategory": k.subcategory,
            "severity": k.severity.value,
            "priority": k.priority.value,
            "tags": list(k.tags),
        },
        "status": c.status,
        "workflow": {"name": c.workflow.name, "version": c.workflow.version},
        "assignee": c.assignee,
        "deadlines": [],
        "decision": None
        if d is None
        else {
            "outcome": d.outcome.value,
            "summary": d.summary,
            "reasons": d.reasons,
            "remedies": [
                {
                    "kind": r.kind.value,
                    "description": r.description,
                    "amount": None if r.amount is None else str(r.amount),
                    "currency": r.currency,
                }
                for r in d.remedies
            ],
            "decided_by": d.decided_by,
            "decided_at": d.decided_at.isoformat(),
            "escalation_route": d.escalation_route,
            "communicated_at": _dt(d.communicated_at),
            "communicated_via": None
            if d.communicated_via is None
            else d.communicated_via.value,
        },
        "outcome": None if c.outcome is None else c.outcome.value,
        "root_cause": None,
        "satisfaction": None,
        "links": [],
        "version": c.version,
        "history": [
            {
                "sequence": e.sequence,
                "name": e.name,
                "at": e.at.isoformat(),
                "actor": e.actor,
                "trigger": e.trigger,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "data": dict(e.data),
            }
            for e in c.history
        ],
        "notes": [],
        "external_ids": [],
    }


def hand_from_dict(m: dict[str, Any]) -> Complaint:
    p = m["complainant"]
    s = m["subject"]
    d = m["decision"]
    k = m["classification"]
    return Complaint(
        id=m["id"],
        reference=m["reference"],
        received_at=datetime.fromisoformat(m["received_at"]),
        channel=Channel(m["channel"]),
        received_by=m["received_by"],
        complainant=Complainant(
            name=p["name"],
            email=p["email"],
            phone=p["phone"],
            postal_address=p["postal_address"],
            customer_reference=p["customer_reference"],
            preferred_contact=ContactMethod(p["preferred_contact"]),
            representative=None,
            accessibility_needs=tuple(p["accessibility_needs"]),
            language=p["language"],
            vulnerable=p["vulnerable"],
        ),
        subject=Subject(
            product=s["product"],
            service=s["service"],
            references=tuple(s["references"]),
            location=s["location"],
            incident_date=None
            if s["incident_date"] is None
            else date.fromisoformat(s["incident_date"]),
            concerning=tuple(s["concerning"]),
        ),
        description=m["description"],
        desired_outcome=m["desired_outcome"],
        attachments=(),
        classification=None
        if k is None
        else Classification(
            category=k["category"],
            subcategory=k["subcategory"],
            severity=Severity(k["severity"]),
            priority=Priority(k["priority"]),
            tags=tuple(k["tags"]),
        ),
        status=m["status"],
        workflow=WorkflowRef(**m["workflow"]),
        assignee=m["assignee"],
        deadlines=(),
        decision=None
        if d is None
        else Decision(
            outcome=Outcome(d["outcome"]),
            summary=d["summary"],
            reasons=d["reasons"],
            remedies=tuple(
                Remedy(
                    kind=RemedyKind(r["kind"]),
                    description=r["description"],
                    amount=None if r["amount"] is None else Decimal(r["amount"]),
                    currency=r["currency"],
                )
                for r in d["remedies"]
            ),
            decided_by=d["decided_by"],
            decided_at=datetime.fromisoformat(d["decided_at"]),
            escalation_route=d["escalation_route"],
            communicated_at=_pdt(d["communicated_at"]),
            communicated_via=None
            if d["communicated_via"] is None
            else ContactMethod(d["communicated_via"]),
        ),
        outcome=None if m["outcome"] is None else Outcome(m["outcome"]),
        root_cause=None,
        satisfaction=None,
        links=(),
        version=m["version"],
        history=tuple(
            HistoryEvent(
                sequence=e["sequence"],
                name=e["name"],
                at=datetime.fromisoformat(e["at"]),
                actor=e["actor"],
                trigger=e["trigger"],
                from_state=e["from_state"],
                to_state=e["to_state"],
                data=e["data"],
            )
            for e in m["history"]
        ),
    )


def main() -> None:
    complaint = sample()
    assert hand_from_dict(hand_to_dict(complaint)) == complaint
    assert hand_to_dict(complaint) == to_dict(complaint)
    assert from_dict(Complaint, to_dict(complaint)) == complaint
    number = 2000
    ours = best_of(lambda: from_dict(Complaint, to_dict(complaint)), number=number)
    ref = best_of(lambda: hand_from_dict(hand_to_dict(complaint)), number=number)
    print(
        f"complaint with {len(complaint.history)} events, {number} round trips per run"
    )
    print(report("round trip (to_dict + from_dict)", ours, ref, 1.5))
    ours_u = best_of(lambda: to_dict(complaint), number=number)
    ref_u = best_of(lambda: hand_to_dict(complaint), number=number)
    print(
        f"for information, unstructure only (to_dict): ours {ours_u * 1e6:.1f} us, "
        f"hand-written {ref_u * 1e6:.1f} us, ratio {ours_u / ref_u:.2f}x"
    )


if __name__ == "__main__":
    main()
