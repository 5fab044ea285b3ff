"""The review pack's charts, drawn by matplotlib as inline SVG (``report`` extra).

matplotlib is imported only when a chart is drawn, so ``import iso10002``
never needs it. Each chart is a :class:`matplotlib.figure.Figure` (no pyplot
state, safe in threads) saved as SVG with text kept as text in a generic
sans-serif font: the page stays small, searchable and self-contained. The
pictures use dark strokes, marker shapes and labels rather than colour alone,
so they stay readable when printed in black and white.
"""

from __future__ import annotations

import io
import itertools
import math
import re
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from iso10002.analysis._charts import ChartKind, ControlChart, RunRule
from iso10002.analysis._labels import human_label
from iso10002.analysis._pareto import Pareto
from iso10002.analysis._periods import Period

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "RULE_MARKERS",
    "bar_figure",
    "chart_style",
    "chart_svg",
    "control_chart_figure",
    "figure_svg",
    "pareto_figure",
    "require_report_extra",
]

_EXTRA = (
    "the management review page needs matplotlib and Jinja2: "
    "pip install 'iso10002[report]'"
)
_WIDTH = 7.5  # inches: the text width of an A4 or Letter page
_INK = "#1f3b70"
_PALE = "#c8d3e6"
_GREY = "#9a9a9a"
_LABEL_CHARS = 40

RULE_MARKERS: dict[RunRule, tuple[str, str]] = {
    RunRule.BEYOND_3_SIGMA: ("X", "#b00000"),
    RunRule.TWO_OF_THREE_BEYOND_2_SIGMA: ("D", "#c05800"),
    RunRule.FOUR_OF_FIVE_BEYOND_1_SIGMA: ("s", "#7a4b00"),
    RunRule.EIGHT_ON_ONE_SIDE: ("^", "#5b2a86"),
    RunRule.SIX_TRENDING: ("v", "#00607a"),
    RunRule.FOURTEEN_ALTERNATING: ("P", "#444444"),
}
"""Marker shape and colour of each run rule: a point is marked by the first
rule (in :class:`RunRule` order) among the signals it completes."""


def require_report_extra() -> None:
    """Import matplotlib and Jinja2, or say which extra installs them.

    Raises:
        ImportError: naming the ``report`` extra when either is missing.
    """
    try:
        import jinja2  # noqa: F401, PLC0415 - optional, the ``report`` extra
        import matplotlib as mpl  # noqa: F401, PLC0415 - optional, the ``report`` extra
    except ImportError as exc:
        raise ImportError(_EXTRA) from exc


@contextmanager
def chart_style() -> Iterator[None]:
    require_report_extra()
    import matplotlib as mpl  # noqa: PLC0415 - optional, the ``report`` extra

    # A context, not a global change: the host's matplotlib settings stay
    # as they were. ``svg.fonttype: none`` keeps text as <text> elements.
    with mpl.rc_context(
        {
            "svg.fonttype": "none",
            "font.family": "sans-serif",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.titlesize": 10,
            "legend.fontsize": 8,
            "legend.frameon": False,
            "svg.hashsalt": "iso10002",
        }
    ):
        yield


def _figure(height: float) -> Figure:
    from matplotlib.figure import Figure  # noqa: PLC0415 - optional extra

    return Figure(figsize=(_WIDTH, height), layout="constrained")


def _short(text: str, width: int = 16) -> str:
    if len(text) > _LABEL_CHARS:
        text = text[: _LABEL_CHARS - 1] + "\u2026"
    return "\n".join(textwrap.wrap(text, width, max_lines=3, placeholder="\u2026"))


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _thousands() -> Any:
    from matplotlib.ticker import StrMethodFormatter  # noqa: PLC0415

    return StrMethodFormatter("{x:,.0f}")


def _number(value: float) -> str:
    if value == int(value) and abs(value) >= 100:  # noqa: PLR2004
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def _period_days(labels: Sequence[str]) -> list[date]:
    return [Period.parse(label).start.date() for label in labels]


def _step_edges(days: Sequence[date]) -> list[date]:
    """Period boundaries for step lines: each period from its start to the next."""
    if len(days) > 1:
        return [*days, days[-1] + (days[-1] - days[-2])]
    return [*days, days[-1] + timedelta(days=1)] if days else []


