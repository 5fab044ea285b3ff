"""Reporting periods and the granularity of period series."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.validators import aware, text, to_utc

__all__ = [
    "Granularity",
    "Period",
    "granularity_for",
    "period_label",
    "period_labels",
]

_OCTOBER = 10
_DECEMBER = 12


class Granularity(str, enum.Enum):
    """How finely a period series is cut.

    .. versionadded:: 0.1.0
    """

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


def period_label(day: date, granularity: Granularity) -> str:
    """Name the period of ``granularity`` that contains the local day ``day``.

    Labels sort in time order: ``2026-03-06``, ``2026-W10`` (ISO week),
    ``2026-03``, ``2026-Q1``, ``2026-H1``, ``2026``.

    Args:
        day: A local calendar day.
        granularity: The period length.

    Returns:
        The period's label.

    .. versionadded:: 0.1.0
    """
    if granularity is Granularity.DAY:
        return day.isoformat()
    if granularity is Granularity.WEEK:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if granularity is Granularity.MONTH:
        return f"{day.year}-{day.month:02d}"
    if granularity is Granularity.QUARTER:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if granularity is Granularity.HALF:
        return f"{day.year}-H{1 if day.month <= 6 else 2}"  # noqa: PLR2004 - June
    return str(day.year)


_LABEL = re.compile(
    r"(?P<year>\d{4})(?:-(?:H(?P<half>[12])|Q(?P<quarter>[1-4])|W(?P<week>\d{2})"
    r"|(?P<month>\d{2})(?:-(?P<day>\d{2}))?))?"
)


def _bounds(label: str) -> tuple[date, date]:
    match = _LABEL.fullmatch(label)
    if match is None:
        raise ValidationError.single(
            "period",
            "must look like 2026, 2026-H1, 2026-Q2, 2026-W09, 2026-03 or 2026-03-06",
        )
    year = int(match["year"])
    try:
        if match["half"]:
            first = date(year, 1 if match["half"] == "1" else 7, 1)
            return first, date(
                year + (match["half"] == "2"), 7 if first.month == 1 else 1, 1
            )
        if match["quarter"]:
            month = (int(match["quarter"]) - 1) * 3 + 1
            first = date(year, month, 1)
            return first, (
                date(year + 1, 1, 1) if month == _OCTOBER else date(year, month + 3, 1)
            )
        if match["week"]:
            first = date.fromisocalendar(year, int(match["week"]), 1)
            return first, first + timedelta(days=7)
        if match["day"]:
            first = date(year, int(match["month"]), int(match["day"]))
            return first, first + timedelta(days=1)
        if match["month"]:
            month = int(match["month"])
            first = date(year, month, 1)
            return first, (
                date(year + 1, 1, 1) if month == _DECEMBER else date(year, month + 1, 1)
            )
        return date(year, 1, 1), date(year + 1, 1, 1)
    except (ValueError, OverflowError):
        # Year 0000, month 13 …, or a period ending after 9999-12-31.
        raise ValidationError.single(
            "period",
            f"{label!r} is not a real period (periods end by the close of 9999-12-31)",
        ) from None


def _after_start(inst: Period, attribute: attrs.Attribute[Any], value: Any) -> None:
    aware(inst, attribute, value)
    if value <= inst.start:
        raise ValidationError.single(attribute.name, "must be later than start")


@attrs.frozen(kw_only=True)
class Period:
    """A reporting period: from ``start`` (included) to ``end`` (excluded).

    Instants are stored in UTC; :meth:`parse` places the boundaries at local
    midnight in the zone given, so a complaint received at 23:30 UTC on
    30 June counts in July for an organisation on British Summer Time.

    Args:
        label: A name for people, e.g. ``2026-H1``.
        start: The first instant of the period (timezone-aware).
        end: The first instant after the period (timezone-aware, after ``start``).

    Raises:
        ValidationError: for a naive instant or an empty period.

    .. versionadded:: 0.1.0
    """

    label: str = attrs.field(validator=text(max_length=100))
    start: datetime = attrs.field(converter=to_utc, validator=aware)
    end: datetime = attrs.field(converter=to_utc, validator=_after_start)

    @classmethod
    def parse(cls, label: str, zone: tzinfo = timezone.utc) -> Period:
        """Build the period named ``label`` with boundaries at local midnight.

        Args:
            label: ``2026``, ``2026-H1``, ``2026-Q2``, ``2026-W09``, ``2026-03``
                or ``2026-03-06``.
            zone: The zone whose midnights bound the period.

        Returns:
            The period.

        Raises:
            ValidationError: if ``label`` names no period.
        """
        if not isinstance(label, str):
            raise ValidationError.single("period", "must be a string")
        first, after = _bounds(label)
        return cls(
            label=label,
            start=datetime(first.year, first.month, first.day, tzinfo=zone),
            end=datetime(after.year, after.month, after.day, tzinfo=zone),
        )

    def __contains__(self, at: object) -> bool:
        """Tell whether the instant ``at`` falls within the period."""
        return isinstance(at, datetime) and self.start <= at < self.end


_DAYS_FOR_DAY = 35
_DAYS_FOR_WEEK = 190
_DAYS_FOR_MONTH = 6 * 366


def granularity_for(start: date, end: date) -> Granularity:
    """Choose the period length that suits a time range on a chart.

    Days up to five weeks, weeks up to half a year (a quarter shows its 13 or
    14 weeks), months up to six years, quarters beyond: between about 13 and
    72 points, which a person can read on one chart.

    Args:
        start: The first day of the range.
        end: The day after the range (later than ``start``).

    Returns:
        The granularity.

    Raises:
        ValidationError: if ``end`` is not later than ``start``.

    .. versionadded:: 0.2.0
    """
    if not isinstance(start, date) or not isinstance(end, date) or end <= start:
        raise ValidationError.single("end", "must be a date later than start")
    days = (end - start).days
    if days <= _DAYS_FOR_DAY:
        return Granularity.DAY
    if days <= _DAYS_FOR_WEEK:
        return Granularity.WEEK
    if days <= _DAYS_FOR_MONTH:
        return Granularity.MONTH
    return Granularity.QUARTER


def period_labels(start: date, end: date, granularity: Granularity) -> tuple[str, ...]:
    """Name every period of ``granularity`` that overlaps the days ``[start, end)``.

    A series built on these labels has a point for every period, including
    those in which nothing happened: a month without complaints is a zero,
    not a missing month.

    Args:
        start: The first local day.
        end: The local day after the last (nothing when not after ``start``).
        granularity: The period length.

    Returns:
        The labels, oldest first.

    .. versionadded:: 0.2.0
    """
    granularity = Granularity(granularity)
    labels = []
    day = start
    while day < end:
        label = period_label(day, granularity)
        labels.append(label)
        day = _bounds(label)[1]
    return tuple(labels)


def series_labels(
    present: Iterable[str],
    period: Period | None,
    as_of: datetime,
    zone: tzinfo,
    granularity: Granularity,
) -> list[str]:
    """Name every period from the range's start to ``as_of``, those seen included.

    The range is ``period`` when given, else from the first period seen; it
    ends at ``as_of`` (periods after it have not happened yet).
    """
    seen = set(present)
    if period is not None:
        first = period.start.astimezone(zone).date()
        last = min(period.end, as_of)
    elif seen:
        first = _bounds(min(seen))[0]
        last = as_of
    else:
        return []
    end = (last - timedelta(microseconds=1)).astimezone(zone).date() + timedelta(1)
    return sorted(seen.union(period_labels(first, end, granularity)))
