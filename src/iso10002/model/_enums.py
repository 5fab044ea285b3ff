"""Closed vocabularies of the complaint model (serialised by value)."""

from __future__ import annotations

import enum

__all__ = [
    "Channel",
    "ContactMethod",
    "LinkKind",
    "Outcome",
    "Priority",
    "RemedyKind",
    "Severity",
]


class Channel(str, enum.Enum):
    """How a complaint reached the organisation (ISO 10002 7.2 communication).

    ``LETTER`` is post; ``FAX`` is a fax.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``FAX``.
    """

    WEB = "web"
    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    FAX = "fax"
    IN_PERSON = "in_person"
    CHAT = "chat"
    SOCIAL_MEDIA = "social_media"
    APP = "app"
    THIRD_PARTY = "third_party"
    OTHER = "other"


class ContactMethod(str, enum.Enum):
    """How a complainant prefers to be contacted.

    .. versionadded:: 0.1.0
    """

    EMAIL = "email"
    PHONE = "phone"
    POST = "post"
    SMS = "sms"
    IN_PERSON = "in_person"
    ACCESSIBLE_FORMAT = "accessible_format"


class Severity(str, enum.Enum):
    """How serious the matter complained about is (assessed in 7.5).

    .. versionadded:: 0.1.0
    """

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Priority(str, enum.Enum):
    """How urgently the complaint should be handled.

    .. versionadded:: 0.1.0
    """

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Outcome(str, enum.Enum):
    """How a complaint ended.

    .. versionadded:: 0.1.0
    """

    UPHELD = "upheld"
    PARTIALLY_UPHELD = "partially_upheld"
    NOT_UPHELD = "not_upheld"
    WITHDRAWN = "withdrawn"
    NOT_A_COMPLAINT = "not_a_complaint"
    DUPLICATE = "duplicate"
    REFERRED_EXTERNALLY = "referred_externally"


class RemedyKind(str, enum.Enum):
    """What the organisation offers to put things right.

    .. versionadded:: 0.1.0
    """

    APOLOGY = "apology"
    EXPLANATION = "explanation"
    REFUND = "refund"
    REPLACEMENT = "replacement"
    REPAIR = "repair"
    COMPENSATION = "compensation"
    GOODWILL = "goodwill"
    PROCESS_CHANGE = "process_change"
    NONE = "none"


class LinkKind(str, enum.Enum):
    """How two complaints are related.

    .. versionadded:: 0.1.0
    """

    DUPLICATE_OF = "duplicate_of"
    RELATED_TO = "related_to"
    REOPENED_FROM = "reopened_from"
