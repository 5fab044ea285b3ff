"""A ``CiphertextStore`` in PostgreSQL, next to the complaints (``postgres`` extra).

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

import psycopg
from psycopg import sql

from iso10002.crypto._keys import check_subject
from iso10002.errors import IntegrityError, RepositoryError
from iso10002.repositories.postgres import check_schema_name

__all__ = ["PostgresCiphertextStore"]


class PostgresCiphertextStore:
    """Sealed values in a table ``sealed_values`` of the complaints' schema.

    The table holds ciphertext only, so it may share the database and its
    backups with the complaints; keep the keys elsewhere.

    Args:
        dsn: The PostgreSQL connection string.
        schema: The schema (the repository's, by default ``iso10002``).

    Raises:
        ValidationError: for a bad schema name.
        RepositoryError: if the server cannot be reached or refuses.

    .. versionadded:: 0.2.0
    """

    def __init__(self, dsn: str, *, schema: str = "iso10002") -> None:
        """Connect and create the schema and table when missing."""
        self._schema = sql.Identifier(check_schema_name(schema))
        self._lock = threading.Lock()
        try:
            self._conn = psycopg.connect(dsn, autocommit=True)
            self._conn.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(self._schema)
            )
            self._conn.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {}.sealed_values ("
                    ' subject text COLLATE "C" NOT NULL,'
                    ' reference text COLLATE "C" NOT NULL,'
                    " tokens jsonb NOT NULL, PRIMARY KEY (subject, reference))"
                ).format(self._schema)
            )
        except psycopg.Error as exc:
            msg = f"cannot open the ciphertext store: {exc}"
            raise RepositoryError(msg) from exc

    def _run(self, statement: sql.Composed, params: tuple[Any, ...]) -> Any:
        with self._lock:
            try:
                cursor = self._conn.execute(statement, params)
                return None if cursor.description is None else cursor.fetchone()
            except psycopg.Error as exc:
                msg = f"the ciphertext store failed: {exc}"
                raise RepositoryError(msg) from exc

    def put(self, subject: str, reference: str, tokens: Mapping[str, str]) -> None:
        """Store the tokens (see :class:`~iso10002.crypto.CiphertextStore`)."""
        self._run(
            sql.SQL(
                "INSERT INTO {}.sealed_values (subject, reference, tokens)"
                " VALUES (%s, %s, %s::jsonb) ON CONFLICT DO NOTHING"
            ).format(self._schema),
            (check_subject(subject), reference, json.dumps(dict(tokens))),
        )

    def get(self, subject: str, reference: str) -> dict[str, str] | None:
        """Return the tokens (see :class:`~iso10002.crypto.CiphertextStore`)."""
        row = self._run(
            sql.SQL(
                "SELECT tokens FROM {}.sealed_values WHERE subject = %s"
                " AND reference = %s"
            ).format(self._schema),
            (check_subject(subject), reference),
        )
        if row is None:
            return None
        tokens = row[0]
        if not isinstance(tokens, dict) or not all(
            isinstance(v, str) for v in tokens.values()
        ):
            msg = f"sealed values of {subject!r} are malformed"
            raise IntegrityError(msg, complaint_id=subject)
        return tokens

    def delete(self, subject: str) -> None:
        """Delete the subject's tokens (see ``CiphertextStore``)."""
        self._run(
            sql.SQL("DELETE FROM {}.sealed_values WHERE subject = %s").format(
                self._schema
            ),
            (check_subject(subject),),
        )

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()
