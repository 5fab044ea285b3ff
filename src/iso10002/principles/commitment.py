"""Commitment (ISO 10002:2018 clause 4.2): top management owns complaints handling.

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

__all__ = ["AccountableManagerNamed"]


@attrs.frozen(kw_only=True)
class AccountableManagerNamed(BasePolicy):
    """Check that the organisation names a manager accountable for complaints.

    An organisation-level check: it reads :class:`OrganisationProfile` from the
    context and reports the same finding for every complaint.

    Args:
        id: The policy id.
        severity: Severity of a missing manager or profile.
        edition: The edition findings are reported under.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.COMMITMENT
    SUMMARY: ClassVar[str] = (
        "The organisation profile names an accountable manager for complaints."
    )
    SCOPE: ClassVar[str] = "organisation"

    id: str = attrs.field(
        default="iso10002.commitment.accountable-manager", validator=check_id
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.WARNING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report a missing accountable manager.

        Args:
            complaint: Any complaint (not consulted).
            context: Supplies the organisation profile.

        Returns:
            One finding if no manager is named, else none.
        """
        del complaint
        profile = profile_of(context)
        if profile is None:
            return [
                self.finding(
                    "profile-missing",
                    self.severity,
                    "No organisation profile was supplied, so top-management "
                    "commitment cannot be checked.",
                )
            ]
        if profile.accountable_manager is None:
            return [
                self.finding(
                    "accountable-manager-missing",
                    self.severity,
                    "The organisation profile names no manager accountable for "
                    "complaints handling.",
                )
            ]
        return []
