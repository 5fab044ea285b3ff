"""Notifications that are never lost: ``dispatch_pending`` with a flaky mailer.

The library sends nothing itself. The host's subscriber (here a mailer whose
server refuses every other call) is fed from the repository's event feed;
its position is stored next to the complaints and moves only past events it
handled, so a failed acknowledgement e-mail is retried, in order.

Run it with ``python examples/notifications.py``.
"""

from __future__ import annotations

import tempfile
from itertools import cycle
from pathlib import Path

from iso10002.calendars import WeekdayCalendar
from iso10002.handler import Actor, ComplaintsHandler, Notification
from iso10002.model import ComplaintForm
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.serialization import from_dict

web = Actor("web-form", roles={"intake"})
agent = Actor("agent:3", roles={"complaints-manager"})
system = Actor("mailer", roles={"system"})
refuse = cycle([True, False])  # the mail server's mood
sent: list[str] = []

with tempfile.TemporaryDirectory() as tmp:
    repository = SQLiteComplaintRepository(Path(tmp) / "complaints.db")
    handler = ComplaintsHandler(
        repository, calendar=WeekdayCalendar(zone="Europe/London")
    )

    def mailer(note: Notification) -> None:
        """Send an e-mail for the events a complainant hears about."""
        if note.event.name not in ("ComplaintAcknowledged", "DecisionCommunicated"):
            return
        if next(refuse):
            msg = "mail server busy"
            raise ConnectionError(msg)
        complaint = handler.get(note.complaint_id, actor=system)  # full data
        sent.append(f"{note.event.name} → {complaint.complainant.email}")

    for name in ("Ann", "Ben"):
        form = from_dict(
            ComplaintForm,
            {
                "complainant": {"name": name, "email": f"{name.lower()}@example.org"},
                "description": "The app keeps logging me out.",
            },
        )
        c = handler.receive(form, actor=web, channel="app")
        handler.acknowledge(c.id, actor=agent)

    rounds = 0
    while True:  # a host would run this from a scheduler or worker loop
        rounds += 1
        try:
            handler.dispatch_pending("ack-mailer", mailer)
            break
        except ConnectionError as error:
            print(
                f"round {rounds}: {error}; position kept at "
                f"{handler.store.position('ack-mailer')}"
            )
    print(f"caught up after {rounds} rounds; sent:")
    for line in sent:
        print(f"  {line}")
    handler.shutdown()
    repository.close()
