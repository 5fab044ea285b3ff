"""Stored findings left stale by saves, and how a read fills them (PostgreSQL).

A save marks a complaint's findings stale (``kpi_flags.stale_version``, the
version saved; see :mod:`._flags`). Before the findings are counted,
:func:`fill_stale` reads the stale complaints a page at a time from one
snapshot, evaluates their findings outside any transaction and writes them
in a short transaction per page, with a version guard: the complaints' rows
are locked in share mode and only those still at the version read, and
still stale at it, are filled. A save that wins the race leaves its
complaint stale at its new version; one that waits on the share lock
deletes, after the fill commits, the rows the fill wrote (it marks the
complaint stale in the statement after the one that moved its version).
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import pq, sql

from iso10002.model import Complaint
from iso10002.repositories._kpi_flags import FINDING_COLUMNS, flag_rows
from iso10002.repositories.postgres._codec import ROW_COLUMNS

__all__ = [
    "FILL_BATCH",
    "STALE_STATEMENTS",
    "StaleFills",
    "check_rules",
    "fill_stale",
]

STALE_STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE {s}.kpi_flags ADD COLUMN IF NOT EXISTS stale_version integer",
    (
        "CREATE INDEX IF NOT EXISTS kpi_flags_stale ON {s}.kpi_flags"
        " (stale_version) WHERE stale_version IS NOT NULL"
    ),
    (
        "CREATE TABLE IF NOT EXISTS {s}.iso10002_rules"
        " (name text PRIMARY KEY, version integer NOT NULL)"
    ),
)
"""Schema version 10: stale findings, and the stamp of the rules that found them.

Rows stored before it are not stale (``NULL``).
"""


class StaleFills:
    """The statements that find and fill one schema's stale findings."""

    def __init__(self, schema: str) -> None:
        """Compose the statements for ``schema``."""
        s = sql.Identifier(schema)
        self._insert = (
            sql.SQL("INSERT INTO {}.kpi_findings ({}) VALUES ({})")
            .format(
                s,
                sql.SQL(", ").join(map(sql.Identifier, FINDING_COLUMNS)),
                sql.SQL(", ").join(sql.Placeholder() * len(FINDING_COLUMNS)),
            )
            .as_bytes()
        )
        self._delete = (
            sql.SQL("DELETE FROM {}.kpi_findings WHERE complaint_id = ANY(%s)")
            .format(s)
            .as_bytes()
        )
        self._stale_page = (
            sql.SQL(
                "SELECT {}, f.stale_version FROM {s}.kpi_flags f"
                " JOIN {s}.complaints c ON c.id = f.complaint_id"
                " WHERE f.stale_version IS NOT NULL AND f.complaint_id > %s"
                " ORDER BY f.complaint_id LIMIT %s"
            )
            .format(ROW_COLUMNS.format(schema=s), s=s)
            .as_bytes()
        )
        self._lock_versions = (
            sql.SQL(
                "SELECT id, version FROM {}.complaints WHERE id = ANY(%s)"
                " ORDER BY id FOR SHARE"
            )
            .format(s)
            .as_bytes()
        )
        self._unmark = (
            sql.SQL(
                "UPDATE {}.kpi_flags f SET stale_version = NULL"
                " FROM unnest(%s::text[], %s::integer[]) AS b(id, v)"
                " WHERE f.complaint_id = b.id AND f.stale_version = b.v"
                " RETURNING f.complaint_id"
            )
            .format(s)
            .as_bytes()
        )
        self.count_stale = (
            sql.SQL("SELECT count(*) FROM {}.kpi_flags WHERE stale_version IS NOT NULL")
            .format(s)
            .as_bytes()
        )
        self._any_stale = (
            sql.SQL(
                "SELECT EXISTS (SELECT 1 FROM {}.kpi_flags"
                " WHERE stale_version IS NOT NULL)"
            )
            .format(s)
            .as_bytes()
        )

    def stale_page(
        self, cur: psycopg.Cursor[Any], after: str, limit: int
    ) -> tuple[list[tuple[str, int, Complaint]], str | None]:
        """Read up to ``limit`` stale complaints after the id ``after``.

        Returns:
            Each readable one's id, stale version and complaint, and the
            last id read (``None`` when none was). One that cannot be read is
            logged and stays stale (the pack then streams, naming it).
        """
        from iso10002.repositories.postgres._facts import (  # noqa: PLC0415
            decoded,
        )

        cur.execute(self._stale_page, (after, limit))
        rows = cur.fetchall()
        if not rows:
            return [], None
        versions = {row[0]: int(row[-1]) for row in rows}
        complaints, _ = decoded(row[:-1] for row in rows)
        return [(c.id, versions[c.id], c) for c in complaints], rows[-1][0]

    def fill_page(
        self, cur: psycopg.Cursor[Any], batch: list[tuple[str, int, Complaint]]
    ) -> int:
        """Write the findings of complaints :meth:`stale_page` read (write transaction).

        The complaints' rows are locked in share mode first (a save of one
        waits, or has already moved it past the version read), and only
        those still stale at the version read are filled.

        Returns:
            How many complaints were filled.
        """
        if not batch:
            return 0
        cur.execute(self._lock_versions, ([cid for cid, _, _ in batch],))
        current = dict(cur.fetchall())
        kept = [(cid, v, c) for cid, v, c in batch if current.get(cid) == v]
        if not kept:
            return 0
        cur.execute(
            self._unmark, ([cid for cid, _, _ in kept], [v for _, v, _ in kept])
        )
        unmarked = {row[0] for row in cur.fetchall()}
        filled = [c for cid, _, c in kept if cid in unmarked]
        findings = [row for c in filled for row in flag_rows(c, c.id, list).findings]
        if findings:
            cur.execute(self._delete, ([c.id for c in filled],))
            cur.executemany(self._insert, findings)
        return len(filled)

    def any_stale(self, cur: psycopg.Cursor[Any]) -> bool:
        """Tell whether a stored complaint's findings are stale."""
        cur.execute(self._any_stale)
        row = cur.fetchone()
        return bool(row and row[0])


