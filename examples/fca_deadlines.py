"""An FCA complaint received after close of business on a Friday before a bank holiday.

Prints its due dates under DISP on the England and Wales calendar, then how
they stand a week later.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from iso10002.calendars.holidays import HolidaysCalendar
from iso10002.deadlines import compute_deadlines, get_pack, status_of_deadlines
from iso10002.model import Channel, Complainant, Complaint, ComplaintForm

LONDON = ZoneInfo("Europe/London")

calendar = HolidaysCalendar("GB-ENG", zone="Europe/London")
pack = get_pack("uk.fca.disp")

# Friday 22 August 2025, 18:30: after close of business; Monday 25 is a bank holiday.
received = datetime(2025, 8, 22, 18, 30, tzinfo=LONDON)
complaint = Complaint.receive(
    ComplaintForm(
        complainant=Complainant(name="A. Customer"), description="Fee charged twice."
    ),
    id="01EXAMPLE",
    reference="CMP-2025-000042",
    received_at=received,
    channel=Channel.EMAIL,
    received_by="web-form",
)

print(f"Received {received:%A %d %B %Y %H:%M} ({pack.title})")
print(f"Bank holiday: {calendar.holiday_name(received.date() + timedelta(days=3))}")
for deadline in compute_deadlines(complaint, pack, calendar):
    due = deadline.due_at.astimezone(LONDON)
    print(
        f"  {deadline.step:<20} {deadline.kind.value:<7} due {due:%a %d %b %Y %H:%M}"
        f"  [{deadline.citation}]"
    )

week_later = received + timedelta(days=7)
print(f"On {week_later:%a %d %b}:")
for status in status_of_deadlines(complaint, week_later, pack=pack, calendar=calendar):
    print(f"  {status.step:<20} {status.state.value}")
