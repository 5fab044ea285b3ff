"""Rows of a version, chained; and the check of stored rows against their chains.

What :class:`~iso10002.repositories.RowStoreRepository` does above the port
when it writes and when it verifies, kept apart from its paging and caching:
:func:`version_rows` serialises a version and chains its new events,
:func:`verify_rows` checks every stored row's chain, commitments, document,
version and last link. :func:`next_document` is the one rule of the form a
version's document is stored in; the SQLite adapter's writes follow it too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from iso10002.integrity import (
    IntegrityProblem,
    IntegrityReport,
    StoredLink,
    chain_rows,
    head_problems,
    inspect_complaint,
)
from iso10002.integrity.documents import (
    document_text,
    events_json,
    head_text,
    is_whole,
    stored_history,
)
from iso10002.integrity.keys import ChainKeys, RecordKey
from iso10002.model import Complaint
from iso10002.repositories._query import index_values
from iso10002.repositories._rows import ComplaintRow, EventRow

__all__ = ["verify_rows", "version_rows"]


def version_rows(  # noqa: PLR0913 - the facts of one write
    complaint: Complaint,
    *,
    after_version: int,
    previous_link: str,
    salt: bytes,
    key: RecordKey | None,
    stored: str | None = None,
    heads: bool = False,
) -> tuple[ComplaintRow, list[EventRow]]:
    """Serialise and chain a version; ``stored`` is the document it follows.

    A save keeps the stored history's text and appends the new events'
    texts, so a step costs the same at 10 events as at 5,000. With
    ``heads`` the store keeps documents as heads (see :func:`next_document`).

    Returns:
        The new row and its new event rows, in the order of
        ``complaint.history[after_version:]``.
    """
    chained = chain_rows(
        complaint,
        after_version=after_version,
        previous_link=previous_link,
        salt=salt,
        row_id=complaint.id,
        key=key,
    )
    document = next_document(
        complaint,
        [c[2] for c in chained],
        stored=stored,
        after_version=after_version,
        heads=heads,
    )
    index = index_values(complaint)
    row = ComplaintRow(
        complaint_id=complaint.id,
        version=complaint.version,
        document=document,
        salt=salt,
        last_link=chained[-1][4],
        received_us=index.received_us,
        index=index,
    )
    events = [
        EventRow(
            complaint_id=c[0], sequence=c[1], event=c[2], commitment=c[3], link=c[4]
        )
        for c in chained
    ]
    return row, events


def next_document(
    complaint: Complaint,
    texts: Sequence[str],
    *,
    stored: Any,
    after_version: int,
    heads: bool,
) -> str:
    """Return the document to store for a version, in the form of the one it follows.

    A save over a whole document keeps the stored history's text and
    appends the new events' texts, so the stored events are not serialised
    again; a whole document without a recognisable history is rewritten
    whole.

    Args:
        complaint: The version being stored.
        texts: The canonical JSON of its new events,
            ``complaint.history[after_version:]``.
        stored: The stored document it follows (``None`` for a new complaint).
        after_version: The stored version (0 for a new complaint).
        heads: Whether the store keeps each history as its events' texts and
            a document as its head (the SQLite adapter): then a new complaint,
            and one stored as a head, is stored as its head.
    """
    if heads and (stored is None or not is_whole(stored)):
        return head_text(complaint)
    kept = None if stored is None else stored_history(stored)
    if kept is not None:
        return document_text(complaint, [kept, *texts])
    earlier = events_json(complaint.history[:after_version])
    return document_text(complaint, [*earlier, *texts])


def verify_rows(
    rows: Iterable[ComplaintRow],
    history: Callable[[str], Sequence[EventRow]],
    keys: ChainKeys | None,
) -> IntegrityReport:
    """Check every row of ``rows`` against the events ``history`` returns for it.

    Besides each complaint's chain, commitments and document, the row's
    version and last link are checked against its events.
    """
    found: dict[str, tuple[list[IntegrityProblem], bool]] = {}
    events = 0
    for row in rows:
        links = _links(history(row.complaint_id))
        events += len(links)
        check = inspect_complaint(
            row.complaint_id,
            document=row.document,
            links=links,
            salt=row.salt,
            keys=keys,
        )
        problems = list(check.problems)
        problems.extend(
            head_problems(
                row.complaint_id,
                version=row.version,
                last_link=row.last_link,
                links=links,
            )
        )
        found[row.complaint_id] = (problems, check.replayable)
    return IntegrityReport(
        complaints_checked=len(found),
        events_checked=events,
        problems=tuple(p for i in sorted(found) for p in found[i][0]),
        unreplayable=tuple(i for i in sorted(found) if not found[i][1]),
    )


def _links(rows: Sequence[EventRow]) -> list[StoredLink]:
    return [
        StoredLink(
            sequence=r.sequence, event=r.event, commitment=r.commitment, link=r.link
        )
        for r in rows
    ]
