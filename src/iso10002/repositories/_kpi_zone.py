"""Local days in SQL: a time zone as UTC-offset segments over the stored instants.

SQL adapters cannot ask Python's ``zoneinfo`` for the local date of each row,
so the offsets the zone uses over the range of stored instants are found here
(sampled at every UTC midnight, each change bisected to the microsecond) and
written into the statement as a ``CASE`` over the instant. A zone that
changed its offset twice within one UTC day and back again would be missed;
no zone in the tz database does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timezone, tzinfo
from itertools import pairwise

from iso10002.repositories._query import from_micros

__all__ = ["DAY_US", "MAX_DAYS", "day_sql", "is_fixed", "offset_segments"]

DAY_US = 86_400_000_000
"""Microseconds in a day."""

MAX_DAYS = 400_000
"""Most days of stored instants a zone is resolved over (else push-down declines)."""

_TO_ORDINAL = 62_135_596_800_000_000  # 0001-01-01 to 1970-01-01 in microseconds
_FIXED = frozenset({"UTC", "Etc/UTC"})


def _offset_of(zone: tzinfo) -> Callable[[int], int]:
    def offset(micros: int) -> int:
        delta = from_micros(micros).astimezone(zone).utcoffset()
        if delta is None:
            msg = "zone gives no UTC offset"
            raise ValueError(msg)
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds

    return offset


def is_fixed(zone: tzinfo) -> bool:
    """Tell whether ``zone`` is known to keep one UTC offset for ever."""
    return isinstance(zone, timezone) or getattr(zone, "key", None) in _FIXED


def offset_segments(
    zone: tzinfo, low: int | None, high: int | None
) -> list[tuple[int, int]] | None:
    """Return ``[(from_us, offset_us), …]`` covering every instant in ``[low, high]``.

    The first segment also covers everything before ``low``; each later one
    starts at its ``from_us``. ``low``/``high`` of ``None`` mean no instants.

    Returns:
        The segments, or ``None`` if the zone cannot be resolved exactly
        (out-of-range dates, a range too long, a zone without offsets).
    """
    offset = _offset_of(zone)
    try:
        if is_fixed(zone) or low is None or high is None:
            return [(0, offset(0))]
        if (high - low) // DAY_US > MAX_DAYS:
            return None
        start = (low // DAY_US - 1) * DAY_US
        previous = offset(start)
        segments = [(start, previous)]
        for day in range(low // DAY_US, high // DAY_US + 2):
            moment = day * DAY_US
            current = offset(moment)
            if current != previous:
                before, after = moment - DAY_US, moment
                while after - before > 1:  # the first instant with the new offset
                    middle = (before + after) // 2
                    if offset(middle) == current:
                        after = middle
                    else:
                        before = middle
                segments.append((after, current))
                previous = current
    except (OverflowError, ValueError):
        return None
    return segments


def day_sql(column: str, segments: list[tuple[int, int]]) -> str:
    """Return SQL giving the proleptic ordinal of the local day of ``column``.

    ``column`` holds UTC microseconds; integer literals only, so the text is
    the same for SQLite and PostgreSQL.
    """
    if len(segments) == 1:
        shift = str(int(segments[0][1]))
    else:
        cases = " ".join(
            f"WHEN {column} < {int(start)} THEN {int(previous[1])}"
            for previous, (start, _) in pairwise(segments)
        )
        shift = f"CASE {cases} ELSE {int(segments[-1][1])} END"
    return f"(({column} + {shift} + {_TO_ORDINAL}) / {DAY_US} + 1)"
