"""The quick check of a SQLite store on opening, and the checkpoint it rests on.

One pass over the complaints reads, per complaint, one row: its columns, its
search digest, its KPI fact row, its other KPI rows and its event log (those
encoded by SQLite, see :func:`_rows_of`), its document and its seal. Its
digest covers all of them, so a complaint still at its sealed head whose
seal matches has every stored row the seal vouched for (a checkpoint's deep
check, or the import that wrote it), its chain included: its links are not
recomputed. Complaints whose seal does not match, or whose links are made
with a key not given, have their chain recomputed from stored bytes and
their head compared with their log, to name what broke; complaints never
sealed or written since are checked deeply (:func:`._verify.verify_all`).
"""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from iso10002.integrity import (
    IntegrityProblem,
    IntegrityReport,
    SealVerdict,
    StoredLink,
    head_problems,
    seal,
    seal_verdict,
    stored_chain_problems,
)
from iso10002.integrity.keys import ChainKeys
from iso10002.repositories.sqlite._flags import fill_stale
from iso10002.repositories.sqlite._search import orphan_index_problems
from iso10002.repositories.sqlite._sql import INDEXED_COLUMNS, column_value
from iso10002.repositories.sqlite._verify import log_problems, verify_all

__all__ = [
    "SEALS_TABLE",
    "complaint_digests",
    "seal_written",
    "verify_quick",
    "write_checkpoint",
]

SEALS_TABLE = "iso10002_seals"
"""One seal per complaint, written by a clean deep check or by the import."""

_SEALS_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {SEALS_TABLE} (complaint_id TEXT PRIMARY KEY,"
    " last_link TEXT NOT NULL, schema_version INTEGER NOT NULL,"
    " seal TEXT NOT NULL) WITHOUT ROWID"
)
_FACTS = "kpi_facts"  # one row per complaint: joined, its values hashed as read
# Encoded by SQLite:
_ROWS = (
    "kpi_deadlines",
    "kpi_remedies",
    "kpi_toggles",
    "kpi_decisions",
    "kpi_keys",
    "kpi_flags",
    "kpi_findings",
)
_HEAD = ("id", "version", "salt", "last_link", *INDEXED_COLUMNS)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(connection: sqlite3.Connection, table: str) -> list[tuple[str, int]]:
    """Return each column's name and place in the primary key (0: not in it)."""
    return [
        (str(row[1]), int(row[5]))
        for row in connection.execute(f"PRAGMA table_info({_quoted(table)})")
    ]


def _rows_of(
    connection: sqlite3.Connection,
    table: str,
    *,
    order: str | None = None,
    head: str = "",
) -> str:
    """SQL for a complaint's rows of ``table`` as one JSON array, after ``head``.

    Each row is a JSON array holding, per column, the value's type and its
    text: every byte of text and blobs (a NUL too), integers' digits; a real
    (never written by the library) as SQLite renders it. Rows come in primary
    key order (``order`` when given). The inner rows also carry ``link`` for
    ``head`` to read.
    """
    columns = _columns(connection, table)
    if order is None:
        keys = sorted((place, name) for name, place in columns if place)
        order = ", ".join(f"t.{_quoted(n)}" for _, n in keys) or "1"
    # complaint_id is c.id, byte for byte and type (the WHERE clause).
    row = ", ".join(
        f"typeof(t.{c}), CAST(t.{c} AS TEXT)"
        for c in (_quoted(name) for name, _ in columns if name != "complaint_id")
    )
    link = ", t.link AS link" if table == "events" else ""
    return (
        f"(SELECT {head}'[' || coalesce(group_concat(r, ','), '') || ']' FROM"  # noqa: S608
        f" (SELECT json_array({row}) AS r{link} FROM {_quoted(table)} t"
        f" WHERE t.complaint_id = c.id ORDER BY {order}))"
    )


