"""Accountability (ISO 10002:2018 clause 4.12; 2014 clause 4.9).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import attrs

from iso10002.model import Complaint
from iso10002.principles._base import (
    BasePolicy,
    check_id,
    events_named,
    folded,
    in_states,
    names,
    to_frozenset,
    to_severity,
)
from iso10002.principles._policy import Finding, FindingSeverity, PolicyContext
from iso10002.principles._principle import Principle
from iso10002.vocabulary import Meaning, StandardState, standard_event

__all__ = ["OwnerAssigned", "StepsHaveNamedActors"]


@attrs.frozen(kw_only=True)
class OwnerAssigned(BasePolicy):
    """Check that someone owns the complaint before it is investigated.

    A complaint whose history records one of ``events`` (an investigation was
    started) must have an ``assignee``; that finding has ``severity``. A
    complaint in one of ``states`` that got there otherwise (e.g. the
    complainant's reply moved it back to investigating) without an owner is
    reported as a warning only, so that recording the reply is never blocked.

    Args:
        id: The policy id.
        states: States that should have an owner.
        events: Events after which an owner is required.
        severity: Severity after an investigation started (blocking by default).
        edition: The edition findings are reported under.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.ACCOUNTABILITY
    SUMMARY: ClassVar[str] = (
        "A complaint has an assigned owner before it is investigated."
    )

    id: str = attrs.field(
        default="iso10002.accountability.owner-assigned", validator=check_id
    )
    states: frozenset[str] = attrs.field(
        default=frozenset({StandardState.INVESTIGATING.value}),
        converter=to_frozenset,
        validator=names,
    )
    events: frozenset[str] = attrs.field(
        default=frozenset({standard_event(Meaning.INVESTIGATED)}),
        converter=to_frozenset,
        validator=names,
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.BLOCKING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report an investigated complaint without an owner.

        Args:
            complaint: The complaint (status, history, assignee checked).
            context: Not consulted.

        Returns:
            One finding if an owner is needed and missing, else none.
        """
        del context
        if complaint.assignee is not None:
            return []
        if events_named(complaint, self.events):
            level = self.severity
        elif in_states(complaint, self.states):
            level = FindingSeverity.WARNING
        else:
            return []
        return [
            self.finding(
                "owner-missing",
                level,
                "The complaint is being investigated without an assigned owner.",
                status=complaint.status,
            )
        ]


@attrs.frozen(kw_only=True)
class StepsHaveNamedActors(BasePolicy):
    """Check that decisive steps are taken by a named person, not a placeholder.

    Events in ``steps`` and the decision's ``decided_by`` must not be one of
    ``anonymous_actors`` (compared ignoring case).

    Args:
        id: The policy id.
        steps: Event names that need a named actor.
        anonymous_actors: Names that identify nobody.
        severity: Severity of an unnamed step.
        edition: The edition findings are reported under.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.ACCOUNTABILITY
    SUMMARY: ClassVar[str] = (
        "Assessment, decision, communication and closing are recorded with a "
        "named actor."
    )

    id: str = attrs.field(
        default="iso10002.accountability.named-actors", validator=check_id
    )
    steps: frozenset[str] = attrs.field(
        default=frozenset(
            standard_event(m)
            for m in (
                Meaning.ASSESSED,
                Meaning.DECIDED,
                Meaning.COMMUNICATED,
                Meaning.CLOSED,
            )
        ),
        converter=to_frozenset,
        validator=names,
    )
    anonymous_actors: frozenset[str] = attrs.field(
        default=frozenset({"system", "unknown", "anonymous", "nobody", "n/a"}),
        converter=to_frozenset,
        validator=names,
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.WARNING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report each decisive step without a named actor.

        Args:
            complaint: The complaint (history and decision checked).
            context: Not consulted.

        Returns:
            One finding per unnamed step.
        """
        del context
        anonymous = {folded(a) for a in self.anonymous_actors}
        found = [
            self.finding(
                "step-without-named-actor",
                self.severity,
                f"Event {e.sequence} ({e.name}) was recorded by {e.actor!r}, "
                "which names nobody accountable.",
                sequence=e.sequence,
                event=e.name,
            )
            for e in events_named(complaint, self.steps)
            if folded(e.actor) in anonymous
        ]
        decision = complaint.decision
        if decision is not None and folded(decision.decided_by) in anonymous:
            found.append(
                self.finding(
                    "decision-without-named-actor",
                    self.severity,
                    f"The decision was made by {decision.decided_by!r}, which "
                    "names nobody accountable.",
                )
            )
        return found
