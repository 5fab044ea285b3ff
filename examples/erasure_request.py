"""An erasure request, and the retention sweep that anonymises old complaints.

Erasure replaces the personal data and records ``PersonalDataErased`` in the
history; dates, categories and outcomes stay, so statistics do not change.

Run it with ``python examples/erasure_request.py``.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.errors import AccessDenied
from iso10002.handler import Actor, ComplaintsHandler
from iso10002.model import ComplaintForm, RootCause
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.serialization import from_dict

clock = FixedClock(datetime(2026, 1, 5, 10, tzinfo=timezone.utc))
handler = ComplaintsHandler(
    InMemoryComplaintRepository(),
    clock=clock,
    calendar=WeekdayCalendar(zone="Europe/London"),
    retention=timedelta(days=2 * 365),
)
web = Actor("web-form", roles={"intake"})
agent = Actor("agent:1", roles={"complaints-handler"})
dpo = Actor("dpo", roles={"data-protection-officer"})


def settle(name: str, category: str) -> str:
    """Receive a complaint and take it to closed."""
    form = from_dict(
        ComplaintForm,
        {"complainant": {"name": name, "email": "x@example.org"}, "description": "..."},
    )
    c = handler.receive(form, actor=web, channel="email")
    handler.acknowledge(c.id, actor=agent)
    handler.assess(c.id, actor=agent, category=category)
    handler.assign(c.id, actor=agent, assignee=agent.name)
    handler.investigate(c.id, actor=agent)
    handler.decide(
        c.id,
        actor=agent,
        outcome="upheld",
        summary="Sorted.",
        reasons="We got it wrong.",
        escalation_route="The ombudsman.",
    )
    handler.communicate_decision(c.id, actor=agent)
    cause = RootCause(category=category, corrective_action="CAPA-1")
    return handler.close(c.id, actor=agent, root_cause=cause).complaint.id


first = settle("Noor", "delivery")
clock.advance(timedelta(days=500))
second = settle("Olu", "billing")

# 1. A complainant asks to be forgotten; only some roles may do it.
try:
    handler.erase_personal_data(first, actor=agent)
except AccessDenied as error:
    print(f"refused: {error}")
erased = handler.erase_personal_data(first, actor=dpo)
event = erased.history[-1]
print(
    f"{erased.reference}: {event.name} by {event.actor}, fields {event.data['fields']}"
)
print(f"  name now {erased.complainant.name!r}, outcome still {erased.outcome.value}")

# 2. Years later the sweep anonymises what has been kept long enough.
clock.advance(timedelta(days=2 * 365 + 30))
report = handler.sweep_retention(actor=dpo)
print(f"sweep checked {report.checked}, erased {len(report.erased)}")
kept = Counter(
    c.classification.category for c in handler.complaints_for_analysis(actor=dpo)
)
print(f"statistics kept: {dict(sorted(kept.items()))}")
