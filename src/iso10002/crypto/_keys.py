"""Where the per-complaint keys live: the ``KeyStore`` port, in memory and in SQLite."""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
from typing import Protocol, runtime_checkable

from iso10002.errors import RepositoryError, ValidationError

__all__ = [
    "KEY_BYTES",
    "InMemoryKeyStore",
    "KeyStore",
    "SQLiteKeyStore",
    "check_subject",
]

KEY_BYTES = 32
"""Length of every key: AES-256."""


def check_subject(subject: object) -> str:
    """Return ``subject`` if it is 1 to 200 characters of text without NUL.

    Raises:
        ValidationError: naming ``subject`` otherwise.
    """
    if (
        not isinstance(subject, str)
        or not subject.strip()
        or len(subject) > 200  # noqa: PLR2004 - the id and key limit of the store
        or "\x00" in subject
    ):
        raise ValidationError.single(
            "subject", "must be a non-empty string of at most 200 characters"
        )
    return subject


@runtime_checkable
class KeyStore(Protocol):
    """Keep one secret key per subject (a complaint id); destroying it shreds the data.

    Keep the key store away from the complaints' backups: a key restored from
    a backup makes the ciphertext readable again. Implement it over a key
    management service for production; :class:`SQLiteKeyStore` is the
    reference for a file of its own.

    .. versionadded:: 0.2.0
    """

    def get_key(self, subject: str) -> bytes | None:
        """Return the subject's key, or ``None`` if never made or destroyed."""
        ...

    def create_key(self, subject: str) -> bytes:
        """Return the subject's key, creating it first when there is none.

        Concurrent callers for one subject all get the same key.
        """
        ...

    def destroy_key(self, subject: str) -> None:
        """Forget the subject's key for good (no effect when there is none)."""
        ...


class InMemoryKeyStore:
    """Keys in a dict: for tests and demos (nothing survives the process).

    .. versionadded:: 0.2.0
    """

    def __init__(self) -> None:
        """Create an empty store."""
        self._keys: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get_key(self, subject: str) -> bytes | None:
        """Return the subject's key (see :class:`KeyStore`)."""
        return self._keys.get(check_subject(subject))

    def create_key(self, subject: str) -> bytes:
        """Return the subject's key, creating it (see :class:`KeyStore`)."""
        subject = check_subject(subject)
        with self._lock:
            return self._keys.setdefault(subject, secrets.token_bytes(KEY_BYTES))

    def destroy_key(self, subject: str) -> None:
        """Forget the subject's key (see :class:`KeyStore`)."""
        with self._lock:
            self._keys.pop(check_subject(subject), None)


class SQLiteKeyStore:
    """Keys in an SQLite file of their own, overwritten on disk when destroyed.

    The file runs with ``secure_delete`` and every destruction is followed by
    a ``TRUNCATE`` checkpoint, so a destroyed key leaves neither the database
    nor its write-ahead log. Keep this file out of the complaints' backups
    (or back it up on a much shorter rotation).

    Args:
        path: The key file (created when missing).
        timeout: Seconds to wait for another writer.

    Raises:
        RepositoryError: if the file cannot be opened as a database.

    .. versionadded:: 0.2.0
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        """Open (and if needed create) the key file."""
        self._path = os.fspath(path)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(
                self._path,
                timeout=timeout,
                isolation_level=None,
                check_same_thread=False,
            )
            self._db.execute("PRAGMA secure_delete = ON")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS iso10002_keys"
                " (subject TEXT PRIMARY KEY, key BLOB NOT NULL)"
            )
        except sqlite3.Error as exc:
            msg = f"cannot open the key store {self._path!r}: {exc}"
            raise RepositoryError(msg) from exc

    def get_key(self, subject: str) -> bytes | None:
        """Return the subject's key (see :class:`KeyStore`)."""
        subject = check_subject(subject)
        with self._lock, _Translated():
            row = self._db.execute(
                "SELECT key FROM iso10002_keys WHERE subject = ?", (subject,)
            ).fetchone()
        return None if row is None else bytes(row[0])

    def create_key(self, subject: str) -> bytes:
        """Return the subject's key, creating it (see :class:`KeyStore`)."""
        subject = check_subject(subject)
        with self._lock, _Translated():
            self._db.execute(
                "INSERT OR IGNORE INTO iso10002_keys (subject, key) VALUES (?, ?)",
                (subject, secrets.token_bytes(KEY_BYTES)),
            )
            (key,) = self._db.execute(
                "SELECT key FROM iso10002_keys WHERE subject = ?", (subject,)
            ).fetchone()
        return bytes(key)

    def destroy_key(self, subject: str) -> None:
        """Delete the key and checkpoint it out of the log (see :class:`KeyStore`)."""
        subject = check_subject(subject)
        with self._lock, _Translated():
            self._db.execute("DELETE FROM iso10002_keys WHERE subject = ?", (subject,))
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()


class _Translated:
    """Turn ``sqlite3`` errors into :class:`~iso10002.errors.RepositoryError`."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: object, _tb: object) -> None:
        if isinstance(exc, sqlite3.Error):
            msg = f"the key store failed: {exc}"
            raise RepositoryError(msg) from exc
