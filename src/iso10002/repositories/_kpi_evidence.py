"""The audit evidence checks of :func:`iso10002.analysis.collect_evidence`, in SQL.

Shared by the SQLite and PostgreSQL adapters, like :mod:`._kpi_pushdown`:
each of the nine checks of :data:`iso10002.analysis.evidence.EVIDENCE_CHECKS` is a
``CASE`` over one ``kpi_facts`` row giving 1 (conforming), 0 (a gap) or
``NULL`` (not applicable) as at ``as_of``; one aggregate counts them all, and
one ``ORDER BY … LIMIT`` per check names the first gaps in id order. Nothing
is read per complaint in Python, so the counts cost a scan of the facts
table whatever the number of gaps.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from iso10002.model import Outcome
from iso10002.repositories._kpi_decisions import DecisionSql
from iso10002.repositories._kpi_facts import (
    CLASSIFIED,
    DECIDED,
    ESCALATION_ROUTE,
    HAS_ASSIGNEE,
)
from iso10002.repositories._kpi_pushdown import Execute
from iso10002.repositories._query import to_micros

__all__ = ["CheckCounts", "IdOrder", "check_verdicts", "pushdown_checks"]

_UPHELD = ", ".join(f"'{o.value}'" for o in (Outcome.UPHELD, Outcome.PARTIALLY_UPHELD))


class CheckCounts(NamedTuple):
    """One check's counts and the first ids of its gaps (in id order)."""

    applicable: int
    conforming: int
    nonconforming_ids: tuple[str, ...]


class IdOrder(NamedTuple):
    """How an adapter lists complaint ids in the order Python sorts them.

    ``order_by`` is the ``ORDER BY`` expression; ``decode`` turns a stored id
    back into the model's; ``special`` is a condition selecting the stored
    ids that ``order_by`` does not place as Python would (``None`` if none),
    which are then read all and merged in Python.
    """

    order_by: str
    decode: Callable[[Any], str]
    special: str | None = None


def _flag(bit: int) -> str:
    return f"(evidence & {int(bit)}) <> 0"


def check_verdicts(as_of: int, decisions: str) -> dict[str, str]:
    """Return each check's verdict as SQL over a ``kpi_facts`` row: 1, 0 or NULL.

    The row's alias is ``f``; the outcome and whether a decision was
    recorded are those in force at ``as_of`` (see :class:`DecisionSql`).

    Args:
        as_of: The audit instant in microseconds since the epoch.
        decisions: The qualified name of the ``kpi_decisions`` table.
    """
    a = int(as_of)
    decision = DecisionSql("f", decisions, a)
    outcome = decision.outcome
    ack = f"ack_us <= {a}"
    sent = f"communicated_us <= {a}"
    closed = f"closed_us <= {a}"

    def yes(condition: str) -> str:
        return f"CASE WHEN {condition} THEN 1 ELSE 0 END"

    def in_time(done: str, due: str) -> str:
        return (
            f"CASE WHEN {due} IS NULL THEN NULL"
            f" WHEN {done} IS NULL OR {done} > {a}"
            f" THEN CASE WHEN {due} < {a} THEN 0 END"
            f" ELSE {yes(f'{done} <= {due}')} END"
        )

    return {
        "owner-assigned": (
            f"CASE WHEN ended_us <= {a} AND ended_rejected = 1 THEN NULL"
            f" ELSE {yes(f'{_flag(HAS_ASSIGNEE)} OR assigned_us <= {a}')} END"
        ),
        "acknowledged-in-time": (
            f"CASE WHEN ack_due_us IS NULL THEN CASE WHEN {ack} THEN 1 END"
            f" ELSE {in_time('ack_us', 'ack_due_us')} END"
        ),
        "assessment-recorded": (
            f"CASE WHEN {sent} OR {closed}"
            f" THEN {yes(f'assessed_us <= {a} AND {_flag(CLASSIFIED)}')} END"
        ),
        "root-cause-for-upheld": (
            f"CASE WHEN {outcome} IN ({_UPHELD})"
            " THEN CASE WHEN root_cause IS NULL THEN 0 ELSE 1 END END"
        ),
        "final-response-in-time": in_time("communicated_us", "final_due_us"),
        "decision-recorded": (
            f"CASE WHEN {closed} THEN {decision.decided(DECIDED)} END"
        ),
        "decision-communicated-before-closing": (
            f"CASE WHEN {closed} THEN {yes('communicated_us <= closed_us')} END"
        ),
        "escalation-route-stated": (
            f"CASE WHEN {sent} AND {_flag(DECIDED)}"
            f" THEN {yes(_flag(ESCALATION_ROUTE))} END"
        ),
        "outcome-recorded": (
            f"CASE WHEN {closed} THEN CASE WHEN {outcome} IS NULL THEN 0 ELSE 1 END END"
        ),
    }


def _flow(as_of: int, start: datetime | None, end: datetime | None) -> str:
    flow = f"+received_us <= {int(as_of)}"
    if start is not None and end is not None:
        flow = (
            f"received_us >= {int(to_micros(start))}"
            f" AND received_us < {int(to_micros(end))} AND received_us <= {as_of}"
        )
    return flow


def pushdown_checks(  # noqa: PLR0913 - the scope, the cap and the dialect
    execute: Execute,
    facts: str,
    *,
    decisions: str,
    as_of: datetime,
    period: tuple[datetime, datetime] | None,
    ids_shown: int | None,
    order: IdOrder,
) -> tuple[int, dict[str, CheckCounts]]:
    """Count the evidence checks over the complaints received in scope.

    Args:
        execute: Runs one statement and returns its rows.
        facts: The qualified name of the ``kpi_facts`` table.
        decisions: The qualified name of the ``kpi_decisions`` table.
        as_of: The audit instant (complaints received after it are left out).
        period: ``(start, end)`` of the complaints received, or ``None``.
        ids_shown: How many gap ids to name per check (all when ``None``).
        order: How the adapter lists ids in Python's order.

    Returns:
        The number of complaints in scope, and each check's counts by id.
    """
    a = int(to_micros(as_of))
    flow = _flow(a, *(period or (None, None)))
    verdicts = check_verdicts(a, decisions)
    columns = ", ".join(f"count({v}), coalesce(sum({v}), 0)" for v in verdicts.values())
    ((total, *counts),) = execute(
        f"SELECT count(*), {columns} FROM {facts} f WHERE {flow}"  # noqa: S608 - integer literals and fixed names only
    )
    limit = "" if ids_shown is None else f" LIMIT {int(ids_shown)}"
    found: dict[str, CheckCounts] = {}
    for i, (check, verdict) in enumerate(verdicts.items()):
        applicable, conforming = int(counts[2 * i]), int(counts[2 * i + 1])
        ids: list[str] = []
        if applicable > conforming and ids_shown != 0:
            gaps = f"SELECT complaint_id FROM {facts} f WHERE {flow} AND {verdict} = 0"  # noqa: S608 - integer literals and fixed names only
            if order.special is None:
                rows = execute(f"{gaps} ORDER BY {order.order_by}{limit}")
            else:
                rows = [
                    *execute(
                        f"{gaps} AND NOT ({order.special})"
                        f" ORDER BY {order.order_by}{limit}"
                    ),
                    *execute(f"{gaps} AND {order.special}"),
                ]
            ids = sorted(order.decode(row[0]) for row in rows)
            if ids_shown is not None:
                ids = ids[:ids_shown]
        found[check] = CheckCounts(applicable, conforming, tuple(ids))
    return int(total), found
