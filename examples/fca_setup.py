"""An FCA-regulated firm: DISP deadlines, UK business days, wording checks, retention.

Run it with ``python examples/fca_setup.py``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.errors import GuardRejected
from iso10002.handler import Actor, ComplaintsHandler
from iso10002.model import ComplaintForm
from iso10002.principles import (
    OrganisationProfile,
    PolicyContext,
    evaluate_all,
    policies_for,
)
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.serialization import from_dict

try:  # public holidays need the ``holidays`` extra; weekdays alone work without it
    from iso10002.calendars.holidays import HolidaysCalendar

    calendar = HolidaysCalendar("GB-ENG", zone="Europe/London")
except ImportError:
    calendar = WeekdayCalendar(zone="Europe/London")

clock = FixedClock(datetime(2026, 12, 21, 15, 30, tzinfo=timezone.utc))
handler = ComplaintsHandler(
    InMemoryComplaintRepository(),
    pack="uk.fca.disp",  # DISP 1.6 time limits, and the DISP wording of the route
    calendar=calendar,
    clock=clock,
    organisation=OrganisationProfile(
        channels={"web", "phone", "letter"},
        complaints_policy="https://bank.example/complaints",
        accountable_manager="head-of-complaints",
    ),
)
print(f"retention of personal data: {handler.retention.days} days (DISP 1.9)")

agent = Actor("agent:5", roles={"complaints-manager"})
form = from_dict(
    ComplaintForm,
    {"complainant": {"name": "Kim Lee"}, "description": "Card payment blocked."},
)
c = handler.receive(form, actor=Actor("phone-line", roles={"intake"}), channel="phone")
for due in c.deadlines:
    print(
        f"{due.step:>18} due {due.due_at.astimezone(calendar.zone):%a %d %b %Y %H:%M}"
    )

handler.acknowledge(c.id, actor=agent)
handler.assess(c.id, actor=agent, category="payments")
handler.assign(c.id, actor=agent, assignee=agent.name)
handler.investigate(c.id, actor=agent)
clock.advance(timedelta(weeks=6))
facts = {
    "outcome": "not_upheld",
    "summary": "The block was a fraud check and was lifted the same day.",
    "reasons": "Our fraud rules stopped an unusual payment, as they should.",
}
# The DISP wording rule guards the final response: a decision whose route
# lacks it (and no final response letter that has it) is not communicated.
weak = handler.receive(
    form, actor=Actor("phone-line", roles={"intake"}), channel="phone"
)
handler.acknowledge(weak.id, actor=agent)
handler.assess(weak.id, actor=agent, category="payments")
handler.assign(weak.id, actor=agent, assignee=agent.name)
handler.investigate(weak.id, actor=agent)
handler.decide(
    weak.id,
    actor=agent,
    escalation_route="If you are unhappy you may contact the ombudsman.",
    **facts,
)
try:
    handler.communicate_decision(weak.id, actor=agent)
except GuardRejected as refused:
    print(f"refused: {refused}")
handler.decide(
    c.id,
    actor=agent,
    escalation_route=(
        "You may refer your complaint to the Financial Ombudsman Service "
        "within six months of this letter."
    ),
    **facts,
)
handler.communicate_decision(c.id, actor=agent)

# The DISP content rules also audit the final response afterwards.
report = evaluate_all(
    handler.complaints_for_analysis(actor=agent),
    policies_for("uk.fca.disp"),
    PolicyContext(now=clock.now(), organisation=None),
)
disp = [f for f in report if f.policy_id.startswith("uk.fca.disp")]
print(f"DISP content findings after the decision: {len(disp)}")
for finding in disp:
    print(f"{finding.severity.value}: {finding.message}")
