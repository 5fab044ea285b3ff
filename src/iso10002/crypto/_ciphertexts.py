"""Where sealed personal values live: the ``CiphertextStore`` port and two stores."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from iso10002.crypto._keys import _Translated, check_subject
from iso10002.errors import IntegrityError, RepositoryError

__all__ = ["CiphertextStore", "InMemoryCiphertextStore", "SQLiteCiphertextStore"]


@runtime_checkable
class CiphertextStore(Protocol):
    """Keep sealed personal values (``path -> token``) by subject and reference.

    It holds ciphertext only, so it may live, and be backed up, with the
    complaints (e.g. :class:`SQLiteCiphertextStore` in the repository's own
    file); without the subject's key its content is unreadable.

    .. versionadded:: 0.2.0
    """

    def put(self, subject: str, reference: str, tokens: Mapping[str, str]) -> None:
        """Store ``tokens`` under ``(subject, reference)``; a pair stored stays."""
        ...

    def get(self, subject: str, reference: str) -> dict[str, str] | None:
        """Return the tokens stored under ``(subject, reference)``, or ``None``."""
        ...

    def delete(self, subject: str) -> None:
        """Delete every reference of ``subject`` (no effect when there is none)."""
        ...


class InMemoryCiphertextStore:
    """Sealed values in a dict: for tests and demos.

    .. versionadded:: 0.2.0
    """

    def __init__(self) -> None:
        """Create an empty store."""
        self._rows: dict[str, dict[str, dict[str, str]]] = {}
        self._lock = threading.Lock()

    def put(self, subject: str, reference: str, tokens: Mapping[str, str]) -> None:
        """Store the tokens (see :class:`CiphertextStore`)."""
        with self._lock:
            rows = self._rows.setdefault(check_subject(subject), {})
            rows.setdefault(reference, dict(tokens))

    def get(self, subject: str, reference: str) -> dict[str, str] | None:
        """Return the tokens (see :class:`CiphertextStore`)."""
        with self._lock:
            found = self._rows.get(check_subject(subject), {}).get(reference)
        return None if found is None else dict(found)

    def delete(self, subject: str) -> None:
        """Delete the subject's tokens (see :class:`CiphertextStore`)."""
        with self._lock:
            self._rows.pop(check_subject(subject), None)


class SQLiteCiphertextStore:
    """Sealed values in a table of an SQLite file (the repository's own file will do).

    Args:
        path: The database file; a table ``iso10002_sealed`` is created in it.
        timeout: Seconds to wait for another writer.

    Raises:
        RepositoryError: if the file cannot be opened as a database.

    .. versionadded:: 0.2.0
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        """Open the file and create the table when missing."""
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(
                os.fspath(path),
                timeout=timeout,
                isolation_level=None,
                check_same_thread=False,
            )
            self._db.execute("PRAGMA secure_delete = ON")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS iso10002_sealed (subject TEXT NOT NULL,"
                " reference TEXT NOT NULL, tokens TEXT NOT NULL,"
                " PRIMARY KEY (subject, reference))"
            )
        except sqlite3.Error as exc:
            msg = f"cannot open the ciphertext store {os.fspath(path)!r}: {exc}"
            raise RepositoryError(msg) from exc

    def put(self, subject: str, reference: str, tokens: Mapping[str, str]) -> None:
        """Store the tokens (see :class:`CiphertextStore`)."""
        text = json.dumps(dict(tokens), sort_keys=True, separators=(",", ":"))
        with self._lock, _Translated():
            self._db.execute(
                "INSERT OR IGNORE INTO iso10002_sealed (subject, reference, tokens)"
                " VALUES (?, ?, ?)",
                (check_subject(subject), reference, text),
            )

    def get(self, subject: str, reference: str) -> dict[str, str] | None:
        """Return the tokens (see :class:`CiphertextStore`)."""
        with self._lock, _Translated():
            row = self._db.execute(
                "SELECT tokens FROM iso10002_sealed"
                " WHERE subject = ? AND reference = ?",
                (check_subject(subject), reference),
            ).fetchone()
        if row is None:
            return None
        try:
            tokens = json.loads(row[0])
        except ValueError as exc:
            msg = f"sealed values of {subject!r} are not readable JSON"
            raise IntegrityError(msg, complaint_id=subject) from exc
        if not isinstance(tokens, dict) or not all(
            isinstance(v, str) for v in tokens.values()
        ):
            msg = f"sealed values of {subject!r} are malformed"
            raise IntegrityError(msg, complaint_id=subject)
        return tokens

    def delete(self, subject: str) -> None:
        """Delete the subject's tokens (see :class:`CiphertextStore`)."""
        with self._lock, _Translated():
            self._db.execute(
                "DELETE FROM iso10002_sealed WHERE subject = ?",
                (check_subject(subject),),
            )

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()
