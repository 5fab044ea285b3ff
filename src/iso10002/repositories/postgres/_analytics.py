"""KPI push-down for PostgreSQL: the facts tables, kept in step, and queried.

Schema version 2 adds ``kpi_facts`` and three child tables (see
:mod:`._kpi_facts`); every write path of the adapter (``add``, ``save``,
erasure, COPY import) rewrites a complaint's rows in its own transaction, and
the migration back-fills them from the stored complaints. The writer is
:mod:`._facts`; the statements of :mod:`._kpi_pushdown` are shared with SQLite.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

from iso10002.facts import subcategory_key
from iso10002.repositories._kpi_evidence import CheckCounts, IdOrder, pushdown_checks
from iso10002.repositories._kpi_facts import (
    EVIDENCE_COLUMNS,
    FACT_COLUMNS,
    fact_rows,
    key_bytes,
    unreadable_error,
)
from iso10002.repositories._kpi_pushdown import KpiTables, pushdown_kpis
from iso10002.repositories._remedy_pushdown import pushdown_remedies
from iso10002.repositories.postgres._codec import ROW_COLUMNS
from iso10002.repositories.postgres._connect import Connector
from iso10002.repositories.postgres._facts import FactWriter, decoded

if TYPE_CHECKING:
    from iso10002.analysis.pushdown import (
        DayCalendar,
        EvidenceCheck,
        KpiReport,
        KpiSpec,
        Period,
        RemedySummary,
    )

__all__ = [
    "EVIDENCE_STATEMENTS",
    "FACTS_STATEMENTS",
    "SUBCATEGORY_STATEMENTS",
    "FactWriter",
    "backfill_evidence",
    "backfill_facts",
    "backfill_subcategories",
    "evidence_in_sql",
    "kpis_in_sql",
    "postgres_checks",
    "postgres_kpis",
    "remedies_in_sql",
]

_BATCH = 1000

FACTS_STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE {s}.kpi_facts (
        complaint_id text COLLATE "C" PRIMARY KEY,
        received_us bigint NOT NULL,
        first_us bigint NOT NULL,
        last_us bigint NOT NULL,
        channel text NOT NULL,
        category bytea NOT NULL,
        product bytea NOT NULL,
        root_cause bytea,
        assignee bytea NOT NULL,
        ack_us bigint,
        communicated_us bigint,
        appealed_us bigint,
        closed_us bigint,
        reopened_us bigint,
        toggle1_us bigint,
        toggle2_us bigint,
        toggles integer NOT NULL,
        outcome text,
        score integer,
        score_us bigint,
        paid integer NOT NULL
    )
    """,
    "CREATE INDEX kpi_facts_received ON {s}.kpi_facts (received_us)",
    """
    CREATE TABLE {s}.kpi_deadlines (
        complaint_id text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        received_us bigint NOT NULL,
        workflow bytea NOT NULL,
        step bytea NOT NULL,
        due_us bigint NOT NULL,
        met_us bigint,
        PRIMARY KEY (complaint_id, seq)
    )
    """,
    """
    CREATE TABLE {s}.kpi_remedies (
        complaint_id text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        received_us bigint NOT NULL,
        kind text NOT NULL,
        currency text,
        exponent integer NOT NULL,
        coefficient bigint,
        amount text,
        PRIMARY KEY (complaint_id, seq)
    )
    """,
    """
    CREATE TABLE {s}.kpi_toggles (
        complaint_id text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        at_us bigint NOT NULL,
        PRIMARY KEY (complaint_id, seq)
    )
    """,
)
"""Schema version 2: the KPI push-down tables (``{s}`` is the schema)."""


SUBCATEGORY_STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE {s}.kpi_facts ADD COLUMN subcategory bytea",
)
"""Schema version 6: the second classification level in the KPI facts."""


