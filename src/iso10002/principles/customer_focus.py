"""Customer-focused approach (ISO 10002:2018 clause 4.11; 2014 clause 4.8).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import attrs

from iso10002.errors import ValidationError
from iso10002.model import Complaint, Outcome, letter_text
from iso10002.principles._base import (
    BasePolicy,
    check_id,
    outcomes,
    to_outcomes,
    to_severity,
)
from iso10002.principles._policy import Finding, FindingSeverity, PolicyContext
from iso10002.principles._principle import Principle

__all__ = ["DecisionGivesReasons", "EscalationRouteMentions", "EscalationRouteStated"]

_NO_RESPONSE_OUTCOMES = frozenset({Outcome.WITHDRAWN})
_FINAL_LETTERS = frozenset({"final_response"})


@attrs.frozen(kw_only=True)
class DecisionGivesReasons(BasePolicy):
    """Check that a decision explains itself.

    Whether the reasons address the complainant's desired outcome is for a
    person to judge; the library checks that reasons are given at all.

    Args:
        id: The policy id.
        exempt_outcomes: Outcomes that need no reasons (withdrawn by default).
        severity: Severity of missing reasons (blocking by default).
        edition: The edition findings are reported under.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.CUSTOMER_FOCUSED_APPROACH
    SUMMARY: ClassVar[str] = "A decision states its reasons."

    id: str = attrs.field(
        default="iso10002.customer-focus.decision-reasons", validator=check_id
    )
    exempt_outcomes: frozenset[Outcome] = attrs.field(
        default=_NO_RESPONSE_OUTCOMES, converter=to_outcomes, validator=outcomes
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.BLOCKING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report a decision without reasons.

        Args:
            complaint: The complaint (its decision is checked).
            context: Not consulted.

        Returns:
            One finding if reasons are missing, else none.
        """
        del context
        decision = complaint.decision
        if decision is None or decision.outcome in self.exempt_outcomes:
            return []
        if decision.reasons.strip():
            return []
        return [
            self.finding(
                "decision-without-reasons",
                self.severity,
                "The decision gives no reasons.",
                outcome=decision.outcome.value,
                desired_outcome_stated=complaint.desired_outcome is not None,
            )
        ]


@attrs.frozen(kw_only=True)
class EscalationRouteStated(BasePolicy):
    """Check that a decision tells the complainant where to go next.

    ``Decision.escalation_route`` must name the next step (internal review,
    ombudsman or external dispute resolution).

    Args:
        id: The policy id.
        exempt_outcomes: Outcomes that need no route (withdrawn by default).
        severity: Severity of a missing route (blocking by default).
        edition: The edition findings are reported under.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.CUSTOMER_FOCUSED_APPROACH
    SUMMARY: ClassVar[str] = (
        "A decision states the escalation route (ombudsman or external dispute "
        "resolution)."
    )

    id: str = attrs.field(
        default="iso10002.customer-focus.escalation-route", validator=check_id
    )
    exempt_outcomes: frozenset[Outcome] = attrs.field(
        default=_NO_RESPONSE_OUTCOMES, converter=to_outcomes, validator=outcomes
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.BLOCKING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report a decision without an escalation route.

        Args:
            complaint: The complaint (its decision is checked).
            context: Not consulted.

        Returns:
            One finding if the route is missing, else none.
        """
        del context
        decision = complaint.decision
        if decision is None or decision.outcome in self.exempt_outcomes:
            return []
        if decision.escalation_route and decision.escalation_route.strip():
            return []
        return [
            self.finding(
                "escalation-route-missing",
                self.severity,
                "The decision does not state where the complainant can escalate.",
                outcome=decision.outcome.value,
            )
        ]


def _groups(value: Any) -> tuple[tuple[str, ...], ...]:
    problem = "must be a non-empty sequence of non-empty sequences of phrases"
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError.single("required", problem)
    groups = []
    for group in value:
        if isinstance(group, str) or not isinstance(group, Iterable):
            raise ValidationError.single("required", problem)
        phrases = tuple(group)
        if not phrases or not all(isinstance(p, str) and p.strip() for p in phrases):
            raise ValidationError.single("required", problem)
        groups.append(phrases)
    if not groups:
        raise ValidationError.single("required", problem)
    return tuple(groups)


def _mentions(text: str, phrase: str) -> bool:
    """Tell whether ``phrase`` occurs in ``text`` as whole words, ignoring case."""
    words = r"\s+".join(re.escape(w) for w in phrase.split())
    return re.search(rf"(?<!\w){words}(?!\w)", text, re.IGNORECASE) is not None


def _name(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError.single(attribute.name, "must be a non-empty string")


@attrs.frozen(kw_only=True)
class EscalationRouteMentions(BasePolicy):
    """Check that the decision's escalation route contains required wording.

    A content rule for regulatory packs: for each group of ``required``
    phrases, at least one must occur (as whole words, ignoring case) in
    the final response letter when one is recorded (the text the
    complainant was sent, see :mod:`iso10002.communications`), else in
    ``Decision.escalation_route``, e.g. the ombudsman and the six-month limit
    under the FCA's DISP rules.

    Args:
        id: The policy id (required: there is no generic default).
        rule: The rule cited, e.g. ``"DISP 1.6.2R"``.
        required: Groups of alternative phrases; each group must match.
        exempt_outcomes: Outcomes that need no route (withdrawn by default).
        severity: Severity of missing wording (blocking by default).
        edition: The edition findings are reported under.

    Raises:
        ValidationError: if ``required`` is empty or malformed.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.CUSTOMER_FOCUSED_APPROACH
    SUMMARY: ClassVar[str] = (
        "The decision's escalation route contains the wording the regulator requires."
    )

    id: str = attrs.field(
        default="iso10002.customer-focus.escalation-route-wording", validator=check_id
    )
    rule: str = attrs.field(validator=_name)
    required: tuple[tuple[str, ...], ...] = attrs.field(converter=_groups)
    exempt_outcomes: frozenset[Outcome] = attrs.field(
        default=_NO_RESPONSE_OUTCOMES, converter=to_outcomes, validator=outcomes
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.BLOCKING, converter=to_severity
    )

    @property
    def summary(self) -> str:
        """Return one sentence on what this policy checks."""
        wording = "; ".join(" or ".join(repr(p) for p in g) for g in self.required)
        return f"The escalation route mentions {wording} ({self.rule})."

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report each required group of phrases missing from the route.

        Args:
            complaint: The complaint (its decision is checked).
            context: Not consulted.

        Returns:
            One finding listing the missing wording, else none.
        """
        del context
        decision = complaint.decision
        if decision is None or decision.outcome in self.exempt_outcomes:
            return []
        letter = letter_text(complaint, _FINAL_LETTERS)
        route = letter if letter is not None else decision.escalation_route or ""
        where = "final response letter" if letter is not None else "escalation route"
        missing = [
            list(group)
            for group in self.required
            if not any(_mentions(route, p) for p in group)
        ]
        if not missing:
            return []
        wanted = "; ".join(" or ".join(repr(p) for p in g) for g in missing)
        return [
            self.finding(
                "escalation-route-wording-missing",
                self.severity,
                f"The {where} does not mention {wanted}, as {self.rule} requires.",
                rule=self.rule,
                missing=missing,
            )
        ]
