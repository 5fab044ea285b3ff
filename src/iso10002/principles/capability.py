"""Capability (ISO 10002:2018 clause 4.3): enough resources to handle complaints.

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
    is_open,
    profile_of,
    to_severity,
)
from iso10002.principles._policy import Finding, FindingSeverity, PolicyContext
from iso10002.principles._principle import Principle

__all__ = ["WorkloadWithinLimit"]


@attrs.frozen(kw_only=True)
class WorkloadWithinLimit(BasePolicy):
    """Check that the assigned handler's open workload stays within the limit.

    Counts come from :attr:`PolicyContext.workload` (the host supplies them
    for a guard; :func:`evaluate_all` computes them for an audit); the limit
    comes from :attr:`OrganisationProfile.workload_limit`. Without either,
    nothing is reported.

    Args:
        id: The policy id.
        severity: Severity of an overloaded handler.
        edition: The edition findings are reported under.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.CAPABILITY
    SUMMARY: ClassVar[str] = (
        "The assigned handler holds no more open complaints than the workload limit."
    )

    id: str = attrs.field(
        default="iso10002.capability.workload-limit", validator=check_id
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.WARNING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report an open complaint whose handler is over the limit.

        Args:
            complaint: The complaint (its ``assignee`` is checked).
            context: Supplies the workload counts and the profile.

        Returns:
            One finding if the handler is over the limit, else none.
        """
        profile = profile_of(context)
        assignee = complaint.assignee
        if profile is None or profile.workload_limit is None or assignee is None:
            return []
        if not is_open(complaint) or assignee not in context.workload:
            return []
        load = context.workload[assignee]
        if load <= profile.workload_limit:
            return []
        return [
            self.finding(
                "workload-over-limit",
                self.severity,
                f"The assigned handler holds {load} open complaints, over the "
                f"limit of {profile.workload_limit}.",
                assignee=assignee,
                open_complaints=load,
                limit=profile.workload_limit,
            )
        ]
