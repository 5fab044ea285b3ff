"""SQL for the SQLite adapter: the WHERE clause of a Query, the row of a complaint."""

from __future__ import annotations

import functools
import json
from datetime import datetime
from typing import Any

from iso10002.model import Complaint
from iso10002.repositories._query import due_summary, to_micros
from iso10002.repositories._records import Query
from iso10002.repositories._rows import ComplaintRow

__all__ = [
    "column_text",
    "column_value",
    "complaint_columns",
    "count_sql",
    "row_columns",
    "select_sql",
    "update_sql",
    "where",
]


def column_text(value: str | None) -> str | None:
    """Return ``value`` as storable TEXT, escaping lone surrogates.

    The model accepts lone surrogates, which UTF-8 cannot encode. Such values
    are stored as NUL followed by their ASCII JSON escape: the model refuses
    NUL, so no real value can collide with an escaped one.
    """
    if value is None or value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "\x00" + json.dumps(value)
    return value


def column_value(stored: str) -> str:
    """Undo :func:`column_text` for a value read back from a TEXT column."""
    if stored.startswith("\x00"):
        value: str = json.loads(stored[1:])
        return value
    return stored


def where(query: Query, after: tuple[int, str] | None = None) -> tuple[str, list[Any]]:
    """Return ``(" WHERE …", parameters)`` selecting what ``query`` matches."""
    clauses: list[str] = []
    params: list[Any] = []
    if query.status_in:
        clauses.append(f"status IN ({', '.join('?' * len(query.status_in))})")
        params.extend(column_text(s) for s in query.status_in)
    for clause, value in _instants(query):
        clauses.append(clause)
        params.append(to_micros(value))
    for column, text in (
        ("assignee", query.assignee),
        ("category", query.category),
        ("channel", None if query.channel is None else query.channel.value),
        ("reference", query.reference),
    ):
        if text is not None:
            clauses.append(f"{column} = ?")
            params.append(column_text(text))
    external = query.external_id
    if external is not None:
        clauses.append(
            "id IN (SELECT complaint_id FROM external_ids"
            " WHERE system = ? AND value = ?)"
        )
        params.extend((column_text(external.system), column_text(external.value)))
    if after is not None:
        clauses.append("(received_us, id) > (?, ?)")
        params.extend((after[0], column_text(after[1])))
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _instants(query: Query) -> list[tuple[str, datetime]]:
    """Return the clauses on instants of ``query``, each with its instant."""
    found = [
        (clause, value)
        for clause, value in (
            ("received_us >= ?", query.received_from),
            ("received_us < ?", query.received_before),
            ("next_due_us < ?", query.due_before),
        )
        if value is not None
    ]
    if query.breached is not None and query.as_of is not None:
        found.append(
            (
                "(met_late = 1 OR next_due_us < ?)"
                if query.breached
                else "(met_late = 0 AND (next_due_us IS NULL OR next_due_us >= ?))",
                query.as_of,
            )
        )
    return found


def _source(query: Query) -> str:
    # Pending due dates before a cut are few (the work queue) while the order
    # index makes them look cheap to find by scanning: name the due index.
    if query.due_before is not None:
        return "complaints INDEXED BY complaints_due"
    return "complaints"


def select_sql(
    query: Query, *, after: tuple[int, str] | None, columns: str, limit: int
) -> tuple[str, list[Any]]:
    """Return the SELECT of one page of ``find`` and its parameters."""
    clause, params = where(query, after)
    # Only placeholders and fixed column names are interpolated.
    sql = f"SELECT {columns} FROM {_source(query)}{clause}"  # noqa: S608
    sql += " ORDER BY received_us, id LIMIT ?"
    return sql, [*params, limit]


def count_sql(query: Query) -> tuple[str, list[Any]]:
    """Return the SELECT counting what ``query`` matches, and its parameters."""
    clause, params = where(query)
    return f"SELECT count(*) FROM {_source(query)}{clause}", params  # noqa: S608 - placeholders only


COMPLAINT_COLUMNS = (
    "id, version, document, salt, last_link, status, received_us, channel, assignee, "
    "category, reference, next_due_us, met_late, idempotency_key"
)


INDEXED_COLUMNS = (
    "status",
    "received_us",
    "channel",
    "assignee",
    "category",
    "reference",
    "next_due_us",
    "met_late",
)
"""The indexed columns, in :data:`COMPLAINT_COLUMNS` order (positions 5 to 12)."""


@functools.cache
def update_sql(changed: tuple[str, ...]) -> str:
    """Return the UPDATE of a save that sets only the indexed columns ``changed``.

    SQLite rewrites the entries of every index on a column named in the SET
    list, even for an unchanged value, so a save that named them all wrote
    about twice the pages a status change needs.
    Parameters: version, document, salt, last_link, each changed column's
    value, then id and the expected version.
    """
    unknown = set(changed) - set(INDEXED_COLUMNS)
    if unknown:
        msg = f"not indexed columns: {sorted(unknown)}"
        raise ValueError(msg)
    names = ("version", "document", "salt", "last_link", *changed)
    sets = ", ".join(f"{name} = ?" for name in names)
    return f"UPDATE complaints SET {sets} WHERE id = ? AND version = ?"  # noqa: S608 - fixed names


def complaint_columns(
    complaint: Complaint, document: str, salt: bytes, last_link: str, key: str | None
) -> tuple[Any, ...]:
    """Return the values of :data:`COMPLAINT_COLUMNS` for ``complaint``."""
    next_due, met_late = due_summary(complaint.deadlines)
    classification = complaint.classification
    return (
        column_text(complaint.id),
        complaint.version,
        document,
        salt,
        last_link,
        column_text(complaint.status),
        to_micros(complaint.received_at),
        complaint.channel.value,
        column_text(complaint.assignee),
        None if classification is None else column_text(classification.category),
        column_text(complaint.reference),
        None if next_due is None else to_micros(next_due),
        int(met_late),
        key,
    )


def row_columns(row: ComplaintRow, key: str | None) -> tuple[Any, ...]:
    """Return the values of :data:`COMPLAINT_COLUMNS` for a row built above the port.

    The same values as :func:`complaint_columns` gives for the row's
    complaint, taken from the row's index values.

    Raises:
        ValueError: if the row has no index values.
    """
    index = row.index
    if index is None:
        msg = "a row to store needs its index values"
        raise ValueError(msg)
    return (
        column_text(row.complaint_id),
        row.version,
        row.document,
        row.salt,
        row.last_link,
        column_text(index.status),
        index.received_us,
        index.channel,
        column_text(index.assignee),
        column_text(index.category),
        column_text(index.reference),
        index.next_due_us,
        int(index.met_late),
        key,
    )
