"""Erasure on PostgreSQL: the erased version under a fresh salt, then VACUUM."""

from __future__ import annotations

from datetime import datetime

from psycopg import sql

from iso10002.errors import NotFoundError
from iso10002.integrity import erase, new_salt
from iso10002.model import Complaint
from iso10002.repositories.postgres._codec import ROW_COLUMNS, decode_row
from iso10002.repositories.postgres._connect import Connector
from iso10002.repositories.postgres._known import Heads, KnownComplaints
from iso10002.repositories.postgres._write import Statements


def erase_one(  # noqa: PLR0913 - the store, its memory, then the erasure's facts
    db: Connector,
    statements: Statements,
    memory: tuple[KnownComplaints, Heads],
    complaint_id: str,
    *,
    actor: str,
    at: datetime,
) -> Complaint:
    """Erase one complaint's personal data with its row locked.

    The erased values (and the salt they were committed with) are not kept
    in ``memory`` either.

    Raises:
        NotFoundError: if no complaint has that id.
        ValidationError: if ``actor`` or ``at`` is invalid.
    """
    for remembered in memory:
        remembered.forget(complaint_id)
    try:
        return _erase(db, statements, complaint_id, actor=actor, at=at)
    finally:
        for remembered in memory:
            remembered.forget(complaint_id)


def _erase(
    db: Connector,
    statements: Statements,
    complaint_id: str,
    *,
    actor: str,
    at: datetime,
) -> Complaint:
    """Erase in one transaction (see :func:`erase_one`)."""
    s = sql.Identifier(statements.facts.schema)
    select_for_erasure = sql.SQL(
        "SELECT {}, c.last_link, c.salt FROM {}.complaints c"
        " WHERE c.id = %s FOR UPDATE OF c"
    ).format(ROW_COLUMNS.format(schema=s), s)
    with db.write("erase_personal_data", complaint_id) as cur:
        cur.execute(select_for_erasure, (complaint_id,))
        row = cur.fetchone()
        if row is None:
            raise NotFoundError(complaint_id)
        cur.execute(statements.clear_digest, (complaint_id,))
        complaint = decode_row(row)
        erased = erase(complaint, actor=actor, at=at)
        if erased is complaint:
            return complaint
        statements.update(
            cur,
            erased,
            expected_version=complaint.version,
            previous_link=row[4],
            salt=bytes(row[5]),
            new_salt=new_salt(),
        )
    return erased


def vacuum_complaints(db: Connector, schema: sql.Identifier) -> None:
    """Run ``VACUUM (FULL, ANALYZE)`` on the complaints table, in no transaction."""
    statement = sql.SQL("VACUUM (FULL, ANALYZE) {}.complaints").format(schema)
    with db.read("purge_erased") as cur:
        cur.execute(statement)