def control_chart_figure(chart: ControlChart, *, titled: bool = False) -> Figure:
    """Draw a control chart on a time axis: values, labelled centre and limits.

    Each period sits at its first day, so a missing period would show as a
    wider space and never shifts the others. Per-period limits are drawn as
    steps. A point that completes a signal is marked by the shape of its rule
    (:data:`RULE_MARKERS`), unless most points signal: then one note says the
    process is not stable instead of marking them all.

    Args:
        chart: The chart.
        titled: Draw the title inside the picture (the page puts it above).

    Returns:
        The figure.
    """
    from matplotlib.dates import (  # noqa: PLC0415 - optional extra
        AutoDateLocator,
        ConciseDateFormatter,
        date2num,
    )
    from matplotlib.ticker import PercentFormatter  # noqa: PLC0415

    fig = _figure(3.0)
    ax: Axes = fig.add_subplot()
    points = chart.points
    bounds = _step_edges(_period_days([p.label for p in points]))
    edges = [float(date2num(d)) for d in bounds]  # type: ignore[no-untyped-call]
    # Each point sits in the middle of its period, between its limits' steps.
    days = [(a + b) / 2 for a, b in itertools.pairwise(edges)]
    values = [math.nan if p.value is None else p.value for p in points]
    uppers = [math.nan if p.value is None else p.upper for p in points]
    lowers = [math.nan if p.value is None else p.lower for p in points]
    ax.stairs(
        uppers,
        edges,
        baseline=None,
        color="#555",
        linewidth=1,
        linestyle="--",
        label="Upper control limit",
    )
    if any(v > 0 for v in lowers):
        ax.stairs(
            lowers,
            edges,
            baseline=None,
            color="#555",
            linewidth=1,
            linestyle=":",
            label="Lower control limit",
        )
    centre = _number(chart.centre * 100) + " %" if chart.kind is ChartKind.P else ""
    ax.axhline(
        chart.centre,
        color="#000",
        linewidth=1,
        label=f"Centre line {centre or _number(chart.centre)}",
    )
    ax.plot(days, values, color=_INK, linewidth=1.3, marker=".", markersize=4)
    if chart.unstable:
        ax.text(
            0.01,
            0.98,
            f"Process not stable: {len(chart.flagged)} of "
            f"{sum(p.value is not None for p in points)} points signal",
            transform=ax.transAxes,
            va="top",
            fontsize=8,
            bbox={"facecolor": "#fff", "edgecolor": "#b00000", "pad": 2},
        )
    else:
        _mark_signals(ax, chart, days, values)
    top = max([v for v in [*values, *uppers] if not math.isnan(v)] + [chart.centre])
    ax.set_ylim(0, (top or 1) * 1.08)
    # The whole range, gaps at its ends included: charts of one pack align.
    ax.set_xlim(edges[0], edges[-1])
    if chart.kind is ChartKind.P:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
        ax.set_ylabel("Share")
    else:
        ax.yaxis.set_major_formatter(_thousands())
        ax.set_ylabel("Complaints")
    locator = AutoDateLocator(maxticks=9)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4)
    if titled:
        ax.set_title(chart.title, loc="left")
    return fig


def _mark_signals(
    ax: Axes, chart: ControlChart, days: Sequence[float], values: Sequence[float]
) -> None:
    order = list(RunRule)
    first: dict[int, RunRule] = {}
    for signal in chart.signals:
        i = signal.indices[-1]
        if i not in first or order.index(signal.rule) < order.index(first[i]):
            first[i] = signal.rule
    for rule in order:
        where = sorted(i for i, r in first.items() if r is rule)
        if where:
            marker, colour = RULE_MARKERS[rule]
            ax.scatter(
                [days[i] for i in where],
                [values[i] for i in where],
                marker=marker,
                s=42,
                color=colour,
                zorder=3,
                label=rule.value.replace("_", " ").replace("3 sigma", "3\u03c3"),
            )