def check_rules(cur: psycopg.Cursor[Any], schema: str) -> None:
    """Mark every complaint stale if its findings were stored by other rules.

    Compares the schema's stamp with
    :data:`~iso10002.analysis.pushdown.STORED_FINDINGS_RULES`; on a
    difference every complaint's findings are deleted and marked stale, the
    seals of the last checkpoint (which cover the old rows) are dropped, and
    the new stamp is recorded (caller's transaction).
    """
    from iso10002.analysis.pushdown import (  # noqa: PLC0415 - analysis when opening
        STORED_FINDINGS_RULES,
    )

    s = sql.Identifier(schema)
    cur.execute(
        sql.SQL(
            "SELECT version FROM {}.iso10002_rules WHERE name = 'stored_findings'"
        ).format(s)
    )
    row = cur.fetchone()
    if row is not None and row[0] == STORED_FINDINGS_RULES:
        return
    if row is not None:
        cur.execute(
            sql.SQL(
                "UPDATE {s}.kpi_flags f SET stale_version = c.version"
                " FROM {s}.complaints c WHERE c.id = f.complaint_id"
            ).format(s=s)
        )
        cur.execute(sql.SQL("DELETE FROM {}.kpi_findings").format(s))
        cur.execute("SELECT to_regclass(%s)", (f'"{schema}".integrity_seals',))
        found = cur.fetchone()
        if found is not None and found[0] is not None:
            cur.execute(sql.SQL("DELETE FROM {}.integrity_seals").format(s))
    cur.execute(
        sql.SQL(
            "INSERT INTO {}.iso10002_rules (name, version)"
            " VALUES ('stored_findings', %s) ON CONFLICT (name)"
            " DO UPDATE SET version = EXCLUDED.version"
        ).format(s),
        (STORED_FINDINGS_RULES,),
    )


FILL_BATCH = 500
"""Stale complaints read and filled per transaction."""


def fill_stale(connector: Any, flags: StaleFills, *, inside: bool = False) -> int:
    """Fill the stale findings of a store, a batch per transaction.

    On a borrowed connection inside its host's transaction nothing is
    written (the host's transaction is not ours to write in, and may be read
    only): the stale complaints stay so and the pack streams.

    Args:
        connector: The store's connector (``snapshot`` and ``write``).
        flags: Its statements.
        inside: Called inside the store's own write transaction (a
            checkpoint): fill whatever the connection.

    Returns:
        How many complaints were filled.
    """
    if not inside:
        with connector.connection() as conn:
            if conn.info.transaction_status != pq.TransactionStatus.IDLE:
                return 0
    with connector.snapshot("fill_stale_findings") as cur:
        cur.execute(flags.count_stale)
        row = cur.fetchone()
    pages = -(-int(row[0] if row else 0) // FILL_BATCH)
    filled, after = 0, ""
    for _ in range(pages):
        with connector.snapshot("fill_stale_findings") as cur:
            batch, last = flags.stale_page(cur, after, FILL_BATCH)
        if last is None:
            break
        after = last
        with connector.write("fill_stale_findings") as cur:
            filled += flags.fill_page(cur, batch)
    return filled
