"""The complaint model: frozen, validated attrs values (ISO 10002 clauses 3 and 7).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import Any

import attrs

from iso10002._publish import publish
from iso10002.model._complaint import (
    IMPORTED,
    RECEIVED_EVENT,
    Complaint,
    ComplaintForm,
)
from iso10002.model._correspondence import (
    CORRESPONDENCE_EVENTS,
    CORRESPONDENCE_KEY,
    DELIVERY_EVENT,
    DELIVERY_KEY,
    INBOUND_EVENT,
    NOTE_EVENT,
    OUTGOING_EVENTS,
    PROGRESS_EVENT,
    SENT_EVENT,
    AttachmentFacts,
    DeliveryStatus,
    Direction,
    MessageContent,
    MessageFacts,
    letter_text,
)
from iso10002.model._enums import (
    Channel,
    ContactMethod,
    LinkKind,
    Outcome,
    Priority,
    RemedyKind,
    Severity,
)
from iso10002.model._events import HistoryEvent
from iso10002.model._external import SYSTEM_PATTERN, ExternalId
from iso10002.model._fields import PERSONAL, evolve, is_personal
from iso10002.model._notes import REASON_CODE_PATTERN, StepNote, check_reason_code
from iso10002.model._values import (
    SATISFACTION_SCALE,
    Attachment,
    Classification,
    Complainant,
    Decision,
    DueDate,
    Link,
    Remedy,
    Representative,
    RootCause,
    SatisfactionFeedback,
    Subject,
    WorkflowRef,
)
from iso10002.validators import (
    MAX_EVENT_DATA_CHARS,
    MAX_HISTORY_DATA_CHARS,
    MAX_JSON_DEPTH,
    MAX_JSON_INTEGER,
)

__all__ = [
    "CORRESPONDENCE_EVENTS",
    "CORRESPONDENCE_KEY",
    "DELIVERY_EVENT",
    "DELIVERY_KEY",
    "EXTERNAL_SYSTEM_PATTERN",
    "IMPORTED",
    "INBOUND_EVENT",
    "MAX_EVENT_DATA_CHARS",
    "MAX_HISTORY_DATA_CHARS",
    "MAX_JSON_DEPTH",
    "MAX_JSON_INTEGER",
    "MODEL_TYPES",
    "NOTE_EVENT",
    "OUTGOING_EVENTS",
    "PERSONAL",
    "PROGRESS_EVENT",
    "REASON_CODE_PATTERN",
    "RECEIVED_EVENT",
    "SATISFACTION_SCALE",
    "SENT_EVENT",
    "Attachment",
    "AttachmentFacts",
    "Channel",
    "Classification",
    "Complainant",
    "Complaint",
    "ComplaintForm",
    "ContactMethod",
    "Decision",
    "DeliveryStatus",
    "Direction",
    "DueDate",
    "ExternalId",
    "HistoryEvent",
    "Link",
    "LinkKind",
    "MessageContent",
    "MessageFacts",
    "Outcome",
    "Priority",
    "Remedy",
    "RemedyKind",
    "Representative",
    "RootCause",
    "SatisfactionFeedback",
    "Severity",
    "StepNote",
    "Subject",
    "WorkflowRef",
    "check_reason_code",
    "evolve",
    "is_personal",
    "letter_text",
    "personal_fields",
]

EXTERNAL_SYSTEM_PATTERN = SYSTEM_PATTERN
"""What an :class:`ExternalId` system code looks like: a short lower-case code."""

MODEL_TYPES: tuple[type, ...] = (
    Attachment,
    AttachmentFacts,
    Classification,
    Complainant,
    Complaint,
    ComplaintForm,
    Decision,
    DueDate,
    ExternalId,
    HistoryEvent,
    Link,
    MessageContent,
    MessageFacts,
    Remedy,
    Representative,
    RootCause,
    SatisfactionFeedback,
    StepNote,
    Subject,
    WorkflowRef,
)
"""Every attrs class of the model, for serialisation and strategies."""


def personal_fields(cls: type[Any]) -> tuple[str, ...]:
    """List the names of the fields of an attrs model class that hold personal data.

    Args:
        cls: A model class such as :class:`Complaint` or :class:`Complainant`.

    Returns:
        Field names marked with :data:`PERSONAL` metadata, in definition order.

    .. versionadded:: 0.1.0
    """
    return tuple(a.name for a in attrs.fields(cls) if is_personal(a))


publish(globals())
