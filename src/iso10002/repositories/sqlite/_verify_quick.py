"""The quick check of a SQLite store on opening, and the checkpoint it rests on.

One ordered pass over the complaints and, merged by complaint id, the event
log, the KPI fact tables, the search digests and the checkpoint's seals:
every chain is recomputed from stored bytes, every row's version and head
compared with its log, and every complaint still at its sealed head has the
digest of its rows compared with the seal. Complaints never sealed or
written since the checkpoint are checked deeply (:func:`._verify.verify_all`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import attrs

from iso10002.integrity import (
    IntegrityProblem,
    IntegrityReport,
    SealVerdict,
    StoredLink,
    content_digest,
    head_problems,
    orphan_problems,
    seal,
    seal_verdict,
    stored_chain_problems,
)
from iso10002.integrity.keys import ChainKeys
from iso10002.repositories.sqlite._search import orphan_index_problems
from iso10002.repositories.sqlite._sql import INDEXED_COLUMNS, column_value
from iso10002.repositories.sqlite._verify import log_problems, verify_all

__all__ = ["SEALS_TABLE", "verify_quick", "write_checkpoint"]

SEALS_TABLE = "iso10002_seals"
"""The checkpoint: one seal per complaint, written by a clean deep check."""

_SEALS_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {SEALS_TABLE} (complaint_id TEXT PRIMARY KEY,"
    " last_link TEXT NOT NULL, schema_version INTEGER NOT NULL,"
    " seal TEXT NOT NULL) WITHOUT ROWID"
)
_KPI_TABLES = (
    "kpi_facts",
    "kpi_deadlines",
    "kpi_remedies",
    "kpi_toggles",
    "kpi_decisions",
    "kpi_keys",
    "kpi_flags",
    "kpi_findings",
)
_SEALED = ", ".join(
    f"c.{name}"
    for name in ("id", "version", "document", "salt", "last_link", *INDEXED_COLUMNS)
)


def _order(value: Any) -> tuple[int, Any]:
    """Sort as SQLite does: NULL, numbers, text, blobs (a tampered id may be any)."""
    if value is None:
        return (0, 0)
    if isinstance(value, (int, float)):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, bytes(value))


def _before(one: Any, other: Any) -> bool:
    if type(one) is str and type(other) is str:
        return one < other
    return _order(one) < _order(other)


def _same(one: Any, other: Any) -> bool:
    return bool(one == other and type(one) is type(other))


class _Groups:
    """Rows of one table ordered by complaint id, taken one complaint at a time."""

    def __init__(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self._rows = rows
        self._next = next(rows, None)

    def take(self, key: Any) -> tuple[list[tuple[Any, ...]], list[Any]]:
        """Return the rows of ``key``, and the keys passed over before it."""
        passed = []
        while self._next is not None and _before(self._next[0], key):
            passed.append(self._next[0])
            self._skip()
        taken = []
        while self._next is not None and _same(self._next[0], key):
            taken.append(self._next)
            self._next = next(self._rows, None)
        return taken, passed

    def rest(self) -> list[Any]:
        """Return the keys left after the last complaint."""
        passed = []
        while self._next is not None:
            passed.append(self._next[0])
            self._skip()
        return passed

    def _skip(self) -> None:
        key = None if self._next is None else self._next[0]
        while self._next is not None and _same(self._next[0], key):
            self._next = next(self._rows, None)


def _tables(connection: sqlite3.Connection) -> set[str]:
    return {
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        )
    }


def _schema_version(connection: sqlite3.Connection) -> int:
    row = connection.execute("SELECT max(version) FROM iso10002_schema").fetchone()
    return int(row[0] or 0)


@attrs.frozen(kw_only=True)
class _Scanned:
    """One complaint as the quick pass read it."""

    stored_id: Any
    complaint_id: str
    head: Any
    digest: str
    seal: tuple[Any, ...]  # the checkpoint's (last link, schema version, seal)
    problems: list[IntegrityProblem]
    events: int


def _scan(connection: sqlite3.Connection, keys: ChainKeys | None) -> Iterator[_Scanned]:
    """Yield each complaint as read, checked for chain and head.

    Problems of rows no complaint owns (orphaned events or KPI rows) are
    yielded under the complaint id ``""`` with an empty digest.
    """
    seals = (
        "s.last_link, s.schema_version, s.seal FROM complaints c"
        f" LEFT JOIN {SEALS_TABLE} s ON s.complaint_id = c.id"
        if SEALS_TABLE in _tables(connection)
        else "NULL, NULL, NULL FROM complaints c"
    )
    rows = connection.execute(
        f"SELECT {_SEALED}, (SELECT digest FROM search_digests d"  # noqa: S608
        f" WHERE d.complaint_id = c.id), {seals} ORDER BY c.id"
    )
    events = _Groups(
        connection.execute(
            "SELECT complaint_id, sequence, event, commitment, link FROM events"
            " ORDER BY complaint_id, sequence"
        )
    )
    kpis = [
        _Groups(connection.execute(f"SELECT * FROM {t} ORDER BY 1"))  # noqa: S608
        for t in _KPI_TABLES
    ]
    width = 5 + len(INDEXED_COLUMNS)
    for row in rows:
        stored_id = row[0]
        complaint_id = column_value(stored_id) if isinstance(stored_id, str) else ""
        found: list[IntegrityProblem] = []
        taken, passed = events.take(stored_id)
        found.extend(_orphans(passed))
        links = [
            StoredLink(sequence=r[1], event=r[2], commitment=r[3], link=r[4])
            for r in taken
        ]
        found.extend(stored_chain_problems(complaint_id, links, keys))
        found.extend(
            head_problems(complaint_id, version=row[1], last_link=row[4], links=links)
        )
        derived = []
        for table, groups in zip(_KPI_TABLES, kpis, strict=True):
            taken_rows, passed = groups.take(stored_id)
            derived.append(taken_rows)
            found.extend(_stray(table, passed))
        digest = content_digest((row[:2], row[3:width], row[width], derived), row[2])
        yield _Scanned(
            stored_id=stored_id,
            complaint_id=complaint_id,
            head=row[4],
            digest=digest,
            seal=row[width + 1 :],
            problems=found,
            events=len(links),
        )
    leftovers = _orphans(events.rest())
    for table, groups in zip(_KPI_TABLES, kpis, strict=True):
        leftovers.extend(_stray(table, groups.rest()))
    if leftovers:
        yield _Scanned(
            stored_id=None,
            complaint_id="",
            head=None,
            digest="",
            seal=(None, None, None),
            problems=leftovers,
            events=0,
        )


def _name(stored: Any) -> str:
    return column_value(stored) if isinstance(stored, str) else repr(stored)


def _orphans(keys: list[Any]) -> list[IntegrityProblem]:
    return orphan_problems([_name(k) for k in keys])


def _stray(table: str, keys: list[Any]) -> list[IntegrityProblem]:
    return [
        IntegrityProblem(
            complaint_id=_name(k),
            message=f"KPI table {table!r} holds rows of a complaint that is not stored",
        )
        for k in keys
    ]


def verify_quick(
    connection: sqlite3.Connection, keys: ChainKeys | None
) -> IntegrityReport:
    """Check the store as it is opened: chains, heads, seals; unsealed deeply."""
    problems: list[IntegrityProblem] = []
    unsealed: list[str] = []
    complaints = events = 0
    version = _schema_version(connection)
    for scanned in _scan(connection, keys):
        problems.extend(scanned.problems)
        if not scanned.digest:
            continue
        complaints += 1
        events += scanned.events
        verdict = SealVerdict.UNSEALED
        link, at_version, stored = scanned.seal
        if link == scanned.head and at_version == version:
            verdict = seal_verdict(
                stored,
                complaint_id=scanned.complaint_id,
                last_link=link,
                digest=scanned.digest,
                keys=keys,
            )
        if verdict is SealVerdict.BROKEN:
            problems.append(
                IntegrityProblem(
                    complaint_id=scanned.complaint_id,
                    message="stored rows differ from what the last checkpoint sealed",
                )
            )
        elif verdict is SealVerdict.UNSEALED and not scanned.problems:
            unsealed.append(scanned.complaint_id)
    problems.extend(orphan_index_problems(connection))
    problems.extend(log_problems(connection))
    deep = verify_all(connection, keys, only=unsealed) if unsealed else None
    if deep is not None:
        problems.extend(deep.problems)
    return IntegrityReport(
        complaints_checked=complaints,
        events_checked=events,
        problems=tuple(sorted(problems, key=lambda p: p.complaint_id)),
        unreplayable=() if deep is None else deep.unreplayable,
    )


def write_checkpoint(
    connection: sqlite3.Connection, keys: ChainKeys | None
) -> IntegrityReport:
    """Check the store deeply and, if it is sound, seal every complaint.

    Runs in the caller's write transaction, so nothing is written between
    the check and the seals. A store with problems keeps its old seals.
    """
    report = verify_all(connection, keys)
    if not report.ok:
        return report
    version = _schema_version(connection)
    key = None if keys is None else keys.current
    sealed = [
        (
            scanned.stored_id,
            scanned.head,
            version,
            seal(scanned.complaint_id, scanned.head, scanned.digest, key),
        )
        for scanned in _scan(connection, keys)
        if scanned.digest
    ]
    connection.execute(_SEALS_SCHEMA)
    connection.execute(f"DELETE FROM {SEALS_TABLE}")  # noqa: S608 - a constant
    connection.executemany(
        f"INSERT INTO {SEALS_TABLE} VALUES (?, ?, ?, ?)",  # noqa: S608 - a constant
        sealed,
    )
    return report
