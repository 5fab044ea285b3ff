"""What analysis and the stores read of one complaint's history, in one pass.

:class:`HistoryFacts` is the one reader of a complaint's history for its
facts: the first instant of each meaning (acknowledged, communicated,
appealed, assessed, assigned, closed, reopened, the first ending and whether
it was a rejection, the first holding response that gave the ombudsman
referral right) and the instants it changed between open and closed.
:mod:`iso10002.analysis` reads a complaint as at an instant with it, and the
SQL stores fill their push-down tables with it, so both see the same facts.
Events are read with the meanings of the workflow the complaint ran under
(:func:`iso10002.vocabulary.vocabulary_for`).

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from iso10002.history import FACTS_RECORDED_EVENT
from iso10002.model import Classification, HistoryEvent, Outcome
from iso10002.vocabulary import Meaning, Vocabulary

__all__ = [
    "KEY_FIELDS",
    "MERITS",
    "NO_CLASS",
    "NO_PRODUCT",
    "UNASSIGNED",
    "UPHELD_ANY",
    "DecisionChange",
    "HistoryFacts",
    "key_facts",
    "subcategory_key",
]

MERITS = frozenset({Outcome.UPHELD, Outcome.PARTIALLY_UPHELD, Outcome.NOT_UPHELD})
"""Outcomes decided on the merits: the decisions a complainant can appeal."""

UPHELD_ANY = frozenset({Outcome.UPHELD, Outcome.PARTIALLY_UPHELD})
"""Outcomes upheld in whole or in part."""

NO_CLASS = "(unclassified)"
"""The category key of a complaint without a classification."""

_ACK = Meaning.ACKNOWLEDGED
_COMMUNICATED = Meaning.COMMUNICATED
_HOLDING = Meaning.HOLDING_RESPONSE
_CLOSED = Meaning.CLOSED
_REOPENED = Meaning.REOPENED
_APPEALED = Meaning.APPEALED
_ASSESSED = Meaning.ASSESSED
_ASSIGNED = Meaning.ASSIGNED
_REJECTED = Meaning.REJECTED


def subcategory_key(classification: Classification | None) -> str:
    """Return the second-level key of a classification: ``"category / sub"``.

    ``"category / -"`` without a subcategory, :data:`NO_CLASS` without a
    classification; the KPIs' ``by_subcategory`` and
    :func:`iso10002.analysis.charts.classification_counts` use the same keys.

    .. versionadded:: 0.2.0
    """
    if classification is None:
        return NO_CLASS
    return f"{classification.category} / {classification.subcategory or '-'}"


NO_PRODUCT = "(none)"
"""The product key of a complaint whose subject names no product."""

UNASSIGNED = "(unassigned)"
"""The handler key of a complaint with no assignee."""

KEY_FIELDS = ("category", "subcategory", "product", "root_cause", "assignee")
"""The keys analysis groups complaints by, in the order :func:`key_facts` gives."""

_KEY_SOURCES = ("classification", "subject", "root_cause", "assignee")


def key_facts(
    classification: Any, subject: Any, root_cause: Any, assignee: Any
) -> tuple[str, str, str, str | None, str]:
    """Return the :data:`KEY_FIELDS` of a complaint from its field values.

    Takes model values (a complaint's ``classification``, ``subject``,
    ``root_cause`` and ``assignee``) or their plain JSON form, as the events
    record them: ``category`` (:data:`NO_CLASS` without a classification),
    ``subcategory`` (:func:`subcategory_key`), ``product`` (:data:`NO_PRODUCT`
    without one), ``root_cause`` (its category, ``None`` without one) and
    ``assignee`` (:data:`UNASSIGNED` without one).

    .. versionadded:: 0.3.0
    """
    if isinstance(classification, Mapping):
        category = classification.get("category")
        sub = classification.get("subcategory")
    elif classification is not None:
        category, sub = classification.category, classification.subcategory
    else:
        category = sub = None
    if isinstance(category, str):
        subcategory = f"{category} / {sub or '-'}"
    else:
        category = subcategory = NO_CLASS
    product = (
        subject.get("product")
        if isinstance(subject, Mapping)
        else getattr(subject, "product", None)
    )
    cause = (
        root_cause.get("category")
        if isinstance(root_cause, Mapping)
        else getattr(root_cause, "category", None)
    )
    return (
        category,
        subcategory,
        product if isinstance(product, str) and product else NO_PRODUCT,
        cause if isinstance(cause, str) else None,
        assignee if isinstance(assignee, str) and assignee else UNASSIGNED,
    )


class DecisionChange(NamedTuple):
    """A change of a complaint's outcome or remedies, read from an event's facts.

    ``outcome`` is the outcome value in force from ``at`` on (the complaint's
    own ``outcome`` field, else its decision's), ``None`` when none is;
    ``remedies`` the remedies of the decision in force, as the plain JSON
    data the event records (see :mod:`iso10002.history`); ``decided`` whether
    a decision is in force at all.

    .. versionadded:: 0.3.0
    """

    at: datetime
    outcome: str | None
    remedies: tuple[Mapping[str, Any], ...]
    decided: bool


def _decision_change(at: datetime, outcome: Any, decision: Any) -> DecisionChange:
    remedies: tuple[Mapping[str, Any], ...] = ()
    if isinstance(decision, Mapping):
        if outcome is None:
            outcome = decision.get("outcome")
        found = decision.get("remedies")
        if isinstance(found, (list, tuple)):
            remedies = tuple(r for r in found if isinstance(r, Mapping))
    return DecisionChange(
        at,
        outcome if isinstance(outcome, str) else None,
        remedies,
        isinstance(decision, Mapping),
    )


class HistoryFacts:
    """The first instant of each meaning in a history, read event by event.

    Each ``*_at`` attribute is the instant of the first event with that
    meaning (``None`` until one is read); ``ended_at`` is the first ending
    and ``rejected`` whether it was a rejection; ``toggles`` the instants the
    complaint changed between open and closed, and ``is_open`` where it
    stands. A reopening counts only as a reopening.

    ``decisions`` lists every change of the outcome or remedies, read from
    the facts the events record (the fold of :mod:`iso10002.history`), so a
    decision's effect "as at" any instant is known without replaying the
    document. ``legacy`` tells whether the history began before events
    carried their facts: its outcome before its first ``FactsRecorded``
    event is then only known from the document as it is now.

    Args:
        vocabulary: The meanings of the workflow the complaint ran under.

    .. versionadded:: 0.2.0
    """

    __slots__ = (
        "acknowledged_at",
        "appealed_at",
        "assessed_at",
        "assigned_at",
        "closed_at",
        "communicated_at",
        "decision_state",
        "decisions",
        "ended_at",
        "holding_ombudsman_at",
        "is_open",
        "key_changes",
        "key_values",
        "keys",
        "legacy",
        "rejected",
        "reopened_at",
        "toggles",
        "vocabulary",
    )

    def __init__(self, vocabulary: Vocabulary) -> None:
        """Start before the first event."""
        self.vocabulary = vocabulary
        self.acknowledged_at: datetime | None = None
        self.communicated_at: datetime | None = None
        self.holding_ombudsman_at: datetime | None = None
        self.appealed_at: datetime | None = None
        self.assessed_at: datetime | None = None
        self.assigned_at: datetime | None = None
        self.closed_at: datetime | None = None
        self.reopened_at: datetime | None = None
        self.ended_at: datetime | None = None
        self.rejected = False
        self.is_open = True
        self.toggles: list[datetime] = []
        self.legacy: bool | None = None
        self.decisions: list[DecisionChange] = []
        self.decision_state: tuple[Any, Any] = (None, None)
        self.key_values: dict[str, Any] = dict.fromkeys(_KEY_SOURCES)
        self.keys: tuple[str, str, str, str | None, str] | None = None
        self.key_changes: list[tuple[datetime, tuple[Any, ...]]] = []

    def copy(self) -> HistoryFacts:
        """Return an independent copy (to read on without changing this one)."""
        new = HistoryFacts(self.vocabulary)
        for name in self.__slots__:
            setattr(new, name, getattr(self, name))
        new.toggles = self.toggles.copy()
        new.decisions = self.decisions.copy()
        new.key_values = self.key_values.copy()
        new.key_changes = self.key_changes.copy()
        return new

    def _key(self, event: HistoryEvent) -> None:
        """Read the classification, subject, root cause and assignee of ``event``."""
        data = event.data
        values = self.key_values
        for name in _KEY_SOURCES:
            if name in data:
                values[name] = data[name]
        keys = key_facts(*values.values())
        if keys != self.keys:
            self.keys = keys
            self.key_changes.append((event.at, keys))

    def _decide(self, event: HistoryEvent) -> None:
        """Read the outcome and decision facts ``event`` records."""
        data = event.data
        outcome, decision = self.decision_state
        if "outcome" in data:
            outcome = data["outcome"]
        if "decision" in data:
            decision = data["decision"]
        self.decision_state = (outcome, decision)
        change = _decision_change(event.at, outcome, decision)
        decisions = self.decisions
        if decisions:
            last = decisions[-1]
            if last[1:] == change[1:]:
                return
        elif not change.decided and change.outcome is None and not self.legacy:
            return  # nothing decided yet, as before the first event
        decisions.append(change)

    def add(  # noqa: C901, PLR0912 - one branch per meaning, on purpose
        self, events: Iterable[HistoryEvent], until: datetime | None = None
    ) -> HistoryFacts:
        """Read ``events`` (the next ones of the history) and return ``self``.

        Args:
            events: The events, in the order of the history.
            until: Stop at the first event after this instant (read all when
                ``None``): the facts as at ``until``.
        """
        vocabulary = self.vocabulary
        meanings_of = vocabulary.meanings_of
        for event in events:
            at = event.at
            if until is not None and at > until:
                break
            data = event.data
            if self.legacy is None:
                self.legacy = "reference" not in data
            if ("outcome" in data or "decision" in data) and (
                not self.legacy or self.decisions or event.name == FACTS_RECORDED_EVENT
            ):
                self._decide(event)
            if (
                "classification" in data
                or "subject" in data
                or "root_cause" in data
                or "assignee" in data
            ) and (
                not self.legacy
                or self.key_changes
                or event.name == FACTS_RECORDED_EVENT
            ):
                self._key(event)
            meanings = meanings_of(event.name)
            if _REOPENED in meanings:
                if self.reopened_at is None:
                    self.reopened_at = at
                if not self.is_open:
                    self.toggles.append(at)
                    self.is_open = True
                continue
            if _ACK in meanings and self.acknowledged_at is None:
                self.acknowledged_at = at
            if _COMMUNICATED in meanings and self.communicated_at is None:
                self.communicated_at = at
            if (
                _HOLDING in meanings
                and self.holding_ombudsman_at is None
                and event.data.get("ombudsman_rights") is True
            ):
                self.holding_ombudsman_at = at
            if _APPEALED in meanings and self.appealed_at is None:
                self.appealed_at = at
            if _ASSESSED in meanings and self.assessed_at is None:
                self.assessed_at = at
            if _ASSIGNED in meanings and self.assigned_at is None:
                self.assigned_at = at
            if vocabulary.ends(event.name, event.to_state):
                if self.ended_at is None:
                    self.ended_at = at
                    self.rejected = _REJECTED in meanings
                if self.is_open:
                    self.toggles.append(at)
                    self.is_open = False
                if _CLOSED in meanings and self.closed_at is None:
                    self.closed_at = at
        return self
