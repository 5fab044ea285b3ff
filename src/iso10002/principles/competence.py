"""Competence (ISO 10002:2018 clause 4.14): handlers have the skills needed.

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

__all__ = ["HandlerCompetent"]


@attrs.frozen(kw_only=True)
class HandlerCompetent(BasePolicy):
    """Check that the assigned handler is competent for the complaint's category.

    Uses :attr:`OrganisationProfile.competences`; nothing is reported when the
    profile lists no competences or the complaint is not yet classified.

    Args:
        id: The policy id.
        severity: Severity of an unqualified handler.
        edition: The edition findings are reported under.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.COMPETENCE
    SUMMARY: ClassVar[str] = (
        "The assigned handler holds the competence for the complaint's category."
    )

    id: str = attrs.field(
        default="iso10002.competence.handler-competent", validator=check_id
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.WARNING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report a handler without the competence for the category.

        Args:
            complaint: The complaint (assignee and classification checked).
            context: Supplies the profile.

        Returns:
            One finding if the handler lacks the competence, else none.
        """
        profile = profile_of(context)
        assignee = complaint.assignee
        classification = complaint.classification
        if profile is None or not profile.competences:
            return []
        if assignee is None or classification is None:
            return []
        if profile.is_competent(assignee, classification.category):
            return []
        return [
            self.finding(
                "handler-not-competent",
                self.severity,
                f"The assigned handler holds no competence for category "
                f"{classification.category!r}.",
                assignee=assignee,
                category=classification.category,
            )
        ]
