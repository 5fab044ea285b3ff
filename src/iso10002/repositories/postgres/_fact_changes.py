"""A save's KPI rows sent as their change from the rows written with the stored row.

A complaint's push-down rows follow from the complaint, and every write
stores them with it, so the rows stored with a row are the rows computed
from it. :class:`WrittenFacts` remembers, per complaint, the rows this
process last wrote and the row (version, chain head, salt) they were written
with; a save over exactly that row (checked by the same batch's ``UPDATE``,
which fails the batch otherwise) sends only the child rows that are new or
changed, the numbers of those that went, and the facts row if it changed,
as small statements psycopg prepares once. A save over any other row (the
first in this process, after another process wrote, after an erasure)
replaces all of the complaint's rows as before.

A complaint grown to hundreds of events thus sends one or two rows per step
instead of hundreds. An edit of the push-down tables made behind the
library's back is then not overwritten by the next save; the deep check
(``verify_integrity``) names it, as it names any edit of those tables.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from psycopg import sql

from iso10002.repositories._kpi_facts import (
    DEADLINE_COLUMNS,
    DECISION_COLUMNS,
    FACT_COLUMNS,
    KEY_COLUMNS,
    REMEDY_COLUMNS,
    TOGGLE_COLUMNS,
    FactRows,
)
from iso10002.repositories._rows import ComplaintRow

__all__ = [
    "COLUMNS",
    "TABLE_NAMES",
    "FactChanges",
    "WrittenFacts",
    "changed_rows",
    "columnwise",
    "element_type",
    "names",
    "upsert",
    "values",
]

TABLE_NAMES = (
    "kpi_facts",
    "kpi_deadlines",
    "kpi_remedies",
    "kpi_toggles",
    "kpi_decisions",
    "kpi_keys",
)
COLUMNS = (
    FACT_COLUMNS,
    DEADLINE_COLUMNS,
    REMEDY_COLUMNS,
    TOGGLE_COLUMNS,
    DECISION_COLUMNS,
    KEY_COLUMNS,
)
_ELEMENT_TYPES = {
    "complaint_id": "text",
    "seq": "integer",
    "workflow": "bytea",
    "step": "bytea",
    "kind": "text",
    "currency": "text",
    "exponent": "integer",
    "coefficient": "bigint",
    "amount": "text",
    "outcome": "text",
    "paid": "integer",
    "with_decision": "integer",
    "field": "text",
    "value": "bytea",
}
"""The type of each child table's column other than the ``*_us`` ones (bigint).

A child table's rows are sent as one array per column and expanded by
``unnest``, so one statement (parsed and planned once) serves every number
of rows; ``tests/repositories/test_postgres_fact_types.py`` compares these
with the catalogue.
"""

_ENTRIES = 1024
# As many complaints as the row store remembers search digests of.
_ROWS = 200_000
# And at most this many child rows in all (a long complaint has hundreds).

Key = tuple[int, str, bytes]
"""What names the stored row a complaint's rows were written with."""


def element_type(column: str) -> str:
    """Return the PostgreSQL type of a push-down child table's ``column``."""
    return "bigint" if column.endswith("_us") else _ELEMENT_TYPES[column]


def names(columns: Iterable[str]) -> sql.Composable:
    """Return ``columns`` as a list of quoted identifiers."""
    return sql.SQL(", ").join(map(sql.Identifier, columns))