def backfill_subcategories(cur: psycopg.Cursor[Any], schema: str) -> None:
    """Fill ``kpi_facts.subcategory`` of every stored complaint (migration to v6).

    A complaint that cannot be read is left out (``verify_integrity`` names it).
    """
    s = sql.Identifier(schema)
    page = sql.SQL(
        "SELECT {} FROM {}.complaints c WHERE c.id > %s ORDER BY c.id LIMIT %s"
    ).format(ROW_COLUMNS.format(schema=s), s)
    update = sql.SQL(
        "UPDATE {}.kpi_facts SET subcategory = %s WHERE complaint_id = %s"
    ).format(s)
    last = ""
    while True:
        cur.execute(page, (last, _BATCH))
        rows = cur.fetchall()
        if not rows:
            return
        complaints, _unreadable = decoded(rows)  # logged; verification names them
        cur.executemany(
            update,
            [(key_bytes(subcategory_key(c.classification)), c.id) for c in complaints],
        )
        last = rows[-1][0]


EVIDENCE_STATEMENTS: tuple[str, ...] = tuple(
    f"ALTER TABLE {{s}}.kpi_facts ADD COLUMN {name} bigint" for name in EVIDENCE_COLUMNS
)
"""Schema version 7: what the audit evidence checks read, in the KPI facts."""


def backfill_evidence(cur: psycopg.Cursor[Any], schema: str) -> None:
    """Fill the evidence columns of every stored complaint (migration to v7).

    A complaint that cannot be read is left out (``verify_integrity`` names it).
    """
    s = sql.Identifier(schema)
    page = sql.SQL(
        "SELECT {} FROM {}.complaints c WHERE c.id > %s ORDER BY c.id LIMIT %s"
    ).format(ROW_COLUMNS.format(schema=s), s)
    update = sql.SQL("UPDATE {}.kpi_facts SET {} WHERE complaint_id = %s").format(
        s,
        sql.SQL(", ").join(
            sql.SQL("{} = %s").format(sql.Identifier(name)) for name in EVIDENCE_COLUMNS
        ),
    )
    start = FACT_COLUMNS.index(EVIDENCE_COLUMNS[0])
    end = start + len(EVIDENCE_COLUMNS)
    last = ""
    while True:
        cur.execute(page, (last, _BATCH))
        rows = cur.fetchall()
        if not rows:
            return
        complaints, _unreadable = decoded(rows)  # logged; verification names them
        cur.executemany(
            update, [(*fact_rows(c).facts[start:end], c.id) for c in complaints]
        )
        last = rows[-1][0]


_ID_ORDER = IdOrder(order_by="complaint_id", decode=str)  # the column is COLLATE "C"


def postgres_checks(
    cur: psycopg.Cursor[Any],
    tables: KpiTables,
    as_of: datetime,
    period: tuple[datetime, datetime] | None,
    ids_shown: int | None,
) -> dict[str, CheckCounts]:
    """Count the evidence checks in SQL over one cursor (see :mod:`._kpi_evidence`)."""

    def execute(text: str) -> list[tuple[Any, ...]]:
        # Built from integer literals and checked names only (no user text).
        cur.execute(text)
        return cur.fetchall()

    _, counts = pushdown_checks(
        execute,
        tables.facts,
        decisions=tables.decisions,
        as_of=as_of,
        period=period,
        ids_shown=ids_shown,
        order=_ID_ORDER,
    )
    return counts


def backfill_facts(cur: psycopg.Cursor[Any], schema: str) -> None:
    """Fill the push-down tables from every stored complaint (migration to v2).

    A complaint that cannot be read is left out with a warning on the
    ``iso10002`` logger, so the schema still opens; ``verify_integrity``
    reports it and :meth:`FactWriter.fill_missing` names it until it reads.
    """
    s = sql.Identifier(schema)
    page = sql.SQL(
        "SELECT {} FROM {}.complaints c WHERE c.id > %s ORDER BY c.id LIMIT %s"
    ).format(ROW_COLUMNS.format(schema=s), s)
    writer = FactWriter(schema)
    last = ""
    while True:
        cur.execute(page, (last, _BATCH))
        rows = cur.fetchall()
        if not rows:
            return
        complaints, _unreadable = decoded(rows)  # logged; the analytics name them
        writer.copy(cur, complaints)
        last = rows[-1][0]


