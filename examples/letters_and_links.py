"""Letters in the complainant's language, notes, and a signed link for the complainant.

A Canadian bank answers a French-speaking complainant: the acknowledgement
and the final response are rendered from the shipped templates in French,
with dates in Toronto time; an internal note stays with staff; the complainant
opens a signed, expiring link, reads the status and accepts the decision. The
correspondence log shows what was sent and when; after erasure it still does,
without what was said.

Needs ``pip install 'iso10002[letters,links]'``. Run it with
``python examples/letters_and_links.py``.
"""

from __future__ import annotations

from datetime import timedelta

from iso10002.calendars import WeekdayCalendar
from iso10002.communications import (
    ComplainantAccess,
    ComplainantLinks,
    ComplainantSession,
    Letterhead,
    Letters,
    correspondence_log,
    send_letter,
)
from iso10002.handler import Actor, ComplaintsHandler
from iso10002.model import Complainant, ComplaintForm
from iso10002.repositories import InMemoryComplaintRepository

staff = Actor("agent:12", roles={"complaints-manager"})
handler = ComplaintsHandler(
    InMemoryComplaintRepository(),
    pack="ca.bank",
    calendar=WeekdayCalendar(zone="America/Toronto"),
    access=ComplainantAccess(),
)
letters = Letters(
    Letterhead(
        organisation="Banque Exemple",
        time_zone="America/Toronto",
        values={"external_body": "l'OSBI (obsi.ca, 1-888-451-4519)"},
    )
)
links = ComplainantLinks("a-secret-kept-in-the-host-vault", max_age=timedelta(days=14))

form = ComplaintForm(
    complainant=Complainant(
        name="Camille Tremblay", email="camille@example.org", language="fr-CA"
    ),
    description="Des frais de 45,00 $ ont été prélevés sans préavis.",
)
complaint = handler.receive(form, actor=staff, channel="web")
ack = letters.render("acknowledgement", complaint)
send_letter(handler, complaint.id, ack, actor=staff)
handler.acknowledge(complaint.id, actor=staff)
handler.record_note(complaint.id, actor=staff, text="Fee waived by the branch.")
handler.assess(complaint.id, actor=staff, category="fees")
handler.investigate(complaint.id, actor=staff)
handler.decide(
    complaint.id,
    actor=staff,
    outcome="upheld",
    summary="Nous avons remboursé les frais de 45,00 $.",
    reasons="Le préavis requis n'avait pas été envoyé.",
)
final = letters.render(
    "final_response", handler.get(complaint.id, actor=staff), pack="ca.bank"
)
send_letter(handler, complaint.id, final, actor=staff)
handler.communicate_decision(complaint.id, actor=staff)

print(final.subject)
print(final.text)

session = ComplainantSession.open(handler, links, links.token(complaint.id))
print("The complainant sees:", session.status().status)
session.accept()

for entry in correspondence_log(handler.erase_personal_data(complaint.id, actor=staff)):
    print(
        entry.at.isoformat(),
        entry.facts.direction.value,
        entry.facts.kind,
        entry.facts.locale,
        "content kept:",
        entry.content is not None,
    )
handler.shutdown()
