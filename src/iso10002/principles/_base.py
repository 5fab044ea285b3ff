"""Shared machinery of the built-in policies (private)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any, ClassVar

import attrs

from iso10002.errors import ValidationError
from iso10002.model import Complaint, DueDate, HistoryEvent, Outcome
from iso10002.principles._policy import Finding, FindingSeverity, PolicyContext
from iso10002.principles._principle import Edition, Principle
from iso10002.principles._profile import OrganisationProfile
from iso10002.vocabulary import STANDARD_VOCABULARY, vocabulary_for

__all__ = [
    "TERMINAL_STATES",
    "BasePolicy",
    "check_id",
    "deadline_problem",
    "events_named",
    "final_outcome",
    "folded",
    "in_states",
    "is_open",
    "names",
    "outcomes",
    "profile_of",
    "to_frozenset",
    "to_outcomes",
    "to_severity",
]

TERMINAL_STATES = STANDARD_VOCABULARY.terminal_states
"""Standard workflow states in which a complaint is no longer being handled."""


def check_id(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if (
        not isinstance(value, str)
        or not value
        or len(value) > 200  # noqa: PLR2004 - Finding.policy_id's limit
        or any(c.isspace() for c in value)
    ):
        raise ValidationError.single(
            attribute.name, "must be a dotted id without spaces, e.g. 'acme.sla.fast'"
        )


def to_severity(value: Any) -> FindingSeverity:
    """Convert a severity name to :class:`FindingSeverity`, naming the field."""
    try:
        return FindingSeverity(value)
    except ValueError:
        known = ", ".join(s.value for s in FindingSeverity)
        raise ValidationError.single(
            "severity", f"must be one of {known}, not {value!r}"
        ) from None


def _to_edition(value: Any) -> Edition:
    try:
        return Edition(value)
    except ValueError:
        known = ", ".join(e.value for e in Edition)
        raise ValidationError.single(
            "edition", f"must be one of {known}, not {value!r}"
        ) from None


def to_frozenset(value: Any) -> Any:
    """Turn a non-string iterable into a frozenset; leave the rest to validators."""
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        return frozenset(value)
    return value


def names(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validate a frozenset of non-empty strings."""
    if not isinstance(value, frozenset):
        raise ValidationError.single(attribute.name, "must be a collection of names")
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise ValidationError.single(attribute.name, "must hold non-empty strings only")


def to_outcomes(value: Any) -> Any:
    """Turn an iterable of outcome values into a frozenset of :class:`Outcome`."""
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        items = list(value)
        try:
            return frozenset(Outcome(v) for v in items)
        except ValueError:
            return frozenset(items)
    return value


def outcomes(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validate a frozenset of :class:`Outcome`."""
    if not isinstance(value, frozenset) or not all(
        isinstance(v, Outcome) for v in value
    ):
        known = ", ".join(o.value for o in Outcome)
        raise ValidationError.single(
            attribute.name, f"must be a collection of outcomes ({known})"
        )


@attrs.frozen(kw_only=True)
class BasePolicy:
    """Common fields and helpers: the edition a finding is reported under.

    Subclasses set ``PRINCIPLE`` (a 2018 principle), ``SUMMARY`` (what is
    checked) and declare ``id`` with :func:`policy_id`.
    """

    PRINCIPLE: ClassVar[Principle]
    SUMMARY: ClassVar[str]

    id: str = attrs.field(default="iso10002.policy", validator=check_id)
    edition: Edition = attrs.field(
        default=Edition.ISO_10002_2018, converter=_to_edition
    )

    @property
    def principle(self) -> Principle:
        """Return the principle this policy reports under, in its edition."""
        return self.PRINCIPLE.counterpart(self.edition) or self.PRINCIPLE

    @property
    def clause(self) -> str:
        """Return the clause this policy reports under, in its edition."""
        principle = self.principle
        return (
            principle.clause(self.edition)
            or principle.clause(Edition.ISO_10002_2018)
            or "4"
        )

    @property
    def summary(self) -> str:
        """Return one sentence on what this policy checks."""
        return self.SUMMARY

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Check ``complaint``; every concrete policy overrides this."""
        raise NotImplementedError

    def finding(
        self,
        code: str,
        level: FindingSeverity,
        message: str,
        **evidence: Any,
    ) -> Finding:
        """Build a finding attributed to this policy."""
        return Finding(
            policy_id=self.id,
            principle=self.principle.value,
            clause=self.clause,
            code=code,
            severity=level,
            message=message,
            evidence=evidence,
        )


def profile_of(context: PolicyContext) -> OrganisationProfile | None:
    """Return the organisation profile in ``context``, if one was given."""
    org = context.organisation
    return org if isinstance(org, OrganisationProfile) else None


def events_named(complaint: Complaint, names: Collection[str]) -> list[HistoryEvent]:
    """Return the complaint's history events named (or meaning) one of ``names``.

    An event matches by its own name or by the standard name of a meaning
    it carries in the complaint's workflow (a renamed acknowledgement
    matches ``ComplaintAcknowledged``).
    """
    standard_names = vocabulary_for(complaint.workflow).standard_names
    return [
        e
        for e in complaint.history
        if not set(standard_names(e.name)).isdisjoint(names)
    ]


def in_states(complaint: Complaint, states: Collection[str]) -> bool:
    """Tell whether the complaint is in one of ``states`` (standard state names).

    A renamed state counts as the standard state it plays: the one the
    event that entered it leads to in the standard workflow (see
    :meth:`iso10002.vocabulary.Vocabulary.standard_states`).
    """
    if complaint.status in states:
        return True
    for event in reversed(complaint.history):
        if event.to_state == complaint.status and event.from_state != event.to_state:
            played = vocabulary_for(complaint.workflow).standard_states(event.name)
            return not played.isdisjoint(states)
    return False


def is_open(complaint: Complaint) -> bool:
    """Tell whether the complaint is still being handled."""
    return complaint.status not in vocabulary_for(complaint.workflow).terminal_states


def final_outcome(complaint: Complaint) -> Outcome | None:
    """Return the recorded outcome, else the decision's."""
    if complaint.outcome is not None:
        return complaint.outcome
    return complaint.decision.outcome if complaint.decision else None


def folded(value: str) -> str:
    """Normalise a name for comparison."""
    return value.strip().casefold()


def deadline_problem(due: DueDate, now: datetime, *, still_open: bool) -> str | None:
    """Say whether a due date was met ``"late"`` or is ``"overdue"`` (else None)."""
    if due.met_at is not None:
        return "late" if due.met_at > due.due_at else None
    if still_open and now > due.due_at:
        return "overdue"
    return None
