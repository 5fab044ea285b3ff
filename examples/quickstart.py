"""Quickstart: run one complaint through ISO 10002 clause 7 on SQLite.

Run it with ``python examples/quickstart.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from iso10002.calendars import WeekdayCalendar
from iso10002.handler import Actor, ComplaintsHandler
from iso10002.model import ComplaintForm, RootCause
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.serialization import from_dict

# What a web form posted: untrusted input, checked field by field.
form = from_dict(
    ComplaintForm,
    {
        "complainant": {"name": "Sam Taylor", "email": "sam@example.org"},
        "description": "I was charged twice for my March bill.",
        "subject": {"product": "Electricity"},
    },
)
web = Actor("web-form", roles={"intake"})
agent = Actor("agent:17", roles={"complaints-handler"})

with tempfile.TemporaryDirectory() as tmp:
    repository = SQLiteComplaintRepository(Path(tmp) / "complaints.db")
    # The standard workflow and the ISO 10002:2018 policies, by default.
    handler = ComplaintsHandler(
        repository, calendar=WeekdayCalendar(zone="Europe/London")
    )
    c = handler.receive(form, actor=web, channel="web")
    print(f"received {c.reference}; the web form sees name={c.complainant.name!r}")
    handler.acknowledge(c.id, actor=agent)
    handler.assess(c.id, actor=agent, category="billing", severity="medium")
    # Conforming by default: investigating needs an owner (ISO 10002 4.12).
    handler.assign(c.id, actor=agent, assignee=agent.name)
    handler.investigate(c.id, actor=agent)
    for due in handler.get(c.id, actor=agent).deadlines:
        print(f"  {due.step} due {due.due_at:%Y-%m-%d %H:%M} UTC")
    handler.decide(
        c.id,
        actor=agent,
        outcome="upheld",
        summary="We refunded the second payment.",
        reasons="The payment was taken twice by mistake.",
        escalation_route="You may refer this to the ombudsman.",
    )
    handler.communicate_decision(c.id, actor=agent)
    # An upheld complaint closes with its root cause and corrective action (4.13).
    cause = RootCause(category="billing run", corrective_action="CAPA-12")
    c = handler.close(c.id, actor=agent, root_cause=cause).complaint
    print(f"{c.reference} is {c.status} ({c.outcome.value}) after {c.version} steps:")
    print("  " + " → ".join(e.name for e in c.history))
    handler.shutdown()
    repository.close()
