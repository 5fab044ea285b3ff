"""Frozen KPI results, serialisable with :func:`iso10002.serialization.to_dict`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import attrs

from iso10002.analysis._periods import Granularity

__all__ = [
    "AgeBucket",
    "Backlog",
    "DeadlineShare",
    "DurationStats",
    "HandlerLoad",
    "KpiReport",
    "OutcomeStats",
    "PeriodCounts",
    "Redress",
    "SatisfactionStats",
    "Volumes",
]


@attrs.frozen(kw_only=True)
class DurationStats:
    """How long a step took: nearest-rank median and 90th percentile, and the maximum.

    Calendar time is in hours; business time is the number of business days
    after the day of receipt up to the day of the step (0 = same day).
    Every statistic is ``None`` when ``count`` is 0.

    .. versionadded:: 0.1.0
    """

    count: int
    median_hours: float | None
    p90_hours: float | None
    max_hours: float | None
    median_business_days: int | None
    p90_business_days: int | None
    max_business_days: int | None


@attrs.frozen(kw_only=True)
class DeadlineShare:
    """How often one deadline (``DueDate.step``) was met, per workflow.

    ``pending`` deadlines are neither met nor yet due at ``as_of``;
    ``met_share`` is ``met / (met + missed)``, ``None`` when both are 0.

    .. versionadded:: 0.1.0
    """

    workflow: str
    step: str
    met: int
    missed: int
    pending: int
    met_share: float | None


@attrs.frozen(kw_only=True)
class OutcomeStats:
    """How complaints ended; rates are over complaints decided on their merits.

    ``decided`` counts upheld, partially upheld and not upheld outcomes;
    ``counts`` has every outcome value seen (withdrawn, duplicate … too).

    .. versionadded:: 0.1.0
    """

    decided: int
    counts: dict[str, int]
    upheld_rate: float | None
    partly_upheld_rate: float | None


@attrs.frozen(kw_only=True)
class Redress:
    """Money offered in decisions' remedies, totalled per ISO 4217 currency.

    .. versionadded:: 0.1.0
    """

    complaints_with_redress: int
    totals: dict[str, Decimal]
    remedies_by_kind: dict[str, int]


@attrs.frozen(kw_only=True)
class AgeBucket:
    """Open complaints whose age in whole days lies in ``[min_days, max_days]``.

    ``max_days`` is ``None`` for the last, open-ended bucket.

    .. versionadded:: 0.1.0
    """

    label: str
    min_days: int
    max_days: int | None
    count: int


@attrs.frozen(kw_only=True)
class Backlog:
    """Complaints still open at ``as_of``, by age.

    .. versionadded:: 0.1.0
    """

    open: int
    buckets: tuple[AgeBucket, ...]


@attrs.frozen(kw_only=True)
class SatisfactionStats:
    """Satisfaction with the handling (ISO 10002 8.3), scores 1 to 5.

    ``eligible`` counts closed complaints and any others with a reply;
    ``response_rate`` is ``responses / eligible``.

    .. versionadded:: 0.1.0
    """

    responses: int
    eligible: int
    response_rate: float | None
    mean: float | None
    distribution: dict[str, int]


@attrs.frozen(kw_only=True)
class HandlerLoad:
    """Complaints currently assigned to one handler, and how many are open.

    .. versionadded:: 0.1.0
    """

    handler: str
    assigned: int
    open: int


@attrs.frozen(kw_only=True)
class Volumes:
    """Complaint counts by period of receipt, channel, category, product and root cause.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``by_subcategory``: the second classification level.
    """

    by_period: dict[str, int]
    by_channel: dict[str, int]
    by_category: dict[str, int]
    by_product: dict[str, int]
    by_root_cause: dict[str, int]
    by_subcategory: dict[str, int] = attrs.field(factory=dict)
    """Counts per ``"category / subcategory"`` (see ``subcategory_key``)."""


@attrs.frozen(kw_only=True)
class PeriodCounts:
    """One period's counts, the raw material of control charts.

    ``decided`` and ``upheld`` (in whole or in part) feed the upheld-rate
    p-chart; ``deadlines_resolved`` and ``deadlines_missed`` the breach-rate
    p-chart; ``received`` the c-chart of volumes.

    .. versionadded:: 0.1.0
    """

    period: str
    received: int
    decided: int
    upheld: int
    deadlines_resolved: int
    deadlines_missed: int


@attrs.frozen(kw_only=True)
class KpiReport:
    """Every KPI of :func:`compute_kpis`, as at ``as_of``.

    Rates are fractions in ``[0, 1]`` or ``None`` when nothing was eligible.
    ``reopen_rate`` is reopened / closed; ``appeal_rate`` is ``appealed /
    appealable``: of the decisions on the merits (upheld, partly upheld, not
    upheld) communicated by ``as_of``, those the complainant rejected. A
    withdrawn complaint, one referred elsewhere or not a complaint has no
    decision to appeal and is in neither count.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Added ``appealable``; ``appeal_rate`` divides by it, as the management
       review does, instead of by every decision communicated.
    """

    as_of: datetime
    period: str | None
    granularity: Granularity
    complaints: int
    volumes: Volumes
    time_to_acknowledge: DurationStats
    time_to_final_response: DurationStats
    deadlines: tuple[DeadlineShare, ...]
    outcomes: OutcomeStats
    redress: Redress
    closed: int
    reopened: int
    reopen_rate: float | None
    communicated: int
    appealable: int
    appealed: int
    appeal_rate: float | None
    backlog: Backlog
    satisfaction: SatisfactionStats
    workload: tuple[HandlerLoad, ...]
    series: tuple[PeriodCounts, ...]
