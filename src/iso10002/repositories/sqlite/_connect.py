"""SQLite connections: one per thread (one shared for ``:memory:``), and errors.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from iso10002.errors import (
    IntegrityError,
    Iso10002Error,
    RepositoryError,
    ValidationError,
)

__all__ = ["SYNCHRONOUS_MODES", "SQLiteConnections", "translated"]

SYNCHRONOUS_MODES = ("OFF", "NORMAL", "FULL", "EXTRA")
"""Accepted values of ``synchronous`` (SQLite's ``PRAGMA synchronous``)."""


@contextmanager
def translated() -> Iterator[None]:
    """Turn driver errors into ``iso10002.errors`` classes."""
    try:
        yield
    except Iso10002Error:
        raise
    except sqlite3.OperationalError as exc:
        message = str(exc)
        if "locked" in message or "busy" in message:
            msg = f"SQLite database stayed busy beyond the timeout: {message}"
            raise RepositoryError(msg) from exc
        msg = f"SQLite refused the operation: {message}"
        raise RepositoryError(msg) from exc
    except sqlite3.DatabaseError as exc:
        msg = f"SQLite database is damaged or not a database: {exc}"
        raise IntegrityError(msg) from exc
    except sqlite3.Error as exc:  # pragma: no cover - InterfaceError and the like
        msg = f"SQLite failed: {exc}"
        raise RepositoryError(msg) from exc


class SQLiteConnections:
    """The connections of one SQLite database, for the repository built on it.

    Each thread gets its own connection (WAL lets readers and a writer work
    side by side); ``":memory:"`` has one connection shared under a lock,
    since every connection to it would be a database of its own.

    Raises:
        ValidationError: for an unknown ``synchronous`` mode or a bad timeout.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, synchronous: str, timeout: float
    ) -> None:
        """Check the options; connections open when first used."""
        if (
            not isinstance(synchronous, str)
            or synchronous.upper() not in SYNCHRONOUS_MODES
        ):
            raise ValidationError.single(
                "synchronous", f"must be one of {SYNCHRONOUS_MODES}"
            )
        if (
            isinstance(timeout, bool)
            or not isinstance(timeout, (int, float))
            or timeout < 0
        ):
            raise ValidationError.single(
                "timeout", "must be a non-negative number of seconds"
            )
        self._path = os.fspath(path)
        self._synchronous = synchronous.upper()
        self._timeout = float(timeout)
        self._local = threading.local()
        self._registry_lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        self._shared_lock: threading.Lock | None = None
        self._shared: sqlite3.Connection | None = None
        self._pid = os.getpid()
        self._inherited: list[sqlite3.Connection] = []
        if self._path == ":memory:":
            with translated():
                self._shared_lock = threading.Lock()
                self._shared = self._open()

    @property
    def path(self) -> str:
        """Return the database path given at construction."""
        return self._path

    def __repr__(self) -> str:
        """Show the class and the database path."""
        return f"{type(self).__name__}({self._path!r})"

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self._path,
            timeout=self._timeout,
            isolation_level=None,
            check_same_thread=False,
        )
        with self._registry_lock:
            self._connections.append(connection)
        connection.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
        if self._path != ":memory:":
            connection.execute("PRAGMA journal_mode = WAL")
        connection.execute(f"PRAGMA synchronous = {self._synchronous}")
        connection.execute("PRAGMA foreign_keys = ON")
        # Overwrite deleted content with zeros, so an erased value's old cell
        # does not linger in the page that held it (see purge_erased).
        connection.execute("PRAGMA secure_delete = ON")
        return connection

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        if self._closed:
            msg = f"{self!r} is closed"
            raise RepositoryError(msg)
        if self._pid != os.getpid():
            self._after_fork()
        if self._shared is not None and self._shared_lock is not None:
            with self._shared_lock:
                yield self._shared
            return
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._open()
            self._local.connection = connection
        yield connection

    def _after_fork(self) -> None:
        """Leave the parent's connections alone; open fresh ones in this process.

        SQLite connections must not cross ``fork()``: the child keeps them
        (unused and unclosed, so nothing of the parent's is touched) and opens
        its own. An in-memory database cannot be shared with a child at all.

        Raises:
            RepositoryError: for ``":memory:"``.
        """
        if self._shared is not None:
            msg = (
                f"{self!r} was opened in process {self._pid} and used in process "
                f"{os.getpid()} after fork(): an in-memory database is not shared "
                "across processes; open a repository in the child"
            )
            raise RepositoryError(msg)
        self._inherited.extend(self._connections)
        self._connections = []
        self._registry_lock = threading.Lock()
        self._local = threading.local()
        self._pid = os.getpid()

    @contextmanager
    def _transaction(
        self, begin: str = "BEGIN IMMEDIATE"
    ) -> Iterator[sqlite3.Connection]:
        with translated(), self._connection() as connection:
            connection.execute(begin)
            try:
                yield connection
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def purge_erased(self) -> bool:
        """Push erased values out of the database's files (after an erasure).

        Every connection runs with ``PRAGMA secure_delete = ON``, so the
        pages an erasure rewrites keep no trace of the old values; but until
        a checkpoint the write-ahead log (the ``-wal`` file) still holds the
        earlier page images. This runs ``PRAGMA wal_checkpoint(TRUNCATE)``:
        every page goes to the main file and the log is cut to zero bytes.
        It waits (up to the busy timeout) for readers still using older
        pages; call it after an erasure or a retention sweep, when no long
        read is running. Copies outside the files (backups, file-system
        snapshots, blocks the file system has not reused) are out of reach.

        Returns:
            ``True`` when the log was emptied; ``False`` when a reader kept
            it busy (call again later). Always ``True`` for ``":memory:"``.

        Raises:
            RepositoryError: if the repository is closed or SQLite refuses.

        .. versionadded:: 0.2.0
        """
        with translated(), self._connection() as connection:
            if self._path == ":memory:":
                return True
            row = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return row is not None and row[0] == 0

    def close(self) -> None:
        """Close every connection this repository opened, in any thread."""
        if self._pid != os.getpid() and self._shared is None:
            self._after_fork()  # never close the parent's connections here
        self._closed = True
        with self._registry_lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()
