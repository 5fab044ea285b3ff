"""Schema version 8: decisions in force before the current one, and when each began.

The KPIs and audit evidence "as at" an earlier instant count the decision in
force then (see :mod:`iso10002.repositories._kpi_decisions`): ``kpi_facts``
gains ``decided_us``, ``kpi_remedies`` the span of the decision each remedy
belongs to, and ``kpi_decisions`` holds the earlier decisions. The migration
fills them from every stored complaint.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

from iso10002.repositories._kpi_facts import (
    DECISION_COLUMNS,
    FACT_COLUMNS,
    REMEDY_COLUMNS,
    fact_rows,
)
from iso10002.repositories.postgres._codec import ROW_COLUMNS
from iso10002.repositories.postgres._facts import decoded

__all__ = ["DECISIONS_STATEMENTS", "backfill_decisions"]

_BATCH = 1000

DECISIONS_STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE {s}.kpi_facts ADD COLUMN decided_us bigint",
    "ALTER TABLE {s}.kpi_remedies ADD COLUMN from_us bigint",
    "ALTER TABLE {s}.kpi_remedies ADD COLUMN until_us bigint",
    """
    CREATE TABLE {s}.kpi_decisions (
        complaint_id text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        received_us bigint NOT NULL,
        from_us bigint,
        until_us bigint NOT NULL,
        outcome text,
        paid integer NOT NULL,
        with_decision integer NOT NULL,
        PRIMARY KEY (complaint_id, seq)
    )
    """,
)
"""Schema version 8 (``{s}`` is the schema)."""

_DECIDED = FACT_COLUMNS.index("decided_us")


def _insert(s: sql.Identifier, table: str, columns: tuple[str, ...]) -> sql.Composed:
    return sql.SQL("INSERT INTO {}.{} ({}) VALUES ({})").format(
        s,
        sql.Identifier(table),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(sql.Placeholder() * len(columns)),
    )


def backfill_decisions(cur: psycopg.Cursor[Any], schema: str) -> None:
    """Fill when each decision began, and the earlier ones (migration to v8).

    Rewrites each readable complaint's ``kpi_remedies`` rows and adds its
    ``kpi_decisions`` rows; a complaint that cannot be read is left out
    (``verify_integrity`` names it).
    """
    s = sql.Identifier(schema)
    page = sql.SQL(
        "SELECT {} FROM {}.complaints c WHERE c.id > %s ORDER BY c.id LIMIT %s"
    ).format(ROW_COLUMNS.format(schema=s), s)
    update = sql.SQL(
        "UPDATE {}.kpi_facts SET decided_us = %s WHERE complaint_id = %s"
    ).format(s)
    deletes = [
        sql.SQL("DELETE FROM {}.{} WHERE complaint_id = ANY(%s)").format(
            s, sql.Identifier(table)
        )
        for table in ("kpi_remedies", "kpi_decisions")
    ]
    remedies = _insert(s, "kpi_remedies", REMEDY_COLUMNS)
    decisions = _insert(s, "kpi_decisions", DECISION_COLUMNS)
    last = ""
    while True:
        cur.execute(page, (last, _BATCH))
        rows = cur.fetchall()
        if not rows:
            return
        complaints, _unreadable = decoded(rows)  # logged; verification names them
        found = [fact_rows(c) for c in complaints]
        cur.executemany(update, [(f.facts[_DECIDED], f.facts[0]) for f in found])
        ids = [c.id for c in complaints]
        for delete in deletes:
            cur.execute(delete, (ids,))
        new_remedies = [row for f in found for row in f.remedies]
        if new_remedies:
            cur.executemany(remedies, new_remedies)
        new_decisions = [row for f in found for row in f.decisions]
        if new_decisions:
            cur.executemany(decisions, new_decisions)
        last = rows[-1][0]