def pareto_figure(chart: Pareto, *, top: int = 12, titled: bool = False) -> Figure:
    """Draw a Pareto chart: counts on the left axis, cumulative share on the right.

    Both axes span the same whole (the left one ends at the total count, the
    right one at 100 %), so a bar and the line can be compared by height.
    The ``top`` largest items have their own bar; the others share one grey
    bar. Labels are shortened, wrapped and turned so that none overprints.

    Args:
        chart: The ranked items (at least one).
        top: How many items have their own bar.
        titled: Draw the title inside the picture (the page puts it above).

    Returns:
        The figure.
    """
    from matplotlib.ticker import PercentFormatter  # noqa: PLC0415

    shown, other = chart.top(top)
    items = [*shown, *([other] if other else [])]
    fig = _figure(3.6)
    ax: Axes = fig.add_subplot()
    xs = list(range(len(items)))
    colours = [_INK if i.vital else _PALE for i in shown] + ([_GREY] if other else [])
    ax.bar(xs, [i.count for i in items], color=colours, edgecolor="#000", linewidth=0.5)
    ax.set_ylim(0, chart.total)
    ax.yaxis.set_major_formatter(_thousands())
    ax.set_ylabel("Complaints")
    ax.set_xticks(
        xs,
        [_clip(human_label(i.key), 28) for i in items],
        rotation=45,
        ha="right",
        rotation_mode="anchor",
    )
    ax.tick_params(axis="x", labelsize=7.5)
    share = ax.twinx()
    share.spines["top"].set_visible(False)
    share.plot(xs, [i.cumulative_share for i in items], color="#000", marker="o", ms=3)
    share.axhline(chart.threshold, color="#555", linestyle="--", linewidth=1)
    share.set_ylim(0, 1)
    share.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    share.set_ylabel("Cumulative share")
    ax.set_xlim(-0.6, len(items) - 0.4)
    if titled:
        ax.set_title(chart.title, loc="left")
    return fig


def bar_figure(
    title: str, items: Sequence[tuple[str, float]], *, titled: bool = False
) -> Figure:
    """Draw horizontal bars, one per ``(label, value)``, in the order given."""
    fig = _figure(0.5 + 0.24 * max(1, len(items)))
    ax: Axes = fig.add_subplot()
    ys = list(range(len(items)))[::-1]
    ax.barh(ys, [v for _, v in items], color=_INK, edgecolor="#000", linewidth=0.5)
    ax.set_yticks(ys, [_short(label, 34) for label, _ in items])
    for y, (_, value) in zip(ys, items, strict=True):
        ax.annotate(
            _number(value),
            (value, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.spines["right"].set_visible(False)
    ax.margins(x=0.12)
    if titled:
        ax.set_title(title, loc="left")
    return fig


_PROLOGUE = re.compile(r"\A.*?(?=<svg)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_NAMESPACES = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
_SIZE = re.compile(r'<svg([^>]*?)\s+width="[^"]*"\s+height="[^"]*"')


def figure_svg(fig: Figure, label: str, *, salt: str = "") -> str:
    """Return ``fig`` as an ``<svg>`` element to place inside an HTML page.

    The XML prologue, the metadata block and the namespace declarations go
    (inline SVG in HTML needs none, and the page then names no URL at all);
    the picture scales to the width of its box.

    Args:
        fig: The figure.
        label: Its accessible name (``aria-label``).
        salt: Makes the element ids of this picture differ from another's.
    """
    import matplotlib as mpl  # noqa: PLC0415 - optional, the ``report`` extra
    from markupsafe import escape  # noqa: PLC0415 - comes with Jinja2

    out = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": f"iso10002-{salt}", "svg.fonttype": "none"}):
        fig.savefig(out, format="svg", metadata={"Date": None})
    text = _METADATA.sub("", _PROLOGUE.sub("", out.getvalue(), count=1), count=1)
    text = _NAMESPACES.sub("", text)
    return _SIZE.sub(
        rf'<svg\1 width="100%" role="img" aria-label="{escape(label)}"', text, count=1
    )


def chart_svg(make: Callable[[], Figure], label: str, *, salt: str = "") -> str:
    """Build a figure with ``make`` under the pack's style; return inline SVG.

    Raises:
        ImportError: naming the ``report`` extra when matplotlib is missing.
    """
    with chart_style():
        return figure_svg(make(), label, salt=salt)
