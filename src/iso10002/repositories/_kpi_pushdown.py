"""The KPIs of :func:`iso10002.analysis.compute_kpis`, computed by SQL aggregates.

Shared by the SQLite and PostgreSQL adapters: the statements use integer
literals only (no placeholders, no dialect-specific functions), so one text
runs on both. SQL groups rows by local day, outcome, key or bucket; Python
then turns the few grouped rows into a :class:`KpiAccumulator`'s counters and
lets the accumulator build the report, so both paths share every rate,
label and ordering. The two nearest-rank percentiles of each duration are
read with ``ORDER BY … LIMIT 1 OFFSET k``; business days are counted in
Python over the distinct (day of receipt, day of event) pairs, so any
business calendar works.

Declines (returns ``None``) only when the answer cannot be exact: a zone
whose offsets cannot be resolved over the stored range (see
:mod:`._kpi_zone`), or a redress total with more than 28 significant digits,
which Python's decimal context would round in an order-dependent way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from iso10002.calendars import DayCalendar, DayCounter
from iso10002.errors import ValidationError
from iso10002.facts import KEY_FIELDS, MERITS, UPHELD_ANY
from iso10002.model import Channel, Outcome, RemedyKind
from iso10002.repositories._kpi_decisions import DecisionSql, remedy_in_force
from iso10002.repositories._kpi_durations import durations
from iso10002.repositories._kpi_facts import key_text
from iso10002.repositories._kpi_keys import BLANKS, KeySql
from iso10002.repositories._kpi_zone import (
    DAY_US,
    day_sql,
    is_fixed,
    offset_segments,
)
from iso10002.repositories._query import to_micros

if TYPE_CHECKING:
    # Analysis is imported when KPIs are asked for, not with the adapter.
    from iso10002.analysis.pushdown import (
        KpiAccumulator,
        KpiReport,
        KpiSpec,
    )

__all__ = ["Execute", "FlowQuery", "KpiTables", "flow_query", "pushdown_kpis"]

Execute = Callable[[str], Sequence[Sequence[Any]]]
"""Runs one statement (no parameters) and returns all its rows."""

_PRECISION = 28  # the default decimal context, which compute_kpis sums under
_SPLIT = 1_000_000_000  # money coefficients are summed in two halves (no overflow)


class KpiTables(NamedTuple):
    """The qualified names of the push-down tables in one store."""

    facts: str
    deadlines: str
    remedies: str
    toggles: str
    decisions: str
    keys: str


class _Query:
    """The statements of one ``(spec, zone)``, with every constant inlined."""

    def __init__(
        self, tables: KpiTables, spec: KpiSpec, segments: list[tuple[int, int]]
    ) -> None:
        self.t = tables
        self.spec = spec
        self.as_of = int(to_micros(spec.as_of))
        self.segments = segments
        # Unary plus keeps the planner off the received_us index when every
        # row is read anyway (an index walk plus row lookups is far slower
        # than a scan); a period uses the index.
        flow = f"+received_us <= {self.as_of}"
        if spec.period is not None:
            flow = (
                f"received_us >= {int(to_micros(spec.period.start))}"
                f" AND received_us < {int(to_micros(spec.period.end))}"
                f" AND received_us <= {self.as_of}"
            )
        # A duplicate (as at as_of) is counted once, under its original (as
        # the returns do).
        self.decision = DecisionSql("f", tables.decisions, self.as_of)
        duplicate = f"'{Outcome.DUPLICATE.value}'"
        was = DecisionSql("g", tables.decisions, self.as_of).outcome
        self.flow = (
            f"{flow} AND complaint_id NOT IN (SELECT g.complaint_id FROM"  # noqa: S608 - fixed names and an enum literal
            f" {tables.facts} g WHERE (g.outcome = {duplicate}"
            f" OR g.decided_us > {self.as_of})"
            f" AND {was} = {duplicate})"
        )
        self.in_force = remedy_in_force(self.as_of)
        self.keys = KeySql("f", tables.keys, self.as_of)

    def day(self, column: str) -> str:
        return day_sql(column, self.segments)

    def workload(self) -> str:
        a, t = self.as_of, self.t
        parity = (
            f"(SELECT count(*) - (count(*) / 2) * 2 FROM {t.toggles} x"  # noqa: S608 - integer literals and fixed names only
            f" WHERE x.complaint_id = f.complaint_id AND x.at_us <= {a})"
        )
        is_open = (
            f"CASE WHEN f.toggle1_us IS NULL OR f.toggle1_us > {a} THEN 1"
            f" WHEN f.toggle2_us IS NULL OR f.toggle2_us > {a} THEN 0"
            f" WHEN f.toggles <= 2 THEN 1 ELSE 1 - {parity} END"
        )
        age = f"({a} - f.received_us) / {DAY_US}"
        buckets = " ".join(
            f"WHEN {age} <= {int(bound)} THEN {i}"
            for i, bound in enumerate(self.spec.ageing_days)
        )
        bucket = f"CASE {buckets} ELSE {len(self.spec.ageing_days)} END"
        return (
            f"SELECT {self.keys.at('assignee')}, {is_open}, {bucket}, count(*)"  # noqa: S608 - integer literals and fixed names only
            f" FROM {t.facts} f"
            f" WHERE +f.received_us <= {a} GROUP BY 1, 2, 3"
        )

    def by_day(self) -> str:
        a = self.as_of
        return (
            f"SELECT {self.day('received_us')}, {self.decision.outcome},"  # noqa: S608 - integer literals and fixed names only
            f" CASE WHEN score_us <= {a} THEN score END, count(*),"
            f" sum(CASE WHEN communicated_us <= {a} THEN 1 ELSE 0 END),"
            f" sum(CASE WHEN communicated_us <= {a} AND appealed_us <= {a}"
            " THEN 1 ELSE 0 END),"
            f" sum(CASE WHEN closed_us <= {a} THEN 1 ELSE 0 END),"
            f" sum(CASE WHEN closed_us <= {a} AND reopened_us <= {a}"
            " THEN 1 ELSE 0 END),"
            f" sum({self.decision.paid}),"
            f" sum(CASE WHEN score_us <= {a} OR closed_us <= {a} THEN 1 ELSE 0 END)"
            f" FROM {self.t.facts} f WHERE {self.flow} GROUP BY 1, 2, 3"
        )

    def by_key(self, column: str) -> str:
        """Count the flow complaints per ``column`` (a key field: as at ``as_of``)."""
        value = column if column == "channel" else self.keys.at(column)
        return (
            f"SELECT {value}, count(*) FROM {self.t.facts} f"  # noqa: S608 - fixed names
            f" WHERE {self.flow} GROUP BY 1"
        )

    def pairs(self, column: str) -> str:
        return (
            f"SELECT {self.day('received_us')}, {self.day(column)}, count(*),"  # noqa: S608 - integer literals and fixed names only
            f" max({column} - received_us) FROM {self.t.facts}"
            f" WHERE {self.flow} AND {column} <= {self.as_of} GROUP BY 1, 2"
        )

    def nth(self, column: str, offset: int) -> str:
        return (
            f"SELECT {column} - received_us AS x FROM {self.t.facts}"  # noqa: S608 - integer literals and fixed names only
            f" WHERE {self.flow} AND {column} <= {self.as_of}"
            f" ORDER BY x LIMIT 1 OFFSET {int(offset)}"
        )

    def deadlines(self) -> str:
        a = self.as_of
        met = f"met_us <= {a}"
        unmet = f"(met_us IS NULL OR met_us > {a})"
        return (
            f"SELECT workflow, step, {self.day('received_us')},"  # noqa: S608 - integer literals and fixed names only
            f" sum(CASE WHEN {met} AND met_us <= due_us THEN 1 ELSE 0 END),"
            f" sum(CASE WHEN {met} AND met_us > due_us THEN 1"
            f" WHEN {unmet} AND due_us < {a} THEN 1 ELSE 0 END),"
            f" sum(CASE WHEN {unmet} AND due_us >= {a} THEN 1 ELSE 0 END)"
            f" FROM {self.t.deadlines} WHERE {self.flow} GROUP BY 1, 2, 3"
        )

    def remedy_kinds(self) -> str:
        return (
            f"SELECT kind, count(*) FROM {self.t.remedies}"  # noqa: S608 - fixed names
            f" WHERE {self.flow} AND {self.in_force} GROUP BY 1"
        )

    def money(self) -> str:
        return (
            f"SELECT currency, exponent, sum(coefficient / {_SPLIT}),"  # noqa: S608 - integer literals and fixed names only
            f" sum(coefficient - (coefficient / {_SPLIT}) * {_SPLIT})"
            f" FROM {self.t.remedies} WHERE {self.flow} AND {self.in_force}"
            " AND currency IS NOT NULL AND coefficient IS NOT NULL GROUP BY 1, 2"
        )

    def big_money(self) -> str:
        return (
            f"SELECT currency, amount FROM {self.t.remedies}"  # noqa: S608 - fixed names
            f" WHERE {self.flow} AND {self.in_force} AND amount IS NOT NULL"
        )


FlowQuery = _Query
"""The statements of one spec: ``flow`` (the flow complaints' condition),
``decision`` (their decision in force) and ``in_force`` (remedies in force)."""


def flow_query(tables: KpiTables, spec: KpiSpec) -> FlowQuery:
    """Return the conditions of ``spec``'s flow over ``tables`` (no day grouping)."""
    return _Query(tables, spec, [])


def _redress(execute: Execute, q: _Query) -> dict[str, Decimal] | None:
    parts: dict[str, list[tuple[int, int]]] = {}
    for currency, exponent, high, low in execute(q.money()):
        coefficient = int(high) * _SPLIT + int(low)
        parts.setdefault(str(currency), []).append((coefficient, int(exponent)))
    for currency, amount in execute(q.big_money()):
        _, digits, exponent = Decimal(str(amount)).as_tuple()
        value = int("".join(map(str, digits)))
        parts.setdefault(str(currency), []).append((value, int(exponent)))
    totals: dict[str, Decimal] = {}
    for currency, items in parts.items():
        # compute_kpis adds to Decimal(0): the exponent never exceeds 0.
        least = min(0, *(e for _, e in items))
        total = sum(c * 10 ** (e - least) for c, e in items)
        digits = tuple(int(d) for d in str(total))
        if len(digits) > _PRECISION:
            return None
        totals[currency] = Decimal((0, digits, least))
    return totals


def _fill(  # noqa: C901, PLR0912, PLR0915 - one loop per statement
    execute: Execute, q: _Query, acc: KpiAccumulator
) -> bool:
    from iso10002.analysis.pushdown import period_label  # noqa: PLC0415 - lazily

    labels: dict[int, str] = {}
    granularity = q.spec.granularity

    def label(ordinal: Any) -> str:
        found = labels.get(ordinal)
        if found is None:
            found = labels[ordinal] = period_label(
                date.fromordinal(int(ordinal)), granularity
            )
        return found

    unassigned = BLANKS[KEY_FIELDS.index("assignee")]
    for who, is_open, bucket, n in execute(q.workload()):
        name = unassigned if who is None else key_text(who)
        handler = acc.handlers.setdefault(str(name), [0, 0])
        handler[0] += int(n)
        if int(is_open):
            handler[1] += int(n)
            acc.ages[int(bucket)] += int(n)
    merits = {o.value for o in MERITS}
    upheld = {o.value for o in UPHELD_ANY}
    for row in execute(q.by_day()):
        day, outcome, score, n = row[0], row[1], row[2], int(row[3])
        comm, appealed, closed, reopened, paid, eligible = (int(v) for v in row[4:])
        acc.complaints += n
        name = label(day)
        acc.by_period[name] += n
        series = acc.series.setdefault(name, [0, 0, 0, 0, 0])
        series[0] += n
        if outcome is not None:
            acc.outcomes[Outcome(outcome)] += n
            if outcome in merits:
                series[1] += n
                series[2] += n if outcome in upheld else 0
        if score is not None:
            acc.scores[int(score)] += n
        acc.communicated += comm
        if outcome in merits:  # nothing else can be appealed
            acc.appealable += comm
            acc.appealed += appealed
        acc.closed += closed
        acc.reopened += reopened
        acc.with_redress += paid
        acc.eligible += eligible
    for value, n in execute(q.by_key("channel")):
        acc.by_channel[Channel(value)] += int(n)
    for column, counter in (
        ("category", acc.by_category),
        ("subcategory", acc.by_subcategory),
        ("product", acc.by_product),
        ("root_cause", acc.by_root_cause),
    ):
        blank = BLANKS[KEY_FIELDS.index(column)]
        for value, n in execute(q.by_key(column)):
            text = blank if value is None else key_text(value)
            if text is not None:  # no root cause is not a root cause
                counter[text] += int(n)
    for workflow, step, day, met, missed, pending in execute(q.deadlines()):
        key = (key_text(workflow), key_text(step))
        counts = acc.deadlines.setdefault(key, [0, 0, 0])
        counts[0] += int(met)
        counts[1] += int(missed)
        counts[2] += int(pending)
        if int(met) + int(missed):
            series = acc.series[label(day)]
            series[3] += int(met) + int(missed)
            series[4] += int(missed)
    for kind, n in execute(q.remedy_kinds()):
        acc.remedies[RemedyKind(kind)] += int(n)
    redress = _redress(execute, q)
    if redress is None:
        return False
    acc.redress.update(redress)
    return True


def pushdown_kpis(
    execute: Execute,
    tables: KpiTables,
    spec: KpiSpec,
    calendar: DayCalendar | None,
) -> KpiReport | None:
    """Compute the report of ``compute_kpis`` over the stored complaints in SQL.

    Args:
        execute: Runs one statement of this module and returns its rows.
        tables: Where the push-down tables are.
        spec: What to compute.
        calendar: Business calendar (weekdays in UTC when ``None``).

    Returns:
        The report, or ``None`` when it cannot be computed exactly in SQL.

    Raises:
        ValidationError: for a spec that is not a :class:`KpiSpec` or a
            calendar without ``zone`` and ``is_business_day``.
    """
    from iso10002.analysis.pushdown import (  # noqa: PLC0415 - lazily
        KpiAccumulator,
        KpiSpec,
    )

    if not isinstance(spec, KpiSpec):
        raise ValidationError.single("spec", "must be a KpiSpec")
    acc = KpiAccumulator(spec, calendar)
    days = DayCounter(calendar)
    low = high = None
    if not is_fixed(days.zone):
        ((low, high),) = execute(
            f"SELECT min(first_us), max(last_us) FROM {tables.facts}"  # noqa: S608 - fixed names
        )
        high = None if high is None else min(int(high), to_micros(spec.as_of))
    segments = offset_segments(days.zone, low, high)
    if segments is None:
        return None
    q = _Query(tables, spec, segments)
    if not _fill(execute, q, acc):
        return None
    return attrs.evolve(
        acc.result(),
        time_to_acknowledge=durations(execute, q, "ack_us", days),
        time_to_final_response=durations(execute, q, "communicated_us", days),
    )
