"""Transparency (ISO 10002:2018 clause 4.4; visibility, 2014 clause 4.2).

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

__all__ = ["ComplaintsPolicyPublished"]


@attrs.frozen(kw_only=True)
class ComplaintsPolicyPublished(BasePolicy):
    """Check that the organisation publishes how and where to complain.

    An organisation-level check on :attr:`OrganisationProfile.complaints_policy`.

    Args:
        id: The policy id.
        severity: Severity of a missing publication or profile.
        edition: The edition findings are reported under.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.TRANSPARENCY
    SUMMARY: ClassVar[str] = (
        "The organisation profile says where the complaints policy is published."
    )
    SCOPE: ClassVar[str] = "organisation"

    id: str = attrs.field(
        default="iso10002.transparency.complaints-policy-published", validator=check_id
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.WARNING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report an unpublished complaints policy.

        Args:
            complaint: Any complaint (not consulted).
            context: Supplies the organisation profile.

        Returns:
            One finding if nothing is published, else none.
        """
        del complaint
        profile = profile_of(context)
        if profile is None:
            return [
                self.finding(
                    "profile-missing",
                    self.severity,
                    "No organisation profile was supplied, so publication of the "
                    "complaints policy cannot be checked.",
                )
            ]
        if profile.complaints_policy is None:
            return [
                self.finding(
                    "complaints-policy-unpublished",
                    self.severity,
                    "The organisation profile does not say where the complaints "
                    "policy and how to complain are published.",
                )
            ]
        return []
