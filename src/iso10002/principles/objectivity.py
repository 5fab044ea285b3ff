"""Objectivity (ISO 10002:2018 clause 4.7; 2014 clause 4.5).

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
    folded,
    names,
    profile_of,
    to_frozenset,
    to_severity,
)
from iso10002.principles._policy import Finding, FindingSeverity, PolicyContext
from iso10002.principles._principle import Principle
from iso10002.vocabulary import Meaning, standard_event, vocabulary_for

__all__ = ["ComplainantHeardBeforeDecision", "HandlerNotConflicted"]


@attrs.frozen(kw_only=True)
class HandlerNotConflicted(BasePolicy):
    """Check that neither the handler nor the decision maker is conflicted.

    The assignee and ``Decision.decided_by`` must not be named in
    ``Subject.concerning``, nor belong (per the profile's ``teams``) to a team
    named there, nor have declared a conflict (profile ``conflicts``) with
    anyone named there or with the complainant's customer reference.
    Names are compared case-insensitively.

    Args:
        id: The policy id.
        severity: Severity of a conflict (blocking by default).
        edition: The edition findings are reported under.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.OBJECTIVITY
    SUMMARY: ClassVar[str] = (
        "Neither the assigned handler nor the decision maker is the person or "
        "team complained about, nor declared conflicted."
    )

    id: str = attrs.field(
        default="iso10002.objectivity.handler-not-conflicted", validator=check_id
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.BLOCKING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report each conflicted handler or decision maker.

        Args:
            complaint: The complaint (assignee, decision, subject checked).
            context: Supplies the profile's teams and conflicts, if any.

        Returns:
            One finding per conflicted role.
        """
        profile = profile_of(context)
        concerning = {folded(n) for n in complaint.subject.concerning}
        reference = complaint.complainant.customer_reference
        roles = {"assignee": complaint.assignee}
        if complaint.decision is not None:
            roles["decided_by"] = complaint.decision.decided_by
        found = []
        for role, actor in roles.items():
            if actor is None:
                continue
            names = profile.affiliations(actor) if profile else {folded(actor)}
            clash = sorted(names & concerning)
            declared = profile.conflicts.get(actor, frozenset()) if profile else ()
            customer = reference is not None and folded(reference) in {
                folded(n) for n in declared
            }
            if not clash and not customer:
                continue
            found.append(
                self.finding(
                    "conflicted-" + role.replace("_", "-"),
                    self.severity,
                    f"The {role.replace('_', ' ')} is conflicted: they or their "
                    "team are complained about, or they declared a conflict.",
                    role=role,
                    actor=actor,
                    concerning=clash,
                    customer_conflict=customer,
                )
            )
        return found


@attrs.frozen(kw_only=True)
class ComplainantHeardBeforeDecision(BasePolicy):
    """Check that no request to the complainant is outstanding at the decision.

    Walks the history up to the first ``DecisionMade`` event: every
    ``InformationRequested`` must be followed by an ``InformationReceived``
    before the decision, so the complainant's side is on record.

    Args:
        id: The policy id.
        request_events: Events asking the complainant for information.
        reply_events: Events recording the complainant's reply.
        severity: Severity of deciding with a request outstanding.
        edition: The edition findings are reported under.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.OBJECTIVITY
    SUMMARY: ClassVar[str] = (
        "No request for information to the complainant is still outstanding "
        "when the decision is made."
    )

    id: str = attrs.field(
        default="iso10002.objectivity.complainant-heard", validator=check_id
    )
    request_events: frozenset[str] = attrs.field(
        default=frozenset({standard_event(Meaning.INFORMATION_REQUESTED)}),
        converter=to_frozenset,
        validator=names,
    )
    reply_events: frozenset[str] = attrs.field(
        default=frozenset({standard_event(Meaning.INFORMATION_RECEIVED)}),
        converter=to_frozenset,
        validator=names,
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.WARNING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report a decision made while the complainant's reply was awaited.

        Args:
            complaint: The complaint (its history is walked).
            context: Not consulted.

        Returns:
            One finding if a request was outstanding at the decision.
        """
        del context
        outstanding: int | None = None
        vocabulary = vocabulary_for(complaint.workflow)
        for event in complaint.history:
            if vocabulary.means(event.name, Meaning.DECIDED):
                break
            names = vocabulary.standard_names(event.name)
            if not self.request_events.isdisjoint(names):
                outstanding = event.sequence
            elif not self.reply_events.isdisjoint(names):
                outstanding = None
        else:
            return []
        if outstanding is None:
            return []
        return [
            self.finding(
                "decided-before-complainant-replied",
                self.severity,
                "The decision was made while a request for information to the "
                "complainant was still outstanding.",
                request_sequence=outstanding,
            )
        ]
