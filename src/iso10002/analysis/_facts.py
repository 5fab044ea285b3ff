"""What analysis needs from one complaint, read in a single pass over its history."""

from __future__ import annotations

from datetime import datetime

from iso10002.model import Classification, Complaint, Outcome, Remedy

REGIME_KEY = "regime"  # iso10002.deadlines.REGIME_KEY: the pack recorded per complaint

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
    "Episode",
    "Facts",
    "Standing",
    "facts_of",
    "standing_at",
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


class Episode:
    """One spell of handling: from receipt (or a reopening) to the closure that ends it.

    ``closed_at`` is the first final communication or ending (closed,
    withdrawn) after ``start``; ``holding_at`` the first holding response
    that gave the ombudsman referral right after ``start``.
    """

    __slots__ = ("closed_at", "holding_at", "reopened", "start")

    def __init__(self, start: datetime, *, reopened: bool) -> None:
        """Open a spell at ``start``."""
        self.start = start
        self.reopened = reopened
        self.closed_at: datetime | None = None
        self.holding_at: datetime | None = None


class Standing:
    """What a regulatory return reads of one complaint, as at one instant.

    Every read of a complaint's outcome, remedies, classification, product
    and scope by the FCA and ASIC returns goes through :func:`standing_at`,
    so the whole "as at" question is answered in one place.
    """

    __slots__ = (
        "classification",
        "episodes",
        "facts",
        "in_scope",
        "outcome",
        "product",
        "regime",
        "remedies",
    )

    def __init__(  # noqa: PLR0913 - one value per fact a return reads
        self,
        *,
        facts: Facts,
        episodes: tuple[Episode, ...],
        outcome: Outcome | None,
        remedies: tuple[Remedy, ...],
        classification: Classification | None,
        product: str | None,
        regime: str | None = None,
    ) -> None:
        """Keep the facts; scope follows from them."""
        self.facts = facts
        self.episodes = episodes
        self.outcome = outcome
        self.remedies = remedies
        self.classification = classification
        self.product = product
        self.regime = regime
        self.in_scope = facts.ended_by != REJECTED and outcome not in OUT_OF_SCOPE


OUT_OF_SCOPE = frozenset({Outcome.NOT_A_COMPLAINT, Outcome.DUPLICATE})
"""Outcomes that take a complaint out of the returns: not a complaint at all,
or a duplicate already counted under its original (counted once)."""


def _episodes(complaint: Complaint, as_of: datetime) -> tuple[Episode, ...]:
    current = Episode(complaint.received_at, reopened=False)
    found = [current]
    for event in complaint.history:
        at = event.at
        if at > as_of:
            break
        name = event.name
        if name == REOPENED:
            if current.closed_at is not None:
                current = Episode(at, reopened=True)
                found.append(current)
            continue
        if current.closed_at is not None:
            continue
        if name == HOLDING:
            if (
                current.holding_at is None
                and event.data.get("ombudsman_rights") is True
            ):
                current.holding_at = at
        elif name == COMMUNICATED or (
            name != REJECTED
            and (name in ENDING_EVENTS or event.to_state in TERMINAL_STATES)
        ):
            current.closed_at = at
    return tuple(found)


def standing_at(complaint: Complaint, as_of: datetime) -> Standing:
    """Return what the returns read of ``complaint`` as at ``as_of``.

    Lifecycle instants (receipt, closures, reopenings, holding responses)
    come from the history up to ``as_of``; the outcome, remedies,
    classification and product are read here and nowhere else in the
    returns.
    """
    facts = facts_of(complaint, as_of)
    decision = complaint.decision
    regime = None
    for event in complaint.history:
        if event.at > as_of:
            break
        found = event.data.get(REGIME_KEY)
        if isinstance(found, dict) and isinstance(found.get("pack"), str):
            regime = found["pack"]
    return Standing(
        regime=regime,
        facts=facts,
        episodes=_episodes(complaint, as_of),
        outcome=facts.outcome,
        remedies=() if decision is None else decision.remedies,
        classification=complaint.classification,
        product=complaint.subject.product,
    )
