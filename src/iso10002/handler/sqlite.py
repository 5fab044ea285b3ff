"""Handler state in the SQLite file of the complaints (stdlib ``sqlite3``).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from iso10002.errors import RepositoryError, ValidationError
from iso10002.handler._store import check_name, check_position_value

__all__ = ["SQLiteHandlerStore"]

_SCHEMA = (
    (
        "CREATE TABLE IF NOT EXISTS iso10002_checkpoints ("
        " subscriber TEXT PRIMARY KEY, position INTEGER NOT NULL)"
    ),
    (
        "CREATE TABLE IF NOT EXISTS iso10002_sequences ("
        " name TEXT PRIMARY KEY, value INTEGER NOT NULL)"
    ),
)
_UPSERT_POSITION = (
    "INSERT INTO iso10002_checkpoints (subscriber, position) VALUES (?, ?)"
    " ON CONFLICT (subscriber) DO UPDATE SET position = excluded.position"
)


class SQLiteHandlerStore:
    """Keep subscriber positions and reference counters in a SQLite file.

    Use the complaints' own file (``SQLiteComplaintRepository.path``): the
    tables ``iso10002_checkpoints`` and ``iso10002_sequences`` are created
    there if missing. Each thread gets its own connection; writes are single
    statements or ``BEGIN IMMEDIATE`` transactions, so several processes on
    one machine share the counters safely.

    Args:
        path: The database file.
        timeout: Seconds to wait for another writer's lock.

    Raises:
        ValidationError: for ``":memory:"`` (positions would not be shared).
        RepositoryError: if the file cannot be opened.

    .. versionadded:: 0.1.0
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        """Open the file and create the tables if missing."""
        self._path = os.fspath(path)
        if self._path == ":memory:":
            raise ValidationError.single(
                "path", "must be a file (use InMemoryHandlerStore for memory)"
            )
        self._timeout = timeout
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        try:
            with self._connection() as conn:
                for statement in _SCHEMA:
                    conn.execute(statement)
        except BaseException:
            self.close()
            raise

    @property
    def path(self) -> str:
        """Return the database file's path."""
        return self._path

    def __repr__(self) -> str:
        """Name the file."""
        return f"SQLiteHandlerStore({self._path!r})"

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        if self._closed:
            msg = "the handler store is closed"
            raise RepositoryError(msg)
        try:
            conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
            if conn is None:
                conn = sqlite3.connect(
                    self._path,
                    timeout=self._timeout,
                    isolation_level=None,
                    check_same_thread=False,
                )
                self._local.conn = conn
                with self._lock:
                    self._all.append(conn)
            yield conn
        except sqlite3.Error as exc:
            msg = f"handler store {self._path!r}: {exc}"
            raise RepositoryError(msg) from exc

    def position(self, subscriber: str) -> int:
        """Return ``subscriber``'s position (see ``CheckpointStore``)."""
        check_name("subscriber", subscriber)
        with self._connection() as conn:
            row = conn.execute(
                "SELECT position FROM iso10002_checkpoints WHERE subscriber = ?",
                (subscriber,),
            ).fetchone()
        return 0 if row is None else int(row[0])

    def advance(self, subscriber: str, *, expected: int, to: int) -> bool:
        """Move ``subscriber``'s position if unchanged (see ``CheckpointStore``)."""
        check_name("subscriber", subscriber)
        check_position_value("expected", expected)
        check_position_value("to", to)
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute(
                    "SELECT position FROM iso10002_checkpoints WHERE subscriber = ?",
                    (subscriber,),
                ).fetchone()
                current = 0 if row is None else int(row[0])
                if current != expected:
                    conn.execute("ROLLBACK")
                    return False
                conn.execute(_UPSERT_POSITION, (subscriber, to))
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        return True

    def next_value(self, name: str) -> int:
        """Return the next value of counter ``name`` (see ``SequenceStore``)."""
        check_name("name", name)
        with self._connection() as conn:
            row = conn.execute(
                "INSERT INTO iso10002_sequences (name, value) VALUES (?, 1)"
                " ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
                (name,),
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        """Close every connection; the store is unusable after."""
        with self._lock:
            self._closed = True
            connections, self._all = self._all, []
        for conn in connections:
            conn.close()
