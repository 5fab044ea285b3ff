"""Durations (time to acknowledge, to final response) counted by SQL.

Nearest-rank percentiles are read with ``ORDER BY … LIMIT 1 OFFSET k``;
business days are counted in Python over the distinct (day of receipt, day of
event) pairs, so any business calendar works.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, Protocol

from iso10002.calendars import DayCounter

if TYPE_CHECKING:
    from iso10002.analysis.pushdown import DurationStats
    from iso10002.repositories._kpi_pushdown import Execute

__all__ = ["DurationQueries", "durations"]


class DurationQueries(Protocol):
    """The two statements a duration needs (see ``_kpi_pushdown._Query``)."""

    def pairs(self, column: str) -> str:
        """Count rows per (day of receipt, day of ``column``)."""
        ...

    def nth(self, column: str, offset: int) -> str:
        """Read the ``offset``-th smallest duration to ``column``."""
        ...


def _rank(count: int, fraction: float) -> int:
    return max(1, math.ceil(fraction * count - 1e-9))


def durations(
    execute: Execute, q: DurationQueries, column: str, days: DayCounter
) -> DurationStats:
    """Return the duration statistics of ``column`` (an instant) since receipt."""
    from iso10002.analysis.pushdown import DurationStats  # noqa: PLC0415 - lazily

    counts: Counter[int] = Counter()
    longest = 0
    for received_day, event_day, n, most in execute(q.pairs(column)):
        start, end = days.upto(int(received_day)), days.upto(int(event_day))
        counts[end - start if end > start else 0] += int(n)
        longest = max(longest, int(most))
    total = sum(counts.values())
    if not total:
        return DurationStats(
            count=0,
            median_hours=None,
            p90_hours=None,
            max_hours=None,
            median_business_days=None,
            p90_business_days=None,
            max_business_days=None,
        )

    def hours(fraction: float) -> float:
        (row,) = execute(q.nth(column, _rank(total, fraction) - 1))
        return int(row[0]) / 10**6 / 3600

    def business(fraction: float) -> int:
        rank, seen = _rank(total, fraction), 0
        for value in sorted(counts):
            seen += counts[value]
            if seen >= rank:
                return value
        return max(counts)  # pragma: no cover - the ranks are within total

    return DurationStats(
        count=total,
        median_hours=hours(0.5),
        p90_hours=hours(0.9),
        max_hours=longest / 10**6 / 3600,
        median_business_days=business(0.5),
        p90_business_days=business(0.9),
        max_business_days=max(counts),
    )
