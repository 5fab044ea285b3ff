"""The text summary ``iso10002 report`` prints without ``--html`` or ``--json``."""

from __future__ import annotations

from datetime import datetime, timedelta

from iso10002.analysis import KpiReport, KpiSpec
from iso10002.analysis.pushdown import provenance_from
from iso10002.analysis.review import Direction, ObjectiveResult
from iso10002.cli._analysis import stream, through
from iso10002.interchange import imported_share
from iso10002.repositories import ComplaintRepository, Query

__all__ = ["in_period", "summary_of"]

_TOP = 3


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _hours(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f} h"


def _days(value: float | None, business: int | None) -> str:
    if value is None:
        return "-"
    return f"{value / 24:,.1f} d ({business} business)"


def _when(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"


def _target(result: ObjectiveResult) -> str:
    sign = ">=" if result.direction is Direction.AT_LEAST else "<="
    return f"{sign} {result.target:g}"


def _objective_line(result: ObjectiveResult) -> str:
    mark = {True: "met", False: "missed", None: "no data"}[result.met]
    actual = "-" if result.actual is None else f"{result.actual:.4g}"
    return f"  {'[' + mark + ']':<9} {result.label} {_target(result)}: {actual}"


def in_period(spec: KpiSpec) -> Query:
    """Return the query of the complaints the KPIs count as received."""
    if spec.period is None:
        return through(spec.as_of)
    end = min(spec.period.end, spec.as_of + timedelta(microseconds=1))
    return Query(received_from=spec.period.start, received_before=end)


def _summary(
    kpis: KpiReport, results: tuple[ObjectiveResult, ...], *, defaults: bool
) -> list[str]:
    """Describe the KPIs in a dozen lines of text."""
    where = kpis.period or "all complaints"
    deadlines = ", ".join(
        f"{d.step} {_pct(d.met_share)} ({d.missed:,} missed)" for d in kpis.deadlines
    )
    top = sorted(kpis.volumes.by_category.items(), key=lambda kv: (-kv[1], kv[0]))
    sat = kpis.satisfaction
    redress = ", ".join(f"{c} {v:,.2f}" for c, v in kpis.redress.totals.items())
    ack, final = kpis.time_to_acknowledge, kpis.time_to_final_response
    lines = [
        (
            f"KPIs for {where}, as of {_when(kpis.as_of)}: "
            f"{kpis.complaints:,} complaints received"
        ),
        (
            f"  closed:          {kpis.closed:,} (reopened {_pct(kpis.reopen_rate)}, "
            f"appealed {_pct(kpis.appeal_rate)} of {kpis.appealable:,} decisions "
            "open to appeal)"
        ),
        f"  open at as-of:   {kpis.backlog.open:,} ("
        + ", ".join(f"{b.label}: {b.count:,}" for b in kpis.backlog.buckets)
        + ")",
        (
            f"  acknowledge:     median {_hours(ack.median_hours)}, "
            f"p90 {_hours(ack.p90_hours)} ({ack.count:,} acknowledged)"
        ),
        (
            "  final response:  median "
            f"{_days(final.median_hours, final.median_business_days)}, "
            f"p90 {_days(final.p90_hours, final.p90_business_days)} "
            f"({final.count:,} responses)"
        ),
        f"  deadlines met:   {deadlines or '-'}",
        (
            f"  outcomes:        upheld {_pct(kpis.outcomes.upheld_rate)}, partly "
            f"upheld {_pct(kpis.outcomes.partly_upheld_rate)} of "
            f"{kpis.outcomes.decided:,} decided"
        ),
        f"  redress offered: {redress or '-'}",
        (
            f"  satisfaction:    mean {'-' if sat.mean is None else f'{sat.mean:.1f}'} "
            f"of 5 from {sat.responses:,} replies "
            f"({_pct(sat.response_rate)} response rate)"
        ),
        "  top categories:  "
        + (", ".join(f"{name} {n:,}" for name, n in top[:_TOP]) or "-"),
    ]
    if results:
        source = "defaults; set your own in --organisation" if defaults else "yours"
        lines.append(f"Objectives ({source}):")
        lines += [_objective_line(r) for r in results]
    lines.append("The full pack: --html FILE (printable page) or --json FILE.")
    return lines


def summary_of(
    repository: ComplaintRepository,
    kpis: KpiReport,
    spec: KpiSpec,
    results: tuple[ObjectiveResult, ...],
    *,
    defaults: bool,
) -> str:
    """Return the text summary, with the share of imported complaints."""
    lines = _summary(kpis, results, defaults=defaults)
    instant, reporting = spec.as_of, spec.period
    share = provenance_from(repository, instant, period=reporting) or imported_share(
        stream(repository, in_period(spec), desc="provenance")
    )
    if share.any:
        at = next(
            (i for i, x in enumerate(lines) if x.startswith("Objectives")),
            len(lines),
        )
        lines.insert(at, f"  assumptions:     {share.describe()}")
    return "\n".join(lines)
