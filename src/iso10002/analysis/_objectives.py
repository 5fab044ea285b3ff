"""Objectives measured against KPIs, and improvement actions (6.2, 8.7)."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import attrs

from iso10002.analysis._results import KpiReport
from iso10002.errors import ValidationError
from iso10002.validators import instance_of, optional, text

__all__ = [
    "KPI_METRICS",
    "ActionStatus",
    "Direction",
    "ImprovementAction",
    "Objective",
    "ObjectiveResult",
    "evaluate_objectives",
]


def _deadline_share(report: KpiReport) -> float | None:
    met = sum(d.met for d in report.deadlines)
    resolved = met + sum(d.missed for d in report.deadlines)
    return met / resolved if resolved else None


def _over(report: KpiReport) -> float:
    return float(report.backlog.buckets[-1].count)


KPI_METRICS: dict[str, tuple[str, Callable[[KpiReport], float | None]]] = {
    "appeal_rate": (
        "Share of decisions the complainant rejected",
        lambda r: r.appeal_rate,
    ),
    "backlog_open": ("Complaints open", lambda r: float(r.backlog.open)),
    "backlog_oldest_bucket": ("Complaints open longer than the last age bound", _over),
    "deadline_met_share": ("Share of deadlines met", _deadline_share),
    "median_hours_to_acknowledge": (
        "Median hours to acknowledge",
        lambda r: r.time_to_acknowledge.median_hours,
    ),
    "median_hours_to_final_response": (
        "Median hours to final response",
        lambda r: r.time_to_final_response.median_hours,
    ),
    "p90_hours_to_acknowledge": (
        "90th percentile hours to acknowledge",
        lambda r: r.time_to_acknowledge.p90_hours,
    ),
    "p90_hours_to_final_response": (
        "90th percentile hours to final response",
        lambda r: r.time_to_final_response.p90_hours,
    ),
    "reopen_rate": ("Share of closed complaints reopened", lambda r: r.reopen_rate),
    "satisfaction_mean": ("Mean satisfaction (1-5)", lambda r: r.satisfaction.mean),
    "satisfaction_response_rate": (
        "Satisfaction survey response rate",
        lambda r: r.satisfaction.response_rate,
    ),
    "upheld_rate": (
        "Share of decided complaints upheld",
        lambda r: r.outcomes.upheld_rate,
    ),
}
"""Metric name → (description, how to read it from a :class:`KpiReport`)."""


class Direction(str, enum.Enum):
    """Whether an objective is met at or above, or at or below, its target.

    .. versionadded:: 0.1.0
    """

    AT_LEAST = "at_least"
    AT_MOST = "at_most"


def _metric(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in KPI_METRICS:
        raise ValidationError.single(
            attribute.name, f"must be one of {sorted(KPI_METRICS)}, not {value!r}"
        )


def _number(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError.single(attribute.name, "must be a number")


@attrs.frozen(kw_only=True)
class Objective:
    """A measurable objective for complaints handling (ISO 10002 6.2).

    Args:
        metric: A name from :data:`KPI_METRICS`, e.g. ``median_hours_to_acknowledge``.
        target: The value to reach.
        direction: ``at_least`` or ``at_most``.
        label: How people call it (the metric's description by default).

    Raises:
        ValidationError: for an unknown metric or a non-numeric target.

    .. versionadded:: 0.1.0
    """

    metric: str = attrs.field(validator=_metric)
    target: float = attrs.field(validator=_number)
    direction: Direction = attrs.field(default=Direction.AT_MOST, converter=Direction)
    label: str = attrs.field(default="", validator=text(allow_empty=True))


@attrs.frozen(kw_only=True)
class ObjectiveResult:
    """An objective with its measured value; ``met`` is ``None`` if unmeasured.

    .. versionadded:: 0.1.0
    """

    metric: str
    label: str
    target: float
    direction: Direction
    actual: float | None
    met: bool | None


def evaluate_objectives(
    report: KpiReport, objectives: Iterable[Objective]
) -> tuple[ObjectiveResult, ...]:
    """Measure each objective against a KPI report.

    Args:
        report: The KPIs.
        objectives: The organisation's objectives.

    Returns:
        One result per objective, in the order given.

    Raises:
        ValidationError: if an item is not an :class:`Objective`.

    .. versionadded:: 0.1.0
    """
    results = []
    for i, objective in enumerate(objectives):
        if not isinstance(objective, Objective):
            raise ValidationError.single(f"objectives[{i}]", "must be an Objective")
        description, read = KPI_METRICS[objective.metric]
        actual = read(report)
        met = (
            None
            if actual is None
            else (
                actual >= objective.target
                if objective.direction is Direction.AT_LEAST
                else actual <= objective.target
            )
        )
        results.append(
            ObjectiveResult(
                metric=objective.metric,
                label=objective.label or description,
                target=float(objective.target),
                direction=objective.direction,
                actual=actual,
                met=met,
            )
        )
    return tuple(results)


class ActionStatus(str, enum.Enum):
    """Where an improvement action stands.

    .. versionadded:: 0.1.0
    """

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


@attrs.frozen(kw_only=True)
class ImprovementAction:
    """A corrective or improvement action the organisation tracks (ISO 10002 8.7).

    Args:
        id: The organisation's reference for it.
        title: What is being done.
        owner: Who is accountable (a role or team).
        status: Open, in progress or done.
        due: When it is due.
        cause: The root cause or category it addresses.

    .. versionadded:: 0.1.0
    """

    id: str = attrs.field(validator=text(max_length=64))
    title: str = attrs.field(validator=text())
    owner: str = attrs.field(validator=text(max_length=200))
    status: ActionStatus = attrs.field(
        default=ActionStatus.OPEN, converter=ActionStatus
    )
    due: date | None = attrs.field(default=None, validator=optional(instance_of(date)))
    cause: str | None = attrs.field(
        default=None, validator=optional(text(max_length=100))
    )
