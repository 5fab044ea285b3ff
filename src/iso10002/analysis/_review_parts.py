"""Parts of the management review that the KPIs do not give: remedies, appeals, news."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

import attrs

from iso10002.analysis._charts import ControlChart
from iso10002.analysis._facts import decision_at
from iso10002.analysis._objectives import ObjectiveResult
from iso10002.analysis._periods import Period
from iso10002.analysis._results import KpiReport, PeriodCounts
from iso10002.model import Complaint, Outcome, Remedy, RemedyKind

__all__ = [
    "MONETARY_REMEDIES",
    "AppealStats",
    "RemedyCount",
    "RemedySummary",
    "ReviewTally",
    "appeal_stats",
    "exposures",
    "highlights",
    "summarise_remedies",
]

MONETARY_REMEDIES = frozenset(
    {RemedyKind.REFUND, RemedyKind.COMPENSATION, RemedyKind.GOODWILL}
)
"""Remedies that are money by their nature, whether or not an amount was recorded."""


@attrs.frozen(kw_only=True)
class RemedyCount:
    """Complaints whose decision offered one kind of remedy, with and without an amount.

    .. versionadded:: 0.2.0
    """

    kind: str
    complaints: int
    with_amount: int
    without_amount: int


@attrs.frozen(kw_only=True)
class RemedySummary:
    """What complaints received to put things right (ISO 10002 7.7), per complaint.

    ``monetary`` counts complaints offered a refund, compensation or a
    goodwill payment *or* any amount of money, whether or not the amount was
    recorded; ``non_monetary_only`` those offered only an apology, an
    explanation, a repair, a replacement or a process change. A complaint
    whose decision says ``none`` is in neither. ``decided`` counts the
    complaints with a decision in force at the review date, duplicates left
    out (counted once, under their original, as in the KPIs).

    .. versionadded:: 0.2.0
    """

    decided: int
    with_remedy: int
    monetary: int
    with_amount: int
    non_monetary_only: int
    by_kind: tuple[RemedyCount, ...]


@attrs.frozen(kw_only=True)
class AppealStats:
    """How often complainants rejected a decision they could appeal (ISO 10002 7.9).

    ``eligible`` counts decisions on the merits (upheld, partly upheld, not
    upheld) communicated by the review date: a complaint that was withdrawn,
    a duplicate, not a complaint or referred elsewhere has no decision to
    appeal, so it is left out of the denominator. ``rate`` is
    ``appealed / eligible``, ``None`` when nothing was eligible: the KPI
    report's ``appealable``, ``appealed`` and ``appeal_rate`` (one definition).

    .. versionadded:: 0.2.0
    """

    eligible: int
    appealed: int
    rate: float | None


class ReviewTally:
    """Count remedies one complaint at a time (flow complaints only)."""

    def __init__(self, as_of: datetime) -> None:
        """Start empty."""
        self.as_of = as_of
        self.decided = 0
        self.with_remedy = 0
        self.monetary = 0
        self.with_amount = 0
        self.non_monetary_only = 0
        self.kinds: dict[RemedyKind, list[int]] = {}

    def add(self, complaint: Complaint) -> None:
        """Count one complaint received in the review's period.

        Its decision is the one in force at the review date (a later decision
        is not yet known); a duplicate is counted once, under its original, as
        the KPIs count it.
        """
        decided = decision_at(complaint, self.as_of)
        if decided is not None and decided[0] is not Outcome.DUPLICATE:
            self._remedies(decided[1])

    def _remedies(self, remedies: Sequence[Remedy]) -> None:
        self.decided += 1
        kinds: dict[RemedyKind, bool] = {}
        for remedy in remedies:
            kinds[remedy.kind] = kinds.get(remedy.kind, False) or (
                remedy.amount is not None
            )
        kinds.pop(RemedyKind.NONE, None)
        if not kinds:
            return
        self.with_remedy += 1
        paid_any = any(kinds.values())
        self.with_amount += paid_any
        if paid_any or not MONETARY_REMEDIES.isdisjoint(kinds):
            self.monetary += 1
        else:
            self.non_monetary_only += 1
        for kind, paid in kinds.items():
            row = self.kinds.setdefault(kind, [0, 0])
            row[0] += 1
            row[1] += paid

    def remedies(self) -> RemedySummary:
        """Return the remedies counted."""
        return summarise_remedies(
            decided=self.decided,
            with_remedy=self.with_remedy,
            with_amount=self.with_amount,
            monetary=self.monetary,
            kinds={kind: (n, paid) for kind, (n, paid) in self.kinds.items()},
        )


def summarise_remedies(
    *,
    decided: int,
    with_remedy: int,
    with_amount: int,
    monetary: int,
    kinds: dict[RemedyKind, tuple[int, int]],
) -> RemedySummary:
    """Build a :class:`RemedySummary` from counts (streamed, or from SQL).

    Args:
        decided: Complaints with a decision in force, duplicates left out.
        with_remedy: Those offered any remedy but ``none``.
        with_amount: Those offered a remedy with an amount.
        monetary: Those offered money (a monetary kind, or any amount).
        kinds: Per remedy kind, the complaints offered it and those of them
            offered it with an amount.

    .. versionadded:: 0.3.0
    """
    order = list(RemedyKind)
    return RemedySummary(
        decided=decided,
        with_remedy=with_remedy,
        monetary=monetary,
        with_amount=with_amount,
        non_monetary_only=with_remedy - monetary,
        by_kind=tuple(
            RemedyCount(
                kind=kind.value,
                complaints=n,
                with_amount=paid,
                without_amount=n - paid,
            )
            for kind, (n, paid) in sorted(
                kinds.items(), key=lambda kv: (-kv[1][0], order.index(kv[0]))
            )
        ),
    )


def appeal_stats(kpis: KpiReport) -> AppealStats:
    """Return the appeals of the KPI report (decisions that could be appealed)."""
    return AppealStats(
        eligible=kpis.appealable, appealed=kpis.appealed, rate=kpis.appeal_rate
    )


def _complete(series: Sequence[PeriodCounts], as_of: datetime) -> list[PeriodCounts]:
    """The periods that ended by ``as_of`` (a period still running is not compared)."""
    return [s for s in series if Period.parse(s.period).end <= as_of]


def _english(message: str, **values: object) -> str:
    return message % values if values else message


def _same(text: str) -> str:
    return text


def _change(now: float, before: float, say: Callable[..., str] = _english) -> str:
    if before == 0:
        return say("none the period before") if now else say("none either")
    ratio = now / before - 1
    if abs(ratio) < 0.005:  # noqa: PLR2004 - below half a percent
        return say("unchanged")
    if ratio > 0:
        return say("up %(change)s", change=f"{abs(ratio):.0%}")
    return say("down %(change)s", change=f"{abs(ratio):.0%}")


def _share(part: int, whole: int, say: Callable[..., str] = _english) -> str:
    return f"{part / whole:.1%}" if whole else say("no decisions")


def highlights(
    kpis: KpiReport,
    charts: Sequence[ControlChart],
    objectives: Sequence[ObjectiveResult],
    *,
    say: Callable[..., str] = _english,
    name: Callable[[str], str] = _same,
) -> tuple[str, ...]:
    """Say in a few sentences what changed since the last period and what was missed.

    The last two periods that ended by the review date are compared: received,
    upheld share and deadlines missed; then the charts that signal in the
    last period or are not stable, and the objectives missed. ``say``
    translates a message with its values and ``name`` a chart title or an
    objective's label (English by default).
    """
    done = _complete(kpis.series, kpis.as_of)
    lines: list[str] = []
    if len(done) >= 2:  # noqa: PLR2004 - a period and the one before
        last, before = done[-1], done[-2]
        lines.append(
            say(
                "%(count)s complaints received in %(period)s, %(change)s on "
                "%(before)s (%(before_count)s).",
                count=f"{last.received:,}",
                period=last.period,
                change=_change(last.received, before.received, say),
                before=before.period,
                before_count=f"{before.received:,}",
            )
        )
        lines.append(
            say(
                "Upheld in whole or part in %(period)s: %(share)s of %(decided)s "
                "decided (%(before)s: %(before_share)s).",
                period=last.period,
                share=_share(last.upheld, last.decided, say),
                decided=f"{last.decided:,}",
                before=before.period,
                before_share=_share(before.upheld, before.decided, say),
            )
        )
        if last.deadlines_resolved or before.deadlines_resolved:
            lines.append(
                say(
                    "Deadlines missed in %(period)s: %(share)s (%(before)s: "
                    "%(before_share)s).",
                    period=last.period,
                    share=_share(last.deadlines_missed, last.deadlines_resolved, say),
                    before=before.period,
                    before_share=_share(
                        before.deadlines_missed, before.deadlines_resolved, say
                    ),
                )
            )
    for chart in charts:
        chart_name = name(chart.title).split(" (")[0]
        if chart.unstable:
            lines.append(
                say(
                    "%(chart)s: the process is not stable over the period.",
                    chart=chart_name,
                )
            )
        elif done and any(
            chart.points[s.indices[-1]].label == done[-1].period for s in chart.signals
        ):
            lines.append(
                say(
                    "%(chart)s: a special-cause signal in %(period)s.",
                    chart=chart_name,
                    period=done[-1].period,
                )
            )
    missed = [name(o.label) for o in objectives if o.met is False]
    if missed:
        lines.append(
            say(
                "%(missed)s of %(total)s objectives missed: %(names)s.",
                missed=len(missed),
                total=len(objectives),
                names="; ".join(missed),
            )
        )
    elif objectives:
        lines.append(say("Every measured objective met (%(n)s).", n=len(objectives)))
    lines.append(
        say(
            "%(n)s complaints open at the review date.",
            n=f"{kpis.backlog.open:,}",
        )
    )
    return tuple(lines)


def exposures(
    labels: Sequence[str], period: str | None, as_of: datetime, zone: tzinfo
) -> list[float]:
    """Return the share of each period that lies within the observed window.

    The window runs from the start of ``period`` (or of the first period)
    to the end of ``period`` or ``as_of``, whichever comes first: the ISO
    weeks at the edges of a quarter and a month still running at ``as_of``
    are observed in part, and a count over part of a period is not comparable
    with one over a whole period.
    """
    if not labels:
        return []
    window = Period.parse(period, zone) if period else Period.parse(labels[0], zone)
    first, last = window.start, min(window.end if period else as_of, as_of)
    shares = []
    for label in labels:
        span = Period.parse(label, zone)
        seen = min(span.end, last) - max(span.start, first)
        shares.append(max(0.0, seen / (span.end - span.start)))
    return shares
