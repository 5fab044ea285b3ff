"""Charts of complaint trends: control charts, run rules and Pareto analysis.

Control charts (:func:`c_chart`, :func:`p_chart`, :func:`u_chart`) with the
run rules :func:`find_signals` applies; :func:`pareto` ranks causes or
categories (the vital few); :func:`review_charts` draws a management review's
charts as PNG pictures (extra ``charts``).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002._publish import publish
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
from iso10002.analysis._pareto import (
    Pareto,
    ParetoItem,
    classification_counts,
    pareto,
)
from iso10002.analysis._pictures import (
    review_charts,
)

__all__ = [
    "ChartKind",
    "ChartPoint",
    "ControlChart",
    "Pareto",
    "ParetoItem",
    "RunRule",
    "Signal",
    "c_chart",
    "classification_counts",
    "find_signals",
    "p_chart",
    "pareto",
    "review_charts",
    "u_chart",
]

publish(globals())
