"""The management review's remedies, counted by SQL over the KPI facts tables.

Shared by the SQLite and PostgreSQL adapters (integer literals and fixed names
only, as :mod:`._kpi_pushdown`): the complaints of the review's flow
(received in scope by ``as_of``, duplicates as at ``as_of`` left out), the
decision in force at ``as_of`` of each (:class:`._kpi_decisions.DecisionSql`)
and the remedies in force then. Two grouped statements give what
:class:`iso10002.analysis.review.RemedySummary` counts per complaint.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from iso10002.errors import ValidationError
from iso10002.model import RemedyKind
from iso10002.repositories._kpi_facts import DECIDED
from iso10002.repositories._kpi_pushdown import Execute, KpiTables, flow_query

if TYPE_CHECKING:
    from iso10002.analysis.pushdown import KpiSpec, RemedySummary

__all__ = ["pushdown_remedies"]


def _kinds(values: Iterable[RemedyKind]) -> str:
    return ", ".join(f"'{RemedyKind(v).value}'" for v in sorted(values))


def pushdown_remedies(
    execute: Execute, tables: KpiTables, spec: KpiSpec
) -> RemedySummary:
    """Count the remedies section of the review for ``spec`` in SQL.

    Args:
        execute: Runs one statement and returns its rows.
        tables: Where the push-down tables are.
        spec: The review's instant and period.

    Raises:
        ValidationError: for a ``spec`` that is not a ``KpiSpec``.
    """
    from iso10002.analysis.pushdown import (  # noqa: PLC0415 - lazily
        MONETARY_REMEDIES,
        KpiSpec,
        summarise_remedies,
    )

    if not isinstance(spec, KpiSpec):
        raise ValidationError.single("spec", "must be a KpiSpec")
    q = flow_query(tables, spec)
    ((decided,),) = execute(
        f"SELECT count(*) FROM {tables.facts} f"  # noqa: S608 - integer literals and fixed names only
        f" WHERE {q.flow} AND {q.decision.decided(DECIDED)} = 1"
    )
    paid = "CASE WHEN currency IS NOT NULL THEN 1 ELSE 0 END"
    offered = (
        f"FROM {tables.remedies} WHERE {q.flow} AND {q.in_force}"
        f" AND kind <> '{RemedyKind.NONE.value}'"
    )
    money = (
        f"CASE WHEN currency IS NOT NULL OR kind IN ({_kinds(MONETARY_REMEDIES)})"
        " THEN 1 ELSE 0 END"
    )
    ((with_remedy, with_amount, monetary),) = execute(
        "SELECT count(*), coalesce(sum(p), 0), coalesce(sum(m), 0) FROM"  # noqa: S608 - integer literals and fixed names only
        f" (SELECT complaint_id, max({paid}) AS p, max({money}) AS m {offered}"
        " GROUP BY complaint_id) x"
    )
    kinds = {
        RemedyKind(kind): (int(n), int(p))
        for kind, n, p in execute(
            "SELECT kind, count(*), sum(p) FROM"  # noqa: S608 - integer literals and fixed names only
            f" (SELECT complaint_id, kind, max({paid}) AS p {offered}"
            " GROUP BY complaint_id, kind) x GROUP BY kind"
        )
    }
    return summarise_remedies(
        decided=int(decided),
        with_remedy=int(with_remedy),
        with_amount=int(with_amount),
        monetary=int(monetary),
        kinds=kinds,
    )
