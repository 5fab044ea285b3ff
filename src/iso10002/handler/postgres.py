"""Handler state in the PostgreSQL schema of the complaints (``postgres`` extra).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

from iso10002.errors import RepositoryError, ValidationError
from iso10002.handler._store import check_name, check_position_value

__all__ = ["PostgresHandlerStore"]

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class PostgresHandlerStore:
    """Keep subscriber positions and reference counters in PostgreSQL.

    Give it the same DSN, pool or connection and schema as the
    :class:`~iso10002.repositories.postgres.PostgresComplaintRepository`; the
    tables ``iso10002_checkpoints`` and ``iso10002_sequences`` are created in
    that schema if missing. Counters are single ``INSERT … ON CONFLICT DO
    UPDATE … RETURNING`` statements and positions move with a compare-and-set
    ``UPDATE``, so any number of processes and hosts share them safely.

    Args:
        target: A DSN (a connection of its own is opened), a
            ``psycopg_pool.ConnectionPool`` or a ``psycopg.Connection`` (borrowed).
        schema: The schema of the complaints store.

    Raises:
        ValidationError: for a bad schema name or target.
        RepositoryError: if the server does not answer.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        target: str | ConnectionPool[Any] | psycopg.Connection[Any],
        *,
        schema: str = "iso10002",
    ) -> None:
        """Connect and create the tables if missing."""
        if not isinstance(schema, str) or not _SCHEMA_NAME.fullmatch(schema):
            raise ValidationError.single(
                "schema", "must be a lowercase identifier of at most 63 characters"
            )
        self._lock = threading.RLock()
        self._pool: ConnectionPool[Any] | None = None
        self._conn: psycopg.Connection[Any] | None = None
        self._owned = False
        if isinstance(target, str):
            try:
                self._conn = psycopg.connect(
                    target, autocommit=True, connect_timeout=10
                )
            except psycopg.Error as exc:
                msg = f"cannot connect to PostgreSQL: {exc}"
                raise RepositoryError(msg) from exc
            self._owned = True
        elif isinstance(target, ConnectionPool):
            self._pool = target
        elif isinstance(target, psycopg.Connection):
            self._conn = target
        else:
            raise ValidationError.single(
                "target",
                "must be a DSN, a psycopg_pool.ConnectionPool or a psycopg.Connection",
            )
        s = sql.Identifier(schema)
        self._checkpoints = sql.SQL("{}.iso10002_checkpoints").format(s)
        self._sequences = sql.SQL("{}.iso10002_sequences").format(s)
        self._closed = False
        with self._cursor() as cur:
            cur.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(s))
            cur.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} (subscriber text PRIMARY KEY,"
                    " position bigint NOT NULL)"
                ).format(self._checkpoints)
            )
            cur.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} (name text PRIMARY KEY,"
                    " value bigint NOT NULL)"
                ).format(self._sequences)
            )

    @contextmanager
    def _cursor(self) -> Iterator[psycopg.Cursor[Any]]:
        if self._closed:
            msg = "the handler store is closed"
            raise RepositoryError(msg)
        try:
            if self._conn is not None:
                with self._lock, self._conn.transaction(), self._conn.cursor() as cur:
                    yield cur
                return
            assert self._pool is not None  # noqa: S101 - one of the two is set
            with (
                self._pool.connection() as conn,
                conn.transaction(),
                conn.cursor() as cur,
            ):
                yield cur
        except psycopg.Error as exc:
            msg = f"handler store: {exc}"
            raise RepositoryError(msg) from exc

    def position(self, subscriber: str) -> int:
        """Return ``subscriber``'s position (see ``CheckpointStore``)."""
        check_name("subscriber", subscriber)
        with self._cursor() as cur:
            cur.execute(
                sql.SQL("SELECT position FROM {} WHERE subscriber = %s").format(
                    self._checkpoints
                ),
                (subscriber,),
            )
            row = cur.fetchone()
        return 0 if row is None else int(row[0])

    def advance(self, subscriber: str, *, expected: int, to: int) -> bool:
        """Move ``subscriber``'s position if unchanged (see ``CheckpointStore``)."""
        check_name("subscriber", subscriber)
        check_position_value("expected", expected)
        check_position_value("to", to)
        with self._cursor() as cur:
            if expected == 0:
                cur.execute(
                    sql.SQL(
                        "INSERT INTO {} (subscriber, position) VALUES (%s, 0)"
                        " ON CONFLICT (subscriber) DO NOTHING"
                    ).format(self._checkpoints),
                    (subscriber,),
                )
            cur.execute(
                sql.SQL(
                    "UPDATE {} SET position = %s"
                    " WHERE subscriber = %s AND position = %s"
                ).format(self._checkpoints),
                (to, subscriber, expected),
            )
            return cur.rowcount == 1

    def next_value(self, name: str) -> int:
        """Return the next value of counter ``name`` (see ``SequenceStore``)."""
        check_name("name", name)
        with self._cursor() as cur:
            cur.execute(
                sql.SQL(
                    "INSERT INTO {} AS s (name, value) VALUES (%s, 1)"
                    " ON CONFLICT (name) DO UPDATE SET value = s.value + 1"
                    " RETURNING value"
                ).format(self._sequences),
                (name,),
            )
            row = cur.fetchone()
        assert row is not None  # noqa: S101 - RETURNING always yields a row
        return int(row[0])

    def close(self) -> None:
        """Close the connection this store opened; borrowed ones stay open."""
        self._closed = True
        if self._owned and self._conn is not None:
            self._conn.close()
