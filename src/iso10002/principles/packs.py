"""Rules of regulatory packs that go beyond ISO 10002 (content of communications).

Deadlines themselves are the deadline packs' business; these policies check
what the organisation must *say*, and are added by
:func:`~iso10002.principles.policies_for` for a pack name.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import attrs

from iso10002.calendars import BusinessCalendar, WeekdayCalendar
from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.principles._base import (
    BasePolicy,
    check_id,
    names,
    to_frozenset,
    to_severity,
)
from iso10002.principles._policy import Finding, FindingSeverity, PolicyContext
from iso10002.principles._principle import Principle

__all__ = ["SummaryResolutionCommunicated"]


def _days(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError.single(attribute.name, "must be a non-negative integer")


@attrs.frozen(kw_only=True)
class SummaryResolutionCommunicated(BasePolicy):
    """Check that a complaint resolved quickly still gets a written communication.

    Under the FCA's DISP 1.5, a complaint resolved by close of business on the
    third business day after the day of receipt needs no final response but a
    *summary resolution communication*. Resolution is the first event in
    ``resolution_events``; a communication is an event in
    ``communication_events`` or a decision with ``communicated_at``. Business
    days come from ``context.calendar`` when it is a
    :class:`~iso10002.calendars.BusinessCalendar`, else from a Monday-to-Friday
    calendar in ``zone``.

    Args:
        id: The policy id.
        business_days: Business days after the day of receipt.
        zone: Time zone of the fallback calendar.
        resolution_events: Events that mark the complaint resolved.
        communication_events: Events that record a communication.
        severity: Severity of a missing communication.
        edition: The edition findings are reported under.

    Raises:
        ValidationError: if ``business_days`` is negative or ``zone`` unknown.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.CUSTOMER_FOCUSED_APPROACH
    SUMMARY: ClassVar[str] = (
        "A complaint resolved by close of business on the third business day "
        "after receipt gets a summary resolution communication (DISP 1.5)."
    )

    id: str = attrs.field(default="uk.fca.disp.summary-resolution", validator=check_id)
    business_days: int = attrs.field(default=3, validator=_days)
    zone: str = attrs.field(default="Europe/London")
    resolution_events: frozenset[str] = attrs.field(
        default=frozenset({"ComplainantAccepted", "ComplaintClosed"}),
        converter=to_frozenset,
        validator=names,
    )
    communication_events: frozenset[str] = attrs.field(
        default=frozenset({"SummaryResolutionSent", "DecisionCommunicated"}),
        converter=to_frozenset,
        validator=names,
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.WARNING, converter=to_severity
    )
    _fallback: WeekdayCalendar = attrs.field(init=False, repr=False, eq=False)

    @_fallback.default
    def _make_fallback(self) -> WeekdayCalendar:
        return WeekdayCalendar(zone=self.zone)

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report a quick resolution that was never communicated.

        Args:
            complaint: The complaint (history and decision checked).
            context: Supplies the calendar, if any.

        Returns:
            One finding if a communication is missing, else none.
        """
        resolved = next(
            (e for e in complaint.history if e.name in self.resolution_events), None
        )
        if resolved is None:
            return []
        calendar = context.calendar
        if not isinstance(calendar, BusinessCalendar):
            calendar = self._fallback
        day = calendar.local_date(complaint.received_at)
        window_end = calendar.close_of_business(
            calendar.add_business_days(day, self.business_days)
        )
        if resolved.at > window_end:
            return []
        decision = complaint.decision
        if (decision is not None and decision.communicated_at is not None) or any(
            e.name in self.communication_events for e in complaint.history
        ):
            return []
        return [
            self.finding(
                "summary-resolution-missing",
                self.severity,
                "The complaint was resolved within "
                f"{self.business_days} business days of receipt but no summary "
                "resolution communication is recorded.",
                resolved_at=resolved.at.isoformat(),
                window_end=window_end.isoformat(),
            )
        ]
