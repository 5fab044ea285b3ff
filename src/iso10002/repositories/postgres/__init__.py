"""PostgreSQL storage: many processes and hosts sharing one store (``postgres`` extra).

Needs psycopg 3 and psycopg_pool (``pip install "iso10002[postgres]"``); only
this package imports them.

Where it connects:
    ``target`` is a DSN (the repository opens and owns a small connection
    pool), a :class:`psycopg_pool.ConnectionPool` (borrowed: ``close`` leaves
    it open), or a :class:`psycopg.Connection` of the host application
    (borrowed). With a connection, each operation runs in
    ``conn.transaction()``: inside a transaction the host already opened it
    is a savepoint, so the complaint commits or rolls back *with the host's
    own rows*; otherwise it is a transaction of its own. A borrowed
    connection is used by one thread at a time (the repository serialises
    its own calls on it).

What it stores:
    In ``schema``, created and migrated forwards on first use (versions
    recorded in ``schema_version``). ``complaints`` holds one row per
    complaint: the JSONB ``document``
    (everything but the history), the version, and an indexed column per
    :class:`~iso10002.repositories.Query` field. ``events`` holds the history,
    one exact ``json`` value per event with its personal-data commitment and
    hash-chain link; a trigger refuses UPDATE, DELETE and TRUNCATE on it.

Concurrency:
    ``save`` is optimistic: ``UPDATE … WHERE id = … AND version = …``
    stores the new version only if nobody else did first, else
    :class:`~iso10002.errors.ConflictError`. The global event feed must
    never let a reader pass an event that commits later with a smaller
    position. Positions come from an identity column, and every
    transaction that appends events first takes a transaction-scoped
    advisory lock (one per schema) held until it commits: positions are
    therefore handed out in commit order, and by the time a reader can see
    position ``p`` every smaller position is committed or rolled back.
    The alternative, exposing only positions below the oldest in-flight
    transaction, needs the feed cursor to carry transaction ids as well as
    positions; the lock keeps positions plain integers at the cost of
    serialising the last step of concurrent writes (milliseconds each).
    When the repository joins a host transaction the lock is held until
    the host commits, so keep such transactions short.

Work queues:
    :meth:`~PostgresComplaintRepository.claim_next` hands the most urgent
    matching complaint to one worker with ``FOR UPDATE SKIP LOCKED``. A
    claim is a lease: ``claimed_by`` and ``claim_expires_at`` on the row;
    until it expires no other worker is handed that complaint. It is not a
    lock on saving, and it survives saves;
    :meth:`~PostgresComplaintRepository.release_claim` ends it early.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iso10002._publish import publish

if TYPE_CHECKING:
    from iso10002.repositories.postgres._repository import (
        PostgresComplaintRepository,
    )
    from iso10002.repositories.postgres._schema import check_schema_name

__all__ = ["PostgresComplaintRepository", "check_schema_name"]


def _published(name: str, value: object) -> object:
    publish({"__name__": __name__, "__all__": [name], name: value})
    globals()[name] = value
    return value


def __getattr__(name: str) -> object:
    # Imported on first use: the KPI modules beside this package import its
    # private modules, and the repository imports them.
    if name == "PostgresComplaintRepository":
        from iso10002.repositories.postgres import _repository  # noqa: PLC0415

        return _published(name, _repository.PostgresComplaintRepository)
    if name == "check_schema_name":
        from iso10002.repositories.postgres import _schema  # noqa: PLC0415

        return _published(name, _schema.check_schema_name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
