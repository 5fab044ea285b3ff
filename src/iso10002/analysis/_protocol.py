"""The optional analytics port: storage adapters that compute KPIs in SQL."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, runtime_checkable

from iso10002.analysis._calendar import DayCalendar
from iso10002.analysis._kpis import KpiSpec, compute_kpis
from iso10002.analysis._results import KpiReport
from iso10002.errors import ValidationError
from iso10002.model import Complaint

__all__ = ["KpiPushDown", "kpis_from"]


@runtime_checkable
class KpiPushDown(Protocol):
    """A store that can compute :class:`KpiReport` itself (SQL push-down).

    An adapter implements ``analytics_kpis`` when it can answer a spec without
    loading complaints into Python. It must return exactly what
    :func:`compute_kpis` returns over the same complaints (percentiles are
    nearest-rank, as SQL ``percentile_disc``), or ``None`` when it cannot
    answer this spec (e.g. a calendar it cannot express in SQL), in which case
    the caller streams the complaints instead.

    .. versionadded:: 0.1.0
    """

    def analytics_kpis(
        self, spec: KpiSpec, calendar: DayCalendar | None
    ) -> KpiReport | None:
        """Return the KPIs for ``spec``, or ``None`` to make the caller stream."""
        ...


def kpis_from(
    source: object,
    spec: KpiSpec,
    *,
    calendar: DayCalendar | None = None,
    fallback: Callable[[], Iterable[Complaint]] | None = None,
) -> KpiReport:
    """Compute KPIs by push-down when ``source`` offers it, else by streaming.

    Args:
        source: A :class:`KpiPushDown` store, or an iterable of complaints.
        spec: What to compute.
        calendar: Business calendar (weekdays in UTC when ``None``).
        fallback: Gives the complaints to stream when push-down declines
            (``source`` itself is streamed when it is iterable).

    Returns:
        The report.

    Raises:
        ValidationError: if push-down declines and there is nothing to stream.
        IntegrityError: from either path, for a stored complaint that cannot
            be read (push-down names it as streaming would).

    .. versionadded:: 0.1.0
    """
    if isinstance(source, KpiPushDown):
        report = source.analytics_kpis(spec, calendar)
        if report is not None:
            return report
    if fallback is not None:
        return compute_kpis(fallback(), spec, calendar=calendar)
    if isinstance(source, Iterable):
        return compute_kpis(source, spec, calendar=calendar)
    raise ValidationError.single(
        "source", "must support analytics push-down or be an iterable of complaints"
    )
