"""Render the management review pack as one self-contained, printable HTML page.

The page is laid out by a Jinja2 template (autoescaped) shipped in
``iso10002/analysis/templates``; its charts are drawn by matplotlib as inline
SVG. Both come with the ``report`` extra and are imported only here, when a
page is rendered. Its words come from the catalogues the letters use
(:mod:`iso10002.labels`), in the locale asked for.
"""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iso10002.analysis._charts import ControlChart, RunRule
from iso10002.analysis._labels import human_label
from iso10002.analysis._pareto import Pareto
from iso10002.analysis._results import DurationStats
from iso10002.analysis._review import ManagementReview
from iso10002.analysis._review_parts import highlights
from iso10002.analysis._svg import (
    bar_figure,
    chart_svg,
    control_chart_figure,
    pareto_figure,
    require_report_extra,
)
from iso10002.errors import ValidationError
from iso10002.labels import check_locale, translations

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup
    from matplotlib.figure import Figure

__all__ = ["SECTIONS", "human_label", "render_html"]


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

_UNITS = {
    "day": _n("day"),
    "week": _n("week"),
    "month": _n("month"),
    "quarter": _n("quarter"),
    "half": _n("half"),
    "year": _n("year"),
}
_REVIEW_TITLE = "Complaints handling: management review"
_TITLES = {
    _REVIEW_TITLE: _n("Complaints handling: management review"),
    "Complaint categories": _n("Complaint categories"),
    "Root causes": _n("Root causes"),
    "Share upheld in whole or in part (p-chart)": _n(
        "Share upheld in whole or in part (p-chart)"
    ),
    "Share of deadlines missed (p-chart)": _n("Share of deadlines missed (p-chart)"),
}
_PER_UNIT = (
    (
        re.compile(r"Complaints received per (\w+) \(c-chart\)"),
        _n("Complaints received per %(unit)s (c-chart)"),
    ),
    (
        re.compile(
            r"Complaints received per (\w+) \(u-chart, periods observed in "
            r"part scaled to a whole one\)"
        ),
        _n(
            "Complaints received per %(unit)s (u-chart, periods observed in part "
            "scaled to a whole one)"
        ),
    ),
)


_METRICS = frozenset(
    {
        _n("Share of decisions the complainant rejected"),
        _n("Complaints open"),
        _n("Complaints open longer than the last age bound"),
        _n("Share of deadlines met"),
        _n("Median hours to acknowledge"),
        _n("Median hours to final response"),
        _n("90th percentile hours to acknowledge"),
        _n("90th percentile hours to final response"),
        _n("Share of closed complaints reopened"),
        _n("Mean satisfaction (1-5)"),
        _n("Satisfaction survey response rate"),
        _n("Share of decided complaints upheld"),
    }
)
"""The descriptions of the objectives' metrics (``KPI_METRICS``)."""
_AGES = (
    (re.compile(r"(\d+)-(\d+) days"), _n("%(low)s-%(high)s days")),
    (re.compile(r"over (\d+) days"), _n("over %(low)s days")),
)


class _Words:
    """The page's words in one locale: messages, codes and chart titles."""

    def __init__(
        self, catalogue: gettext.NullTranslations, human: Callable[[str], str]
    ) -> None:
        self.gettext = catalogue.gettext
        self.human = human

    def __call__(self, message: str, **values: object) -> str:
        text = self.gettext(message)
        return text % values if values else text

    def unit(self, code: str) -> str:
        message = _UNITS.get(code)
        return code if message is None else self.gettext(message)

    def age(self, bucket: str) -> str:
        """Translate a backlog age bucket (``8-14 days``; others stay as given)."""
        for pattern, message in _AGES:
            found = pattern.fullmatch(bucket)
            if found:
                low, *high = found.groups()
                return self(message, low=low, high=high[0] if high else "")
        return bucket

    def name(self, text: str) -> str:
        """Translate a chart title or a metric's description (others stay)."""
        if text in _METRICS:
            return self.gettext(text)
        return self.title(text)

    def title(self, title: str) -> str:
        """Translate a chart title the review built (other titles stay as given)."""
        known = _TITLES.get(title)
        if known is not None:
            return self.gettext(known)
        if title.startswith(f"{_REVIEW_TITLE}, "):
            # The command line's title: the default one and the period.
            return self.gettext(_TITLES[_REVIEW_TITLE]) + title[len(_REVIEW_TITLE) :]
        for pattern, message in _PER_UNIT:
            found = pattern.fullmatch(title)
            if found:
                return self(message, unit=self.unit(found.group(1)))
        return title


def _pct(value: float | None) -> str:
    return "\u2013" if value is None else f"{value:.1%}"


def _num(value: object, words: _Words | None = None) -> str:
    if value is None:
        return "\u2013"
    if isinstance(value, bool):
        text = "yes" if value else "no"
        return text if words is None else words(text)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"  # noqa: PLR2004
    return str(value)


