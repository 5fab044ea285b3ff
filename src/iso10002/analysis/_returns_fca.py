"""The UK FCA complaints return (DISP 1.10, DISP 1 Annex 1) figures."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal

import attrs

from iso10002.analysis._calendar import DayCalendar, DayCounter
from iso10002.analysis._facts import CLOSED, UPHELD_ANY, Facts, facts_of
from iso10002.analysis._periods import Period
from iso10002.errors import ValidationError
from iso10002.model import Complaint, Outcome

__all__ = [
    "FCA_RULES",
    "FcaFigures",
    "FcaReturn",
    "closure_of",
    "fca_return",
    "in_scope",
]

_EIGHT_WEEKS = timedelta(weeks=8)
_JUST_BEFORE = timedelta(microseconds=1)
OTHER_GROUP = "other"

FCA_RULES: tuple[str, ...] = (
    (
        "Period: from start (included) to end (excluded); boundaries are instants, so a"
        " period parsed in Europe/London starts at local midnight."
    ),
    (
        "Scope: complaints ended by ComplaintRejected or with outcome not_a_complaint "
        "are not complaints and are never counted."
    ),
    "Opened: received_at within the period.",
    (
        "Closed: the first DecisionCommunicated (final response or summary resolution),"
        " or failing one the first ComplaintClosed or ComplaintWithdrawn, within the "
        "period; a reopened complaint is counted once, at its first closure."
    ),
    (
        "Closed within 3 business days: closed by the end of the third business day "
        "after the day of receipt, in the calendar's zone (DISP 1.5)."
    ),
    (
        "Closed within 8 weeks: not within 3 business days and at most 8 weeks (56 x 24"
        " hours) after receipt; later closures are 'after 8 weeks' (DISP 1.6.2)."
    ),
    "Upheld: closed in the period with outcome upheld or partially upheld.",
    (
        "Redress paid: remedy amounts of complaints closed in the period, in the "
        "return's currency; amounts in other currencies are reported apart."
    ),
    "Outstanding: received before the period's end and not closed before it.",
    (
        "Eight-week rule: complaints whose 8-week point falls in the period; met when a"
        " final response, or a HoldingResponseSent with data ombudsman_rights=true, or "
        "a closure came by that point."
    ),
    (
        "Product group: subject.product looked up in the product-group mapping; "
        "unmapped products count under 'other'."
    ),
)
"""The counting rules of :func:`fca_return`, in words (printed with the return)."""


@attrs.frozen(kw_only=True)
class FcaFigures:
    """The return's figures for one product group (or the total).

    .. versionadded:: 0.1.0
    """

    product_group: str
    opened: int
    closed: int
    closed_within_3_business_days: int
    closed_within_8_weeks: int
    closed_after_8_weeks: int
    upheld: int
    redress_paid: Decimal
    outstanding: int
    eight_week_due: int
    eight_week_met: int


@attrs.frozen(kw_only=True)
class FcaReturn:
    """An FCA complaints return for one reporting period.

    .. versionadded:: 0.1.0
    """

    period: Period
    currency: str
    rules: tuple[str, ...]
    groups: tuple[FcaFigures, ...]
    total: FcaFigures
    other_currency_redress: dict[str, Decimal]


def in_scope(facts: Facts) -> bool:
    """Tell whether a complaint is a complaint at all (not rejected as one)."""
    return (
        facts.ended_by != "ComplaintRejected"
        and facts.outcome is not Outcome.NOT_A_COMPLAINT
    )


def closure_of(facts: Facts) -> datetime | None:
    """Return when a complaint was closed for regulatory returns, if it was."""
    if facts.communicated_at is not None:
        return facts.communicated_at
    if facts.ended_by in (CLOSED, "ComplaintWithdrawn"):
        return facts.ended_at
    return None


_FIELDS = (
    "opened",
    "closed",
    "closed_within_3_business_days",
    "closed_within_8_weeks",
    "closed_after_8_weeks",
    "upheld",
    "outstanding",
    "eight_week_due",
    "eight_week_met",
)


def _figures(group: str, counts: Mapping[str, int], redress: Decimal) -> FcaFigures:
    return FcaFigures(
        product_group=group,
        redress_paid=redress,
        **{name: counts.get(name, 0) for name in _FIELDS},
    )


def fca_return(  # noqa: C901, PLR0912, PLR0915 - the counting rules, one by one
    complaints: Iterable[Complaint],
    *,
    period: Period,
    calendar: DayCalendar | None = None,
    product_groups: Mapping[str, str] | None = None,
    currency: str = "GBP",
) -> FcaReturn:
    """Count the FCA complaints return figures for ``period`` in one pass.

    Args:
        complaints: Any iterable of complaints (consumed once).
        period: The reporting period (e.g. ``Period.parse("2026-H1", london)``).
        calendar: UK business calendar (weekdays in UTC when ``None``; pass
            one with bank holidays for a real return).
        product_groups: Our product names to FCA product groups.
        currency: The return's currency (GBP).

    Returns:
        Figures per product group and in total, with :data:`FCA_RULES`.

    Raises:
        ValidationError: for a wrong period or a non-complaint item.

    .. versionadded:: 0.1.0
    """
    if not isinstance(period, Period):
        raise ValidationError.single("period", "must be a Period")
    groups_of = dict(product_groups or {})
    days = DayCounter(calendar)
    cutoff = period.end - _JUST_BEFORE
    counts: dict[str, dict[str, int]] = {}
    redress: dict[str, Decimal] = {}
    other: dict[str, Decimal] = {}
    for complaint in complaints:
        if not isinstance(complaint, Complaint):
            raise ValidationError.single("complaints", "must hold Complaint objects")
        received = complaint.received_at
        if received >= period.end:
            continue
        facts = facts_of(complaint, cutoff)
        if not in_scope(facts):
            continue
        group = groups_of.get(complaint.subject.product or "", OTHER_GROUP)
        row = counts.setdefault(group, {})
        redress.setdefault(group, Decimal(0))
        closed_at = closure_of(facts)
        if received >= period.start:
            row["opened"] = row.get("opened", 0) + 1
        if closed_at is None:
            row["outstanding"] = row.get("outstanding", 0) + 1
        eight = received + _EIGHT_WEEKS
        if period.start <= eight < period.end:
            row["eight_week_due"] = row.get("eight_week_due", 0) + 1
            answers = (closed_at, facts.holding_ombudsman_at)
            if any(a is not None and a <= eight for a in answers):
                row["eight_week_met"] = row.get("eight_week_met", 0) + 1
        if closed_at is None or closed_at < period.start:
            continue
        row["closed"] = row.get("closed", 0) + 1
        if days.elapsed(days.local_date(received), days.local_date(closed_at)) <= 3:  # noqa: PLR2004
            bucket = "closed_within_3_business_days"
        elif closed_at - received <= _EIGHT_WEEKS:
            bucket = "closed_within_8_weeks"
        else:
            bucket = "closed_after_8_weeks"
        row[bucket] = row.get(bucket, 0) + 1
        if facts.outcome in UPHELD_ANY:
            row["upheld"] = row.get("upheld", 0) + 1
        if complaint.decision is not None:
            for remedy in complaint.decision.remedies:
                if remedy.amount is None or remedy.currency is None:
                    continue
                if remedy.currency == currency:
                    redress[group] += remedy.amount
                else:
                    other[remedy.currency] = (
                        other.get(remedy.currency, Decimal(0)) + remedy.amount
                    )
    groups = tuple(_figures(g, counts[g], redress[g]) for g in sorted(counts))
    total_counts = {
        name: sum(c.get(name, 0) for c in counts.values()) for name in _FIELDS
    }
    return FcaReturn(
        period=period,
        currency=currency,
        rules=FCA_RULES,
        groups=groups,
        total=_figures("total", total_counts, sum(redress.values(), Decimal(0))),
        other_currency_redress=dict(sorted(other.items())),
    )
