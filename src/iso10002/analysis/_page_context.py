"""The data the review page's template lays out: sections, tables and charts.

Every ranked table keeps its largest rows and sums up the rest in one row;
every chart is drawn as inline SVG by matplotlib (the ``report`` extra).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from iso10002.analysis._charts import ControlChart, RunRule
from iso10002.analysis._page_words import PageWords, num, pct
from iso10002.analysis._pareto import Pareto
from iso10002.analysis._results import DurationStats
from iso10002.analysis._review import ManagementReview
from iso10002.analysis._review_parts import highlights
from iso10002.analysis._svg import (
    bar_figure,
    chart_svg,
    control_chart_figure,
    pareto_figure,
)

if TYPE_CHECKING:
    from markupsafe import Markup
    from matplotlib.figure import Figure

__all__ = ["SECTIONS", "TOP", "page_context"]


def _n(message: str) -> str:
    """Mark ``message`` for the catalogue; it is translated where it is shown."""
    return message


SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", _n("Executive summary")),
    ("objectives", _n("Objectives")),
    ("volumes", _n("Volumes")),
    ("timeliness", _n("Timeliness")),
    ("outcomes", _n("Outcomes and remedies")),
    ("trends", _n("Trends and control charts")),
    ("pareto", _n("Categories and root causes")),
    ("satisfaction", _n("Satisfaction with complaints handling")),
    ("workload", _n("Backlog and workload")),
    ("audit", _n("Audit evidence and findings")),
    ("actions", _n("Improvement actions")),
    ("self-assessment", _n("Self-assessment")),
)
"""``(id, heading)`` of every section of the page, in order."""

TOP = 12
"""Rows a ranked table shows before it summarises the rest in one row."""
_IDS_ON_PAGE = 10


def _ranked(
    counts: dict[str, int], rest_of: str, words: PageWords, n: int = TOP
) -> tuple[list[list[object]], list[object] | None]:
    """The ``n`` largest counts as rows, and one row for the rest (or ``None``)."""
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    total = sum(counts.values())
    rows: list[list[object]] = [
        [words.human(k), v, pct(v / total if total else None)] for k, v in ordered[:n]
    ]
    rest = ordered[n:]
    if not rest:
        return rows, None
    count = sum(v for _, v in rest)
    return rows, [
        words(rest_of, n=num(len(rest))),
        count,
        pct(count / total if total else None),
    ]


def _durations(name: str, d: DurationStats) -> list[object]:
    return [
        name,
        d.count,
        d.median_hours,
        d.p90_hours,
        d.max_hours,
        d.median_business_days,
        d.p90_business_days,
        d.max_business_days,
    ]


def _ids(words: PageWords) -> Callable[[Sequence[str], int], str]:
    def ids(ids: Sequence[str], total: int) -> str:
        shown = ", ".join(ids[:_IDS_ON_PAGE])
        more = total - min(len(ids), _IDS_ON_PAGE)
        if more > 0 and shown:
            return words("%(shown)s and %(more)s more", shown=shown, more=num(more))
        return shown

    return ids


def _signals(chart: ControlChart, words: PageWords) -> list[list[object]]:
    """One row per rule: how many signals, and the first periods that show it."""
    rows: list[list[object]] = []
    for rule in RunRule:
        periods = [s.label for s in chart.signals if s.rule is rule]
        if periods:
            listed = ", ".join(periods[:6])
            if len(periods) > 6:  # noqa: PLR2004
                listed = words(
                    "%(shown)s and %(more)s more",
                    shown=listed,
                    more=num(len(periods) - 6),
                )
            rows.append([words.human(rule.value), len(periods), listed])
    return rows


def _svg(make: Callable[[], Figure], label: str, salt: str) -> Markup:
    from markupsafe import Markup  # noqa: PLC0415 - comes with Jinja2

    # matplotlib's SVG writer escapes every text it draws (category names
    # included), so the picture is trusted markup; a test holds it to that.
    return Markup(chart_svg(make, label, salt=salt))  # noqa: S704


def _pareto_table(
    chart: Pareto, words: PageWords
) -> tuple[list[list[object]], list[object] | None]:
    shown, other = chart.top(TOP)
    rows: list[list[object]] = [
        [words.human(i.key), i.count, pct(i.share), pct(i.cumulative_share), i.vital]
        for i in shown
    ]
    tail = (
        None
        if other is None
        else [other.key, other.count, pct(other.share), pct(1.0), False]
    )
    return rows, tail


def page_context(r: ManagementReview, words: PageWords) -> dict[str, Any]:
    """Return what the page's template shows of ``r``, in ``words``."""
    k = r.kpis
    v = k.volumes
    charts = []
    for i, c in enumerate(r.charts):
        title = words.title(c.title)
        charts.append(
            {
                "title": title,
                "svg": _svg(functools.partial(control_chart_figure, c), title, f"c{i}"),
                "unstable": c.unstable,
                "flagged": len(c.flagged),
                "points": sum(p.value is not None for p in c.points),
                "signals": _signals(c, words),
            }
        )
    paretos = []
    for i, p in enumerate((r.categories, r.root_causes)):
        title = words.title(p.title)
        paretos.append(
            {
                "title": title,
                "svg": _svg(
                    functools.partial(pareto_figure, p, top=TOP), title, f"p{i}"
                )
                if p.items
                else None,
                "table": _pareto_table(p, words),
                "ranked": len(p.items),
                "vital": len(p.vital_few),
                "total": p.total,
            }
        )
    bars = []
    for i, (title, counts, rest_of) in enumerate(
        (
            (words("Complaints by channel"), v.by_channel, _n("%(n)s other channels")),
            (words("Complaints by product"), v.by_product, _n("%(n)s other products")),
        )
    ):
        rows, rest = _ranked(counts, rest_of, words)
        items = [(str(row[0]), float(row[1])) for row in rows]  # type: ignore[arg-type]
        if rest is not None:
            items.append((str(rest[0]), float(rest[1])))  # type: ignore[arg-type]
        bars.append(
            {
                "title": title,
                "svg": _svg(functools.partial(bar_figure, title, items), title, f"b{i}")
                if items
                else None,
            }
        )
    s = k.satisfaction
    score = _n("Score %(n)s")
    sat_items = [(words(score, n=n), float(c)) for n, c in s.distribution.items()]
    loads = sorted(k.workload, key=lambda h: (-h.assigned, h.handler))
    workload = [[words.human(h.handler), h.assigned, h.open] for h in loads[:TOP]]
    others = loads[TOP:]
    workload_rest = (
        [
            words("%(n)s other handlers", n=num(len(others))),
            sum(h.assigned for h in others),
            sum(h.open for h in others),
        ]
        if others
        else None
    )
    outcome_rows, outcome_rest = _ranked(
        k.outcomes.counts, _n("%(n)s other outcomes"), words
    )
    decided = k.outcomes.decided
    upheld = (k.outcomes.upheld_rate or 0.0) + (k.outcomes.partly_upheld_rate or 0.0)
    summary = [
        [words("Complaints received"), k.complaints],
        [words("Open at the review date"), k.backlog.open],
        [words("Upheld in whole or in part"), pct(upheld if decided else None)],
        [words("Complaints offered a remedy"), r.remedies.with_remedy],
        [words("Reopened (of closed)"), pct(k.reopen_rate)],
        [
            words("Appealed (of decisions that could be appealed)"),
            pct(r.appeals.rate),
        ],
        [words("Mean satisfaction (1 to 5)"), k.satisfaction.mean],
    ]
    scores = words("Satisfaction scores")
    said = r.highlights
    if said == highlights(k, r.charts, r.objectives):
        # The review's own sentences: say them again in the reader's words.
        said = highlights(k, r.charts, r.objectives, say=words, name=words.name)
    return {
        "highlights": said,
        "summary": summary,
        "backlog": [[words.age(b.label), b.count] for b in k.backlog.buckets],
        "review": r,
        "title": words.title(r.title),
        "k": k,
        "sections": [(key, words(heading)) for key, heading in SECTIONS],
        "unit": words.unit(k.granularity.value),
        "charts": charts,
        "paretos": paretos,
        "bars": bars,
        "satisfaction_svg": _svg(
            functools.partial(bar_figure, scores, sat_items), scores, "s"
        )
        if s.responses
        else None,
        "outcome_rows": outcome_rows,
        "outcome_rest": outcome_rest,
        "workload": workload,
        "workload_rest": workload_rest,
        "timeliness": [
            _durations(words("Acknowledge"), k.time_to_acknowledge),
            _durations(words("Final response"), k.time_to_final_response),
        ],
        "ids": _ids(words),
        "ids_on_page": _IDS_ON_PAGE,
    }
