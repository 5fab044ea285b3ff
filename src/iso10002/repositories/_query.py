"""Pure helpers every adapter shares: index columns, the query predicate, cursors."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.model import Complaint, DueDate
from iso10002.repositories._protocol import MAX_PAGE_SIZE
from iso10002.repositories._records import Query
from iso10002.repositories._validate import check_complaint_id

__all__ = [
    "MAX_POSITION",
    "IndexValues",
    "check_limit",
    "check_position",
    "decode_cursor",
    "due_summary",
    "encode_cursor",
    "from_micros",
    "index_values",
    "matches",
    "sort_key",
    "to_micros",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

MAX_POSITION = 2**63 - 1
"""The largest feed position (a signed 64-bit integer in every store)."""


def to_micros(at: datetime) -> int:
    """Return microseconds since the Unix epoch (exact, sortable as an integer).

    .. versionadded:: 0.1.0
    """
    delta = at - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(micros: int) -> datetime:
    """Return the UTC instant ``micros`` microseconds after the Unix epoch.

    .. versionadded:: 0.1.0
    """
    return _EPOCH + timedelta(microseconds=micros)


@attrs.frozen(kw_only=True)
class IndexValues:
    """The indexed columns of a stored complaint, one per :class:`Query` field.

    ``next_due_at`` is the earliest pending due date (``met_at is None``);
    ``met_late`` tells whether any due date was met after it was due. Together
    they answer ``due_before`` and ``breached`` with plain index range scans.

    .. versionadded:: 0.1.0
    """

    status: str
    received_at: datetime
    received_us: int
    channel: str
    assignee: str | None
    category: str | None
    reference: str
    next_due_at: datetime | None
    next_due_us: int | None
    met_late: bool


def index_values(complaint: Complaint) -> IndexValues:
    """Compute the indexed columns of ``complaint``.

    .. versionadded:: 0.1.0
    """
    next_due, met_late = due_summary(complaint.deadlines)
    return IndexValues(
        status=complaint.status,
        received_at=complaint.received_at,
        received_us=to_micros(complaint.received_at),
        channel=complaint.channel.value,
        assignee=complaint.assignee,
        category=complaint.classification.category
        if complaint.classification
        else None,
        reference=complaint.reference,
        next_due_at=next_due,
        next_due_us=None if next_due is None else to_micros(next_due),
        met_late=met_late,
    )


def due_summary(deadlines: Sequence[DueDate]) -> tuple[datetime | None, bool]:
    """Return the earliest pending due date and whether any was met late.

    .. versionadded:: 0.1.0
    """
    if not deadlines:
        return None, False
    pending = [d.due_at for d in deadlines if d.met_at is None]
    return (
        min(pending) if pending else None,
        any(d.met_at is not None and d.met_at > d.due_at for d in deadlines),
    )


def is_breached(values: IndexValues, as_of: datetime) -> bool:
    """Tell whether a complaint with these index values is breached at ``as_of``."""
    return values.met_late or (
        values.next_due_at is not None and values.next_due_at < as_of
    )


def matches(query: Query, complaint: Complaint) -> bool:  # noqa: PLR0911 - one test per field
    """Tell whether ``complaint`` satisfies every criterion of ``query``.

    .. versionadded:: 0.1.0
    """
    values = index_values(complaint)
    if query.status_in and values.status not in query.status_in:
        return False
    if query.received_from is not None and values.received_at < query.received_from:
        return False
    if (
        query.received_before is not None
        and values.received_at >= query.received_before
    ):
        return False
    if query.due_before is not None and not (
        values.next_due_at is not None and values.next_due_at < query.due_before
    ):
        return False
    if (
        query.breached is not None
        and query.as_of is not None
        and is_breached(values, query.as_of) != query.breached
    ):
        return False
    if query.assignee is not None and values.assignee != query.assignee:
        return False
    if query.category is not None and values.category != query.category:
        return False
    if query.channel is not None and values.channel != query.channel.value:
        return False
    if query.reference is not None and values.reference != query.reference:
        return False
    return query.external_id is None or query.external_id in complaint.external_ids


def sort_key(complaint: Complaint) -> tuple[int, str]:
    """Return the key of the one order of ``find``: ``(received_at, id)``.

    .. versionadded:: 0.1.0
    """
    return (to_micros(complaint.received_at), complaint.id)


def encode_cursor(complaint: Complaint) -> str:
    """Make the opaque cursor that continues after ``complaint``.

    .. versionadded:: 0.1.0
    """
    raw = f"{to_micros(complaint.received_at)}|{complaint.id}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii")


def decode_cursor(cursor: Any) -> tuple[int, str]:
    """Read a cursor made by :func:`encode_cursor`.

    Returns:
        ``(received_at in microseconds, id)`` of the last complaint seen.

    Raises:
        ValidationError: naming ``after`` if the cursor is not one of ours.

    .. versionadded:: 0.1.0
    """
    if not isinstance(cursor, str) or len(cursor) > 1000:  # noqa: PLR2004 - sanity bound
        raise ValidationError.single("after", "must be a cursor returned by find")
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("utf-8")
        text, complaint_id = raw.split("|", 1)
        micros = int(text)
        from_micros(micros)  # a datetime (years 1 to 9999), or OverflowError
        return micros, check_complaint_id(complaint_id)
    except (ValueError, UnicodeError, binascii.Error, OverflowError):
        raise ValidationError.single(
            "after", "must be a cursor returned by find"
        ) from None


def check_limit(limit: Any) -> int:
    """Return ``limit`` if it is a page size in range, else raise ValidationError.

    .. versionadded:: 0.1.0
    """
    if (
        isinstance(limit, bool)
        or not isinstance(limit, int)
        or not 1 <= limit <= MAX_PAGE_SIZE
    ):
        raise ValidationError.single(
            "limit", f"must be an integer from 1 to {MAX_PAGE_SIZE}"
        )
    return limit


def check_position(after: Any) -> int:
    """Return ``after`` if it is a feed position (0 or more), else raise.

    .. versionadded:: 0.1.0
    """
    if (
        isinstance(after, bool)
        or not isinstance(after, int)
        or not 0 <= after <= MAX_POSITION
    ):
        raise ValidationError.single(
            "after", f"must be an integer position from 0 to {MAX_POSITION}"
        )
    return after
