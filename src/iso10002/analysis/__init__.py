"""Analysis of complaints (ISO 10002 clause 8): KPIs, trends, audit, review, returns.

Every function takes an iterable of :class:`~iso10002.model.Complaint`, reads
it once and keeps only counters (plus 8 bytes per measured duration), so a
repository cursor of millions of complaints is fine. Results are frozen attrs
values that :func:`iso10002.serialization.to_dict` turns into JSON data, and
never include the complainant's personal data.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002.analysis._asic_layout import DEFAULT_ASIC_LAYOUT, AsicLayout, AsicRow
from iso10002.analysis._calendar import DayCalendar
from iso10002.analysis._charts import (
    ChartKind,
    ChartPoint,
    ControlChart,
    RunRule,
    Signal,
    c_chart,
    find_signals,
    p_chart,
    u_chart,
)
from iso10002.analysis._evidence import (
    EVIDENCE_CHECKS,
    EvidenceAccumulator,
    EvidenceCheck,
    EvidenceReport,
    FindingSummary,
    PrincipleEvidence,
    collect_evidence,
)
from iso10002.analysis._html import SECTIONS, render_html
from iso10002.analysis._kpis import KpiAccumulator, KpiSpec, compute_kpis, nearest_rank
from iso10002.analysis._labels import human_label
from iso10002.analysis._objectives import (
    KPI_METRICS,
    ActionStatus,
    Direction,
    ImprovementAction,
    Objective,
    ObjectiveResult,
    evaluate_objectives,
)
from iso10002.analysis._pareto import (
    Pareto,
    ParetoItem,
    classification_counts,
    pareto,
    subcategory_key,
)
from iso10002.analysis._periods import (
    Granularity,
    Period,
    granularity_for,
    period_label,
    period_labels,
)
from iso10002.analysis._pictures import review_charts
from iso10002.analysis._protocol import KpiPushDown, kpis_from
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
from iso10002.analysis._returns_asic import (
    ASIC_COLUMNS,
    ASIC_RULES,
    AsicReturn,
    asic_return,
)
from iso10002.analysis._returns_fca import (
    ANNEX_1R_LAST_PERIOD_END,
    FCA_FIELDS,
    FCA_RULES,
    FcaField,
    FcaFigures,
    FcaReturn,
    SupersededReturnWarning,
    fca_return,
)
from iso10002.analysis._review import (
    ManagementReview,
    build_management_review,
    review_to_dict,
    review_to_json,
)
from iso10002.analysis._review_parts import (
    MONETARY_REMEDIES,
    AppealStats,
    RemedyCount,
    RemedySummary,
)
from iso10002.analysis._self_assessment import (
    AssessmentItem,
    ClauseAssessment,
    EvidenceStatus,
    IntegrityEvidence,
    OrganisationRecords,
    SelfAssessment,
    self_assess,
)

__all__ = [
    "ANNEX_1R_LAST_PERIOD_END",
    "ASIC_COLUMNS",
    "ASIC_RULES",
    "DEFAULT_ASIC_LAYOUT",
    "EVIDENCE_CHECKS",
    "FCA_FIELDS",
    "FCA_RULES",
    "KPI_METRICS",
    "MONETARY_REMEDIES",
    "SECTIONS",
    "ActionStatus",
    "AgeBucket",
    "AppealStats",
    "AsicLayout",
    "AsicReturn",
    "AsicRow",
    "AssessmentItem",
    "Backlog",
    "ChartKind",
    "ChartPoint",
    "ClauseAssessment",
    "ControlChart",
    "DayCalendar",
    "DeadlineShare",
    "Direction",
    "DurationStats",
    "EvidenceAccumulator",
    "EvidenceCheck",
    "EvidenceReport",
    "EvidenceStatus",
    "FcaField",
    "FcaFigures",
    "FcaReturn",
    "FindingSummary",
    "Granularity",
    "HandlerLoad",
    "ImprovementAction",
    "IntegrityEvidence",
    "KpiAccumulator",
    "KpiPushDown",
    "KpiReport",
    "KpiSpec",
    "ManagementReview",
    "Objective",
    "ObjectiveResult",
    "OrganisationRecords",
    "OutcomeStats",
    "Pareto",
    "ParetoItem",
    "Period",
    "PeriodCounts",
    "PrincipleEvidence",
    "Redress",
    "RemedyCount",
    "RemedySummary",
    "RunRule",
    "SatisfactionStats",
    "SelfAssessment",
    "Signal",
    "SupersededReturnWarning",
    "Volumes",
    "asic_return",
    "build_management_review",
    "c_chart",
    "classification_counts",
    "collect_evidence",
    "compute_kpis",
    "evaluate_objectives",
    "fca_return",
    "find_signals",
    "granularity_for",
    "human_label",
    "kpis_from",
    "nearest_rank",
    "p_chart",
    "pareto",
    "period_label",
    "period_labels",
    "render_html",
    "review_charts",
    "review_to_dict",
    "review_to_json",
    "self_assess",
    "subcategory_key",
    "u_chart",
]
