r"""How complaints become PostgreSQL rows and back, and how a Query becomes SQL.

The ``document`` column is JSONB holding the complaint *without* its history;
the history lives in the ``events`` table, one exact ``json`` value per event.
JSONB cannot hold the escape ``\\u0000`` and rewrites numbers (``1e300``
comes back as a 301-digit integer), both of which event data may contain; the
``json`` type keeps the text exactly as written, which the hash chain needs.
Strings of the document itself cannot carry NUL through JSONB either, so a
document holding one (only list fields such as tags accept it) is stored with
a reversible escape and ``document_escaped`` set.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from psycopg import sql

from iso10002.errors import IntegrityError, ValidationError
from iso10002.integrity import GENESIS, chain_rows, load_document
from iso10002.integrity.keys import RecordKey
from iso10002.model import Complaint
from iso10002.repositories._query import decode_cursor, from_micros, index_values
from iso10002.repositories._records import Query
from iso10002.serialization import to_dict

__all__ = [
    "ROW_COLUMNS",
    "complaint_row",
    "decode_row",
    "encode_document",
    "new_rows",
    "unescape_document",
    "where_clause",
]

_ESC = "\ue000"
_ESCAPED = re.compile("\ue000(.)", re.DOTALL)
_UNESCAPE = {"\ue001": "\ue000", "\ue002": "\x00"}


def _escape_text(value: str) -> str:
    return value.replace(_ESC, "\ue000\ue001").replace("\x00", "\ue000\ue002")


def _unescape_text(value: str) -> str:
    return _ESCAPED.sub(lambda m: _UNESCAPE.get(m[1], m[0]), value)


def _walk(value: Any, fn: Any) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, list):
        return [_walk(item, fn) for item in value]
    if isinstance(value, dict):
        return {fn(key): _walk(item, fn) for key, item in value.items()}
    return value


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def encode_document(complaint: Complaint, head: str | None = None) -> tuple[str, bool]:
    """Return the JSONB text of ``complaint`` without history, and if it is escaped.

    ``head`` is the complaint's head (its ``head_text``) if the caller has
    it: that text is the JSONB text when it needs no escape, so the
    complaint is not written out again.
    """
    if head is not None and "\\u0000" not in head and _ESC not in head:
        return head, False
    document = to_dict(complaint, omit=("history",))
    text = _dumps(document)
    if "\\u0000" in text or _ESC in text:
        return _dumps(_walk(document, _escape_text)), True
    return text, False


def complaint_row(
    complaint: Complaint,
    *,
    idempotency_key: str | None,
    salt: bytes,
    last_link: str,
    head: str | None = None,
) -> tuple[Any, ...]:
    """Return the ``complaints`` row of ``complaint`` in the order of the INSERT.

    ``head``: the complaint's head, if known (see :func:`encode_document`).
    """
    values = index_values(complaint)
    document, escaped = encode_document(complaint, head)
    return (
        complaint.id,
        complaint.version,
        idempotency_key,
        salt,
        last_link,
        values.status,
        values.received_at,
        values.channel,
        values.assignee,
        values.category,
        values.reference,
        values.next_due_at,
        values.met_late,
        document,
        escaped,
    )


def new_rows(
    complaint: Complaint,
    salt: bytes,
    idempotency_key: str | None,
    chain_key: RecordKey | None,
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """Return the ``complaints`` row and chained ``events`` rows of a new complaint."""
    events = chain_rows(
        complaint,
        after_version=0,
        previous_link=GENESIS,
        salt=salt,
        row_id=complaint.id,
        key=chain_key,
    )
    row = complaint_row(
        complaint, idempotency_key=idempotency_key, salt=salt, last_link=events[-1][4]
    )
    return row, events


def unescape_document(document: dict[str, Any]) -> dict[str, Any]:
    """Undo the escape :func:`encode_document` applied to a document holding NUL."""
    result: dict[str, Any] = _walk(document, _unescape_text)
    return result


ROW_COLUMNS = sql.SQL(
    "c.id, c.document::text, c.document_escaped,"
    " (SELECT json_agg(e.event ORDER BY e.sequence) FROM {schema}.events e"
    "  WHERE e.complaint_id = c.id AND e.sequence <= c.version)::text"
)
"""The columns :func:`decode_row` reads, from ``complaints c`` (format ``schema``)."""


def decode_row(row: tuple[Any, ...]) -> Complaint:
    """Rebuild a complaint from a row of :data:`ROW_COLUMNS`.

    Raises:
        IntegrityError: naming the complaint if the document or an event is
            malformed.
    """
    complaint_id, document_text, escaped, history_text = row[:4]
    try:
        document = json.loads(document_text)
        history = json.loads(history_text) if history_text is not None else []
    except (ValueError, RecursionError) as exc:
        msg = f"stored document of complaint {complaint_id!r} is not JSON: {exc}"
        raise IntegrityError(msg, complaint_id=complaint_id) from exc
    if not isinstance(document, dict):
        msg = f"stored document of complaint {complaint_id!r} is not an object"
        raise IntegrityError(msg, complaint_id=complaint_id)
    if escaped:
        document = unescape_document(document)
    document["history"] = history
    return load_document(complaint_id, document)


def where_clause(  # noqa: C901, PLR0912 - one branch per Query field
    query: Query, *, after: str | None = None, now: datetime | None = None
) -> tuple[sql.Composable, list[Any]]:
    """Translate ``query`` (and a keyset cursor) into SQL on ``complaints c``.

    Args:
        query: The criteria.
        after: A cursor from ``find`` to continue after.
        now: When given, also require that the complaint is not claimed at ``now``.

    Returns:
        ``(clause, parameters)``; the clause is ``TRUE`` when nothing is asked.
    """
    parts: list[sql.Composable] = []
    params: list[Any] = []

    def add(fragment: str, *values: Any) -> None:
        parts.append(sql.SQL(fragment))
        params.extend(values)

    if query.status_in:
        add("c.status = ANY(%s)", list(query.status_in))
    if query.received_from is not None:
        add("c.received_at >= %s", query.received_from)
    if query.received_before is not None:
        add("c.received_at < %s", query.received_before)
    if query.due_before is not None:
        add("c.next_due_at < %s", query.due_before)
    if query.breached is not None and query.as_of is not None:
        if query.breached:
            add("(c.met_late OR c.next_due_at < %s)", query.as_of)
        else:
            add(
                "(NOT c.met_late AND (c.next_due_at IS NULL OR c.next_due_at >= %s))",
                query.as_of,
            )
    if query.assignee is not None:
        add("c.assignee = %s", query.assignee)
    if query.category is not None:
        add("c.category = %s", query.category)
    if query.channel is not None:
        add("c.channel = %s", query.channel.value)
    if query.reference is not None:
        add("c.reference = %s", query.reference)
    if query.external_id is not None:
        # The GIN index on document->'external_ids' serves the containment;
        # a document stored escaped (see above) holds its strings escaped.
        wanted = [
            {"system": query.external_id.system, "value": query.external_id.value}
        ]
        add(
            "(c.document->'external_ids' @> %s::jsonb OR (c.document_escaped"
            " AND c.document->'external_ids' @> %s::jsonb))",
            _dumps(wanted),
            _dumps(_walk(wanted, _escape_text)),
        )
    if after is not None:
        micros, last_id = decode_cursor(after)
        try:
            last_at = from_micros(micros)
        except OverflowError:
            raise ValidationError.single(
                "after", "must be a cursor returned by find"
            ) from None
        if "\x00" in last_id:
            raise ValidationError.single("after", "must be a cursor returned by find")
        add("(c.received_at, c.id) > (%s, %s)", last_at, last_id)
    if now is not None:
        add("(c.claim_expires_at IS NULL OR c.claim_expires_at <= %s)", now)
    if not parts:
        return sql.SQL("TRUE"), params
    return sql.SQL(" AND ").join(parts), params
