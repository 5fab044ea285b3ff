"""Translate psycopg errors into :mod:`iso10002.errors` (PostgreSQL adapter only)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import errors as pg_errors

from iso10002.errors import (
    ConflictError,
    IntegrityError,
    Iso10002Error,
    RepositoryError,
)

__all__ = ["translated"]

# SQLSTATE classes that mean "another transaction got in the way; retry".
_CONCURRENCY = (
    pg_errors.SerializationFailure,
    pg_errors.DeadlockDetected,
    pg_errors.LockNotAvailable,
)


@contextmanager
def translated(
    action: str,
    *,
    complaint_id: str | None = None,
    expected_version: int | None = None,
) -> Iterator[None]:
    """Turn any psycopg error raised inside the block into a repository error.

    Args:
        action: What was being done, for the message (``"save"``, ``"find"`` …).
        complaint_id: The complaint concerned, when there is one.
        expected_version: The version a save was based on, when saving.

    Raises:
        ConflictError: on a serialisation failure, deadlock or lock timeout
            while saving ``complaint_id`` (the caller may retry from a fresh read).
        IntegrityError: when the database refused a change to the append-only
            history, or a stored value broke a constraint.
        RepositoryError: for anything else (connection lost, server gone …).
    """
    try:
        yield
    except Iso10002Error:
        raise
    except _CONCURRENCY as exc:
        if complaint_id is not None and expected_version is not None:
            raise ConflictError(
                complaint_id, expected_version=expected_version
            ) from exc
        msg = f"{action}: concurrent transaction interfered ({exc.sqlstate}); retry"
        raise RepositoryError(msg) from exc
    except pg_errors.RaiseException as exc:
        msg = f"{action}: the database refused the change ({_first_line(exc)})"
        raise IntegrityError(msg, complaint_id=complaint_id) from exc
    except pg_errors.IntegrityError as exc:
        msg = f"{action}: stored data broke a constraint ({_first_line(exc)})"
        raise IntegrityError(msg, complaint_id=complaint_id) from exc
    except psycopg.OperationalError as exc:
        msg = f"{action}: the database is unavailable ({_first_line(exc)})"
        raise RepositoryError(msg) from exc
    except psycopg.Error as exc:
        msg = f"{action} failed: {type(exc).__name__}: {_first_line(exc)}"
        raise RepositoryError(msg) from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
