"""What ``report``, ``audit`` and ``return`` share: calendar, instant, complaints.

The business calendar, the instant the figures describe, the stream of
complaints read page by page, and the objectives measured by default. The
options they share are in ``_options``, the files they read in ``_inputs`` and
where they write in ``_output``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone, tzinfo

from tqdm import tqdm

from iso10002.analysis import KpiReport, KpiSpec, Period, kpis_from
from iso10002.analysis.kpis import DayCalendar
from iso10002.analysis.review import Direction, Objective
from iso10002.cli._errors import CliError
from iso10002.cli._options import usage_error
from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.repositories import ComplaintRepository, Query, iter_complaints

__all__ = [
    "DEFAULT_OBJECTIVES",
    "calendar_for",
    "parse_period",
    "resolve_as_of",
    "store_kpis",
    "stream",
    "through",
]

DEFAULT_OBJECTIVES: tuple[Objective, ...] = (
    Objective(
        metric="deadline_met_share",
        target=0.95,
        direction=Direction.AT_LEAST,
        label="Share of deadlines met (default objective)",
    ),
    Objective(
        metric="median_hours_to_acknowledge",
        target=24,
        direction=Direction.AT_MOST,
        label="Median hours to acknowledge (default objective)",
    ),
    Objective(
        metric="reopen_rate",
        target=0.05,
        direction=Direction.AT_MOST,
        label="Share of closed complaints reopened (default objective)",
    ),
    Objective(
        metric="satisfaction_mean",
        target=3.5,
        direction=Direction.AT_LEAST,
        label="Mean satisfaction, 1 to 5 (default objective)",
    ),
)
"""Objectives measured when the organisation's records set none."""

_PAGE = 1000
_JUST_AFTER = timedelta(microseconds=1)


def calendar_for(zone: str, region: str | None) -> DayCalendar:
    """Build the business calendar: weekdays in ``zone``, minus ``region``'s holidays.

    Raises:
        CliError: if ``--holidays`` is given without the ``holidays`` package.
        click.BadParameter: for an unknown region.
    """
    from iso10002.calendars import WeekdayCalendar  # noqa: PLC0415 - only when used

    if region is None:
        return WeekdayCalendar(zone=zone)
    try:
        from iso10002.calendars.holidays import HolidaysCalendar  # noqa: PLC0415
    except ImportError:
        msg = "--holidays needs the 'holidays' extra: pip install 'iso10002[holidays]'"
        raise CliError(msg) from None
    try:
        return HolidaysCalendar(region, zone=zone)
    except ValidationError as exc:
        raise usage_error("--holidays", exc.problems[0][1]) from None


def parse_period(label: str | None, zone: tzinfo) -> Period | None:
    """Return the period named ``label`` with boundaries at midnight in ``zone``."""
    return None if label is None else Period.parse(label, zone)


def _instant(text: str, zone: tzinfo) -> datetime:
    value = text.strip()
    try:
        if len(value) == len("2026-01-01"):
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=zone)
        if value.endswith(("Z", "z")):  # Python 3.10 reads no "Z"
            value = value[:-1] + "+00:00"
        at = datetime.fromisoformat(value)
    except ValueError:
        msg = "must be a date (2026-01-01) or an ISO datetime (2026-01-01T09:00+00:00)"
        raise usage_error("--as-of", msg) from None
    return at if at.utcoffset() is not None else at.replace(tzinfo=zone)


def resolve_as_of(
    text: str | None,
    period: Period | None,
    zone: tzinfo,
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> datetime:
    """Return the instant the figures describe (see ``--as-of``).

    Raises:
        click.BadParameter: for an unreadable instant or one before the period.
    """
    if text is not None:
        at = _instant(text, zone).astimezone(timezone.utc)
        if period is not None and at <= period.start:
            msg = f"is not after the start of period {period.label}"
            raise usage_error("--as-of", msg)
        return at
    current = now()
    if period is not None and period.end <= current:
        return period.end
    return current


def through(as_of: datetime) -> Query:
    """Return the query of every complaint received by ``as_of`` (included)."""
    return Query(received_before=as_of + _JUST_AFTER)


def stream(
    repository: ComplaintRepository, query: Query, *, desc: str
) -> Iterator[Complaint]:
    """Yield the complaints matching ``query`` page by page, oldest first.

    Holds one page at a time; a progress bar shows on stderr when it is a
    terminal.
    """
    total = repository.count(query)
    with tqdm(total=total, unit="complaint", desc=desc, disable=None) as bar:
        for complaint in iter_complaints(repository, query, page_size=_PAGE):
            yield complaint
            bar.update()


def store_kpis(
    repository: ComplaintRepository, spec: KpiSpec, calendar: DayCalendar
) -> KpiReport:
    """Compute the KPIs in SQL when the store can, else by streaming to ``as_of``."""
    return kpis_from(
        repository,
        spec,
        calendar=calendar,
        fallback=lambda: stream(repository, through(spec.as_of), desc="kpis"),
    )
