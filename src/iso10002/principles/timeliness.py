"""Timeliness (ISO 10002:2018 clause 4.15; under responsiveness in 2014).

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
    deadline_problem,
    is_open,
    names,
    to_frozenset,
    to_severity,
)
from iso10002.principles._policy import Finding, FindingSeverity, PolicyContext
from iso10002.principles._principle import Principle

__all__ = ["DeadlinesMet"]


@attrs.frozen(kw_only=True)
class DeadlinesMet(BasePolicy):
    """Check every due date in the complaint's deadline projection.

    A step met after its ``due_at`` is late; an unmet step of an open
    complaint past its ``due_at`` is overdue. Unmet steps of a finished
    complaint are not reported (the step may simply not have applied).
    Acknowledgement steps are left to
    :class:`~iso10002.principles.responsiveness.AcknowledgedOnTime`.

    Args:
        id: The policy id.
        exclude_steps: Steps not checked here.
        severity: Severity of a late or overdue step.
        edition: The edition findings are reported under.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.TIMELINESS
    SUMMARY: ClassVar[str] = (
        "Every step in the deadline projection (final response, holding "
        "response …) is met by its due date."
    )

    id: str = attrs.field(
        default="iso10002.timeliness.deadlines-met", validator=check_id
    )
    exclude_steps: frozenset[str] = attrs.field(
        default=frozenset({"acknowledge", "acknowledgement"}),
        converter=to_frozenset,
        validator=names,
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.WARNING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report late and overdue steps.

        Args:
            complaint: The complaint (its ``deadlines`` are checked).
            context: Supplies ``now``.

        Returns:
            One finding per missed due date.
        """
        found = []
        still_open = is_open(complaint)
        for due in complaint.deadlines:
            if due.step in self.exclude_steps:
                continue
            problem = deadline_problem(due, context.now, still_open=still_open)
            if problem is None:
                continue
            found.append(
                self.finding(
                    f"deadline-{problem}",
                    self.severity,
                    f"The step {due.step!r} is {problem}: it was due at "
                    f"{due.due_at.isoformat()}.",
                    step=due.step,
                    due_at=due.due_at.isoformat(),
                    met_at=due.met_at.isoformat() if due.met_at else None,
                )
            )
        return found
