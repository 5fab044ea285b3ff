"""Communications: notes, correspondence, letters and e-mail (ISO 10002 7.2-7.8).

The handler records internal notes and every message in or out in the
complaint's history (:meth:`~iso10002.handler.ComplaintsHandler.record_note`,
:meth:`~iso10002.handler.ComplaintsHandler.record_correspondence`); this
package reads that log back (:func:`correspondence_log`), renders letters
from sandboxed templates whose regulatory content is checked per pack, in the
complainant's language, sends e-mail through the durable outbox and parses
e-mail in.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.communications._complainant import (
    COMPLAINANT_ACTIONS,
    COMPLAINANT_ROLE,
    ComplainantAccess,
    ComplainantLinks,
    ComplainantSession,
    ComplainantView,
    LinkRejected,
    complainant_actor,
)
from iso10002.communications._inbound import (
    DEFAULT_MAX_BYTES,
    REFERENCE_PATTERN,
    UNVERIFIED_SENDER,
    FiledEmail,
    InboundEmail,
    file_email,
    parse_email,
)
from iso10002.communications._labels import LABELS, label
from iso10002.communications._letters import (
    TEMPLATES_DIR,
    Letter,
    Letterhead,
    Letters,
)
from iso10002.communications._locale import (
    DOMAIN,
    LOCALES_DIR,
    LocaleFormat,
    catalogue,
    choose_locale,
)
from iso10002.communications._log import (
    CorrespondenceEntry,
    InternalNote,
    correspondence_log,
    internal_notes,
)
from iso10002.communications._progress import (
    KEEP_INFORMED_STEP,
    ProgressUpdateDue,
    deadline_words,
    due_progress_updates,
    keep_informed_status,
    progress_update_due,
    send_progress_update,
)
from iso10002.communications._send import message_id, send_letter
from iso10002.communications._slots import (
    FCA_OMBUDSMAN_WEBSITE,
    LETTER_KINDS,
    MANDATORY_SLOTS,
    SLOTS,
    MissingSlotError,
    Slot,
    mandatory_slots,
)
from iso10002.communications._smtp import (
    REFERENCE_HEADER,
    SmtpSender,
    SmtpSettings,
    smtp_message_id,
)
from iso10002.model import (
    CORRESPONDENCE_EVENTS,
    DELIVERY_EVENT,
    INBOUND_EVENT,
    NOTE_EVENT,
    PROGRESS_EVENT,
    SENT_EVENT,
)

__all__ = [
    "COMPLAINANT_ACTIONS",
    "COMPLAINANT_ROLE",
    "CORRESPONDENCE_EVENTS",
    "DEFAULT_MAX_BYTES",
    "DELIVERY_EVENT",
    "DOMAIN",
    "FCA_OMBUDSMAN_WEBSITE",
    "INBOUND_EVENT",
    "KEEP_INFORMED_STEP",
    "LABELS",
    "LETTER_KINDS",
    "LOCALES_DIR",
    "MANDATORY_SLOTS",
    "NOTE_EVENT",
    "PROGRESS_EVENT",
    "REFERENCE_HEADER",
    "REFERENCE_PATTERN",
    "SENT_EVENT",
    "SLOTS",
    "TEMPLATES_DIR",
    "UNVERIFIED_SENDER",
    "ComplainantAccess",
    "ComplainantLinks",
    "ComplainantSession",
    "ComplainantView",
    "CorrespondenceEntry",
    "FiledEmail",
    "InboundEmail",
    "InternalNote",
    "Letter",
    "Letterhead",
    "Letters",
    "LinkRejected",
    "LocaleFormat",
    "MissingSlotError",
    "ProgressUpdateDue",
    "Slot",
    "SmtpSender",
    "SmtpSettings",
    "catalogue",
    "choose_locale",
    "complainant_actor",
    "correspondence_log",
    "deadline_words",
    "due_progress_updates",
    "file_email",
    "internal_notes",
    "keep_informed_status",
    "label",
    "mandatory_slots",
    "message_id",
    "parse_email",
    "progress_update_due",
    "send_letter",
    "send_progress_update",
    "smtp_message_id",
]

publish(globals())
