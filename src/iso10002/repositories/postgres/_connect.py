"""Connections of the PostgreSQL adapter and the transactions it runs on them.

A repository owns a pool opened for a DSN, or borrows a pool or a connection.
"""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import psycopg
from psycopg import pq
from psycopg_pool import ConnectionPool

from iso10002.errors import RepositoryError, ValidationError
from iso10002.repositories.postgres._errors import translated

__all__ = ["Connector", "idle", "one_round_trip"]


@contextmanager
def one_round_trip(conn: psycopg.Connection[Any]) -> Iterator[None]:
    """Send the block's statements as one transaction in one round trip.

    On a connection of the pool (autocommit, idle) the statements are
    pipelined up to one ``Sync``, which the server runs as one implicit
    transaction: it commits them at the ``Sync`` when all succeeded, and when
    it refuses one it skips the rest and rolls them all back (no ``BEGIN``
    or ``COMMIT`` is sent). The block must not read a result. When the block
    raises, a ``ROLLBACK`` is sent before the ``Sync`` so nothing sent is
    committed. Inside a host's transaction the block runs in a savepoint,
    pipelined too.
    """
    if not conn.autocommit or not idle(conn):
        with conn.transaction(), conn.pipeline():
            yield
        return
    try:
        with conn.pipeline():
            try:
                yield
            except BaseException:
                # Skipped by the server when it already refused a statement
                # (the pipeline is aborted then, and psycopg says so).
                with suppress(psycopg.Error), conn.cursor() as cur:
                    cur.execute("ROLLBACK")
                raise
    finally:
        if conn.pgconn.status == pq.ConnStatus.OK and not idle(conn):
            conn.rollback()


def _check(conn: psycopg.Connection[Any]) -> None:
    """Check a connection the pool is about to lend, without a round trip if idle.

    A session the server ended (restart, idle timeout, ``pg_terminate_backend``)
    leaves something to read on the socket, its last message or the end of
    the stream, where an idle session has nothing: only then is the
    connection checked with a query, which fails, and the pool replaces it.

    Raises:
        psycopg.OperationalError: if the connection is closed or broken.
    """
    if conn.closed or select.select([conn.fileno()], [], [], 0)[0]:
        ConnectionPool.check_connection(conn)


def idle(conn: psycopg.Connection[Any]) -> bool:
    """Tell whether ``conn`` is outside any transaction."""
    return conn.info.transaction_status == pq.TransactionStatus.IDLE


class Connector:
    """Hand out connections and cursors for one repository.

    Args:
        target: A DSN (a pool is opened and owned), a pool or a connection
            (borrowed; a connection is used by one thread at a time).
        pool_size: Most connections of the pool opened for a DSN.
        connect_timeout: Seconds to wait for the server when opening a DSN.

    Raises:
        ValidationError: for a bad ``target`` or ``pool_size``.
        RepositoryError: if the server does not answer.
    """

    def __init__(
        self,
        target: str | ConnectionPool[Any] | psycopg.Connection[Any],
        *,
        pool_size: int,
        connect_timeout: float,
    ) -> None:
        """Open the pool for a DSN, or keep the borrowed pool or connection."""
        self._owned_pool: ConnectionPool[Any] | None = None
        self._pool: ConnectionPool[Any] | None = None
        self._conn: psycopg.Connection[Any] | None = None
        self._lock = threading.RLock()
        self._pid = os.getpid()
        self.closed = False
        if isinstance(target, str):
            self._owned_pool = self._pool = self._open_pool(
                target, pool_size, connect_timeout
            )
        elif isinstance(target, ConnectionPool):
            self._pool = target
        elif isinstance(target, psycopg.Connection):
            self._conn = target
        else:
            raise ValidationError.single(
                "target",
                "must be a DSN, a psycopg_pool.ConnectionPool or a psycopg.Connection",
            )

    @staticmethod
    def _open_pool(dsn: str, size: int, timeout: float) -> ConnectionPool[Any]:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValidationError.single("pool_size", "must be a positive integer")
        pool: ConnectionPool[Any] = ConnectionPool(
            dsn,
            min_size=1,
            max_size=size,
            open=False,
            kwargs={"autocommit": True, "connect_timeout": max(1, int(timeout))},
            name="iso10002",
            # A connection the server dropped (restart, idle timeout,
            # pg_terminate_backend) is replaced when lent, not failed on use.
            check=_check,
        )
        with translated("connect"):
            try:
                pool.open(wait=True, timeout=timeout)
            except BaseException:
                pool.close()
                raise
        return pool

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """Lend a connection (the borrowed one under a lock, or one of the pool).

        Raises:
            RepositoryError: if the repository is closed.
        """
        if self.closed:
            msg = "the repository is closed"
            raise RepositoryError(msg)
        if self._pid != os.getpid():
            # The pool's worker threads and the server sessions belong to the
            # parent: using them here would hang or mix two processes' traffic.
            msg = (
                f"the repository was opened in process {self._pid} and used in "
                f"process {os.getpid()} after fork(); open a new repository in "
                "the child"
            )
            raise RepositoryError(msg)
        if self._conn is not None:
            with self._lock:
                yield self._conn
            return
        assert self._pool is not None  # noqa: S101 - one of the two is always set
        with self._pool.connection() as conn:
            yield conn

    @contextmanager
    def write(
        self,
        action: str,
        complaint_id: str | None = None,
        expected_version: int | None = None,
    ) -> Iterator[psycopg.Cursor[Any]]:
        """Run the block in a transaction (a savepoint inside a host's)."""
        with (
            translated(
                action, complaint_id=complaint_id, expected_version=expected_version
            ),
            self.connection() as conn,
            conn.transaction(),
            conn.cursor() as cur,
        ):
            yield cur

    @contextmanager
    def lend(
        self,
        action: str,
        complaint_id: str | None = None,
        expected_version: int | None = None,
    ) -> Iterator[psycopg.Connection[Any]]:
        """Lend a connection, translating errors (see :func:`one_round_trip`)."""
        with (
            translated(
                action, complaint_id=complaint_id, expected_version=expected_version
            ),
            self.connection() as conn,
        ):
            yield conn

    @contextmanager
    def read(
        self, action: str, complaint_id: str | None = None
    ) -> Iterator[psycopg.Cursor[Any]]:
        """Run the block's statements outside any transaction of ours."""
        with (
            translated(action, complaint_id=complaint_id),
            self.connection() as conn,
            conn.cursor() as cur,
        ):
            yield cur

    @contextmanager
    def snapshot(self, action: str) -> Iterator[psycopg.Cursor[Any]]:
        """Run the block's reads on one snapshot (REPEATABLE READ, read only).

        Inside a host's transaction the host's snapshot rules apply instead.
        """
        with translated(action), self.connection() as conn:
            outer = conn.info.transaction_status != pq.TransactionStatus.IDLE
            with conn.transaction(), conn.cursor() as cur:
                if not outer:
                    cur.execute(
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                    )
                yield cur

    def close(self) -> None:
        """Close the pool opened for a DSN; borrowed ones stay open."""
        self.closed = True
        if self._owned_pool is not None:
            self._owned_pool.close()
            self._owned_pool = None
