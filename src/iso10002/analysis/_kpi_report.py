"""The report of a :class:`~iso10002.analysis.kpis.KpiAccumulator`, and percentiles.

:mod:`._kpis` counts; this module turns the counts into a frozen
:class:`~iso10002.analysis.kpis.KpiReport`.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from iso10002.analysis._facts import MERITS
from iso10002.analysis._periods import series_labels
from iso10002.analysis._results import (
    AgeBucket,
    Backlog,
    DeadlineShare,
    DurationStats,
    HandlerLoad,
    KpiReport,
    OutcomeStats,
    PeriodCounts,
    Redress,
    SatisfactionStats,
    Volumes,
)
from iso10002.model import SATISFACTION_SCALE, Outcome

if TYPE_CHECKING:
    from datetime import tzinfo

    from iso10002.analysis._kpis import KpiAccumulator

__all__ = ["kpi_report", "nearest_rank"]


def nearest_rank(ordered: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile of sorted values (SQL ``percentile_disc``).

    Args:
        ordered: Values in ascending order (at least one).
        fraction: The percentile as a fraction in ``(0, 1]``.

    Returns:
        The smallest value with at least ``fraction`` of the values at or below it.

    .. versionadded:: 0.1.0
    """
    rank = max(1, math.ceil(fraction * len(ordered) - 1e-9))
    return ordered[rank - 1]


def _durations(seconds: array[float], days: array[int]) -> DurationStats:
    if not seconds:
        return DurationStats(
            count=0,
            median_hours=None,
            p90_hours=None,
            max_hours=None,
            median_business_days=None,
            p90_business_days=None,
            max_business_days=None,
        )
    ordered = sorted(
        seconds
    )  # quantiles commute with scaling: convert three values only
    ordered_days = sorted(days)
    return DurationStats(
        count=len(ordered),
        median_hours=nearest_rank(ordered, 0.5) / 3600,
        p90_hours=nearest_rank(ordered, 0.9) / 3600,
        max_hours=ordered[-1] / 3600,
        median_business_days=int(nearest_rank(ordered_days, 0.5)),
        p90_business_days=int(nearest_rank(ordered_days, 0.9)),
        max_business_days=ordered_days[-1],
    )


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _sorted(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items()))


def _backlog(kpis: KpiAccumulator) -> Backlog:
    bounds = kpis.spec.ageing_days
    buckets = []
    low = 0
    for bound, count in zip(bounds, kpis.ages, strict=False):
        buckets.append(
            AgeBucket(
                label=f"{low}-{bound} days",
                min_days=low,
                max_days=bound,
                count=count,
            )
        )
        low = bound + 1
    buckets.append(
        AgeBucket(
            label=f"over {bounds[-1]} days",
            min_days=low,
            max_days=None,
            count=kpis.ages[-1],
        )
    )
    return Backlog(open=sum(kpis.ages), buckets=tuple(buckets))


def _satisfaction(kpis: KpiAccumulator) -> SatisfactionStats:
    responses = sum(kpis.scores.values())
    total = sum(score * n for score, n in kpis.scores.items())
    return SatisfactionStats(
        responses=responses,
        eligible=kpis.eligible,
        response_rate=_rate(responses, kpis.eligible),
        mean=_rate(total, responses),
        distribution={str(s): kpis.scores.get(s, 0) for s in SATISFACTION_SCALE},
    )


def kpi_report(kpis: KpiAccumulator, zone: tzinfo) -> KpiReport:
    """Return the report of what ``kpis`` counted so far, dates in ``zone``."""
    decided = sum(kpis.outcomes.get(o, 0) for o in MERITS)
    spec = kpis.spec
    # Every period of the range, empty ones too: a month without
    # complaints is a zero on the chart, not a missing month.
    labels = series_labels(kpis.series, spec.period, spec.as_of, zone, spec.granularity)
    empty = [0, 0, 0, 0, 0]
    return KpiReport(
        as_of=spec.as_of,
        period=None if spec.period is None else spec.period.label,
        granularity=spec.granularity,
        complaints=kpis.complaints,
        volumes=Volumes(
            by_period={p: kpis.by_period.get(p, 0) for p in labels},
            by_channel=_sorted(
                Counter({k.value: n for k, n in kpis.by_channel.items()})
            ),
            by_category=_sorted(kpis.by_category),
            by_subcategory=_sorted(kpis.by_subcategory),
            by_product=_sorted(kpis.by_product),
            by_root_cause=_sorted(kpis.by_root_cause),
        ),
        time_to_acknowledge=_durations(kpis.ack_seconds, kpis.ack_days),
        time_to_final_response=_durations(kpis.final_seconds, kpis.final_days),
        deadlines=tuple(
            DeadlineShare(
                workflow=w,
                step=s,
                met=c[0],
                missed=c[1],
                pending=c[2],
                met_share=_rate(c[0], c[0] + c[1]),
            )
            for (w, s), c in sorted(kpis.deadlines.items())
        ),
        outcomes=OutcomeStats(
            decided=decided,
            counts=_sorted(Counter({k.value: n for k, n in kpis.outcomes.items()})),
            upheld_rate=_rate(kpis.outcomes.get(Outcome.UPHELD, 0), decided),
            partly_upheld_rate=_rate(
                kpis.outcomes.get(Outcome.PARTIALLY_UPHELD, 0), decided
            ),
        ),
        redress=Redress(
            complaints_with_redress=kpis.with_redress,
            totals=dict(sorted(kpis.redress.items())),
            remedies_by_kind=_sorted(
                Counter({k.value: n for k, n in kpis.remedies.items()})
            ),
        ),
        closed=kpis.closed,
        reopened=kpis.reopened,
        reopen_rate=_rate(kpis.reopened, kpis.closed),
        communicated=kpis.communicated,
        appealable=kpis.appealable,
        appealed=kpis.appealed,
        appeal_rate=_rate(kpis.appealed, kpis.appealable),
        backlog=_backlog(kpis),
        satisfaction=_satisfaction(kpis),
        workload=tuple(
            HandlerLoad(handler=h, assigned=c[0], open=c[1])
            for h, c in sorted(kpis.handlers.items())
        ),
        series=tuple(
            PeriodCounts(
                period=p,
                received=c[0],
                decided=c[1],
                upheld=c[2],
                deadlines_resolved=c[3],
                deadlines_missed=c[4],
            )
            for p, c in ((p, kpis.series.get(p, empty)) for p in labels)
        ),
    )
