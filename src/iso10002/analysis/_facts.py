"""What analysis needs from one complaint, read in a single pass over its history."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from iso10002.facts import MERITS, NO_CLASS, UPHELD_ANY, HistoryFacts, key_facts
from iso10002.history import is_replayable, replay_document
from iso10002.model import Classification, Complaint, Decision, Outcome, Remedy
from iso10002.serialization import from_dict
from iso10002.vocabulary import Meaning, vocabulary_for

REGIME_KEY = "regime"  # iso10002.deadlines.REGIME_KEY: the pack recorded per complaint

__all__ = [
    "DECIDED_NOW",
    "MERITS",
    "NO_CLASS",
    "UPHELD_ANY",
    "Episode",
    "Facts",
    "Standing",
    "decision_at",
    "facts_of",
    "remedies_of",
    "standing_at",
]

_HOLDING = Meaning.HOLDING_RESPONSE
_COMMUNICATED = Meaning.COMMUNICATED
_REOPENED = Meaning.REOPENED
_REJECTED = Meaning.REJECTED


class Facts:
    """Instants and flags of one complaint, as at a given instant."""

    __slots__ = (
        "acknowledged_at",
        "appealed",
        "assessed",
        "assigned",
        "closed_at",
        "communicated_at",
        "decided",
        "ended_at",
        "holding_ombudsman_at",
        "keys",
        "open",
        "outcome",
        "rejected",
        "remedies",
        "reopened",
    )

    def __init__(self) -> None:
        """Start with nothing known."""
        self.acknowledged_at: datetime | None = None
        self.communicated_at: datetime | None = None
        self.holding_ombudsman_at: datetime | None = None
        self.closed_at: datetime | None = None
        self.ended_at: datetime | None = None
        self.rejected = False  # the first ending was a rejection (not a complaint)
        self.assessed = False
        self.assigned = False
        self.reopened = False
        self.appealed = False
        self.open = True
        self.outcome: Outcome | None = None
        # The decision in force: whether there is one, and its remedies as
        # the events record them (DECIDED_NOW: the document's own).
        self.decided = False
        self.remedies: tuple[Mapping[str, Any], ...] | None = DECIDED_NOW
        # category, subcategory, product, root cause and assignee keys
        # (iso10002.facts.KEY_FIELDS) as at the instant read.
        self.keys: tuple[str, str, str, str | None, str] = _NO_KEYS


DECIDED_NOW = None
_NO_KEYS = key_facts(None, None, None, None)
"""``Facts.remedies`` when the decision in force is the document's current one."""


def facts_of(complaint: Complaint, as_of: datetime) -> Facts:
    """Read ``complaint``'s history up to ``as_of`` (later events are ignored).

    Events are read with the meanings of the workflow the complaint ran
    under, by :class:`iso10002.facts.HistoryFacts` (the stores' reader too).
    """
    read = HistoryFacts(vocabulary_for(complaint.workflow)).add(
        complaint.history, as_of
    )
    facts = Facts()
    facts.acknowledged_at = read.acknowledged_at
    facts.communicated_at = read.communicated_at
    facts.holding_ombudsman_at = read.holding_ombudsman_at
    facts.closed_at = read.closed_at
    facts.ended_at = read.ended_at
    facts.rejected = read.rejected
    facts.assessed = read.assessed_at is not None
    facts.assigned = read.assigned_at is not None
    facts.reopened = read.reopened_at is not None
    facts.appealed = read.appealed_at is not None
    facts.open = read.is_open
    history = complaint.history
    later = bool(history) and history[-1].at > as_of
    if later and read.keys is not None:
        facts.keys = read.keys  # as at as_of: later events may change them
    elif later and not read.legacy:
        facts.keys = _NO_KEYS
    else:
        facts.keys = key_facts(
            complaint.classification,
            complaint.subject,
            complaint.root_cause,
            complaint.assignee,
        )
    if later and (read.decisions or not read.legacy):
        # Later events may have changed the decision: take the one in force
        # at ``as_of`` from the facts the events record.
        if read.decisions:
            change = read.decisions[-1]
            facts.outcome = None if change.outcome is None else Outcome(change.outcome)
            facts.decided = change.decided
            facts.remedies = change.remedies
        else:
            facts.remedies = ()
        return facts
    decision = complaint.decision
    outcome = complaint.outcome
    if outcome is None and decision is not None:
        outcome = decision.outcome
    facts.outcome = outcome
    facts.decided = decision is not None
    return facts


