"""The review page's words in one locale: messages, units, chart titles, numbers.

The page says what the review built (chart titles, metric descriptions,
backlog age buckets, period units) in the reader's words, from the
catalogues the letters use (:mod:`iso10002.labels`); codes read as words
through :func:`~iso10002.analysis.review.human_label`.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable

__all__ = ["PageWords", "num", "pct"]


def _n(message: str) -> str:
    """Mark ``message`` for the catalogue; it is translated where it is shown."""
    return message


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


class PageWords:
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


def pct(value: float | None) -> str:
    return "\u2013" if value is None else f"{value:.1%}"


def num(value: object, words: PageWords | None = None) -> str:
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
