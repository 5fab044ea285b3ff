"""Analysis of complaints (ISO 10002 clause 8): KPIs, trends, audit, review, returns.

Every function takes an iterable of :class:`~iso10002.model.Complaint`, reads
it once and keeps only counters (plus 8 bytes per measured duration), so a
repository cursor of millions of complaints is fine. Results are frozen attrs
values that :func:`iso10002.serialization.to_dict` turns into JSON data, and
never include the complainant's personal data.

The entry points are here; everything else lives in the submodule of its
subject:

- :mod:`iso10002.analysis.kpis`: key performance indicators, periods;
- :mod:`iso10002.analysis.charts`: control charts, run rules, Pareto analysis;
- :mod:`iso10002.analysis.returns`: the FCA and ASIC regulatory returns;
- :mod:`iso10002.analysis.review`: the management review pack, objectives;
- :mod:`iso10002.analysis.evidence`: audit evidence, the self-assessment.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.analysis.evidence import collect_evidence, self_assess
from iso10002.analysis.kpis import (
    Granularity,
    KpiReport,
    KpiSpec,
    Period,
    compute_kpis,
    kpis_from,
)
from iso10002.analysis.returns import asic_return, fca_return
from iso10002.analysis.review import (
    ManagementReview,
    build_management_review,
    render_html,
)

__all__ = [
    "Granularity",
    "KpiReport",
    "KpiSpec",
    "ManagementReview",
    "Period",
    "asic_return",
    "build_management_review",
    "collect_evidence",
    "compute_kpis",
    "fca_return",
    "kpis_from",
    "render_html",
    "self_assess",
]

publish(globals())
