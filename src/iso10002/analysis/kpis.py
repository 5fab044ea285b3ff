"""Key performance indicators over complaints (ISO 10002 8.2, 8.3).

:func:`compute_kpis` reads complaints once and returns a :class:`KpiReport`:
volumes by channel and classification, acknowledgement and resolution times
in business days, deadlines met, outcomes, redress, satisfaction, backlog and
ageing, per :class:`Period` of a :class:`Granularity`. :func:`kpis_from` asks
a store that implements :class:`KpiPushDown` to compute the same report in
its database, and streams the complaints otherwise.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.analysis._calendar import (
    DayCalendar,
)
from iso10002.analysis._kpis import (
    KpiAccumulator,
    KpiSpec,
    compute_kpis,
    nearest_rank,
)
from iso10002.analysis._pareto import (
    subcategory_key,
)
from iso10002.analysis._periods import (
    Granularity,
    Period,
    granularity_for,
    period_label,
    period_labels,
)
from iso10002.analysis._protocol import (
    KpiPushDown,
    kpis_from,
)
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

__all__ = [
    "AgeBucket",
    "Backlog",
    "DayCalendar",
    "DeadlineShare",
    "DurationStats",
    "Granularity",
    "HandlerLoad",
    "KpiAccumulator",
    "KpiPushDown",
    "KpiReport",
    "KpiSpec",
    "OutcomeStats",
    "Period",
    "PeriodCounts",
    "Redress",
    "SatisfactionStats",
    "Volumes",
    "compute_kpis",
    "granularity_for",
    "kpis_from",
    "nearest_rank",
    "period_label",
    "period_labels",
    "subcategory_key",
]

publish(globals())
