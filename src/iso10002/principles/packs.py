"""Rules of regulatory packs that go beyond ISO 10002 (content of communications).

Deadlines themselves are the deadline packs' business; these policies check
what the organisation must *say*, and are added by
:func:`~iso10002.principles.policies_for` for a pack name.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

import attrs

from iso10002._publish import publish
from iso10002.calendars import BusinessCalendar, WeekdayCalendar
from iso10002.deadlines import get_pack, limit_end
from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.principles._base import (
    BasePolicy,
    check_id,
    events_named,
    names,
    to_frozenset,
    to_severity,
)
from iso10002.principles._pack_guard import PackEscalationWording
from iso10002.principles._policy import Finding, FindingSeverity, PolicyContext
from iso10002.principles._principle import Principle
from iso10002.vocabulary import Meaning, standard_event

__all__ = [
    "HoldingResponseContent",
    "PackEscalationWording",
    "SummaryResolutionCommunicated",
]


def _days(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError.single(attribute.name, "must be a non-negative integer")


@attrs.frozen(kw_only=True)
class SummaryResolutionCommunicated(BasePolicy):
    """Check that a complaint resolved quickly still gets a written communication.

    Under DISP 1.5.1R a complaint resolved by close of business on the third
    business day following the day on which it is received needs no final
    response but a *summary resolution communication* (DISP 1.5.4R). The day
    of receipt is the day it arrived, even on a weekend or after close of
    business (the deeming guidance DISP 1.5.3G is deleted). Resolution is the
    first event in ``resolution_events``; a communication is an event in
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
        "following the day of receipt gets a summary resolution communication "
        "(DISP 1.5.1R, DISP 1.5.4R)."
    )

    id: str = attrs.field(default="uk.fca.disp.summary-resolution", validator=check_id)
    business_days: int = attrs.field(default=3, validator=_days)
    zone: str = attrs.field(default="Europe/London")
    resolution_events: frozenset[str] = attrs.field(
        default=frozenset(
            {standard_event(Meaning.ACCEPTED), standard_event(Meaning.CLOSED)}
        ),
        converter=to_frozenset,
        validator=names,
    )
    communication_events: frozenset[str] = attrs.field(
        default=frozenset(
            {"SummaryResolutionSent", standard_event(Meaning.COMMUNICATED)}
        ),
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

    def window_end(self, received_at: datetime, calendar: BusinessCalendar) -> datetime:
        """Return when the window closes, counted as the ``uk.fca.disp`` pack does.

        The pack's ``summary_resolution`` rule (DISP 1.5.1R) with this
        policy's number of business days, through
        :func:`~iso10002.deadlines.limit_end`: the policy, the deadline
        engine and the FCA return share one counting code path.

        .. versionadded:: 0.2.0
        """
        rule = get_pack("uk.fca.disp").deadline("summary_resolution")
        if not self.business_days:
            return calendar.close_of_business(calendar.local_date(received_at))
        if rule.amount != self.business_days:
            rule = attrs.evolve(rule, amount=self.business_days)
        return limit_end(rule, received_at, calendar)

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
        resolved = next(iter(events_named(complaint, self.resolution_events)), None)
        if resolved is None:
            return []
        calendar = context.calendar
        if not isinstance(calendar, BusinessCalendar):
            calendar = self._fallback
        window_end = self.window_end(complaint.received_at, calendar)
        if resolved.at > window_end:
            return []
        decision = complaint.decision
        if (decision is not None and decision.communicated_at is not None) or (
            events_named(complaint, self.communication_events)
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


_HOLDING_FACTS: tuple[tuple[str, str], ...] = (
    ("reason", "why a final response cannot be given yet (DISP 1.6.2R(2)(a))"),
    ("expected_by", "when a final response is expected (DISP 1.6.2R(2)(a))"),
    (
        "ombudsman_rights",
        (
            "that the complainant may now refer the complaint to the Financial "
            "Ombudsman Service (DISP 1.6.2R(2)(b))"
        ),
    ),
    (
        "ombudsman_website",
        "the Financial Ombudsman Service's website address (DISP 1.6.2R(2)(d))",
    ),
    (
        "time_limit_notice",
        "the six-month time limit for referring, in the wording of DISP 1 Annex 3R",
    ),
)


def _known_facts(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    known = {key for key, _ in _HOLDING_FACTS}
    if not value or not value <= known:
        raise ValidationError.single(
            attribute.name, f"must name some of {', '.join(sorted(known))}"
        )


@attrs.frozen(kw_only=True)
class HoldingResponseContent(BasePolicy):
    """Check that each holding response says what DISP 1.6.2R(2) requires.

    A ``HoldingResponseSent`` event meets the FCA eight-week limit only as a
    written response that explains the delay and when a final response is
    expected, gives the right to refer to the Financial Ombudsman Service
    with its website, and states the referral time limit in the wording of
    DISP 1 Annex 3R. Each holding response missing one of these facts in its
    event data (as :meth:`~iso10002.ComplaintsHandler.record_holding_response`
    records them) gets one finding listing what is missing.

    For payment-services complaints (DISP 1.6.2AR(2), PSD2 Art. 101(2)) a
    holding reply must give the reasons for the delay and the date of the
    final response: ``required=("reason", "expected_by")``.

    Args:
        id: The policy id.
        event: The holding-response event name.
        required: The facts (event-data keys) checked; all five by default.
        severity: Severity of a finding.
        edition: The edition findings are reported under.

    .. versionadded:: 0.2.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.TRANSPARENCY
    SUMMARY: ClassVar[str] = (
        "A holding response gives the reason, the expected date, the ombudsman "
        "referral right with the website and the time limit (DISP 1.6.2R(2), "
        "DISP 1 Annex 3R)."
    )

    id: str = attrs.field(default="uk.fca.disp.holding-response", validator=check_id)
    event: str = attrs.field(default=standard_event(Meaning.HOLDING_RESPONSE))
    required: frozenset[str] = attrs.field(
        default=frozenset(key for key, _ in _HOLDING_FACTS),
        converter=to_frozenset,
        validator=_known_facts,
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.WARNING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report each holding response that lacks a required fact.

        Args:
            complaint: The complaint (its history is checked).
            context: Unused.

        Returns:
            One finding per incomplete holding response.
        """
        del context
        found = []
        for event in events_named(complaint, (self.event,)):
            data = dict(event.data)
            # Since 0.2.0 the event records the reason as ``reason_code`` (its
            # text is a personal note); earlier events recorded ``reason``.
            data.setdefault("reason", data.get("reason_code"))
            missing = [
                what
                for key, what in _HOLDING_FACTS
                if key in self.required and data.get(key) in (None, "", False)
            ]
            if missing:
                found.append(
                    self.finding(
                        "holding-response-incomplete",
                        self.severity,
                        "The holding response does not record: "
                        + "; ".join(missing)
                        + ".",
                        at=event.at.isoformat(),
                        sequence=event.sequence,
                    )
                )
        return found


publish(globals())
