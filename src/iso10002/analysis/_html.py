"""Render the management review pack as one self-contained, printable HTML page.

The page is laid out by a Jinja2 template (autoescaped) shipped in
``iso10002/analysis/templates``; its charts are drawn by matplotlib as inline
SVG. Both come with the ``report`` extra and are imported only here, when a
page is rendered.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from iso10002.analysis._charts import ControlChart, RunRule
from iso10002.analysis._labels import human_label
from iso10002.analysis._pareto import Pareto
from iso10002.analysis._results import DurationStats
from iso10002.analysis._review import ManagementReview
from iso10002.analysis._svg import (
    bar_figure,
    chart_svg,
    control_chart_figure,
    pareto_figure,
    require_report_extra,
)
from iso10002.errors import ValidationError

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup
    from matplotlib.figure import Figure

__all__ = ["SECTIONS", "human_label", "render_html"]

SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Executive summary"),
    ("objectives", "Objectives"),
    ("volumes", "Volumes"),
    ("timeliness", "Timeliness"),
    ("outcomes", "Outcomes and remedies"),
    ("trends", "Trends and control charts"),
    ("pareto", "Categories and root causes"),
    ("satisfaction", "Satisfaction with complaints handling"),
    ("workload", "Backlog and workload"),
    ("audit", "Audit evidence and findings"),
    ("actions", "Improvement actions"),
    ("self-assessment", "Self-assessment"),
)
"""``(id, heading)`` of every section of the page, in order."""

TOP = 12
"""Rows a ranked table shows before it summarises the rest in one row."""
_IDS_ON_PAGE = 10


def _pct(value: float | None) -> str:
    return "\u2013" if value is None else f"{value:.1%}"


def _num(value: object) -> str:
    if value is None:
        return "\u2013"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"  # noqa: PLR2004
    return str(value)


def _ranked(
    counts: dict[str, int], label: str, n: int = TOP
) -> tuple[list[list[object]], list[object] | None]:
    """The ``n`` largest counts as rows, and one row for the rest (or ``None``)."""
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    total = sum(counts.values())
    rows: list[list[object]] = [
        [human_label(k), v, _pct(v / total if total else None)] for k, v in ordered[:n]
    ]
    rest = ordered[n:]
    if not rest:
        return rows, None
    count = sum(v for _, v in rest)
    return rows, [
        f"{len(rest):,} other {label}",
        count,
        _pct(count / total if total else None),
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


def _ids(ids: Sequence[str], total: int) -> str:
    shown = ", ".join(ids[:_IDS_ON_PAGE])
    more = total - min(len(ids), _IDS_ON_PAGE)
    return f"{shown} and {more:,} more" if more > 0 and shown else shown


def _signals(chart: ControlChart) -> list[list[object]]:
    """One row per rule: how many signals, and the first periods that show it."""
    rows: list[list[object]] = []
    for rule in RunRule:
        periods = [s.label for s in chart.signals if s.rule is rule]
        if periods:
            listed = ", ".join(periods[:6])
            if len(periods) > 6:  # noqa: PLR2004
                listed += f" and {len(periods) - 6:,} more"
            rows.append([human_label(rule.value), len(periods), listed])
    return rows


def _svg(make: Callable[[], Figure], label: str, salt: str) -> Markup:
    from markupsafe import Markup  # noqa: PLC0415 - comes with Jinja2

    # matplotlib's SVG writer escapes every text it draws (category names
    # included), so the picture is trusted markup; a test holds it to that.
    return Markup(chart_svg(make, label, salt=salt))  # noqa: S704


def _pareto_table(chart: Pareto) -> tuple[list[list[object]], list[object] | None]:
    shown, other = chart.top(TOP)
    rows: list[list[object]] = [
        [human_label(i.key), i.count, _pct(i.share), _pct(i.cumulative_share), i.vital]
        for i in shown
    ]
    tail = (
        None
        if other is None
        else [other.key, other.count, _pct(other.share), _pct(1.0), False]
    )
    return rows, tail


def _context(r: ManagementReview) -> dict[str, Any]:
    k = r.kpis
    v = k.volumes
    charts = [
        {
            "title": c.title,
            "svg": _svg(functools.partial(control_chart_figure, c), c.title, f"c{i}"),
            "unstable": c.unstable,
            "flagged": len(c.flagged),
            "points": sum(p.value is not None for p in c.points),
            "signals": _signals(c),
        }
        for i, c in enumerate(r.charts)
    ]
    paretos = [
        {
            "title": p.title,
            "svg": _svg(functools.partial(pareto_figure, p, top=TOP), p.title, f"p{i}")
            if p.items
            else None,
            "table": _pareto_table(p),
            "ranked": len(p.items),
            "vital": len(p.vital_few),
            "total": p.total,
        }
        for i, p in enumerate((r.categories, r.root_causes))
    ]
    bars = []
    for i, (title, counts, label) in enumerate(
        (
            ("Complaints by channel", v.by_channel, "channels"),
            ("Complaints by product", v.by_product, "products"),
        )
    ):
        rows, rest = _ranked(counts, label)
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
    sat_items = [(f"Score {n}", float(c)) for n, c in s.distribution.items()]
    loads = sorted(k.workload, key=lambda h: (-h.assigned, h.handler))
    workload = [[human_label(h.handler), h.assigned, h.open] for h in loads[:TOP]]
    others = loads[TOP:]
    workload_rest = (
        [
            f"{len(others):,} other handlers",
            sum(h.assigned for h in others),
            sum(h.open for h in others),
        ]
        if others
        else None
    )
    outcome_rows, outcome_rest = _ranked(k.outcomes.counts, "outcomes")
    decided = k.outcomes.decided
    upheld = (k.outcomes.upheld_rate or 0.0) + (k.outcomes.partly_upheld_rate or 0.0)
    summary = [
        ["Complaints received", k.complaints],
        ["Open at the review date", k.backlog.open],
        ["Upheld in whole or in part", _pct(upheld if decided else None)],
        ["Complaints offered a remedy", r.remedies.with_remedy],
        ["Reopened (of closed)", _pct(k.reopen_rate)],
        ["Appealed (of decisions that could be appealed)", _pct(r.appeals.rate)],
        ["Mean satisfaction (1 to 5)", k.satisfaction.mean],
    ]
    return {
        "summary": summary,
        "backlog": [[b.label, b.count] for b in k.backlog.buckets],
        "review": r,
        "k": k,
        "sections": SECTIONS,
        "charts": charts,
        "paretos": paretos,
        "bars": bars,
        "satisfaction_svg": _svg(
            functools.partial(bar_figure, "Satisfaction scores", sat_items),
            "Satisfaction scores",
            "s",
        )
        if s.responses
        else None,
        "outcome_rows": outcome_rows,
        "outcome_rest": outcome_rest,
        "workload": workload,
        "workload_rest": workload_rest,
        "timeliness": [
            _durations("Acknowledge", k.time_to_acknowledge),
            _durations("Final response", k.time_to_final_response),
        ],
        "ids": _ids,
        "ids_on_page": _IDS_ON_PAGE,
    }


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    require_report_extra()
    import jinja2  # noqa: PLC0415 - optional, the ``report`` extra

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("iso10002.analysis", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(human=human_label, pct=_pct, num=_num)
    return env


def render_html(review: ManagementReview) -> str:
    """Render the review as one HTML page with inline CSS and SVG charts.

    The page loads nothing: no script, font, stylesheet or image from
    elsewhere. It opens with an executive summary; every ranked table shows
    its largest rows and one row for the rest; codes read as words. In print,
    navigation is hidden, each chart stays whole with its title above it and
    long tables repeat their headers on every page.

    Args:
        review: The review (see :func:`build_management_review`).

    Returns:
        The HTML document.

    Raises:
        ValidationError: if ``review`` is not a :class:`ManagementReview`.
        ImportError: naming the ``report`` extra when matplotlib or Jinja2
            is not installed.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Drawn by matplotlib and laid out by Jinja2 (the ``report`` extra).
    """
    if not isinstance(review, ManagementReview):
        raise ValidationError.single("review", "must be a ManagementReview")
    template = _environment().get_template("review.html.j2")
    return template.render(_context(review))