def _unaccepted(keys: ChainKeys | None) -> tuple[str, list[str]]:
    """SQL (and its parameters): 1 for a link made with a key not given, else 0."""
    unkeyed = "1" if keys is not None and keys.keyed_only else "0"
    given = [] if keys is None else [k.key_id for k in (keys.current, *keys.previous)]
    # A keyed link the library makes is its key id, ":" and 64 hex digits.
    keyed = (
        f"substr(link, 1, length(link) - 65) NOT IN ({', '.join('?' * len(given))})"
        if given
        else "1"
    )
    return f"CASE WHEN instr(link, ':') = 0 THEN {unkeyed} ELSE {keyed} END", given


def _query(
    connection: sqlite3.Connection, keys: ChainKeys | None, where: str
) -> tuple[str, list[Any]]:
    """Return the one-row-per-complaint query of the quick pass, and its parameters.

    Columns: the head columns, the document's type, the search digest and
    the KPI fact row (hashed as read), the other KPI rows (encoded), the
    events (the count of links made with a key not given, ``#``, then
    encoded), the document's bytes, and the seal's columns.
    """
    unaccepted, given = _unaccepted(keys)
    events = _rows_of(
        connection,
        "events",
        order="t.sequence",
        head=f"coalesce(sum({unaccepted}), 0) || '#' || ",
    )
    rows = " || ".join(_rows_of(connection, table) for table in _ROWS)
    # Seals are not read where they are written (``where`` given).
    sealed = not where and SEALS_TABLE in _tables(connection)
    seals = "s.last_link, s.schema_version, s.seal" if sealed else "NULL, NULL, NULL"
    join = f" LEFT JOIN {SEALS_TABLE} s ON s.complaint_id = c.id" if sealed else ""
    heads = ", ".join(f"c.{name}" for name in _HEAD)
    query = (
        f"SELECT {heads}, typeof(c.document), d.digest, k.*,"  # noqa: S608
        f" CAST({rows} AS BLOB), CAST({events} AS BLOB),"
        f" CAST(c.document AS BLOB), {seals} FROM complaints c"
        " LEFT JOIN search_digests d ON d.complaint_id = c.id"
        f" LEFT JOIN {_FACTS} k ON k.complaint_id = c.id{join}{where}"
    )
    return query, given


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


class _Read(NamedTuple):
    """One complaint as the quick pass read it."""

    stored_id: Any
    version: Any
    head: Any
    digest: str
    accepted: bool  # every link is made with a key given (or unkeyed, allowed)
    seal: tuple[Any, ...]  # the checkpoint's (last link, schema version, seal)


def _read(
    connection: sqlite3.Connection,
    keys: ChainKeys | None,
    where: str,
    params: Sequence[Any] = (),
) -> Iterator[_Read]:
    """Yield each complaint ``where`` selects with its digest.

    With ``where`` empty, every complaint with its seal; else without.
    """
    query, given = _query(connection, keys, where)
    sha256 = hashlib.sha256
    width = len(_HEAD) + 2 + len(_columns(connection, _FACTS))
    for row in connection.execute(query, [*given, *params]):
        rows, events, document = row[width : width + 3]
        digest = sha256(repr(row[:width]).encode("utf-8", "surrogatepass"))
        digest.update(rows)  # JSON arrays: each ends where it closes
        if events is None:
            accepted = False
        else:  # the count of links made with a key not given is not sealed
            accepted = events.startswith(b"0#")
            digest.update(memoryview(events)[events.index(b"#") + 1 :])
        if document is not None:
            digest.update(document)
        yield _Read(
            row[0], row[1], row[3], digest.hexdigest(), accepted, row[width + 3 :]
        )


def complaint_digests(
    connection: sqlite3.Connection, keys: ChainKeys | None = None
) -> dict[Any, str]:
    """Return the digest each complaint's seal covers, by stored id (for tests)."""
    return {read.stored_id: read.digest for read in _read(connection, keys, "")}


def _name(read: _Read) -> str:
    stored = read.stored_id
    return column_value(stored) if isinstance(stored, str) else ""


def _events(connection: sqlite3.Connection, stored_id: Any) -> list[StoredLink]:
    return [
        StoredLink(sequence=r[0], event=r[1], commitment=r[2], link=r[3])
        for r in connection.execute(
            "SELECT sequence, event, commitment, link FROM events"
            " WHERE complaint_id = ? ORDER BY sequence",
            (stored_id,),
        )
    ]


