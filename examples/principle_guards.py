"""Conforming by default: the handler refuses what the audit would report.

Run it with ``python examples/principle_guards.py``. The standard workflow
runs the blocking guiding-principle policies as guards; a host that turns one
off says so, and the conformance check and the audit show it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.errors import GuardRejected
from iso10002.handler import Actor, ComplaintsHandler
from iso10002.model import ComplaintForm
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.serialization import from_dict
from iso10002.workflow import check_conformance, guards_off, standard_workflow

form = from_dict(
    ComplaintForm,
    {"complainant": {"name": "Sam Taylor"}, "description": "Charged twice."},
)
web = Actor("web-form", roles={"intake"})
agent = Actor("agent:17", roles={"complaints-handler"})
handler = ComplaintsHandler(
    InMemoryComplaintRepository(),
    clock=FixedClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc)),
    calendar=WeekdayCalendar(zone="Europe/London"),
)

c = handler.receive(form, actor=web, channel="web")
handler.acknowledge(c.id, actor=agent)
handler.assess(c.id, actor=agent, category="billing")
try:
    handler.investigate(c.id, actor=agent)
except GuardRejected as refused:
    print(f"refused: {refused}")
handler.assign(c.id, actor=agent, assignee=agent.name)
print("with an owner:", handler.investigate(c.id, actor=agent).complaint.status)
try:
    handler.decide(c.id, actor=agent, outcome="upheld", summary="Refunded.")
except GuardRejected as refused:
    for finding in refused.findings:
        print(f"  {finding.clause} {finding.policy_id}: {finding.message}")

# A host that closes upheld complaints without a root cause says so, and it shows.
lenient = standard_workflow(
    disabled_guards={"iso10002.improvement.root-cause-recorded"}
)
for gap in check_conformance(lenient):
    print(f"gap {gap.clause} [{gap.code}]: {gap.message} {list(gap.triggers)}")
for finding in guards_off(lenient):
    print(f"audit: {finding.severity.value} {finding.message}")
handler.shutdown()
