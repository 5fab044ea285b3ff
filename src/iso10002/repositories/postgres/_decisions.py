"""Schema version 8: decisions and keys in force before the current ones.

The KPIs and audit evidence "as at" an earlier instant count the decision in
force then (see :mod:`iso10002.repositories._kpi_decisions`): ``kpi_facts``
gains ``decided_us``, ``kpi_remedies`` the span of the decision each remedy
belongs to, and ``kpi_decisions`` holds the earlier decisions; likewise each
key (category, subcategory, product, root cause, assignee) gains when it
began, and ``kpi_keys`` its earlier values (see
:mod:`iso10002.repositories._kpi_keys`). The migration fills them from every
stored complaint.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

from iso10002.repositories._kpi_facts import (
    DECISION_COLUMNS,
    FACT_COLUMNS,
    KEY_COLUMNS,
    REMEDY_COLUMNS,
    fact_rows,
)
from iso10002.repositories._kpi_keys import SINCE_COLUMNS
from iso10002.repositories.postgres._facts import stored_pages

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
    *(
        f"ALTER TABLE {{s}}.kpi_facts ADD COLUMN {name} bigint"
        for name in SINCE_COLUMNS
    ),
    """
    CREATE TABLE {s}.kpi_keys (
        complaint_id text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        received_us bigint NOT NULL,
        field text NOT NULL,
        from_us bigint,
        until_us bigint NOT NULL,
        value bytea NOT NULL,
        PRIMARY KEY (complaint_id, seq)
    )
    """,
)
"""Schema version 8 (``{s}`` is the schema)."""

_SINCE = FACT_COLUMNS.index("decided_us")  # decided_us and every <key>_us after it
_CHILDREN = (
    ("kpi_remedies", REMEDY_COLUMNS),
    ("kpi_decisions", DECISION_COLUMNS),
    ("kpi_keys", KEY_COLUMNS),
)


_SINCE = FACT_COLUMNS.index("decided_us")  # decided_us and every <key>_us after it
_CHILDREN = (
    ("kpi_remedies", REMEDY_COLUMNS),
    ("kpi_decisions", DECISION_COLUMNS),
    ("kpi_keys", KEY_COLUMNS),
)


def _insert(s: sql.Identifier, table: str, columns: tuple[str, ...]) -> sql.Composed:
    return sql.SQL("INSERT INTO {}.{} ({}) VALUES ({})").format(
        s,
        sql.Identifier(table),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(sql.Placeholder() * len(columns)),
    )


def backfill_decisions(cur: psycopg.Cursor[Any], schema: str) -> None:
    """Fill when each decision and key began, and the earlier ones (migration to v8).

    Rewrites each readable complaint's ``kpi_remedies`` rows and adds its
    ``kpi_decisions`` and ``kpi_keys`` rows; a complaint that cannot be read
    is left out (``verify_integrity`` names it).
    """
    s = sql.Identifier(schema)
    update = sql.SQL("UPDATE {}.kpi_facts SET {} WHERE complaint_id = %s").format(
        s,
        sql.SQL(", ").join(
            sql.SQL("{} = %s").format(sql.Identifier(name))
            for name in FACT_COLUMNS[_SINCE:]
        ),
    )
    deletes = [
        sql.SQL("DELETE FROM {}.{} WHERE complaint_id = ANY(%s)").format(
            s, sql.Identifier(table)
        )
        for table, _ in _CHILDREN
    ]
    inserts = [_insert(s, table, columns) for table, columns in _CHILDREN]
    for complaints in stored_pages(cur, schema, _BATCH):
        found = [fact_rows(c) for c in complaints]
        cur.executemany(update, [(*f.facts[_SINCE:], f.facts[0]) for f in found])
        ids = [c.id for c in complaints]
        for delete in deletes:
            cur.execute(delete, (ids,))
        for insert, children in zip(
            inserts,
            (
                [r for f in found for r in f.remedies],
                [r for f in found for r in f.decisions],
                [r for f in found for r in f.keys],
            ),
            strict=True,
        ):
            if children:
                cur.executemany(insert, children)
