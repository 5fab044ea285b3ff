"""The UK FCA complaints return (DISP 1.10, DISP 1 Annex 1R) figures."""

from __future__ import annotations

import warnings
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import attrs

from iso10002.analysis._facts import UPHELD_ANY, Episode, Standing, standing_at
from iso10002.analysis._fca_form import FCA_FIELDS, FCA_RULES
from iso10002.analysis._periods import Period
from iso10002.analysis._return_options import business_calendar, chosen_regimes
from iso10002.calendars import BusinessCalendar
from iso10002.deadlines import Deadline, get_pack, limit_end
from iso10002.errors import ValidationError
from iso10002.model import Complaint, Remedy

__all__ = [
    "ANNEX_1R_LAST_PERIOD_END",
    "FcaFigures",
    "FcaReturn",
    "SupersededReturnWarning",
    "fca_return",
]


ANNEX_1R_LAST_PERIOD_END = datetime(2027, 1, 1, tzinfo=timezone.utc)
"""The end of the last period the DISP 1 Annex 1R form is known to cover.

FCA PS25/19 (December 2025) replaces Annex 1R, and four other complaints
returns, with one consolidated return; secondary sources place the change at
periods from 1 January 2027. :func:`fca_return` warns for later periods.

.. versionadded:: 0.2.0
"""


class SupersededReturnWarning(UserWarning):
    """A return is computed on a form the regulator has replaced for that period.

    .. versionadded:: 0.2.0
    """


_JUST_BEFORE = timedelta(microseconds=1)
OTHER_GROUP = "other"


@attrs.frozen(kw_only=True)
class FcaFigures:
    """The return's figures for one product group (or the total).

    See :data:`FCA_FIELDS` for each field's form wording, rule and citation.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``outstanding`` became ``outstanding_at_end``; ``outstanding_at_start``
       added.
    """

    product_group: str
    outstanding_at_start: int
    opened: int
    closed: int
    closed_within_3_business_days: int
    closed_within_8_weeks: int
    closed_after_8_weeks: int
    upheld: int
    redress_paid: Decimal
    outstanding_at_end: int
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


_COUNTS = tuple(f.name for f in FCA_FIELDS if f.name != "redress_paid")


def _amounts(remedies: Iterable[Remedy]) -> dict[str, Decimal]:
    """Return the money of ``remedies``, summed per currency."""
    found: dict[str, Decimal] = {}
    for remedy in remedies:
        if remedy.amount is not None and remedy.currency is not None:
            found[remedy.currency] = found.get(remedy.currency, Decimal(0)) + (
                remedy.amount
            )
    return found


def _booked_before(
    complaint: Complaint, standing: Standing, period: Period
) -> dict[str, Decimal]:
    """Return the redress of ``complaint`` booked by periods before ``period``.

    A spell closed before the period booked the remedies standing then; a
    later decision states the whole remedy (our convention), so only what it
    adds is booked again (see the ``redress_paid`` field's rule).
    """
    if not any(
        e.closed_at is not None and e.closed_at < period.start
        for e in standing.episodes
    ):
        return {}
    return _amounts(standing_at(complaint, period.start - _JUST_BEFORE).remedies)


def _figures(group: str, counts: Mapping[str, int], redress: Decimal) -> FcaFigures:
    return FcaFigures(
        product_group=group,
        redress_paid=redress,
        **{name: counts.get(name, 0) for name in _COUNTS},
    )


class _Rules:
    """The uk.fca.disp pack's windows, counted by the deadline engine's path."""

    def __init__(self, calendar: BusinessCalendar) -> None:
        pack = get_pack("uk.fca.disp")
        self.calendar = calendar
        self.three: Deadline = pack.deadline("summary_resolution")
        self.eight: Deadline = pack.deadline("final_response")

    def bucket(self, episode: Episode, closed_at: datetime) -> str:
        if closed_at <= limit_end(self.three, episode.start, self.calendar):
            return "closed_within_3_business_days"
        if closed_at <= limit_end(self.eight, episode.start, self.calendar):
            return "closed_within_8_weeks"
        return "closed_after_8_weeks"


def _count(
    row: dict[str, int],
    episode: Episode,
    period: Period,
    rules: _Rules,
    standing: Standing,
) -> bool:
    """Count one spell into ``row``; tell whether it closed in the period."""
    start, closed_at = episode.start, episode.closed_at
    if start < period.start and (closed_at is None or closed_at >= period.start):
        row["outstanding_at_start"] = row.get("outstanding_at_start", 0) + 1
    if start >= period.start:
        row["opened"] = row.get("opened", 0) + 1
    if closed_at is None:
        row["outstanding_at_end"] = row.get("outstanding_at_end", 0) + 1
    eight = limit_end(rules.eight, start, rules.calendar)
    if period.start <= eight < period.end:
        row["eight_week_due"] = row.get("eight_week_due", 0) + 1
        answers = (closed_at, episode.holding_at)
        if any(a is not None and a <= eight for a in answers):
            row["eight_week_met"] = row.get("eight_week_met", 0) + 1
    if closed_at is None or closed_at < period.start:
        return False
    row["closed"] = row.get("closed", 0) + 1
    bucket = rules.bucket(episode, closed_at)
    row[bucket] = row.get(bucket, 0) + 1
    if standing.outcome in UPHELD_ANY:
        row["upheld"] = row.get("upheld", 0) + 1
    return True


