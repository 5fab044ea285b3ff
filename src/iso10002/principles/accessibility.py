"""Accessibility (ISO 10002:2018 clause 4.5; 2014 clause 4.3).

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
    profile_of,
    to_severity,
)
from iso10002.principles._policy import Finding, FindingSeverity, PolicyContext
from iso10002.principles._principle import Principle

__all__ = [
    "ChannelOffered",
    "ContactDetailsKnown",
    "ResponseInPreferredFormat",
    "reachable",
]


@attrs.frozen(kw_only=True)
class ChannelOffered(BasePolicy):
    """Check that the complaint came in through a channel the organisation offers.

    A complaint received through any other channel must still be handled; the
    finding tells the organisation to offer (and publish) that channel or to
    route such complaints properly. Nothing is reported when the profile lists
    no channels.

    Args:
        id: The policy id.
        severity: Severity of an unlisted channel.
        edition: The edition findings are reported under.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.ACCESSIBILITY
    SUMMARY: ClassVar[str] = (
        "The intake channel is one the organisation profile says it offers."
    )

    id: str = attrs.field(
        default="iso10002.accessibility.channel-offered", validator=check_id
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.WARNING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report an intake channel the organisation does not list.

        Args:
            complaint: The complaint (its ``channel`` is checked).
            context: Supplies the organisation profile.

        Returns:
            One finding for an unlisted channel, else none.
        """
        profile = profile_of(context)
        if profile is None or not profile.channels:
            return []
        if complaint.channel in profile.channels:
            return []
        return [
            self.finding(
                "channel-not-offered",
                self.severity,
                f"The complaint arrived by {complaint.channel.value!r}, a channel "
                "the organisation does not list as offered.",
                channel=complaint.channel.value,
                offered=sorted(c.value for c in profile.channels),
            )
        ]


@attrs.frozen(kw_only=True)
class ResponseInPreferredFormat(BasePolicy):
    """Check that the decision was sent the way the complainant asked.

    Compares ``Decision.communicated_via`` with the complainant's
    ``preferred_contact``; the message stresses stated accessibility needs.

    Args:
        id: The policy id.
        severity: Severity of a mismatch.
        edition: The edition findings are reported under.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.ACCESSIBILITY
    SUMMARY: ClassVar[str] = (
        "The decision is communicated by the complainant's preferred contact "
        "method or accessible format."
    )

    id: str = attrs.field(
        default="iso10002.accessibility.preferred-format", validator=check_id
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.WARNING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report a decision sent by another method than the preferred one.

        Args:
            complaint: The complaint (decision and complainant are checked).
            context: Not consulted.

        Returns:
            One finding for a mismatch, else none.
        """
        del context
        decision = complaint.decision
        if (
            decision is None
            or decision.communicated_via is None
            or not reachable(complaint)
        ):
            return []
        preferred = complaint.complainant.preferred_contact
        if decision.communicated_via is preferred:
            return []
        needs = bool(complaint.complainant.accessibility_needs)
        why = " despite stated accessibility needs" if needs else ""
        return [
            self.finding(
                "response-format-mismatch",
                self.severity,
                f"The decision was sent by {decision.communicated_via.value!r} but "
                f"the complainant asked for {preferred.value!r}{why}.",
                communicated_via=decision.communicated_via.value,
                preferred_contact=preferred.value,
                accessibility_needs_stated=needs,
            )
        ]


def reachable(complaint: Complaint) -> bool:
    """Tell whether the organisation can reach the complainant at all.

    True when the complainant left an e-mail address, a phone number or a
    postal address, or has a representative.

    .. versionadded:: 0.2.0
    """
    person = complaint.complainant
    return (
        any((person.email, person.phone, person.postal_address))
        or person.representative is not None
    )


@attrs.frozen(kw_only=True)
class ContactDetailsKnown(BasePolicy):
    """Say once when a complainant cannot be reached, instead of many misses.

    An anonymous complainant, or one who left no e-mail address, phone
    number, postal address or representative (records imported from a
    regulator's portal often have none), cannot be acknowledged, kept
    informed or told the decision by the organisation. This policy reports
    that once, as information; the checks that need a way to reach the
    complainant (keeping them informed, the preferred format) are not applied
    to such a complaint.

    Args:
        id: The policy id.
        severity: Severity of the finding (information by default).
        edition: The edition findings are reported under.

    .. versionadded:: 0.2.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.ACCESSIBILITY
    SUMMARY: ClassVar[str] = (
        "The organisation has a way to reach the complainant, or says once "
        "that it has none."
    )

    id: str = attrs.field(
        default="iso10002.accessibility.contact-details", validator=check_id
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.INFO, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report a complainant the organisation cannot reach.

        Args:
            complaint: The complaint (its complainant is checked).
            context: Not consulted.

        Returns:
            One finding when there is no way to reach the complainant.
        """
        del context
        if reachable(complaint):
            return []
        anonymous = complaint.complainant.anonymous
        who = "An anonymous complainant" if anonymous else "The complainant"
        return [
            self.finding(
                "no-contact-details",
                self.severity,
                f"{who} left no contact details: acknowledgement, progress "
                "updates and the decision cannot reach them, so the checks that "
                "need them (kept informed, preferred format) are not applied.",
                anonymous=anonymous,
            )
        ]