def remedies_of(complaint: Complaint, facts: Facts) -> tuple[Remedy, ...]:
    """Return the remedies of the decision in force when ``facts`` were read."""
    if facts.remedies is DECIDED_NOW:
        decision = complaint.decision
        return () if decision is None else decision.remedies
    return tuple(from_dict(Remedy, dict(plain)) for plain in facts.remedies)


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
        self.in_scope = not facts.rejected and outcome not in OUT_OF_SCOPE


OUT_OF_SCOPE = frozenset({Outcome.NOT_A_COMPLAINT, Outcome.DUPLICATE})
"""Outcomes that take a complaint out of the returns: not a complaint at all,
or a duplicate already counted under its original (counted once)."""


def _episodes(complaint: Complaint, as_of: datetime) -> tuple[Episode, ...]:
    current = Episode(complaint.received_at, reopened=False)
    found = [current]
    vocabulary = vocabulary_for(complaint.workflow)
    for event in complaint.history:
        at = event.at
        if at > as_of:
            break
        meanings = vocabulary.meanings_of(event.name)
        if _REOPENED in meanings:
            if current.closed_at is not None:
                current = Episode(at, reopened=True)
                found.append(current)
            continue
        if current.closed_at is not None:
            continue
        if _HOLDING in meanings:
            if (
                current.holding_at is None
                and event.data.get("ombudsman_rights") is True
            ):
                current.holding_at = at
        elif _COMMUNICATED in meanings or (
            _REJECTED not in meanings and vocabulary.ends(event.name, event.to_state)
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
    regime = None
    count = 0
    for event in complaint.history:
        if event.at > as_of:
            break
        count += 1
        found = event.data.get(REGIME_KEY)
        if isinstance(found, dict) and isinstance(found.get("pack"), str):
            regime = found["pack"]
    known = _as_at(complaint, count)
    if known is None:
        # A history recorded before events carried their facts: only the
        # document's current values are known (see iso10002.history).
        decision = complaint.decision
        outcome = facts.outcome
        remedies = () if decision is None else decision.remedies
        classification = complaint.classification
        product = complaint.subject.product
    else:
        outcome, remedies, classification, product = known
        facts.outcome = outcome
    return Standing(
        regime=regime,
        facts=facts,
        episodes=_episodes(complaint, as_of),
        outcome=outcome,
        remedies=remedies,
        classification=classification,
        product=product,
    )


def _as_at(
    complaint: Complaint, count: int
) -> (
    tuple[Outcome | None, tuple[Remedy, ...], Classification | None, str | None] | None
):
    """Return outcome, remedies, classification and product after ``count`` events.

    Read from the facts the events record (the fold of the history), so a
    later decision, reopening or reclassification never changes them; ``None``
    when the history does not carry its facts.
    """
    if count == 0 or not is_replayable(complaint.history):
        return None
    state = replay_document(complaint.history[:count])
    if state is None:
        return None
    decision = state.get("decision")
    raw = state.get("outcome")
    if raw is None and isinstance(decision, dict):
        raw = decision.get("outcome")
    outcome = None if raw is None else Outcome(raw)
    remedies: tuple[Remedy, ...] = ()
    if isinstance(decision, dict):
        remedies = from_dict(Decision, decision).remedies
    plain = state.get("classification")
    classification = None if plain is None else from_dict(Classification, plain)
    subject = state.get("subject")
    product = subject.get("product") if isinstance(subject, dict) else None
    return outcome, remedies, classification, product


def decision_at(
    complaint: Complaint, as_of: datetime
) -> tuple[Outcome | None, tuple[Remedy, ...]] | None:
    """Return the outcome and remedies of the decision in force at ``as_of``.

    ``None`` when no decision had been recorded by then. The outcome is the
    complaint's (its own ``outcome`` field, else its decision's), as the KPIs
    read it. Read from the facts the events record up to ``as_of``
    (:func:`facts_of`), so a decision made (or remade) later is never counted
    in an earlier review; a history recorded before events carried their
    facts falls back to the document's current decision, as
    :func:`standing_at` does.
    """
    facts = facts_of(complaint, as_of)
    if not facts.decided:
        return None
    return facts.outcome, remedies_of(complaint, facts)