def _stray_problems(connection: sqlite3.Connection) -> list[IntegrityProblem]:
    """Name KPI rows of complaints that are not stored."""
    return [
        IntegrityProblem(
            complaint_id=column_value(k) if isinstance(k, str) else repr(k),
            message=f"KPI table {table!r} holds rows of a complaint that is not stored",
        )
        for table in (_FACTS, *_ROWS)
        for (k,) in connection.execute(
            f"SELECT DISTINCT complaint_id FROM {table} WHERE complaint_id"  # noqa: S608
            " NOT IN (SELECT id FROM complaints) ORDER BY complaint_id"
        )
    ]


def verify_quick(
    connection: sqlite3.Connection, keys: ChainKeys | None
) -> IntegrityReport:
    """Check the store as it is opened: seals; chains and heads; unsealed deeply."""
    problems: list[IntegrityProblem] = []
    unsealed: list[str] = []
    complaints = events = 0
    version = _schema_version(connection)
    for read in _read(connection, keys, ""):
        complaints += 1
        stored_id = read.stored_id
        complaint_id = column_value(stored_id) if isinstance(stored_id, str) else ""
        verdict = SealVerdict.UNSEALED
        link, at_version, stored = read.seal
        if link == read.head and at_version == version:
            verdict = seal_verdict(
                stored,
                complaint_id=complaint_id,
                last_link=link,
                digest=read.digest,
                keys=keys,
            )
        if verdict is SealVerdict.SOUND and read.accepted:
            events += read.version  # the checkpoint found one event per version
            continue
        links = _events(connection, stored_id)
        events += len(links)
        found = stored_chain_problems(complaint_id, links, keys)
        found.extend(
            head_problems(
                complaint_id, version=read.version, last_link=read.head, links=links
            )
        )
        problems.extend(found)
        if verdict is SealVerdict.BROKEN:
            problems.append(
                IntegrityProblem(
                    complaint_id=complaint_id,
                    message="stored rows differ from what the last checkpoint sealed",
                )
            )
        elif verdict is SealVerdict.UNSEALED and not found:
            unsealed.append(complaint_id)
    problems.extend(_stray_problems(connection))
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
    the check and the seals. Stale findings are filled first, from the
    documents the check then verifies, so no seal covers a stale complaint.
    A store with problems keeps its old seals.
    """
    fill_stale(connection)
    report = verify_all(connection, keys)
    if report.ok:
        connection.execute(_SEALS_SCHEMA)
        connection.execute(f"DELETE FROM {SEALS_TABLE}")  # noqa: S608 - a constant
        _write_seals(connection, keys, _read(connection, keys, " WHERE 1"))
    return report


def seal_written(
    connection: sqlite3.Connection, keys: ChainKeys | None, stored_ids: Sequence[Any]
) -> None:
    """Seal complaints this transaction has just written (a bulk import).

    Only for rows the library wrote from complaints whose document agrees
    with their history (see ``docs/storage.md``), in the caller's write
    transaction, before anyone else can change them.
    """
    connection.execute(_SEALS_SCHEMA)
    for start in range(0, len(stored_ids), _CHUNK):
        chunk = stored_ids[start : start + _CHUNK]
        where = f" WHERE c.id IN ({', '.join('?' * len(chunk))})"
        _write_seals(connection, keys, _read(connection, keys, where, chunk))


_CHUNK = 500


def _write_seals(
    connection: sqlite3.Connection, keys: ChainKeys | None, reads: Iterator[_Read]
) -> None:
    version = _schema_version(connection)
    key = None if keys is None else keys.current
    while batch := list(itertools.islice(reads, _CHUNK)):
        connection.executemany(
            f"INSERT OR REPLACE INTO {SEALS_TABLE} VALUES (?, ?, ?, ?)",  # noqa: S608 - a constant
            [
                (r.stored_id, r.head, version, seal(_name(r), r.head, r.digest, key))
                for r in batch
            ],
        )