def columnwise(rows: list[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """Return ``rows`` as one list per column (``width`` columns)."""
    return [[row[i] for row in rows] for i in range(width)]


def values(schema: sql.Identifier, table: int) -> sql.Composable:
    """Return ``INTO table AS t (columns)`` and the rows to insert.

    The facts row (table 0) is one ``VALUES`` row; a child table's rows come
    as one array parameter per column, expanded by ``unnest``.
    """
    columns = COLUMNS[table]
    into = sql.SQL("INTO {}.{} AS t ({}) ").format(
        schema, sql.Identifier(TABLE_NAMES[table]), names(columns)
    )
    if table == 0:
        return into + sql.SQL("VALUES ({})").format(
            sql.SQL(", ").join(sql.Placeholder() * len(columns))
        )
    arrays = sql.SQL(", ").join(
        sql.SQL("%b::{}[]").format(sql.SQL(element_type(c))) for c in columns
    )
    return into + sql.SQL("SELECT * FROM unnest({})").format(arrays)


def upsert(schema: sql.Identifier, table: int) -> sql.Composable:
    """Return the upsert of a table's rows, writing only the changed ones."""
    keys = 1 if table == 0 else 2  # complaint_id, and seq for child tables
    rest = COLUMNS[table][keys:]
    return sql.SQL(
        "INSERT {} ON CONFLICT ({}) DO UPDATE SET {} WHERE ({}) IS DISTINCT FROM ({})"
    ).format(
        values(schema, table),
        names(COLUMNS[table][:keys]),
        sql.SQL(", ").join(
            sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in rest
        ),
        sql.SQL(", ").join(sql.SQL("t.") + sql.Identifier(c) for c in rest),
        sql.SQL(", ").join(sql.SQL("EXCLUDED.") + sql.Identifier(c) for c in rest),
    )


def changed_rows(
    before: list[tuple[Any, ...]], after: list[tuple[Any, ...]]
) -> tuple[list[tuple[Any, ...]], list[int]]:
    """Return the rows of ``after`` not in ``before`` and the numbers that went.

    Child rows are keyed by their number (``seq``, the second column).
    """
    if after[: len(before)] == before:  # the usual step: rows only added
        return after[len(before) :], []
    old = {row[1]: row for row in before}
    changed = [row for row in after if old.get(row[1]) != row]
    kept = {row[1] for row in after}
    return changed, [seq for seq in old if seq not in kept]


def _children(rows: FactRows) -> tuple[list[tuple[Any, ...]], ...]:
    """Return the child tables' rows of ``rows``, in :data:`TABLE_NAMES` order."""
    return rows.deadlines, rows.remedies, rows.toggles, rows.decisions, rows.keys


def _key(row: ComplaintRow) -> Key:
    return (row.version, row.last_link, row.salt)


class WrittenFacts:
    """The push-down rows last written of each complaint, by the row written with them.

    Bounded: the least recently written go first, past 1,024 complaints or
    200,000 child rows. Safe to share between threads.
    """

    def __init__(self, entries: int = _ENTRIES, rows: int = _ROWS) -> None:
        """Remember up to ``entries`` complaints and ``rows`` child rows in all."""
        self._entries = entries
        self._rows = rows
        self._held = 0
        self._facts: dict[str, tuple[Key, FactRows, int]] = {}
        self._lock = threading.Lock()

    def remember(self, row: ComplaintRow, facts: FactRows) -> None:
        """Remember that ``facts`` are stored with ``row`` (just written)."""
        size = sum(map(len, _children(facts)))
        with self._lock:
            self._drop(row.complaint_id)
            self._facts[row.complaint_id] = (_key(row), facts, size)
            self._held += size
            while len(self._facts) > self._entries or self._held > self._rows:
                self._drop(next(iter(self._facts)))

    def stored_with(self, row: ComplaintRow) -> FactRows | None:
        """Return the rows written with ``row``, if this process wrote them."""
        with self._lock:
            found = self._facts.get(row.complaint_id)
        if found is None or found[0] != _key(row):
            return None
        return found[1]

    def forget(self, complaint_id: str) -> None:
        """Drop what is remembered of ``complaint_id``."""
        with self._lock:
            self._drop(complaint_id)

    def _drop(self, complaint_id: str) -> None:
        found = self._facts.pop(complaint_id, None)
        if found is not None:
            self._held -= found[2]


class FactChanges:
    """The statement that stores the change of a complaint's push-down rows.

    It writes the child tables that changed (their gone rows deleted, new or
    changed ones upserted), the stale mark of the complaint's findings, and
    the facts row when it changed: one statement per save, each shape
    composed once, when first needed.
    """

    def __init__(self, schema: str, flag_parts: list[sql.Composed]) -> None:
        """Compose for ``schema``; ``flag_parts`` mark the findings stale."""
        self._s = sql.Identifier(schema)
        self._flag_parts = flag_parts
        self._shapes: dict[tuple[bool, ...], bytes] = {}
        rest = FACT_COLUMNS[1:]
        # Sent only when the row changed, so without upsert's own check.
        self._facts = sql.SQL(
            "INSERT {} ON CONFLICT (complaint_id) DO UPDATE SET {}"
        ).format(
            values(self._s, 0),
            sql.SQL(", ").join(
                sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in rest
            ),
        )

    def parts(self, shape: tuple[bool, ...]) -> list[sql.Composable]:
        """Return the ``WITH`` parts that store a change of ``shape``.

        Per child table with deletes (``dN``) and with upserts (``uN``), the
        flags parts, and ``fx``, the facts row, when it changed. Their
        parameters are those :meth:`change` returns, in order.
        """
        tables = range(1, len(TABLE_NAMES))
        parts: list[sql.Composable] = [
            sql.SQL(
                "d{} AS (DELETE FROM {}.{}"
                " WHERE complaint_id = %s AND seq = ANY(%s::integer[]))"
            ).format(sql.SQL(str(t)), self._s, sql.Identifier(TABLE_NAMES[t]))
            for t in tables
            if shape[2 * (t - 1)]
        ]
        parts.extend(
            sql.SQL("u{} AS ({})").format(sql.SQL(str(t)), upsert(self._s, t))
            for t in tables
            if shape[2 * (t - 1) + 1]
        )
        parts.extend(self._flag_parts)
        if shape[-1]:
            parts.append(sql.SQL("fx AS ({})").format(self._facts))
        return parts

    def statement(self, shape: tuple[bool, ...]) -> bytes:
        """Return the statement for ``shape``: per child table, deletes? upserts?

        The last element of ``shape`` tells whether the facts row goes too.
        Its parameters: per child table with deletes the complaint id and
        the gone numbers, per child table with upserts its rows (one array
        per column), then those of the flags parts, then the facts row.
        """
        found = self._shapes.get(shape)
        if found is None:
            found = self._shapes[shape] = (
                sql.SQL("WITH {} SELECT 1")
                .format(sql.SQL(", ").join(self.parts(shape)))
                .as_bytes()
            )
        return found

    def change(
        self, complaint_id: str, before: FactRows, after: FactRows, flags: list[Any]
    ) -> tuple[tuple[bool, ...], list[Any]]:
        """Return the shape of the change from ``before`` to ``after``, and its values.

        ``flags`` are the parameters of the flags parts.
        """
        shape: list[bool] = []
        deletes: list[Any] = []
        upserts: list[Any] = []
        pairs = zip(_children(before), _children(after), strict=True)
        for table, (old, new) in enumerate(pairs, start=1):
            changed, gone = changed_rows(old, new)
            shape += (bool(gone), bool(changed))
            if gone:
                deletes += (complaint_id, gone)
            if changed:
                upserts += columnwise(changed, len(COLUMNS[table]))
        facts = after.facts != before.facts
        shape.append(facts)
        params = deletes + upserts + flags
        if facts:
            params.extend(after.facts)
        return tuple(shape), params
