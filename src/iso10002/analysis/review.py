"""The management review (ISO 10002 8.7): the pack, objectives, the HTML page.

:func:`build_management_review` gathers in one pass the KPIs, charts, Pareto
analyses, audit evidence and progress on :class:`Objective` and
:class:`ImprovementAction` into a :class:`ManagementReview`;
:func:`render_html` turns it into a self-contained page, and
:func:`review_to_dict` / :func:`review_to_json` into data.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.analysis._html import (
    render_html,
)
from iso10002.analysis._labels import (
    human_label,
)
from iso10002.analysis._objectives import (
    KPI_METRICS,
    ActionStatus,
    Direction,
    ImprovementAction,
    Objective,
    ObjectiveResult,
    evaluate_objectives,
)
from iso10002.analysis._page_context import (
    SECTIONS,
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
    summarise_remedies,
)

__all__ = [
    "KPI_METRICS",
    "MONETARY_REMEDIES",
    "SECTIONS",
    "ActionStatus",
    "AppealStats",
    "Direction",
    "ImprovementAction",
    "ManagementReview",
    "Objective",
    "ObjectiveResult",
    "RemedyCount",
    "RemedySummary",
    "build_management_review",
    "evaluate_objectives",
    "human_label",
    "render_html",
    "review_to_dict",
    "review_to_json",
    "summarise_remedies",
]

publish(globals())
