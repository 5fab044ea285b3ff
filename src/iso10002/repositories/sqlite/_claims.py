"""Claim leases on SQLite rows: the ``ClaimingRepository`` extra."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta

from iso10002.errors import NotFoundError
from iso10002.model import Complaint
from iso10002.repositories._records import Query
from iso10002.repositories.sqlite._read import DOCUMENT_COLUMNS, read_row
from iso10002.repositories.sqlite._sql import column_text, column_value, where


def to_micros_now() -> int:
    """Return the wall-clock time in microseconds since the epoch (claim leases)."""
    return time.time_ns() // 1000


def claim_first(
    connection: sqlite3.Connection, query: Query, worker: str, lease: timedelta
) -> Complaint | None:
    """Claim the first free complaint matching ``query`` for ``lease``."""
    now = to_micros_now()
    clause, params = where(query)
    free = "(claimed_until_us IS NULL OR claimed_until_us <= ?)"
    clause = f"{clause} AND {free}" if clause else f" WHERE {free}"
    # Only placeholders are interpolated.
    sql = f"SELECT id, {DOCUMENT_COLUMNS} FROM complaints{clause}"  # noqa: S608
    sql += " ORDER BY received_us, id LIMIT 1"
    row = connection.execute(sql, (*params, now)).fetchone()
    if row is None:
        return None
    until = now + int(lease.total_seconds() * 1_000_000)
    connection.execute(
        "UPDATE complaints SET claimed_by = ?, claimed_until_us = ? WHERE id = ?",
        (worker, until, row[0]),
    )
    return read_row(column_value(row[0]), row[1], row[2])


def release(connection: sqlite3.Connection, complaint_id: str, worker: str) -> None:
    """Release ``worker``'s claim on a complaint.

    Raises:
        NotFoundError: when the complaint is not stored.
    """
    connection.execute(
        "UPDATE complaints SET claimed_by = NULL, claimed_until_us = NULL "
        "WHERE id = ? AND claimed_by = ?",
        (column_text(complaint_id), worker),
    )
    found = connection.execute(
        "SELECT 1 FROM complaints WHERE id = ?", (column_text(complaint_id),)
    ).fetchone()
    if found is None:
        raise NotFoundError(complaint_id)