def postgres_kpis(
    cur: psycopg.Cursor[Any],
    tables: KpiTables,
    spec: KpiSpec,
    calendar: DayCalendar | None,
) -> KpiReport | None:
    """Compute the KPIs in SQL over one cursor (see :mod:`._kpi_pushdown`)."""

    def execute(text: str) -> list[tuple[Any, ...]]:
        # Built from integer literals and checked names only (no user text).
        cur.execute(text)
        return cur.fetchall()

    return pushdown_kpis(execute, tables, spec, calendar)


def kpis_in_sql(
    db: Connector, facts: FactWriter, spec: KpiSpec, calendar: DayCalendar | None
) -> KpiReport | None:
    """Compute the KPIs from one snapshot (``analytics_kpis``).

    Raises:
        IntegrityError: naming the complaints whose facts cannot be filled.
    """
    with db.snapshot("analytics_kpis") as cur:
        if facts.complete(cur):
            return postgres_kpis(cur, facts.tables, spec, calendar)
    # Rare: facts left out by the v2 migration (unreadable complaints).
    with db.write("analytics_kpis") as cur:
        unreadable = facts.fill_missing(cur)
    if unreadable:
        raise unreadable_error(unreadable)
    with db.snapshot("analytics_kpis") as cur:
        return postgres_kpis(cur, facts.tables, spec, calendar)


def evidence_in_sql(
    db: Connector,
    facts: FactWriter,
    as_of: datetime,
    period: Period | None,
    ids_shown: int | None,
) -> tuple[EvidenceCheck, ...]:
    """Count the audit evidence checks from one snapshot (``analytics_evidence``).

    Raises:
        ValidationError: for a wrong argument.
        IntegrityError: naming the complaints whose facts cannot be filled.
    """
    from iso10002.analysis.pushdown import (  # noqa: PLC0415 - analysis only when asked
        check_evidence_scope,
        evidence_check,
    )

    as_of, period, ids_shown = check_evidence_scope(as_of, period, ids_shown)
    scope = None if period is None else (period.start, period.end)
    counts = None
    with db.snapshot("analytics_evidence") as cur:
        if facts.complete(cur):
            counts = postgres_checks(cur, facts.tables, as_of, scope, ids_shown)
    if counts is None:
        with db.write("analytics_evidence") as cur:
            unreadable = facts.fill_missing(cur)
        if unreadable:
            raise unreadable_error(unreadable)
        with db.snapshot("analytics_evidence") as cur:
            counts = postgres_checks(cur, facts.tables, as_of, scope, ids_shown)
    return tuple(evidence_check(name, *found) for name, found in counts.items())


def remedies_in_sql(db: Connector, facts: FactWriter, spec: KpiSpec) -> RemedySummary:
    """Count the review's remedies from one snapshot (``analytics_remedies``).

    Raises:
        ValidationError: for a ``spec`` that is not a ``KpiSpec``.
        IntegrityError: naming the complaints whose facts cannot be filled.
    """

    def execute(text: str) -> list[tuple[Any, ...]]:
        # Built from integer literals and checked names only (no user text).
        cur.execute(text)
        return cur.fetchall()

    with db.snapshot("analytics_remedies") as cur:
        if facts.complete(cur):
            return pushdown_remedies(execute, facts.tables, spec)
    with db.write("analytics_remedies") as cur:
        unreadable = facts.fill_missing(cur)
    if unreadable:
        raise unreadable_error(unreadable)
    with db.snapshot("analytics_remedies") as cur:
        return pushdown_remedies(execute, facts.tables, spec)
