"""Improvement (ISO 10002:2018 clause 4.13; continual improvement, 2014 clause 4.10).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import attrs

from iso10002.model import Complaint, Outcome
from iso10002.principles._base import (
    BasePolicy,
    check_id,
    final_outcome,
    in_states,
    names,
    outcomes,
    to_frozenset,
    to_outcomes,
    to_severity,
)
from iso10002.principles._policy import Finding, FindingSeverity, PolicyContext
from iso10002.principles._principle import Principle
from iso10002.vocabulary import StandardState

__all__ = ["RootCauseRecorded"]


@attrs.frozen(kw_only=True)
class RootCauseRecorded(BasePolicy):
    """Check that upheld complaints close with a root cause and a corrective action.

    When the complaint reaches one of ``closing_states``, an outcome in
    ``blocking_outcomes`` (upheld) without a ``RootCause`` carrying a
    ``corrective_action`` is reported with ``severity``; an outcome in
    ``warning_outcomes`` (partially upheld) with a warning.

    Args:
        id: The policy id.
        closing_states: States in which the check applies.
        blocking_outcomes: Outcomes that need a root cause.
        warning_outcomes: Outcomes that should have one.
        severity: Severity for ``blocking_outcomes`` (blocking by default).
        edition: The edition findings are reported under.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.IMPROVEMENT
    SUMMARY: ClassVar[str] = (
        "An upheld complaint is closed with a root cause and a corrective-action "
        "reference."
    )

    id: str = attrs.field(
        default="iso10002.improvement.root-cause-recorded", validator=check_id
    )
    closing_states: frozenset[str] = attrs.field(
        default=frozenset({StandardState.CLOSED.value}),
        converter=to_frozenset,
        validator=names,
    )
    blocking_outcomes: frozenset[Outcome] = attrs.field(
        default=frozenset({Outcome.UPHELD}), converter=to_outcomes, validator=outcomes
    )
    warning_outcomes: frozenset[Outcome] = attrs.field(
        default=frozenset({Outcome.PARTIALLY_UPHELD}),
        converter=to_outcomes,
        validator=outcomes,
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.BLOCKING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report a closed upheld complaint without root cause or corrective action.

        Args:
            complaint: The complaint (status, outcome, root cause checked).
            context: Not consulted.

        Returns:
            One finding if something is missing, else none.
        """
        del context
        outcome = final_outcome(complaint)
        if outcome is None or not in_states(complaint, self.closing_states):
            return []
        if outcome in self.blocking_outcomes:
            level = self.severity
        elif outcome in self.warning_outcomes:
            level = FindingSeverity.WARNING
        else:
            return []
        cause = complaint.root_cause
        if cause is None:
            code, what = "root-cause-missing", "no root cause"
        elif cause.corrective_action is None:
            code, what = "corrective-action-missing", "no corrective action"
        else:
            return []
        return [
            self.finding(
                code,
                level,
                f"The complaint was closed as {outcome.value} with {what}.",
                outcome=outcome.value,
            )
        ]
