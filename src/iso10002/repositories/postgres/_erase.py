"""Erasure on PostgreSQL: what is left after the erased version is stored.

The erased version itself is stored above the row port, under a fresh salt
(see :class:`~iso10002.repositories.RowStoreRepository`); here the dead row
versions it leaves are vacuumed away.
"""

from __future__ import annotations

from psycopg import sql

from iso10002.repositories.postgres._connect import Connector


def vacuum_complaints(db: Connector, schema: sql.Identifier) -> None:
    """Run ``VACUUM (FULL, ANALYZE)`` on the complaints table, in no transaction."""
    statement = sql.SQL("VACUUM (FULL, ANALYZE) {}.complaints").format(schema)
    with db.read("purge_erased") as cur:
        cur.execute(statement)
