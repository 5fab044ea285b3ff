"""The shipped workflows' names, the meanings of events, the standard states."""

from __future__ import annotations

import enum

__all__ = [
    "RECEIVED_EVENT",
    "SMALL_ORGANISATION_WORKFLOW_NAME",
    "STANDARD_WORKFLOW_NAME",
    "ClockEffect",
    "Meaning",
    "StandardState",
]

STANDARD_WORKFLOW_NAME = "iso10002.standard"
"""The name of the standard workflow (:func:`iso10002.workflow.standard_workflow`)."""

SMALL_ORGANISATION_WORKFLOW_NAME = "iso10002.small_organisation"
"""The name of :func:`iso10002.workflow.small_organisation_workflow`'s definition."""

RECEIVED_EVENT = "ComplaintReceived"
"""The event intake records first in every history (clause 7.2)."""


class Meaning(str, enum.Enum):
    """What a history event means for the clause-7 process.

    ``INTERNAL`` is an organisation's own step that means nothing to the
    clause-7 figures (e.g. a mediation meeting); every other value is one
    clause-7 fact that deadlines, policies and analysis read.

    .. versionadded:: 0.2.0
    """

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    ASSESSED = "assessed"
    ASSIGNED = "assigned"
    INVESTIGATED = "investigated"
    ESCALATED = "escalated"
    INFORMATION_REQUESTED = "information_requested"
    INFORMATION_RECEIVED = "information_received"
    HOLDING_RESPONSE = "holding_response"
    DECIDED = "decided"
    COMMUNICATED = "communicated"
    ACCEPTED = "accepted"
    APPEALED = "appealed"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    REOPENED = "reopened"
    SATISFACTION_RECORDED = "satisfaction_recorded"
    LINKED = "linked"
    INTERNAL = "internal"


class ClockEffect(str, enum.Enum):
    """What an event does to the deadline clocks of a regulatory pack.

    .. versionadded:: 0.2.0
    """

    STARTS = "starts"
    MEETS = "meets"
    PAUSES = "pauses"
    RESUMES = "resumes"
    EXTENDS = "extends"
    VOIDS = "voids"


class StandardState(str, enum.Enum):
    """The state names of the shipped workflows.

    Only the shipped definitions and code that builds standard histories use
    them; everything that reads a history asks the workflow's
    :class:`Vocabulary` which states are terminal or paused.

    .. versionadded:: 0.2.0
    """

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    ASSESSED = "assessed"
    INVESTIGATING = "investigating"
    AWAITING_COMPLAINANT = "awaiting_complainant"
    ESCALATED = "escalated"
    DECIDED = "decided"
    DECISION_COMMUNICATED = "decision_communicated"
    INTERNAL_REVIEW = "internal_review"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