def fca_return(  # noqa: C901, PLR0913 - the counting rules; documented knobs
    complaints: Iterable[Complaint],
    *,
    period: Period,
    calendar: BusinessCalendar | None = None,
    product_groups: Mapping[str, str] | None = None,
    currency: str = "GBP",
    regimes: Collection[str] | None = None,
) -> FcaReturn:
    """Count the FCA complaints return figures for ``period`` in one pass.

    The 3-business-day and 8-week figures are counted with the
    ``uk.fca.disp`` pack's rules through :func:`iso10002.deadlines.limit_end`,
    the code path of the complaint's own due dates. See :data:`FCA_FIELDS`.

    Args:
        complaints: Any iterable of complaints (consumed once).
        period: The reporting period (e.g. ``Period.parse("2026-H1", london)``).
        calendar: The firm's UK business calendar, e.g.
            ``HolidaysCalendar("GB-ENG")``. Without one, Monday to Friday in
            UTC is used and a :class:`~iso10002.calendars.MissingCalendarWarning`
            is issued.
        product_groups: Our product names to FCA product groups.
        currency: The return's currency (GBP).
        regimes: Count only complaints run on these packs (one name or a
            collection), as recorded in their history up to the period's
            end by a handler given a
            :class:`~iso10002.deadlines.PackSelection` (e.g.
            ``{"uk.fca.disp"}``, leaving the payment-services complaints of
            ``uk.fca.disp.psd`` to their own return); a complaint with no
            recorded pack is then left out. All complaints when ``None``.

    Returns:
        Figures per product group and in total, with :data:`FCA_RULES`.

    Raises:
        ValidationError: for a wrong period, calendar, regimes or a
            non-complaint item.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Counts reopened spells where they reopen, leaves duplicates out, adds
       ``outstanding_at_start`` and counts the windows as the deadline
       engine does (close of business, end of day).
    """
    if not isinstance(period, Period):
        raise ValidationError.single("period", "must be a Period")
    if period.end > ANNEX_1R_LAST_PERIOD_END:
        warnings.warn(
            f"{period.label}: FCA PS25/19 replaces the DISP 1 Annex 1R return "
            "with a consolidated complaints return for periods from 1 January "
            "2027 (read from secondary sources); these are the Annex 1R "
            "figures, not that return",
            SupersededReturnWarning,
            stacklevel=2,
        )
    chosen = chosen_regimes(regimes)
    rules = _Rules(business_calendar(calendar, "fca_return"))
    groups_of = dict(product_groups or {})
    cutoff = period.end - _JUST_BEFORE
    counts: dict[str, dict[str, int]] = {}
    redress: dict[str, Decimal] = {}
    other: dict[str, Decimal] = {}
    for complaint in complaints:
        if not isinstance(complaint, Complaint):
            raise ValidationError.single("complaints", "must hold Complaint objects")
        if complaint.received_at >= period.end:
            continue
        standing = standing_at(complaint, cutoff)
        if not standing.in_scope or (
            chosen is not None and standing.regime not in chosen
        ):
            continue
        group = groups_of.get(standing.product or "", OTHER_GROUP)
        row = counts.setdefault(group, {})
        redress.setdefault(group, Decimal(0))
        closed_here = False
        for episode in standing.episodes:
            closed_here |= _count(row, episode, period, rules, standing)
        if not closed_here:
            continue
        booked = _booked_before(complaint, standing, period)
        for paid, amount in _amounts(standing.remedies).items():
            amount -= booked.get(paid, Decimal(0))  # noqa: PLW2901 - what is new
            if amount <= 0:
                continue
            if paid == currency:
                redress[group] += amount
            else:
                other[paid] = other.get(paid, Decimal(0)) + amount
    groups = tuple(
        _figures(g, counts[g], redress[g])
        for g in sorted(counts)
        if any(counts[g].values()) or redress[g]
    )
    total_counts = {
        name: sum(c.get(name, 0) for c in counts.values()) for name in _COUNTS
    }
    return FcaReturn(
        period=period,
        currency=currency,
        rules=FCA_RULES,
        groups=groups,
        total=_figures("total", total_counts, sum(redress.values(), Decimal(0))),
        other_currency_redress=dict(sorted(other.items())),
    )
