"""Control charts (p, c, u) and the standard run rules that flag special causes."""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence

import attrs

from iso10002.errors import ValidationError

__all__ = [
    "ChartKind",
    "ChartPoint",
    "ControlChart",
    "RunRule",
    "Signal",
    "c_chart",
    "find_signals",
    "p_chart",
    "u_chart",
]


class ChartKind(str, enum.Enum):
    """Which control chart: p (proportions), c (counts), u (counts per unit).

    .. versionadded:: 0.1.0
    """

    P = "p"
    C = "c"
    U = "u"


class RunRule(str, enum.Enum):
    """The run rules checked (Western Electric rules plus two of Nelson's).

    * ``beyond_3_sigma``: one point outside the control limits.
    * ``two_of_three_beyond_2_sigma``: 2 of 3 points beyond 2 sigma, same side.
    * ``four_of_five_beyond_1_sigma``: 4 of 5 points beyond 1 sigma, same side.
    * ``eight_on_one_side``: 8 consecutive points on one side of the centre line.
    * ``six_trending``: 6 consecutive points steadily rising or falling.
    * ``fourteen_alternating``: 14 consecutive points alternating up and down.

    .. versionadded:: 0.1.0
    """

    BEYOND_3_SIGMA = "beyond_3_sigma"
    TWO_OF_THREE_BEYOND_2_SIGMA = "two_of_three_beyond_2_sigma"
    FOUR_OF_FIVE_BEYOND_1_SIGMA = "four_of_five_beyond_1_sigma"
    EIGHT_ON_ONE_SIDE = "eight_on_one_side"
    SIX_TRENDING = "six_trending"
    FOURTEEN_ALTERNATING = "fourteen_alternating"


@attrs.frozen(kw_only=True)
class ChartPoint:
    """One period on a control chart.

    ``z`` is the point's distance from the centre line in sigmas (0 when sigma is 0).
    ``value`` is ``None`` for a gap: a proportion over no items (``size`` 0),
    which is unknown rather than 0 %.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``value`` is ``None`` for a p-chart period with ``n = 0``.
    """

    label: str
    value: float | None
    size: float
    sigma: float
    lower: float
    upper: float
    z: float


@attrs.frozen(kw_only=True)
class Signal:
    """A special-cause signal: the rule and the points that form it.

    ``label`` names the point that completes the pattern.

    .. versionadded:: 0.1.0
    """

    rule: RunRule
    label: str
    indices: tuple[int, ...]


@attrs.frozen(kw_only=True)
class ControlChart:
    """A control chart with its centre line, per-point limits and signals.

    .. versionadded:: 0.1.0
    """

    kind: ChartKind
    title: str
    centre: float
    points: tuple[ChartPoint, ...]
    signals: tuple[Signal, ...]

    @property
    def flagged(self) -> tuple[int, ...]:
        """Return the indices of the points that complete a signal, in order.

        .. versionadded:: 0.2.0
        """
        return tuple(sorted({s.indices[-1] for s in self.signals}))

    @property
    def unstable(self) -> bool:
        """Tell whether most plotted points signal (the process is not stable).

        When more than half of the points that are not gaps complete a signal,
        the limits describe no common-cause system: the series is not
        homogeneous (a trend, a change of definition, a mix of processes), and
        one statement says so better than a ring around every point.

        .. versionadded:: 0.2.0
        """
        plotted = sum(p.value is not None for p in self.points)
        return plotted > 0 and len(self.flagged) * 2 > plotted


def _same_side_beyond(  # noqa: PLR0913, PLR0917 - one rule's parameters
    zs: Sequence[float],
    window: int,
    needed: int,
    limit: float,
    rule: RunRule,
    labels: Sequence[str],
) -> list[Signal]:
    found = []
    for end in range(window - 1, len(zs)):
        span = range(end - window + 1, end + 1)
        if abs(zs[end]) <= limit:
            continue
        side = 1 if zs[end] > 0 else -1
        hits = tuple(i for i in span if zs[i] * side > limit)
        if len(hits) >= needed:
            found.append(Signal(rule=rule, label=labels[end], indices=hits))
    return found


