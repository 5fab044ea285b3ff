"""Work queues and bulk import of the PostgreSQL adapter (beyond the protocol)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

from iso10002.errors import DuplicateError, NotFoundError, ValidationError
from iso10002.integrity import new_salts
from iso10002.model import Complaint
from iso10002.repositories._records import Query
from iso10002.repositories._sealing import agrees
from iso10002.repositories._validate import (
    check_complaint_id,
    check_lease,
    check_worker,
)
from iso10002.repositories.postgres._codec import (
    ROW_COLUMNS,
    decode_row,
    new_rows,
    where_clause,
)
from iso10002.repositories.postgres._connect import Connector
from iso10002.repositories.postgres._verify_quick import seal_written
from iso10002.repositories.postgres._write import (
    COMPLAINT_COLUMNS,
    Statements,
    check_complaint,
)

__all__ = ["claim_next", "import_batch", "import_in_batches", "release_claim"]


def claim_next(  # noqa: PLR0913 - the store, then the caller's arguments
    db: Connector,
    schema: str,
    *,
    now: datetime,
    query: Any,
    worker: Any,
    lease: Any,
) -> Complaint | None:
    """Claim the most urgent free complaint matching ``query`` (``SKIP LOCKED``).

    Raises:
        ValidationError: for a bad query, worker or lease.
    """
    if not isinstance(query, Query):
        raise ValidationError.single("query", "must be a Query")
    check_worker(worker)
    check_lease(lease)
    s = sql.Identifier(schema)
    where, params = where_clause(query, now=now)
    statement = sql.SQL(
        "WITH next AS (SELECT c.id FROM {s}.complaints c WHERE {where}"
        " ORDER BY c.next_due_at ASC NULLS LAST, c.received_at, c.id"
        " LIMIT 1 FOR UPDATE SKIP LOCKED)"
        " UPDATE {s}.complaints c SET claimed_by = %s, claim_expires_at = %s"
        " FROM next WHERE c.id = next.id RETURNING {columns}"
    ).format(s=s, where=where, columns=ROW_COLUMNS.format(schema=s))
    with db.write("claim_next") as cur:
        cur.execute(statement, (*params, worker, now + lease))
        row = cur.fetchone()
    return None if row is None else decode_row(row)


def release_claim(db: Connector, schema: str, complaint_id: Any, worker: Any) -> None:
    """End ``worker``'s claim on a complaint, if it still holds it.

    Raises:
        NotFoundError: if no complaint has that id.
        ValidationError: for a bad worker.
    """
    complaint_id = check_complaint_id(complaint_id)
    check_worker(worker)
    s = sql.Identifier(schema)
    statement = sql.SQL(
        "UPDATE {}.complaints SET claimed_by = NULL, claim_expires_at = NULL"
        " WHERE id = %s AND (claimed_by = %s OR claimed_by IS NULL) RETURNING 1"
    ).format(s)
    exists = sql.SQL("SELECT 1 FROM {}.complaints WHERE id = %s").format(s)
    with db.write("release_claim", complaint_id) as cur:
        cur.execute(statement, (complaint_id, worker))
        if cur.fetchone() is None:
            cur.execute(exists, (complaint_id,))
            if cur.fetchone() is None:
                raise NotFoundError(complaint_id)


def import_in_batches(
    db: Connector,
    statements: Statements,
    complaints: Iterable[Complaint],
    batch_size: Any,
) -> int:
    """COPY new complaints in, one transaction per batch; return how many.

    Raises:
        DuplicateError: naming an id already stored or repeated in a batch.
        ValidationError: for a bad batch size or an item that is not a
            complaint with history.
    """
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, int)
        or batch_size < 1
    ):
        raise ValidationError.single("batch_size", "must be a positive integer")

    def store(batch: list[Complaint]) -> int:
        with db.write("import_complaints") as cur:
            return import_batch(statements, cur, batch)

    total = 0
    batch: list[Complaint] = []
    for complaint in complaints:
        batch.append(check_complaint(complaint))
        if len(batch) >= batch_size:
            total += store(batch)
            batch = []
    if batch:
        total += store(batch)
    return total


def import_batch(
    statements: Statements,
    cur: psycopg.Cursor[Any],
    complaints: Iterable[Complaint],
) -> int:
    """Insert many new complaints with COPY, and seal them (caller's transaction).

    Complaints whose document agrees with their history are sealed as
    written (see :func:`._verify_quick.seal_written`).

    Raises:
        DuplicateError: if any id is already stored or repeated in the batch.
    """
    rows: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    seen: set[str] = set()
    complaints = list(complaints)
    for complaint, salt in zip(complaints, new_salts(len(complaints)), strict=True):
        if complaint.id in seen:
            raise DuplicateError(complaint.id)
        seen.add(complaint.id)
        row, chained = new_rows(complaint, salt, None, statements.chain_key)
        rows.append(row)
        events.extend(chained)
    if not rows:
        return 0
    s = sql.Identifier(statements.facts.schema)
    cur.execute(
        sql.SQL("SELECT id FROM {}.complaints WHERE id = ANY(%s) LIMIT 1").format(s),
        (list(seen),),
    )
    found = cur.fetchone()
    if found is not None:
        raise DuplicateError(found[0])
    copy_rows = sql.SQL("COPY {}.complaints (" + COMPLAINT_COLUMNS + ") FROM STDIN")
    with cur.copy(copy_rows.format(s)) as copy:
        for row in rows:
            copy.write_row(row)
    cur.execute(statements.lock_feed, statements.lock_args)
    copy_events = sql.SQL(
        "COPY {}.events (complaint_id, sequence, event, commitment, link) FROM STDIN"
    )
    with cur.copy(copy_events.format(s)) as copy:
        for event in events:
            copy.write_row(event)
    statements.facts.copy(cur, complaints)
    statements.facts.flags.copy(cur, complaints)
    statements.search.copy(cur, complaints)
    seal_written(
        cur,
        statements.facts.schema,
        statements.chain_key,
        [c.id for c in complaints if agrees(c)],
    )
    return len(rows)
