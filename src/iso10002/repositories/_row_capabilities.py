"""Optional capabilities of a row store, each a small Protocol of its own.

A :class:`~iso10002.repositories.rows.RowStore` is all an adapter must
implement. A store may also implement any of these, and
:class:`~iso10002.repositories.RowStoreRepository` uses what it finds:

* :class:`HeadRows`: documents stored without their history (the history is
  the event rows), and a read that skips the history when the caller's
  cached version and last link still match;
* :class:`CheckedRows`: read, check and write one complaint in one
  transaction, the new rows built from the stored ones inside it;
* :class:`DerivedRows`: rows derived from the complaint (facts, search
  terms, external ids) written in the same transaction as it, so such a
  store is handed the complaint with its rows (a :class:`RowVersion`);
* :class:`RememberedRows`: a checked write over the row the caller last
  read, sent without reading first (one round trip to a server), the row
  read in the transaction only when the stored head has moved on.

The rows keep the forms of :mod:`iso10002.repositories.rows`; only what
crosses the port changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import attrs

from iso10002.errors import ConflictError
from iso10002.model import Complaint
from iso10002.repositories._rows import ComplaintRow, EventRow, KeyRow

__all__ = [
    "CheckedRows",
    "DerivedRows",
    "HeadRow",
    "HeadRows",
    "RememberedRows",
    "RowVersion",
    "require_version",
]


def require_version(current: ComplaintRow, expected_version: int) -> None:
    """Refuse a checked write over ``current`` unless it is ``expected_version``.

    Raises:
        ConflictError: naming the complaint and both versions.
    """
    if current.version != expected_version:
        raise ConflictError(
            current.complaint_id,
            expected_version=expected_version,
            actual_version=current.version,
        )


@attrs.frozen(kw_only=True)
class RowVersion:
    """A version as written: the complaint, its row and its new event rows.

    .. versionadded:: 0.3.0
    """

    complaint: Complaint
    row: ComplaintRow
    events: Sequence[EventRow]


@attrs.frozen(kw_only=True)
class HeadRow:
    """A row read from a :class:`HeadRows` store, with its history apart.

    Args:
        row: The stored row; its ``document`` is the complaint's head (its
            JSON without ``history``), or a whole document left so.
        history: The stored events' texts comma-joined in sequence order,
            or ``None`` when the read was told it need not read them.

    .. versionadded:: 0.3.0
    """

    row: ComplaintRow
    history: str | None


@runtime_checkable
class HeadRows(Protocol):
    """A store that keeps each document as its head; the history is its events.

    The repository then writes heads (``ComplaintRow.document`` without the
    history) and reads through :meth:`read_head`. ``read`` and ``scan`` still
    return whole documents, as every store's do.

    .. versionadded:: 0.3.0
    """

    def read_head(
        self, complaint_id: str, *, known: tuple[int, str] | None
    ) -> HeadRow | None:
        """Return the stored row and its history, or ``None`` if not stored.

        Args:
            complaint_id: The complaint to read.
            known: ``(version, last_link)`` the caller has parsed already:
                when the stored row has both, leave the history out.
        """


@runtime_checkable
class CheckedRows(Protocol):
    """A store that reads, checks and writes one complaint in one transaction.

    .. versionadded:: 0.3.0
    """

    def update_checked(
        self,
        complaint_id: str,
        build: Callable[[ComplaintRow], RowVersion | None],
        *,
        forget_digest: bool = False,
    ) -> None:
        """In one transaction, read a row, build its next version and store it.

        ``build`` gets the stored row (with a head document for a
        :class:`HeadRows` store) and checks it, raising ``ConflictError``
        when it is not the one expected; it returns the new version to store
        (its rows replace and extend the stored ones), or ``None`` to change
        no row. With ``forget_digest`` the payload digest of the complaint's
        idempotency key is cleared as well (an erasure).

        Raises:
            NotFoundError: if no row has that id.
        """


@runtime_checkable
class DerivedRows(Protocol):
    """A store that writes rows derived from each complaint with its own rows.

    Its :meth:`insert_version` replaces ``insert``, and the versions its
    :meth:`CheckedRows.update_checked` writes carry the complaint, so facts,
    search terms and identifiers commit with the complaint or not at all.

    .. versionadded:: 0.3.0
    """

    def insert_version(
        self, version: RowVersion, key: KeyRow | None
    ) -> ComplaintRow | None:
        """Store a new complaint's rows and derived rows (see ``RowStore.insert``).

        Returns:
            The row as stored when the store keeps the document in another
            text than the one given (a server that normalises JSON), so the
            repository remembers it as the store will return it; ``None``
            when it keeps the text given.

        Raises:
            DuplicateError: as ``RowStore.insert`` does.
        """


@runtime_checkable
class RememberedRows(Protocol):
    """A store that writes over the row its caller last read, without reading it.

    The repository remembers the last row it read or wrote of each complaint
    and saves through :meth:`update_remembered` when it has one: a store on
    a server sends the conditional write and the derived rows at once (one
    round trip), where :meth:`CheckedRows.update_checked` reads first (two).

    .. versionadded:: 0.3.0
    """

    def update_remembered(
        self,
        complaint_id: str,
        remembered: ComplaintRow | None,
        build: Callable[[ComplaintRow], RowVersion],
    ) -> ComplaintRow:
        """Build over ``remembered`` and store it if the stored row is still it.

        ``build`` is first given ``remembered`` (a row the store returned,
        from ``read_head`` or from this method); its version is written only
        if the stored row still has ``remembered``'s version, last link and
        salt, in one transaction. When it has not, or ``remembered`` is
        ``None``, the store reads the stored row in a transaction, gives it
        to ``build`` (which raises ``ConflictError`` when it is not the one
        expected) and stores what it returns, as
        :meth:`CheckedRows.update_checked` does.

        Returns:
            The row as now stored, its ``document`` as a read would return it.

        Raises:
            NotFoundError: if no row has that id.
        """