def _runs(
    values: Sequence[float], zs: Sequence[float], labels: Sequence[str]
) -> list[Signal]:
    found = []
    side_run = 0
    side = 0
    trend_run = 1
    trend = 0
    alt_run = 1
    last_step = 0
    for i, z in enumerate(zs):
        current = (z > 0) - (z < 0)
        side_run = (
            side_run + 1 if current and current == side else (1 if current else 0)
        )
        side = current
        if side_run >= 8:  # noqa: PLR2004 - the rule's length
            found.append(
                Signal(
                    rule=RunRule.EIGHT_ON_ONE_SIDE,
                    label=labels[i],
                    indices=tuple(range(i - 7, i + 1)),
                )
            )
        if i == 0:
            continue
        step = (values[i] > values[i - 1]) - (values[i] < values[i - 1])
        trend_run = trend_run + 1 if step and step == trend else (2 if step else 1)
        trend = step
        if trend_run >= 6:  # noqa: PLR2004
            found.append(
                Signal(
                    rule=RunRule.SIX_TRENDING,
                    label=labels[i],
                    indices=tuple(range(i - 5, i + 1)),
                )
            )
        alt_run = alt_run + 1 if step and step == -last_step else (2 if step else 1)
        last_step = step
        if alt_run >= 14:  # noqa: PLR2004
            found.append(
                Signal(
                    rule=RunRule.FOURTEEN_ALTERNATING,
                    label=labels[i],
                    indices=tuple(range(i - 13, i + 1)),
                )
            )
    return found


def find_signals(points: Sequence[ChartPoint]) -> tuple[Signal, ...]:
    """Apply every :class:`RunRule` to a chart's points, in time order.

    A rule that keeps holding signals again at each further point (a run of
    10 on one side gives signals at points 8, 9 and 10).

    Args:
        points: The chart's points, oldest first.

    Returns:
        Signals sorted by point and rule.

    .. versionadded:: 0.1.0
    """
    # Gaps (no value) are skipped: the rules run over the points that exist,
    # and each signal names the indices of the original sequence.
    where = [i for i, p in enumerate(points) if p.value is not None]
    shown = [points[i] for i in where]
    values = [float(p.value) for p in shown if p.value is not None]
    zs = [p.z for p in shown]
    labels = [p.label for p in shown]
    found = [
        Signal(rule=RunRule.BEYOND_3_SIGMA, label=p.label, indices=(i,))
        for i, (p, v) in enumerate(zip(shown, values, strict=True))
        if p.size > 0 and (v > p.upper or v < p.lower)
    ]
    found += _same_side_beyond(
        zs, 3, 2, 2.0, RunRule.TWO_OF_THREE_BEYOND_2_SIGMA, labels
    )
    found += _same_side_beyond(
        zs, 5, 4, 1.0, RunRule.FOUR_OF_FIVE_BEYOND_1_SIGMA, labels
    )
    found += _runs(values, zs, labels)
    found = [attrs.evolve(s, indices=tuple(where[i] for i in s.indices)) for s in found]
    order = list(RunRule)
    return tuple(sorted(found, key=lambda s: (s.indices[-1], order.index(s.rule))))


def _point(  # noqa: PLR0913 - the point's coordinates
    label: str,
    value: float | None,
    size: float,
    centre: float,
    sigma: float,
    *,
    ceiling: float | None,
) -> ChartPoint:
    upper = centre + 3 * sigma
    return ChartPoint(
        label=label,
        value=value,
        size=size,
        sigma=sigma,
        lower=max(0.0, centre - 3 * sigma),
        upper=upper if ceiling is None else min(ceiling, upper),
        z=(value - centre) / sigma if sigma > 0 and value is not None else 0.0,
    )


