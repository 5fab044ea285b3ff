"""What analysis needs from one complaint, read in a single pass over its history."""

from __future__ import annotations

from datetime import datetime

from iso10002.model import Complaint, Outcome

__all__ = [
    "ACKNOWLEDGED",
    "APPEALED",
    "CLOSED",
    "COMMUNICATED",
    "ENDING_EVENTS",
    "HOLDING",
    "MERITS",
    "NO_CLASS",
    "REOPENED",
    "TERMINAL_STATES",
    "UPHELD_ANY",
    "Facts",
    "facts_of",
]

ACKNOWLEDGED = "ComplaintAcknowledged"
COMMUNICATED = "DecisionCommunicated"
HOLDING = "HoldingResponseSent"
CLOSED = "ComplaintClosed"
REOPENED = "ComplaintReopened"
APPEALED = "ComplainantRejected"
ASSESSED = "ComplaintAssessed"
WITHDRAWN = "ComplaintWithdrawn"
REJECTED = "ComplaintRejected"
ENDING_EVENTS = frozenset({CLOSED, WITHDRAWN, REJECTED})
TERMINAL_STATES = frozenset({"closed", "withdrawn", "rejected"})
MERITS = frozenset({Outcome.UPHELD, Outcome.PARTIALLY_UPHELD, Outcome.NOT_UPHELD})
UPHELD_ANY = frozenset({Outcome.UPHELD, Outcome.PARTIALLY_UPHELD})
NO_CLASS = "(unclassified)"


class Facts:
    """Instants and flags of one complaint, as at a given instant."""

    __slots__ = (
        "acknowledged_at",
        "appealed",
        "assessed",
        "closed_at",
        "communicated_at",
        "ended_at",
        "ended_by",
        "holding_ombudsman_at",
        "open",
        "outcome",
        "reopened",
    )

    def __init__(self) -> None:
        """Start with nothing known."""
        self.acknowledged_at: datetime | None = None
        self.communicated_at: datetime | None = None
        self.holding_ombudsman_at: datetime | None = None
        self.closed_at: datetime | None = None
        self.ended_at: datetime | None = None
        self.ended_by: str | None = None
        self.assessed = False
        self.reopened = False
        self.appealed = False
        self.open = True
        self.outcome: Outcome | None = None


def facts_of(complaint: Complaint, as_of: datetime) -> Facts:  # noqa: C901, PLR0912 - one pass
    """Read ``complaint``'s history up to ``as_of`` (later events are ignored)."""
    facts = Facts()
    for event in complaint.history:
        at = event.at
        if at > as_of:
            break
        name = event.name
        if name == ACKNOWLEDGED:
            if facts.acknowledged_at is None:
                facts.acknowledged_at = at
        elif name == COMMUNICATED:
            if facts.communicated_at is None:
                facts.communicated_at = at
        elif name == HOLDING:
            if (
                facts.holding_ombudsman_at is None
                and event.data.get("ombudsman_rights") is True
            ):
                facts.holding_ombudsman_at = at
        elif name == REOPENED:
            facts.reopened = True
            facts.open = True
            continue
        elif name == APPEALED:
            facts.appealed = True
        elif name == ASSESSED:
            facts.assessed = True
        if name in ENDING_EVENTS or event.to_state in TERMINAL_STATES:
            facts.open = False
            if facts.ended_at is None:
                facts.ended_at = at
                facts.ended_by = name
            if name == CLOSED and facts.closed_at is None:
                facts.closed_at = at
    outcome = complaint.outcome
    if outcome is None and complaint.decision is not None:
        outcome = complaint.decision.outcome
    facts.outcome = outcome
    return facts
