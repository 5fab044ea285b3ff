"""KPIs over a stream of complaints: one pass, mergeable (ISO 10002 8.2, 8.4)."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from iso10002.analysis._calendar import DayCalendar, DayCounter
from iso10002.analysis._facts import (
    MERITS,
    UPHELD_ANY,
    facts_of,
    remedies_of,
)
from iso10002.analysis._kpi_report import kpi_report, nearest_rank
from iso10002.analysis._periods import (
    Granularity,
    Period,
    period_label,
)
from iso10002.analysis._results import (
    KpiReport,
)
from iso10002.errors import ValidationError
from iso10002.model import Channel, Complaint, Outcome, RemedyKind
from iso10002.validators import aware, instance_of, optional, to_utc

__all__ = ["KpiAccumulator", "KpiSpec", "compute_kpis", "nearest_rank"]

_ZERO = Decimal(0)


def _ageing(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not value:
        raise ValidationError.single(
            attribute.name, "must be a non-empty tuple of days"
        )
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in value):
        raise ValidationError.single(attribute.name, "must hold non-negative integers")
    if list(value) != sorted(set(value)):
        raise ValidationError.single(attribute.name, "must be strictly increasing")


@attrs.frozen(kw_only=True)
class KpiSpec:
    """What to compute: instant, period, series granularity and age buckets.

    Flow measures (volumes, times, deadlines, outcomes, redress, rates,
    satisfaction, series) count complaints received within ``period`` (all
    received by ``as_of`` when ``None``); point-in-time measures (backlog,
    workload) count every complaint received by ``as_of``. Events after
    ``as_of`` are ignored: outcomes and remedies are those of the decision
    in force at ``as_of``, read from the facts the events record. A
    complaint whose outcome at ``as_of`` is ``duplicate`` is left out of the
    flow measures: it is counted once, under its original.

    Args:
        as_of: The instant the figures describe (timezone-aware).
        period: Restrict flow measures to complaints received in it.
        granularity: Period length of ``volumes.by_period`` and ``series``.
        ageing_days: Upper bounds (inclusive, in days) of the backlog age
            buckets; a last open-ended bucket follows.

    Raises:
        ValidationError: naming the field that is wrong.

    .. versionadded:: 0.1.0
    """

    as_of: datetime = attrs.field(converter=to_utc, validator=aware)
    period: Period | None = attrs.field(
        default=None, validator=optional(instance_of(Period))
    )
    granularity: Granularity = attrs.field(
        default=Granularity.MONTH,
        converter=Granularity,
        validator=instance_of(Granularity),
    )
    ageing_days: tuple[int, ...] = attrs.field(
        default=(7, 14, 28, 56), validator=_ageing
    )


class KpiAccumulator:
    """Collect KPIs one complaint at a time; merge accumulators computed apart.

    Memory is bounded by the number of distinct keys (periods, channels,
    categories, products, handlers, deadline steps) plus 8 bytes per measured
    duration, which the exact percentiles need. Adding complaints in any
    order, or to several accumulators that are then merged, gives the same
    :class:`KpiReport`.

    Args:
        spec: What to compute.
        calendar: Business calendar for business-day measures and local
            dates (any :class:`iso10002.calendars.BusinessCalendar`; weekdays
            in UTC when ``None``).

    .. versionadded:: 0.1.0
    """

    def __init__(self, spec: KpiSpec, calendar: DayCalendar | None = None) -> None:
        """Start empty."""
        if not isinstance(spec, KpiSpec):
            raise ValidationError.single("spec", "must be a KpiSpec")
        self.spec = spec
        self._days = DayCounter(calendar)
        self._zone = self._days.zone
        self._labels: dict[date, str] = {}
        self.complaints = 0
        self.by_period: Counter[str] = Counter()
        self.by_channel: Counter[Channel] = Counter()
        self.by_category: Counter[str] = Counter()
        self.by_subcategory: Counter[str] = Counter()
        self.by_product: Counter[str] = Counter()
        self.by_root_cause: Counter[str] = Counter()
        self.ack_seconds: array[float] = array("d")
        self.ack_days: array[int] = array("q")
        self.final_seconds: array[float] = array("d")
        self.final_days: array[int] = array("q")
        self.deadlines: dict[tuple[str, str], list[int]] = {}
        self.outcomes: Counter[Outcome] = Counter()
        self.redress: dict[str, Decimal] = {}
        self.with_redress = 0
        self.remedies: Counter[RemedyKind] = Counter()
        self.closed = 0
        self.reopened = 0
        self.communicated = 0
        self.appealable = 0
        self.appealed = 0
        self.ages: list[int] = [0] * (len(spec.ageing_days) + 1)
        self.scores: Counter[int] = Counter()
        self.eligible = 0
        self.handlers: dict[str, list[int]] = {}
        self.series: dict[str, list[int]] = {}

    def add(self, complaint: Complaint) -> None:  # noqa: C901, PLR0912, PLR0915 - one pass, on purpose
        """Count one complaint.

        Raises:
            ValidationError: if ``complaint`` is not a :class:`Complaint`.
        """
        if type(complaint) is not Complaint and not isinstance(complaint, Complaint):
            raise ValidationError.single(
                "complaints",
                f"must hold Complaint objects, not {type(complaint).__name__}",
            )
        spec = self.spec
        as_of = spec.as_of
        received = complaint.received_at
        if received > as_of:
            return
        facts = facts_of(complaint, as_of)
        category, subcategory, product, root_cause, who = facts.keys
        handler = self.handlers.get(who)
        if handler is None:
            handler = self.handlers[who] = [0, 0]
        handler[0] += 1
        if facts.open:
            handler[1] += 1
            self.ages[bisect_left(spec.ageing_days, (as_of - received).days)] += 1
        period = spec.period
        if period is not None and not (period.start <= received < period.end):
            return
        if facts.outcome is Outcome.DUPLICATE:
            return  # counted once, under its original (as the returns do)
        self.complaints += 1
        zone = self._zone
        upto = self._days.upto
        received_day = received.astimezone(zone).date()
        received_rank = upto(received_day.toordinal())
        label = self._labels.get(received_day)
        if label is None:
            label = self._labels[received_day] = period_label(
                received_day, spec.granularity
            )
        self.by_period[label] += 1
        self.by_channel[complaint.channel] += 1
        self.by_category[category] += 1
        self.by_subcategory[subcategory] += 1
        self.by_product[product] += 1
        if root_cause is not None:
            self.by_root_cause[root_cause] += 1
        row = self.series.get(label)
        if row is None:
            row = self.series[label] = [0, 0, 0, 0, 0]
        row[0] += 1
        at = facts.acknowledged_at
        if at is not None:
            self.ack_seconds.append((at - received).total_seconds())
            rank = upto(at.astimezone(zone).date().toordinal())
            self.ack_days.append(rank - received_rank if rank > received_rank else 0)
        at = facts.communicated_at
        if at is not None:
            self.communicated += 1
            if facts.outcome in MERITS:  # nothing else can be appealed
                self.appealable += 1
                self.appealed += facts.appealed
            self.final_seconds.append((at - received).total_seconds())
            rank = upto(at.astimezone(zone).date().toordinal())
            self.final_days.append(rank - received_rank if rank > received_rank else 0)
        if complaint.deadlines:
            workflow = complaint.workflow.name
            for due in complaint.deadlines:
                key = (workflow, due.step)
                counts = self.deadlines.get(key)
                if counts is None:
                    counts = self.deadlines[key] = [0, 0, 0]
                met = due.met_at
                if met is not None and met <= as_of:
                    slot = 0 if met <= due.due_at else 1
                else:
                    slot = 1 if due.due_at < as_of else 2
                counts[slot] += 1
                if slot < 2:  # noqa: PLR2004 - resolved deadlines only
                    row[3] += 1
                    row[4] += slot
        outcome = facts.outcome
        if outcome is not None:
            self.outcomes[outcome] += 1
            if outcome in MERITS:
                row[1] += 1
                row[2] += outcome in UPHELD_ANY
        remedies = remedies_of(complaint, facts)
        if remedies:
            paid = False
            for remedy in remedies:
                self.remedies[remedy.kind] += 1
                if remedy.amount is not None and remedy.currency is not None:
                    paid = True
                    self.redress[remedy.currency] = (
                        self.redress.get(remedy.currency, _ZERO) + remedy.amount
                    )
            self.with_redress += paid
        if facts.closed_at is not None:
            self.closed += 1
            self.reopened += facts.reopened
        satisfaction = complaint.satisfaction
        if satisfaction is not None and satisfaction.received_at <= as_of:
            self.scores[satisfaction.score] += 1
            self.eligible += 1
        elif facts.closed_at is not None:
            self.eligible += 1

    def update(self, complaints: Iterable[Complaint]) -> KpiAccumulator:
        """Count every complaint of an iterable (consumed once) and return ``self``."""
        add = self.add
        for complaint in complaints:
            add(complaint)
        return self

    def merge(self, other: KpiAccumulator) -> None:
        """Add everything ``other`` counted to this accumulator.

        Raises:
            ValidationError: if ``other`` was built from a different spec.
        """
        if not isinstance(other, KpiAccumulator) or other.spec != self.spec:
            raise ValidationError.single(
                "other", "must be a KpiAccumulator with the same spec"
            )
        self.complaints += other.complaints
        for name in (
            "by_period",
            "by_channel",
            "by_category",
            "by_subcategory",
            "by_product",
            "by_root_cause",
            "outcomes",
            "remedies",
            "scores",
        ):
            getattr(self, name).update(getattr(other, name))
        for name in ("ack_seconds", "ack_days", "final_seconds", "final_days"):
            getattr(self, name).extend(getattr(other, name))
        for table in ("deadlines", "handlers", "series"):
            mine: dict[Any, list[int]] = getattr(self, table)
            for key, counts in getattr(other, table).items():
                row = mine.setdefault(key, [0] * len(counts))
                for i, value in enumerate(counts):
                    row[i] += value
        for currency, amount in other.redress.items():
            self.redress[currency] = self.redress.get(currency, Decimal(0)) + amount
        for name in (
            "with_redress",
            "closed",
            "reopened",
            "communicated",
            "appealable",
            "appealed",
            "eligible",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.ages = [a + b for a, b in zip(self.ages, other.ages, strict=False)]

    def result(self) -> KpiReport:
        """Return the KPIs counted so far (the accumulator stays usable)."""
        return kpi_report(self, self._zone)


def compute_kpis(
    complaints: Iterable[Complaint],
    spec: KpiSpec,
    *,
    calendar: DayCalendar | None = None,
) -> KpiReport:
    """Compute every KPI over ``complaints`` in one pass (consumed once).

    Args:
        complaints: Any iterable of complaints: a list, a generator, a
            repository cursor.
        spec: What to compute (see :class:`KpiSpec`).
        calendar: Business calendar (weekdays in UTC when ``None``).

    Returns:
        The frozen report.

    Raises:
        ValidationError: if ``spec`` or an item of ``complaints`` is wrong.

    .. versionadded:: 0.1.0
    """
    return KpiAccumulator(spec, calendar).update(complaints).result()