def _check(field: str, rows: Sequence[tuple[object, ...]], width: int) -> None:
    if not rows:
        raise ValidationError.single(field, "must have at least one period")
    for i, row in enumerate(rows):
        if len(row) != width or not isinstance(row[0], str):
            raise ValidationError.single(
                f"{field}[{i}]", f"must be a ({width})-tuple with a label"
            )
        for number in row[1:]:
            if (
                isinstance(number, bool)
                or not isinstance(number, (int, float))
                or number < 0
                or not math.isfinite(number)
            ):
                raise ValidationError.single(
                    f"{field}[{i}]", "must hold non-negative numbers"
                )


def p_chart(title: str, rows: Sequence[tuple[str, int, int]]) -> ControlChart:
    """Build a p-chart: share of items with a property (upheld, breached) per period.

    The centre line is the pooled proportion ``sum(defects) / sum(sizes)``;
    each point's limits are ``p ± 3·sqrt(p(1 - p)/n)``, clipped to ``[0, 1]``.
    A period with ``n = 0`` is a gap (its value is ``None``): it stays on
    the time axis, is not drawn, and the run rules skip it.

    Args:
        title: The chart's title.
        rows: ``(label, defects, size)`` per period, oldest first.

    Returns:
        The chart with its signals.

    Raises:
        ValidationError: if there are no rows, or a count is negative or
            ``defects > size``.

    .. versionadded:: 0.1.0
    """
    _check("rows", rows, 3)
    for i, (_, defects, size) in enumerate(rows):
        if defects > size:
            raise ValidationError.single(
                f"rows[{i}]", "defects must not exceed the size"
            )
    total = sum(r[2] for r in rows)
    centre = sum(r[1] for r in rows) / total if total else 0.0
    points = tuple(
        _point(
            label,
            d / n if n else None,
            n,
            centre,
            math.sqrt(centre * (1 - centre) / n) if n else 0.0,
            ceiling=1.0,
        )
        for label, d, n in rows
    )
    return ControlChart(
        kind=ChartKind.P,
        title=title,
        centre=centre,
        points=points,
        signals=find_signals(points),
    )


def c_chart(title: str, rows: Sequence[tuple[str, int]]) -> ControlChart:
    """Build a c-chart: counts per period (complaints received) with equal opportunity.

    Centre ``c̄`` is the mean count; limits are ``c̄ ± 3·sqrt(c̄)``, floored at 0.

    Args:
        title: The chart's title.
        rows: ``(label, count)`` per period, oldest first.

    Returns:
        The chart with its signals.

    Raises:
        ValidationError: if there are no rows or a count is negative.

    .. versionadded:: 0.1.0
    """
    _check("rows", rows, 2)
    centre = sum(r[1] for r in rows) / len(rows)
    sigma = math.sqrt(centre)
    points = tuple(
        _point(label, float(c), 1.0, centre, sigma, ceiling=None) for label, c in rows
    )
    return ControlChart(
        kind=ChartKind.C,
        title=title,
        centre=centre,
        points=points,
        signals=find_signals(points),
    )


def u_chart(title: str, rows: Sequence[tuple[str, int, float]]) -> ControlChart:
    """Build a u-chart: counts per unit of exposure (complaints per 1,000 customers).

    Centre ``ū = sum(counts) / sum(units)``; limits ``ū ± 3·sqrt(ū / n)``.

    Args:
        title: The chart's title.
        rows: ``(label, count, units)`` per period, oldest first.

    Returns:
        The chart with its signals.

    Raises:
        ValidationError: if there are no rows, a number is negative, or the
            units of a period are 0.

    .. versionadded:: 0.1.0
    """
    _check("rows", rows, 3)
    for i, row in enumerate(rows):
        if row[2] <= 0:
            raise ValidationError.single(f"rows[{i}]", "units must be positive")
    centre = sum(r[1] for r in rows) / sum(r[2] for r in rows)
    points = tuple(
        _point(label, c / n, n, centre, math.sqrt(centre / n), ceiling=None)
        for label, c, n in rows
    )
    return ControlChart(
        kind=ChartKind.U,
        title=title,
        centre=centre,
        points=points,
        signals=find_signals(points),
    )
