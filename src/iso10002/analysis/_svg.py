"""Small inline-SVG charts: bars, control charts and Pareto charts, no dependencies.

The pictures use dark strokes, dashes and labels rather than colour alone, so
they stay readable when printed in black and white.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from iso10002.analysis._charts import ControlChart
from iso10002.analysis._pareto import Pareto

__all__ = ["bar_chart", "control_chart_svg", "pareto_svg"]

_W = 640
_FONT = 'font-family="sans-serif" font-size="11"'


def _open(title: str, height: int) -> list[str]:
    t = escape(title)
    return [
        # No xmlns: inline SVG in HTML needs none, and the page names no URL at all.
        f'<svg viewBox="0 0 {_W} {height}" width="100%" role="img" aria-label="{t}">',
        f"<title>{t}</title>",
        f'<rect x="0" y="0" width="{_W}" height="{height}" fill="#fff"/>',
    ]


def _fmt(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"  # noqa: PLR2004


def bar_chart(title: str, items: Sequence[tuple[str, float]]) -> str:
    """Draw horizontal bars, one per ``(label, value)``, largest value full width."""
    row = 22
    height = 30 + row * max(1, len(items))
    top = max((v for _, v in items), default=0) or 1
    parts = _open(title, height)
    for i, (label, value) in enumerate(items):
        y = 20 + i * row
        length = 380 * value / top
        parts += [
            (
                f'<text x="170" y="{y + 14}" text-anchor="end" {_FONT}>'
                f"{escape(label[:28])}</text>"
            ),
            (
                f'<rect x="180" y="{y + 3}" width="{length:.1f}" height="15" '
                'fill="#4a6fa5" '
                f'stroke="#000" stroke-width="0.5"/>'
            ),
            f'<text x="{185 + length:.1f}" y="{y + 14}" {_FONT}>{_fmt(value)}</text>',
        ]
    if not items:
        parts.append(f'<text x="20" y="34" {_FONT}>No data</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _plot_area(points: int) -> tuple[float, float]:
    left, right = 60.0, _W - 20.0
    step = (right - left) / max(1, points - 1)
    return left, step


def control_chart_svg(chart: ControlChart) -> str:
    """Draw a control chart: values, centre, stepped 3-sigma limits, signals ringed."""
    height = 260
    top, bottom = 30.0, 210.0
    pts = chart.points
    high = max([p.upper for p in pts] + [p.value for p in pts] + [chart.centre]) or 1.0
    left, step = _plot_area(len(pts))

    def y(v: float) -> float:
        return bottom - (bottom - top) * v / high

    def x(i: int) -> float:
        return left + i * step

    parts = _open(chart.title, height)
    parts += [
        f'<line x1="{left}" y1="{bottom}" x2="{_W - 20}" y2="{bottom}" stroke="#000"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#000"/>',
        (
            f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" {_FONT}>'
            f"{_fmt(high)}</text>"
        ),
        f'<text x="{left - 6}" y="{bottom + 4}" text-anchor="end" {_FONT}>0</text>',
        (
            f'<line x1="{left}" y1="{y(chart.centre):.1f}" x2="{_W - 20}" '
            f'y2="{y(chart.centre):.1f}" stroke="#000" stroke-width="1"/>'
        ),
        (
            f'<text x="{_W - 22}" y="{y(chart.centre) - 3:.1f}" '
            f'text-anchor="end" {_FONT}>'
            f"CL {_fmt(chart.centre)}</text>"
        ),
    ]
    for attr in ("upper", "lower"):
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{x(i) - step / 2 if i else x(i):.1f},"
            f"{y(getattr(p, attr)):.1f} "
            f"L{x(i) + (step / 2 if i < len(pts) - 1 else 0):.1f},"
            f"{y(getattr(p, attr)):.1f}"
            for i, p in enumerate(pts)
        )
        parts.append(
            f'<path d="{path}" fill="none" stroke="#555" stroke-dasharray="5,3"/>'
        )
    line = " ".join(
        f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(p.value):.1f}"
        for i, p in enumerate(pts)
    )
    parts.append(f'<path d="{line}" fill="none" stroke="#1f3b70" stroke-width="1.5"/>')
    flagged = {i for s in chart.signals for i in s.indices[-1:]}
    for i, p in enumerate(pts):
        parts.append(
            f'<circle cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="3" fill="#1f3b70">'
            f"<title>{escape(p.label)}: {_fmt(p.value)}</title></circle>"
        )
        if i in flagged:
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="7" fill="none" '
                f'stroke="#b00" stroke-width="2"/>'
            )
    every = max(1, len(pts) // 8)
    parts += [
        f'<text x="{x(i):.1f}" y="{bottom + 16}" text-anchor="middle" {_FONT}>'
        f"{escape(p.label)}</text>"
        for i, p in enumerate(pts)
        if i % every == 0
    ]
    parts.append(
        f'<text x="{left}" y="{height - 8}" {_FONT}>dashed: control limits; '
        f"ringed: special-cause signal</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts)


def pareto_svg(chart: Pareto) -> str:
    """Draw a Pareto chart: bars by count, cumulative share line, vital few in dark."""
    height = 260
    top, bottom = 30.0, 200.0
    items = chart.items[:15]
    high = max((i.count for i in items), default=1)
    left, right = 60.0, _W - 50.0
    width = (right - left) / max(1, len(items))
    parts = _open(chart.title, height)
    parts.append(
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#000"/>'
    )
    cumulative = []
    for n, item in enumerate(items):
        h = (bottom - top) * item.count / high
        bx = left + n * width
        fill = "#1f3b70" if item.vital else "#c8d3e6"
        parts += [
            (
                f'<rect x="{bx + 2:.1f}" y="{bottom - h:.1f}" width="{width - 4:.1f}" '
                f'height="{h:.1f}" fill="{fill}" stroke="#000" stroke-width="0.5">'
                f"<title>{escape(item.key)}: {item.count}</title></rect>"
            ),
            (
                f'<text x="{bx + width / 2:.1f}" y="{bottom + 14}" '
                f'text-anchor="middle" {_FONT}>'
                f"{escape(item.key[:12])}</text>"
            ),
        ]
        cumulative.append(
            f"{bx + width / 2:.1f},"
            f"{bottom - (bottom - top) * item.cumulative_share:.1f}"
        )
    if cumulative:
        parts.append(
            f'<polyline points="{" ".join(cumulative)}" fill="none" stroke="#000" '
            f'stroke-width="1.5"/>'
        )
    ty = bottom - (bottom - top) * chart.threshold
    parts += [
        (
            f'<line x1="{left}" y1="{ty:.1f}" x2="{right}" y2="{ty:.1f}" stroke="#555" '
            f'stroke-dasharray="4,3"/>'
        ),
        f'<text x="{right + 4}" y="{ty + 4:.1f}" {_FONT}>{chart.threshold:.0%}</text>',
        (
            f'<text x="{left}" y="{height - 8}" {_FONT}>'
            "dark bars: the vital few; line: "
            f"cumulative share</text>"
        ),
        "</svg>",
    ]
    return "\n".join(parts)
