"""Argument checks shared by every adapter, so all raise the same errors."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.repositories._records import Query

__all__ = [
    "MAX_LEASE",
    "check_complaint",
    "check_complaint_id",
    "check_idempotency_key",
    "check_lease",
    "check_payload_digest",
    "check_save",
    "check_worker",
]

_MAX_KEY = 200
_MAX_ID = 64
# What no stored key or id can hold: control characters and lone surrogates
# (not encodable as UTF-8, so a driver would raise UnicodeEncodeError).
_BAD_CHARACTER = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")

MAX_LEASE = timedelta(days=366)
"""The longest claim lease ``claim_next`` accepts."""


def _short_text(value: Any, limit: int) -> bool:
    return (
        isinstance(value, str)
        and bool(value.strip())
        and len(value) <= limit
        and _BAD_CHARACTER.search(value) is None
    )


_MAX_DIGEST = 128


def check_complaint(complaint: Any) -> Complaint:
    """Return ``complaint`` if it is a stored-able complaint (version 1 or more).

    .. versionadded:: 0.1.0
    """
    if not isinstance(complaint, Complaint):
        raise ValidationError.single(
            "complaint", f"must be a Complaint, not {type(complaint).__name__}"
        )
    if complaint.version < 1:
        raise ValidationError.single("complaint.version", "must be at least 1")
    return complaint


def check_query(query: Any) -> Query:
    """Return ``query`` if it is a :class:`~iso10002.repositories.Query`."""
    if not isinstance(query, Query):
        raise ValidationError.single(
            "query", f"must be a Query, not {type(query).__name__}"
        )
    return query


def check_complaint_id(complaint_id: Any) -> str:
    """Return ``complaint_id`` if it is a non-empty string of at most 64 characters.

    .. versionadded:: 0.1.0
    """
    if not _short_text(complaint_id, _MAX_ID):
        raise ValidationError.single(
            "complaint_id",
            "must be a complaint id (1 to 64 characters, no control characters)",
        )
    return str(complaint_id)


def check_idempotency_key(key: Any) -> str | None:
    """Return ``key`` if it is ``None`` or a non-empty string up to 200 characters.

    .. versionadded:: 0.1.0
    """
    if key is None:
        return None
    if not _short_text(key, _MAX_KEY):
        raise ValidationError.single(
            "idempotency_key",
            f"must be a non-empty string of at most {_MAX_KEY} characters "
            "without control characters",
        )
    return str(key)


def check_worker(worker: Any) -> str:
    """Return ``worker`` if it names a worker: 1 to 200 characters, one line.

    .. versionadded:: 0.2.0
    """
    if not _short_text(worker, _MAX_KEY):
        raise ValidationError.single(
            "worker",
            f"must be a non-empty string of at most {_MAX_KEY} characters "
            "without control characters",
        )
    return str(worker)


def check_lease(lease: Any) -> timedelta:
    """Return ``lease`` if it is a positive timedelta of at most :data:`MAX_LEASE`.

    .. versionadded:: 0.2.0
    """
    if not isinstance(lease, timedelta) or not timedelta(0) < lease <= MAX_LEASE:
        raise ValidationError.single(
            "lease", f"must be a positive timedelta of at most {MAX_LEASE.days} days"
        )
    return lease


def check_payload_digest(digest: Any) -> str | None:
    """Return ``digest`` if it is ``None`` or 1 to 128 printable ASCII characters.

    The digest an adapter stores with an idempotency key (see
    :meth:`~iso10002.repositories.ComplaintRepository.add`).

    .. versionadded:: 0.2.0
    """
    if digest is None:
        return None
    if (
        not isinstance(digest, str)
        or not 0 < len(digest) <= _MAX_DIGEST
        or not digest.isascii()
        or not digest.isprintable()
    ):
        raise ValidationError.single(
            "payload_digest",
            f"must be 1 to {_MAX_DIGEST} printable ASCII characters",
        )
    return digest


def check_save(complaint: Any, expected_version: Any) -> Complaint:
    """Check the arguments of ``save``: a complaint newer than ``expected_version``.

    .. versionadded:: 0.1.0
    """
    checked = check_complaint(complaint)
    if (
        isinstance(expected_version, bool)
        or not isinstance(expected_version, int)
        or expected_version < 1
    ):
        raise ValidationError.single(
            "expected_version", "must be an integer of at least 1"
        )
    if checked.version <= expected_version:
        raise ValidationError.single(
            "expected_version",
            f"must be below the complaint's version ({checked.version}): "
            "a save adds events",
        )
    return checked
