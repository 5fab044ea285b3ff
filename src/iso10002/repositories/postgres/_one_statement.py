"""A step over the row last written, as one statement: one round trip, no pipeline.

When the repository remembers the row a save writes over, and the KPI rows and
search digest stored with it, the whole write is one ``WITH`` statement: the
``UPDATE`` of the complaint row checked against the version, chain head and
salt it was made from (``cw``), the change of the KPI rows (the parts of
:class:`._fact_changes.FactChanges`), and last the feed lock and the new
events. In autocommit the server runs it as its own transaction.

When the ``UPDATE`` finds no row (another writer saved first), the events'
complaint id is ``NULL``, their ``NOT NULL`` constraint refuses the statement
and nothing of it is stored.

The outer query reads ``cw``; PostgreSQL runs the other data-modifying parts
after it, the later-written first. So the events come right after ``cw`` in
the text, and run last: the feed lock they take is held for them and the
commit only (``test_postgres_one_statement`` checks this order on the server).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from psycopg import sql

from iso10002.repositories._rows import EventRow
from iso10002.repositories.postgres._fact_changes import FactChanges

__all__ = ["OneStatement", "numbered"]

_PLACEHOLDER = re.compile(rb"%[sbt]")


def numbered(statement: bytes) -> bytes:
    """Return ``statement`` with its placeholders numbered ``$1``, ``$2`` and on.

    ``%s``, ``%b`` and ``%t`` are placeholders; their parameters are then
    sent in the format psycopg picks for their types. For a
    :class:`psycopg.RawCursor`, which sends a statement as it is: psycopg
    parses a statement for placeholders at every execution when it is over
    4 kB or has over 50 parameters, as these have.

    Raises:
        ValueError: if ``statement`` holds any other ``%``.
    """
    pieces = _PLACEHOLDER.split(statement)
    if any(b"%" in piece for piece in pieces):
        msg = "a statement to number may hold % only in placeholders"
        raise ValueError(msg)
    out = [pieces[0]]
    for number, piece in enumerate(pieces[1:], start=1):
        out += (b"$%d" % number, piece)
    return b"".join(out)


class OneStatement:
    """The one-statement writes of a schema, composed once per KPI change shape."""

    def __init__(
        self, schema: sql.Identifier, update: str, changes: FactChanges
    ) -> None:
        """Compose for ``schema``, with the complaint row's ``update``.

        ``update`` is a template of ``schema``; the KPI rows are written as
        ``changes`` compose them.
        """
        self._changes = changes
        self._update = sql.SQL("cw AS (" + update + ")").format(schema)
        lock = "feed AS MATERIALIZED (SELECT pg_advisory_xact_lock(%s, %s)),"
        insert = (
            " ev AS (INSERT INTO {}.events"
            " (complaint_id, sequence, event, commitment, link)"
            " SELECT (SELECT %s::text FROM cw),"
        )
        # One event (most steps) as scalars; several as arrays, in order.
        self._events = (
            sql.SQL(lock + insert + " %s::integer, %s::json, %s, %s FROM feed)").format(
                schema
            ),
            sql.SQL(
                lock + insert + " v.s, v.e::json, v.c, v.l FROM feed,"
                " unnest(%s::integer[], %s::text[], %s::text[], %s::text[])"
                " WITH ORDINALITY AS v(s, e, c, l, n) ORDER BY v.n)"
            ).format(schema),
        )
        self._shapes: dict[tuple[bool, tuple[bool, ...]], bytes] = {}

    def statement(self, shape: tuple[bool, ...], *, events: int = 1) -> bytes:
        """Return the statement of a step whose KPI rows change as ``shape`` says.

        ``events`` is the number of new events. The placeholders are numbered
        (for a :class:`psycopg.RawCursor`). Its parameters, in order: the
        ``UPDATE``'s (as for ``Statements.update_sql``), those of
        :meth:`event_params`, then the KPI change's.
        """
        key = (events > 1, shape)
        found = self._shapes.get(key)
        if found is None:
            parts = [self._update, self._events[key[0]], *self._changes.parts(shape)]
            found = self._shapes[key] = numbered(
                sql.SQL("WITH {} SELECT document, document_escaped FROM cw")
                .format(sql.SQL(", ").join(parts))
                .as_bytes()
            )
        return found

    @staticmethod
    def event_params(
        lock_args: tuple[int, int], complaint_id: str, events: Sequence[EventRow]
    ) -> list[Any]:
        """Return the parameters of the feed lock and ``events`` (``EventRow``)."""
        if len(events) == 1:
            (e,) = events
            return [*lock_args, complaint_id, e.sequence, e.event, e.commitment, e.link]
        return [
            *lock_args,
            complaint_id,
            [e.sequence for e in events],
            [e.event for e in events],
            [e.commitment for e in events],
            [e.link for e in events],
        ]
