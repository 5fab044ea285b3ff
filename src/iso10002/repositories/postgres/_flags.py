"""The PostgreSQL tables of stored findings and provenance (schema versions 9, 10).

See :mod:`iso10002.repositories._kpi_flags`. :class:`FlagWriter` keeps a
complaint's ``kpi_flags`` row and ``kpi_findings`` rows in step on every
write path, called by the KPI facts writer in the same transaction. A save
evaluates no policy: its part of the facts writer's statement deletes the
complaint's findings rows and marks them stale (``stale_version``, the
version saved); every read of the findings first fills the stale ones
(see :mod:`._stale`). A bulk import
and the data step of version 9 write the findings at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

from iso10002.model import Complaint
from iso10002.repositories._kpi_evidence import IdOrder
from iso10002.repositories._kpi_flags import (
    FINDING_COLUMNS,
    FLAG_COLUMNS,
    FlagRows,
    FlagsQuery,
    flag_rows,
    flags_of,
    pushdown_findings,
    pushdown_provenance,
)
from iso10002.repositories.postgres._codec import ROW_COLUMNS
from iso10002.repositories.postgres._stale import StaleFills

__all__ = ["FLAGS_STATEMENTS", "FlagWriter", "backfill_flags"]

FLAGS_STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS {s}.kpi_flags (
        complaint_id text COLLATE "C" PRIMARY KEY,
        received_us bigint NOT NULL,
        provenance integer NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS kpi_flags_received ON {s}.kpi_flags (received_us)",
    """
    CREATE TABLE IF NOT EXISTS {s}.kpi_findings (
        complaint_id text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        received_us bigint NOT NULL,
        policy_id text NOT NULL,
        principle text NOT NULL,
        clause text NOT NULL,
        code text NOT NULL,
        severity text NOT NULL,
        message bytea NOT NULL,
        tail bytea,
        from_us bigint,
        until_us bigint,
        since_us bigint,
        instants bigint[],
        PRIMARY KEY (complaint_id, seq)
    )
    """,
    (
        "CREATE INDEX IF NOT EXISTS kpi_findings_key"
        " ON {s}.kpi_findings (policy_id, code, complaint_id)"
    ),
    (
        "CREATE INDEX IF NOT EXISTS kpi_findings_principle"
        " ON {s}.kpi_findings (principle, complaint_id)"
    ),
)
"""Schema version 9: the stored findings and provenance of the review pack."""

_TABLES = ("kpi_flags", "kpi_findings")
_COLUMNS = (FLAG_COLUMNS, FINDING_COLUMNS)


def _rows(complaint: Complaint) -> FlagRows:
    return flag_rows(complaint, complaint.id, list)


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def _names(columns: Iterable[str]) -> sql.Composable:
    return sql.SQL(", ").join(map(sql.Identifier, columns))


class FlagWriter:
    """The statements that keep one schema's flag and finding rows in step."""

    def __init__(self, schema: str) -> None:
        """Compose the statements for ``schema``."""
        s = sql.Identifier(schema)
        self._s = s
        self.query = FlagsQuery(
            flags=f'"{schema}".kpi_flags',  # checked identifier
            findings=f'"{schema}".kpi_findings',
            order=IdOrder(order_by="complaint_id", decode=str),  # COLLATE "C"
            later=lambda a: (
                f"(SELECT count(*) FROM unnest(instants) AS i(v) WHERE v > {int(a)})"  # noqa: S608 - an integer literal
            ),
            # No min(bytea): lowercase hex keeps byte order under "C".
            least="decode(min(encode(message, 'hex') COLLATE \"C\"), 'hex')",
        )
        self._inserts = [
            sql.SQL("INSERT INTO {}.{} ({}) VALUES ({})")
            .format(
                s,
                sql.Identifier(name),
                _names(columns),
                sql.SQL(", ").join(sql.Placeholder() * len(columns)),
            )
            .as_bytes()
            for name, columns in zip(_TABLES, _COLUMNS, strict=True)
        ]
        self._deletes = [
            sql.SQL("DELETE FROM {}.{} WHERE complaint_id = ANY(%s)")
            .format(s, sql.Identifier(name))
            .as_bytes()
            for name in _TABLES
        ]
        self._copies = [
            sql.SQL("COPY {}.{} ({}) FROM STDIN").format(
                s, sql.Identifier(name), _names(columns)
            )
            for name, columns in zip(_TABLES, _COLUMNS, strict=True)
        ]
        stale_insert = sql.SQL(
            "INSERT INTO {}.kpi_flags AS t ({}, stale_version) VALUES ({}, %s)"
        ).format(s, _names(FLAG_COLUMNS), sql.SQL(", ").join(sql.Placeholder() * 3))
        self._insert_stale = stale_insert.as_bytes()
        self._stale_upsert = stale_insert + sql.SQL(
            " ON CONFLICT (complaint_id) DO UPDATE SET received_us ="
            " EXCLUDED.received_us, provenance = EXCLUDED.provenance,"
            " stale_version = EXCLUDED.stale_version"
        )
        self.stale = StaleFills(schema)
        self._counts = (
            sql.SQL(
                "SELECT (SELECT count(*) FROM {s}.complaints)"
                " = (SELECT count(*) FROM {s}.kpi_flags)"
            )
            .format(s=s)
            .as_bytes()
        )

    def _upsert(self, table: int, count: int) -> sql.Composable:
        keys = 1 if table == 0 else 2
        columns = _COLUMNS[table]
        rest = columns[keys:]
        row = sql.SQL("({})").format(
            sql.SQL(", ").join(sql.Placeholder() * len(columns))
        )
        return sql.SQL(
            "INSERT INTO {}.{} AS t ({}) VALUES {} ON CONFLICT ({}) DO UPDATE SET {}"
            " WHERE ({}) IS DISTINCT FROM ({})"
        ).format(
            self._s,
            sql.Identifier(_TABLES[table]),
            _names(columns),
            sql.SQL(", ").join([row] * count),
            _names(columns[:keys]),
            sql.SQL(", ").join(
                sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in rest
            ),
            sql.SQL(", ").join(sql.SQL("t.") + sql.Identifier(c) for c in rest),
            sql.SQL(", ").join(sql.SQL("EXCLUDED.") + sql.Identifier(c) for c in rest),
        )

    def replacing(self, count: int) -> list[sql.Composed]:
        """Return the parts of a ``WITH`` that replace a complaint's rows.

        The facts writer puts them in its one statement per save: the
        complaint's findings rows go and its flags row marks them stale at
        the version saved (``count`` is always 0: no finding is written).
        Their parameters: see :meth:`replacing_params`.
        """
        del count
        return [
            sql.SQL(
                "fd AS (DELETE FROM {}.kpi_findings WHERE complaint_id = %s)"
            ).format(self._s),
            sql.SQL("ff AS ({})").format(self._stale_upsert),
        ]

    @staticmethod
    def replacing_params(complaint: Complaint) -> tuple[int, list[Any]]:
        """Return the number of finding rows (0) and :meth:`replacing`'s parameters."""
        return 0, [
            complaint.id,
            *flags_of(complaint, complaint.id),
            complaint.version,
        ]

    def insert_one(self, cur: psycopg.Cursor[Any], complaint: Complaint) -> None:
        """Store the flags row of one new complaint, its findings stale (pipelined)."""
        cur.execute(
            self._insert_stale, (*flags_of(complaint, complaint.id), complaint.version)
        )

    def write(
        self,
        cur: psycopg.Cursor[Any],
        complaints: Iterable[Complaint],
        *,
        replace: bool = False,
    ) -> None:
        """Store the rows of ``complaints`` in the caller's transaction."""
        complaints = list(complaints)
        if replace:
            ids = [c.id for c in complaints]
            for delete in self._deletes:
                cur.execute(delete, (ids,))
        flags, findings = [], []
        for complaint in complaints:
            rows = _rows(complaint)
            flags.append(rows.flags)
            findings.extend(rows.findings)
        for insert, rows_of in zip(self._inserts, (flags, findings), strict=True):
            if rows_of:
                cur.executemany(insert, rows_of)

    def copy(self, cur: psycopg.Cursor[Any], complaints: Iterable[Complaint]) -> None:
        """Store the rows of new ``complaints`` with COPY (bulk import)."""
        flags, findings = [], []
        for complaint in complaints:
            rows = _rows(complaint)
            flags.append(rows.flags)
            findings.extend(rows.findings)
        for statement, rows_of in zip(self._copies, (flags, findings), strict=True):
            if rows_of:
                with cur.copy(statement) as copy:
                    for row in rows_of:
                        copy.write_row(row)

    def differing(
        self, cur: psycopg.Cursor[Any], complaints: list[Complaint]
    ) -> dict[str, list[str]]:
        """Name, per complaint, the tables whose rows are not its own (deep check).

        A complaint stale at its version has no findings rows (they are
        filled from its document when read); any other stale mark, or
        findings rows beside one, is named.
        """
        ids = [c.id for c in complaints]
        cur.execute(
            sql.SQL(
                "SELECT {}, stale_version FROM {}.kpi_flags"
                " WHERE complaint_id = ANY(%s) ORDER BY complaint_id"
            ).format(_names(FLAG_COLUMNS), self._s),
            (ids,),
        )
        flags: dict[str, list[tuple[Any, ...]]] = {}
        for row in cur:
            flags.setdefault(row[0], []).append(tuple(row))
        cur.execute(
            sql.SQL(
                "SELECT {} FROM {}.kpi_findings WHERE complaint_id = ANY(%s)"
                " ORDER BY complaint_id, seq"
            ).format(_names(FINDING_COLUMNS), self._s),
            (ids,),
        )
        findings: dict[str, list[tuple[Any, ...]]] = {}
        for row in cur:
            findings.setdefault(row[0], []).append(tuple(_plain(v) for v in row))
        found: dict[str, list[str]] = {}
        for complaint in complaints:
            cid = complaint.id
            stored = flags.get(cid, [])
            stale = stored[0][-1] if len(stored) == 1 else None
            if [r[:-1] for r in stored] != [flags_of(complaint, cid)] or stale not in (
                None,
                complaint.version,
            ):
                found.setdefault(cid, []).append("kpi_flags")
            wanted = (
                []
                if stale is not None
                else [tuple(r) for r in _rows(complaint).findings]
            )
            if findings.get(cid, []) != wanted:
                found.setdefault(cid, []).append("kpi_findings")
        return found

    def complete(self, cur: psycopg.Cursor[Any]) -> bool:
        """Tell whether every stored complaint has its ``kpi_flags`` row."""
        cur.execute(self._counts)
        row = cur.fetchone()
        return bool(row and row[0])

    def findings(
        self,
        cur: psycopg.Cursor[Any],
        as_of: datetime,
        period: tuple[datetime, datetime] | None,
        ids_shown: int | None,
    ) -> Any:
        """Count the stored findings in SQL (see :mod:`.._kpi_flags`)."""
        return pushdown_findings(
            lambda text: cur.execute(text.encode()).fetchall(),  # literals only
            self.query,
            as_of,
            period,
            ids_shown,
        )

    def provenance(
        self,
        cur: psycopg.Cursor[Any],
        as_of: datetime,
        period: tuple[datetime, datetime] | None,
    ) -> dict[str, int]:
        """Count the provenance flags in SQL."""
        return pushdown_provenance(
            lambda text: cur.execute(text.encode()).fetchall(),  # literals only
            self.query,
            as_of,
            period,
        )


def backfill_flags(cur: psycopg.Cursor[Any], schema: str) -> None:
    """Fill the flag and finding rows of every stored complaint (migration to v9).

    A document that cannot be read is left out with a warning on the
    ``iso10002`` logger; the pack then evaluates the policies per complaint.
    Complaints that have their rows (written by an earlier data step of the
    same migration) are left as they are.
    """
    from iso10002.repositories.postgres._facts import decoded  # noqa: PLC0415

    s = sql.Identifier(schema)
    page = sql.SQL(
        "SELECT {} FROM {}.complaints c WHERE c.id > %s AND NOT EXISTS"
        " (SELECT 1 FROM {}.kpi_flags f WHERE f.complaint_id = c.id)"
        " ORDER BY c.id LIMIT %s"
    ).format(ROW_COLUMNS.format(schema=s), s, s)
    writer = FlagWriter(schema)
    last = ""
    while True:
        cur.execute(page, (last, 1000))
        rows = cur.fetchall()
        if not rows:
            return
        complaints, _unreadable = decoded(rows)  # logged; the pack streams then
        writer.copy(cur, complaints)
        last = rows[-1][0]
