"""Render the management review pack as one self-contained, printable HTML page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from iso10002.analysis._results import DurationStats
from iso10002.analysis._review import ManagementReview
from iso10002.analysis._svg import bar_chart, control_chart_svg, pareto_svg
from iso10002.errors import ValidationError

__all__ = ["SECTIONS", "render_html"]

_MAX_IDS = 20

SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Summary"),
    ("objectives", "Objectives"),
    ("volumes", "Volumes"),
    ("timeliness", "Timeliness"),
    ("outcomes", "Outcomes and redress"),
    ("trends", "Trends and control charts"),
    ("pareto", "Categories and root causes"),
    ("satisfaction", "Satisfaction with complaints handling"),
    ("workload", "Backlog and workload"),
    ("audit", "Audit evidence and findings"),
    ("actions", "Improvement actions"),
    ("self-assessment", "Self-assessment"),
)
"""``(id, heading)`` of every section of the page, in order."""

_CSS = """
body{font-family:sans-serif;margin:2em auto;max-width:60em;color:#111;line-height:1.4}
h1{font-size:1.6em}h2{border-bottom:2px solid #1f3b70;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0 1em}
th,td{border:1px solid #888;padding:.2em .5em;text-align:left;vertical-align:top}
td.n{text-align:right}.miss{font-weight:bold}
nav ol{columns:2}figure{margin:1em 0}svg{max-width:100%;height:auto}
@media print{body{margin:0;max-width:none;font-size:10pt}nav{display:none}
section{break-inside:avoid-page}h2{break-after:avoid}figure{break-inside:avoid}}
"""


def _cell(value: object) -> str:
    if value is None:
        return '<td class="n">&#8211;</td>'
    if isinstance(value, bool):
        return f"<td>{'yes' if value else '<span class=miss>no</span>'}</td>"
    if isinstance(value, float):
        return f'<td class="n">{value:,.2f}</td>'
    if isinstance(value, int):
        return f'<td class="n">{value:,}</td>'
    return f"<td>{escape(str(value))}</td>"


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


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


def _sections(r: ManagementReview) -> dict[str, str]:
    k = r.kpis
    v = k.volumes
    summary = _table(
        ["Measure", "Value"],
        [
            ["Complaints received", k.complaints],
            ["Period", k.period or "all"],
            ["Open at the review date", k.backlog.open],
            ["Upheld rate", _pct(k.outcomes.upheld_rate)],
            ["Reopen rate", _pct(k.reopen_rate)],
            ["Appeal rate", _pct(k.appeal_rate)],
            ["Mean satisfaction (1-5)", k.satisfaction.mean],
        ],
    )
    objectives = (
        _table(
            ["Objective", "Target", "Direction", "Actual", "Met"],
            [
                [
                    o.label,
                    o.target,
                    o.direction.value.replace("_", " "),
                    o.actual,
                    o.met,
                ]
                for o in r.objectives
            ],
        )
        if r.objectives
        else "<p>No objectives recorded.</p>"
    )
    volumes = "".join(
        _figure(bar_chart(title, list(counts.items())), title)
        for title, counts in (
            ("By period", v.by_period),
            ("By channel", v.by_channel),
            ("By product", v.by_product),
        )
    )
    timeliness = (
        _table(
            [
                "Step",
                "Count",
                "Median h",
                "P90 h",
                "Max h",
                "Median bd",
                "P90 bd",
                "Max bd",
            ],
            [
                _durations("Acknowledge", k.time_to_acknowledge),
                _durations("Final response", k.time_to_final_response),
            ],
        )
        + _table(
            ["Workflow", "Deadline", "Met", "Missed", "Pending", "Met share"],
            [
                [d.workflow, d.step, d.met, d.missed, d.pending, _pct(d.met_share)]
                for d in k.deadlines
            ],
        )
        + "<p>h: calendar hours; bd: business days after the day of receipt.</p>"
    )
    outcomes = (
        _table(["Outcome", "Complaints"], list(k.outcomes.counts.items()))
        + _table(
            ["Currency", "Redress total"],
            [[c, str(a)] for c, a in k.redress.totals.items()],
        )
        + f"<p>{k.redress.complaints_with_redress} complaints received money.</p>"
    )
    trends = (
        "".join(
            _figure(control_chart_svg(c), c.title)
            + (
                _table(
                    ["Period", "Signal"],
                    [[s.label, s.rule.value.replace("_", " ")] for s in c.signals],
                )
                if c.signals
                else "<p>No special-cause signal: variation is common cause.</p>"
            )
            for c in r.charts
        )
        or "<p>No periods to chart.</p>"
    )
    paretos = "".join(
        _figure(pareto_svg(p), p.title)
        + "<p>Vital few: "
        + (escape(", ".join(p.vital_few)) or "none")
        + "</p>"
        for p in (r.categories, r.root_causes)
    )
    s = k.satisfaction
    satisfaction = _figure(
        bar_chart(
            "Satisfaction scores",
            [(f"score {n}", c) for n, c in s.distribution.items()],
        ),
        "Distribution of satisfaction scores",
    ) + _table(
        ["Responses", "Eligible", "Response rate", "Mean"],
        [[s.responses, s.eligible, _pct(s.response_rate), s.mean]],
    )
    workload = _table(
        ["Age", "Open complaints"], [[b.label, b.count] for b in k.backlog.buckets]
    ) + _table(
        ["Handler", "Assigned", "Open"],
        [[h.handler, h.assigned, h.open] for h in k.workload],
    )
    e = r.evidence
    audit = (
        _table(
            [
                "Clause",
                "Step",
                "Check",
                "Applicable",
                "Conforming",
                "Share",
                "Non-conforming complaints",
            ],
            [
                [
                    c.clause,
                    c.step,
                    c.description,
                    c.applicable,
                    c.conforming,
                    _pct(c.proportion),
                    ", ".join(c.nonconforming_ids[:_MAX_IDS])
                    + (" …" if len(c.nonconforming_ids) > _MAX_IDS else ""),
                ]
                for c in e.checks
            ],
        )
        + _table(
            ["Principle", "Evaluated", "Conforming", "Share"],
            [
                [p.principle, p.evaluated, p.conforming, _pct(p.proportion)]
                for p in e.principles
            ],
        )
        + _table(
            ["Policy", "Clause", "Code", "Severity", "Count", "Complaints"],
            [
                [
                    f.policy_id,
                    f.clause,
                    f.code,
                    f.severity.value,
                    f.count,
                    ", ".join(f.complaint_ids[:_MAX_IDS]),
                ]
                for f in e.findings
            ],
        )
    )
    actions = (
        _table(
            ["Id", "Action", "Owner", "Status", "Due", "Cause"],
            [
                [
                    a.id,
                    a.title,
                    a.owner,
                    a.status.value.replace("_", " "),
                    None if a.due is None else a.due.isoformat(),
                    a.cause,
                ]
                for a in r.actions
            ],
        )
        if r.actions
        else "<p>No improvement actions recorded.</p>"
    )
    sa = r.self_assessment
    assessment = (
        "<p>No organisation records were given.</p>"
        if sa is None
        else "".join(
            f"<h3>Clause {escape(c.clause)}: {escape(c.title)} "
            f"({escape(c.status.value.replace('_', ' '))})</h3>"
            + _table(
                ["Clause", "Requirement", "Source", "Status", "Detail"],
                [
                    [
                        i.clause,
                        i.requirement,
                        i.source,
                        i.status.value.replace("_", " "),
                        i.detail,
                    ]
                    for i in c.items
                ],
            )
            for c in sa.clauses
        )
    )
    return {
        "summary": summary,
        "objectives": objectives,
        "volumes": volumes,
        "timeliness": timeliness,
        "outcomes": outcomes,
        "trends": trends,
        "pareto": paretos,
        "satisfaction": satisfaction,
        "workload": workload,
        "audit": audit,
        "actions": actions,
        "self-assessment": assessment,
    }


def render_html(review: ManagementReview) -> str:
    """Render the review as one HTML page with inline CSS and SVG.

    The page loads nothing: no script, font, stylesheet or image from
    elsewhere; it prints with one section per block and no navigation.

    Args:
        review: The review (see :func:`build_management_review`).

    Returns:
        The HTML document.

    Raises:
        ValidationError: if ``review`` is not a :class:`ManagementReview`.

    .. versionadded:: 0.1.0
    """
    if not isinstance(review, ManagementReview):
        raise ValidationError.single("review", "must be a ManagementReview")
    bodies = _sections(review)
    nav = "".join(f'<li><a href="#{i}">{escape(h)}</a></li>' for i, h in SECTIONS)
    sections = "".join(
        f'<section id="{i}"><h2>{escape(h)}</h2>{bodies[i]}</section>'
        for i, h in SECTIONS
    )
    title = escape(review.title)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{_CSS}</style></head><body><header><h1>{title}</h1>"
        f"<p>As at {escape(review.as_of.isoformat())}. Contains no personal data of "
        "complainants.</p></header>"
        f"<nav><ol>{nav}</ol></nav><main>{sections}</main></body></html>\n"
    )
