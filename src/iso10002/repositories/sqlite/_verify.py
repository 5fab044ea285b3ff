"""Check a SQLite store: every chain, document, index row and log position."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from typing import Any

from iso10002.integrity import (
    IntegrityProblem,
    IntegrityReport,
    StoredLink,
    column_problems,
    gap_problems,
    head_problems,
    inspect_complaint,
    orphan_problems,
)
from iso10002.integrity.documents import whole_document
from iso10002.integrity.keys import ChainKeys
from iso10002.repositories.sqlite._analytics import facts_differ
from iso10002.repositories.sqlite._external import (
    external_id_problems,
    stored_external_ids,
)
from iso10002.repositories.sqlite._flags import flags_differ
from iso10002.repositories.sqlite._read import DOCUMENT_COLUMNS
from iso10002.repositories.sqlite._search import index_problems, orphan_index_problems
from iso10002.repositories.sqlite._sql import (
    INDEXED_COLUMNS,
    column_text,
    column_value,
    complaint_columns,
)


def verify_all(
    connection: sqlite3.Connection,
    keys: ChainKeys | None,
    only: Collection[str] | None = None,
) -> IntegrityReport:
    """Check every complaint row, its events and the log, in one read snapshot.

    Besides each complaint's chain and document, the row's version, last
    link and indexed columns are checked against them, events of
    complaints that are not stored are named, and so are positions
    missing from the event log (SQLite hands them out without gaps).
    With ``only``, just those complaints are checked deeply (the quick
    check on opening covers the store-wide checks).
    """
    problems: list[IntegrityProblem] = []
    unreplayable: list[str] = []
    complaints = events = 0
    indexed_ids = stored_external_ids(connection)
    for row in _rows(connection, only):
        complaint_id = column_value(row[0])
        links = [
            StoredLink(sequence=r[0], event=r[1], commitment=r[2], link=r[3])
            for r in connection.execute(
                "SELECT sequence, event, commitment, link FROM events "
                "WHERE complaint_id = ? ORDER BY sequence",
                (row[0],),
            )
        ]
        complaints += 1
        events += len(links)
        found, replayable = _check_row(
            connection, row, links, keys, indexed_ids.pop(complaint_id, set())
        )
        problems.extend(found)
        if not replayable:
            unreplayable.append(complaint_id)
    if only is None:
        for unknown, rows in sorted(indexed_ids.items()):
            problems.extend(external_id_problems(unknown, None, rows))
        problems.extend(orphan_index_problems(connection))
        problems.extend(log_problems(connection))
    return IntegrityReport(
        complaints_checked=complaints,
        events_checked=events,
        problems=tuple(problems),
        unreplayable=tuple(unreplayable),
    )


_ROW = (
    f"SELECT id, {DOCUMENT_COLUMNS}, salt, version, last_link, "  # noqa: S608
    f"{', '.join(INDEXED_COLUMNS)} FROM complaints"
)


def _rows(
    connection: sqlite3.Connection, only: Collection[str] | None
) -> Iterator[tuple[Any, ...]]:
    """Yield the complaint rows to check deeply: all, or those of ``only``."""
    if only is None:
        yield from connection.execute(f"{_ROW} ORDER BY id")
        return
    wanted = sorted({column_text(i) for i in only}, key=str)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        yield from connection.execute(
            f"{_ROW} WHERE id IN ({marks}) ORDER BY id",
            chunk,
        )


_CHUNK = 500


def _check_row(
    connection: sqlite3.Connection,
    row: tuple[Any, ...],
    links: list[StoredLink],
    keys: ChainKeys | None,
    indexed: set[tuple[str, str]],
) -> tuple[list[IntegrityProblem], bool]:
    """Check one complaint deeply; return the problems and whether it replayed."""
    stored_id, head, history, salt, version, last_link, *columns = row
    document = whole_document(head, history)
    complaint_id = column_value(stored_id)
    check = inspect_complaint(
        complaint_id, document=document, links=links, salt=salt, keys=keys
    )
    problems = list(check.problems)
    problems.extend(
        head_problems(complaint_id, version=version, last_link=last_link, links=links)
    )
    if check.complaint is not None:
        problems.extend(external_id_problems(complaint_id, check.complaint, indexed))
        problems.extend(index_problems(connection, complaint_id, check.complaint))
        problems.extend(
            IntegrityProblem(
                complaint_id=complaint_id,
                message=f"KPI table {table!r} differs from the document",
            )
            for table in [
                *facts_differ(connection, check.complaint, stored_id),
                *flags_differ(connection, check.complaint, stored_id, version),
            ]
        )
        expected = complaint_columns(check.complaint, document, salt, last_link, None)[
            5:13
        ]
        problems.extend(
            column_problems(
                complaint_id,
                stored=dict(zip(INDEXED_COLUMNS, columns, strict=True)),
                expected=dict(zip(INDEXED_COLUMNS, expected, strict=True)),
            )
        )
    return problems, check.replayable


def log_problems(connection: sqlite3.Connection) -> list[IntegrityProblem]:
    """Name events of complaints that are not stored, and missing positions."""
    orphans = [
        column_value(row[0])
        for row in connection.execute(
            "SELECT DISTINCT complaint_id FROM events WHERE complaint_id "
            "NOT IN (SELECT id FROM complaints) ORDER BY complaint_id"
        )
    ]
    gaps = connection.execute(
        "SELECT position + 1, next - 1 FROM ("
        " SELECT position, lead(position) OVER (ORDER BY position) AS next"
        " FROM events) WHERE next > position + 1 ORDER BY position"
    ).fetchall()
    first = connection.execute("SELECT min(position) FROM events").fetchone()[0]
    if first is not None and first > 1:
        gaps.insert(0, (1, first - 1))
    return [*orphan_problems(orphans), *gap_problems(gaps)]
