"""The review pack's charts as PNG pictures, for documents of the user's own."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from iso10002.analysis._charts import ChartKind
from iso10002.analysis._labels import human_label
from iso10002.analysis._review import ManagementReview
from iso10002.analysis._svg import (
    bar_figure,
    chart_style,
    control_chart_figure,
    pareto_figure,
)
from iso10002.errors import ValidationError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["review_charts"]


def review_charts(review: ManagementReview, *, dpi: int = 100) -> dict[str, bytes]:
    """Draw every chart of a review as PNG, to place in documents of your own.

    The pictures are those of :func:`render_html`, with their titles drawn
    in: the control charts (``c-chart``, ``p-chart-upheld``,
    ``p-chart-deadlines`` when the review has them), the Pareto charts
    (``pareto-categories``, ``pareto-root-causes`` when anything is ranked),
    and the bars of channels and satisfaction scores.

    Args:
        review: The review (see :func:`build_management_review`).
        dpi: Dots per inch (the pictures are 7.5 inches wide).

    Returns:
        PNG bytes by name, in the order of the page.

    Raises:
        ValidationError: if ``review`` is not a :class:`ManagementReview`.
        ImportError: naming the ``report`` extra when matplotlib is missing.

    .. versionadded:: 0.2.0
    """
    if not isinstance(review, ManagementReview):
        raise ValidationError.single("review", "must be a ManagementReview")
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 20 <= dpi <= 600:  # noqa: PLR2004
        raise ValidationError.single("dpi", "must be an integer from 20 to 600")
    names = ("c-chart", "p-chart-upheld", "p-chart-deadlines")
    makers: dict[str, Callable[[], Figure]] = {}
    for chart in review.charts:
        name = (
            names[0]
            if chart.kind is not ChartKind.P
            else (names[1] if "upheld" in chart.title else names[2])
        )
        makers[name] = functools.partial(control_chart_figure, chart, titled=True)
    for name, ranked in (
        ("pareto-categories", review.categories),
        ("pareto-root-causes", review.root_causes),
    ):
        if ranked.items:
            makers[name] = functools.partial(pareto_figure, ranked, titled=True)
    channels = sorted(
        review.kpis.volumes.by_channel.items(), key=lambda kv: (-kv[1], kv[0])
    )
    makers["channels"] = functools.partial(
        bar_figure,
        "Complaints by channel",
        [(human_label(k), float(v)) for k, v in channels],
        titled=True,
    )
    makers["satisfaction"] = functools.partial(
        bar_figure,
        "Satisfaction scores",
        [
            (f"Score {k}", float(v))
            for k, v in review.kpis.satisfaction.distribution.items()
        ],
        titled=True,
    )
    pictures = {}
    with chart_style():
        for name, make in makers.items():
            out = io.BytesIO()
            make().savefig(out, format="png", dpi=dpi, metadata={"Software": None})
            pictures[name] = out.getvalue()
    return pictures