def _ranked(
    counts: dict[str, int], rest_of: str, words: _Words, n: int = TOP
) -> tuple[list[list[object]], list[object] | None]:
    """The ``n`` largest counts as rows, and one row for the rest (or ``None``)."""
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    total = sum(counts.values())
    rows: list[list[object]] = [
        [words.human(k), v, _pct(v / total if total else None)] for k, v in ordered[:n]
    ]
    rest = ordered[n:]
    if not rest:
        return rows, None
    count = sum(v for _, v in rest)
    return rows, [
        words(rest_of, n=_num(len(rest))),
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


def _ids(words: _Words) -> Callable[[Sequence[str], int], str]:
    def ids(ids: Sequence[str], total: int) -> str:
        shown = ", ".join(ids[:_IDS_ON_PAGE])
        more = total - min(len(ids), _IDS_ON_PAGE)
        if more > 0 and shown:
            return words("%(shown)s and %(more)s more", shown=shown, more=_num(more))
        return shown

    return ids


def _signals(chart: ControlChart, words: _Words) -> list[list[object]]:
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
                    more=_num(len(periods) - 6),
                )
            rows.append([words.human(rule.value), len(periods), listed])
    return rows


def _svg(make: Callable[[], Figure], label: str, salt: str) -> Markup:
    from markupsafe import Markup  # noqa: PLC0415 - comes with Jinja2

    # matplotlib's SVG writer escapes every text it draws (category names
    # included), so the picture is trusted markup; a test holds it to that.
    return Markup(chart_svg(make, label, salt=salt))  # noqa: S704


def _pareto_table(
    chart: Pareto, words: _Words
) -> tuple[list[list[object]], list[object] | None]:
    shown, other = chart.top(TOP)
    rows: list[list[object]] = [
        [words.human(i.key), i.count, _pct(i.share), _pct(i.cumulative_share), i.vital]
        for i in shown
    ]
    tail = (
        None
        if other is None
        else [other.key, other.count, _pct(other.share), _pct(1.0), False]
    )
    return rows, tail


def _context(r: ManagementReview, words: _Words) -> dict[str, Any]:
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
            words("%(n)s other handlers", n=_num(len(others))),
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
        [words("Upheld in whole or in part"), _pct(upheld if decided else None)],
        [words("Complaints offered a remedy"), r.remedies.with_remedy],
        [words("Reopened (of closed)"), _pct(k.reopen_rate)],
        [
            words("Appealed (of decisions that could be appealed)"),
            _pct(r.appeals.rate),
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


@functools.lru_cache(maxsize=8)
def _environment(
    locale: str, locale_dirs: tuple[Path, ...]
) -> tuple[jinja2.Environment, _Words]:
    require_report_extra()
    import jinja2  # noqa: PLC0415 - optional, the ``report`` extra

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("iso10002.analysis", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    catalogue = translations(locale, locale_dirs)
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]

    def human(code: str) -> str:
        return human_label(code, locale, locale_dirs=locale_dirs)

    words = _Words(catalogue, human)
    env.filters.update(
        human=human,
        pct=_pct,
        num=functools.partial(_num, words=words),
        name=words.name,
    )
    env.globals["lang"] = locale.replace("_", "-")
    return env, words


def render_html(
    review: ManagementReview,
    *,
    locale: str = "en",
    locale_dirs: Sequence[str | Path] = (),
) -> str:
    """Render the review as one HTML page with inline CSS and SVG charts.

    The page loads nothing: no script, font, stylesheet or image from
    elsewhere. It opens with an executive summary; every ranked table shows
    its largest rows and one row for the rest; codes read as words. In print,
    navigation is hidden, each chart stays whole with its title above it and
    long tables repeat their headers on every page.

    Headings, table headers, sentences and the labels of codes (outcomes,
    principles, severities, channels, remedies, statuses, run rules) come
    from the catalogues the letters use (:mod:`iso10002.labels`), in
    ``locale``, and so do the executive summary's sentences when they are
    the review's own. The evidence checks' descriptions, the
    self-assessment's requirements and the words inside the charts are
    English.

    Args:
        review: The review (see :func:`build_management_review`).
        locale: The reader's locale, e.g. ``fr`` (English by default).
        locale_dirs: The host's catalogue folders, searched first.

    Returns:
        The HTML document.

    Raises:
        ValidationError: if ``review`` is not a :class:`ManagementReview`, or
            naming ``locale`` or ``locale_dirs``.
        ImportError: naming the ``report`` extra when matplotlib or Jinja2
            is not installed.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Drawn by matplotlib and laid out by Jinja2 (the ``report`` extra);
       ``locale`` and ``locale_dirs``.
    """
    if not isinstance(review, ManagementReview):
        raise ValidationError.single("review", "must be a ManagementReview")
    name = check_locale(locale)
    if isinstance(locale_dirs, (str, Path)):
        raise ValidationError.single("locale_dirs", "must be a list of folders")
    env, words = _environment(name, tuple(Path(d) for d in locale_dirs))
    template = env.get_template("review.html.j2")
    return template.render(_context(review, words))
