"""A complete storage adapter: the row port (``RowStore``) over a DB-API database.

It stores and reads rows, atomically and with a version check, and nothing
else; ``RowStoreRepository`` chains, erases, serialises, pages and verifies.
The how-to "Write your own storage adapter" walks through it;
tests/repositories/test_custom_adapter_example.py runs the whole contract
against it, several processes included. Run: ``python examples/custom_adapter.py``
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import attrs

from iso10002.errors import ConflictError, DuplicateError, NotFoundError
from iso10002.model import Channel, Complainant, Complaint, ComplaintForm
from iso10002.repositories import RowStoreRepository
from iso10002.repositories.rows import ComplaintRow, EventRow, FeedRow, KeyRow

SCHEMA = """
CREATE TABLE IF NOT EXISTS complaints (
    complaint_id TEXT PRIMARY KEY, version INTEGER NOT NULL, document TEXT NOT NULL,
    salt BLOB NOT NULL, last_link TEXT NOT NULL, received_us INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS complaints_order ON complaints (received_us, complaint_id);
CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT, complaint_id TEXT NOT NULL,
    sequence INTEGER NOT NULL, event TEXT NOT NULL, commitment TEXT NOT NULL,
    link TEXT NOT NULL, UNIQUE (complaint_id, sequence));
CREATE TABLE IF NOT EXISTS keys (
    key TEXT PRIMARY KEY, complaint_id TEXT NOT NULL, payload_digest TEXT);
"""
# Columns are named as the row classes' fields: rows go in and out as mappings.
COMPLAINT = "complaint_id, version, document, salt, last_link, received_us"
EVENT = "complaint_id, sequence, event, commitment, link"


class SQLRows:
    """A RowStore in three tables; each thread has its own connection."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.local = threading.local()
        self.opened: list[sqlite3.Connection] = []
        self.connection().executescript(SCHEMA)

    def connection(self) -> sqlite3.Connection:
        if getattr(self.local, "db", None) is None:
            db = sqlite3.connect(
                self.path, timeout=60, isolation_level=None, check_same_thread=False
            )
            db.row_factory = sqlite3.Row
            self.local.db = db
            self.opened.append(db)
        return self.local.db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        db = self.connection()
        db.execute("BEGIN IMMEDIATE")  # one writer at a time: positions in commit order
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def insert(
        self, row: ComplaintRow, events: Sequence[EventRow], key: KeyRow | None
    ) -> None:
        with self.transaction() as db:
            if key is not None:
                stored = db.execute("SELECT * FROM keys WHERE key = ?", (key.key,))
                for found in stored:
                    raise DuplicateError(
                        found["complaint_id"],
                        idempotency_key=key.key,
                        payload_digest=found["payload_digest"],
                    )
                db.execute(
                    "INSERT INTO keys VALUES (:key, :complaint_id, :payload_digest)",
                    attrs.asdict(key),
                )
            try:
                db.execute(
                    "INSERT INTO complaints VALUES (:complaint_id, :version, "
                    ":document, :salt, :last_link, :received_us)",
                    attrs.asdict(row, recurse=False),
                )
            except sqlite3.IntegrityError:
                raise DuplicateError(row.complaint_id) from None
            self._append(db, events)

    def _append(self, db: sqlite3.Connection, events: Sequence[EventRow]) -> None:
        db.executemany(
            f"INSERT INTO events ({EVENT}) VALUES (:complaint_id, :sequence, "  # noqa: S608 - fixed names
            ":event, :commitment, :link)",
            [attrs.asdict(event) for event in events],
        )

    def update(
        self,
        row: ComplaintRow,
        events: Sequence[EventRow],
        *,
        expected_version: int,
        forget_digest: bool = False,
    ) -> None:
        with self.transaction() as db:
            changed = db.execute(
                "UPDATE complaints SET version = :version, document = :document, "
                "salt = :salt, last_link = :last_link, received_us = :received_us "
                "WHERE complaint_id = :complaint_id AND version = :expected",
                {**attrs.asdict(row, recurse=False), "expected": expected_version},
            )
            if not changed.rowcount:
                stored = self.read(row.complaint_id)
                if stored is None:
                    raise NotFoundError(row.complaint_id)
                raise ConflictError(
                    row.complaint_id,
                    expected_version=expected_version,
                    actual_version=stored.version,
                )
            self._append(db, events)
            if forget_digest:
                db.execute(
                    "UPDATE keys SET payload_digest = NULL WHERE complaint_id = ?",
                    (row.complaint_id,),
                )

    def _select(self, cls: type, sql: str, *params: object) -> list:
        return [cls(**found) for found in self.connection().execute(sql, params)]

    def read(self, complaint_id: str) -> ComplaintRow | None:
        sql = f"SELECT {COMPLAINT} FROM complaints WHERE complaint_id = ?"  # noqa: S608
        return next(iter(self._select(ComplaintRow, sql, complaint_id)), None)

    def history(self, complaint_id: str) -> list[EventRow]:
        sql = f"SELECT {EVENT} FROM events WHERE complaint_id = ? ORDER BY sequence"  # noqa: S608
        return self._select(EventRow, sql, complaint_id)

    def scan(self, *, after: tuple[int, str] | None, limit: int) -> list[ComplaintRow]:
        sql = (
            f"SELECT {COMPLAINT} FROM complaints WHERE (received_us, complaint_id) "  # noqa: S608
            "> (?, ?) ORDER BY received_us, complaint_id LIMIT ?"
        )
        return self._select(ComplaintRow, sql, *(after or (-(2**63), "")), limit)

    def feed(self, *, after: int, limit: int) -> list[FeedRow]:
        sql = (
            "SELECT position, complaint_id, event FROM events WHERE position > ? "
            "ORDER BY position LIMIT ?"
        )
        return self._select(FeedRow, sql, after, limit)

    def close(self) -> None:
        for db in self.opened:
            db.close()
        self.opened.clear()
        self.local = threading.local()


def open_repository(path: str | Path) -> RowStoreRepository:
    """Open the store in ``path`` (created when missing) as a whole repository."""
    return RowStoreRepository(SQLRows(path))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        repository = open_repository(Path(folder) / "complaints.db")
        complaint = Complaint.receive(
            ComplaintForm(
                complainant=Complainant(name="Ada"), description="Overcharged"
            ),
            id="C-1",
            reference="CMP-2026-000001",
            received_at=datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc),
            channel=Channel.WEB,
            received_by="web-form",
        )
        repository.add(complaint)
        assert repository.get("C-1") == complaint
        assert repository.verify_integrity().ok
        repository.close()
        print("stored, read back and verified C-1")
