"""How ``RowStoreRepository`` reads and writes through a store's extra capabilities.

:class:`HeadReader` reads a ``HeadRows`` store (history left out when the
parsed complaint is still current) and remembers the last row it read or
wrote of each complaint (:class:`LastRows`); :class:`CheckedPaths` saves and
erases through a ``CheckedRows`` store, building the new rows from the
stored ones inside its transaction, or, with a ``RememberedRows`` store,
from the remembered row, which the store checks as it writes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from iso10002.errors import ConflictError, NotFoundError, RepositoryError
from iso10002.integrity import erase, load_document, new_salt
from iso10002.integrity.documents import is_whole, stored_history, whole_document
from iso10002.model import Complaint
from iso10002.repositories._parsed import ParsedDocuments
from iso10002.repositories._row_capabilities import (
    CheckedRows,
    HeadRows,
    RememberedRows,
    RowVersion,
    require_version,
)
from iso10002.repositories._rows import ComplaintRow, EventRow

__all__ = ["ERASE_ATTEMPTS", "CheckedPaths", "HeadReader", "LastRows", "RowsOf"]

ERASE_ATTEMPTS = 10

RowsOf = Callable[
    [Complaint, int, str, bytes, "str | None"], tuple[ComplaintRow, list[EventRow]]
]
"""Serialise and chain a version (complaint, version, last link, salt, document)."""


class LastRows:
    """The row last read or written of each complaint (bounded, thread-safe).

    Only an optimisation: a row that is no longer the stored one costs the
    store a read when it is written over (see ``RememberedRows``).
    """

    def __init__(self, size: int = 1024) -> None:
        """Remember up to ``size`` rows, dropping the least recently stored."""
        self._size = size
        self._rows: dict[str, ComplaintRow] = {}
        self._lock = threading.Lock()

    def get(self, complaint_id: str) -> ComplaintRow | None:
        """Return the remembered row of ``complaint_id``."""
        with self._lock:
            return self._rows.get(complaint_id)

    def remember(self, row: ComplaintRow) -> None:
        """Remember ``row`` as read or written."""
        with self._lock:
            self._rows.pop(row.complaint_id, None)
            self._rows[row.complaint_id] = row
            while len(self._rows) > self._size:
                del self._rows[next(iter(self._rows))]

    def forget(self, complaint_id: str) -> None:
        """Drop the row of ``complaint_id`` (an erasure changes its salt)."""
        with self._lock:
            self._rows.pop(complaint_id, None)


class HeadReader:
    """Reads complaints from a store that keeps documents as heads."""

    def __init__(self, store: HeadRows, parsed: ParsedDocuments) -> None:
        """Read from ``store``, remembering parsed complaints in ``parsed``."""
        self._store = store
        self._parsed = parsed
        # The rows a RememberedRows store is given to write over.
        self.last = LastRows() if isinstance(store, RememberedRows) else None

    @classmethod
    def of(cls, store: object, parsed: ParsedDocuments) -> HeadReader | None:
        """Return a reader of ``store`` if it keeps heads, else ``None``."""
        return cls(store, parsed) if isinstance(store, HeadRows) else None

    def get(self, complaint_id: str) -> Complaint:
        """Load a complaint, without its history when the parsed one is current.

        Raises:
            NotFoundError: if it is not stored.
        """
        entry = self._parsed.entry(complaint_id)
        known = None if entry is None else (entry[0][1], entry[0][2])
        found = self._store.read_head(complaint_id, known=known)
        if found is None:
            raise NotFoundError(complaint_id)
        row = found.row
        if self.last is not None:
            self.last.remember(row)
        stamp = (row.document, row.version, row.last_link)
        if entry is not None and entry[0] == stamp:
            return entry[1]
        if found.history is None and known is not None:
            # The head changed under an unchanged chain: read it all again.
            found = self._store.read_head(complaint_id, known=None)
            if found is None:
                raise NotFoundError(complaint_id)
            row = found.row
            stamp = (row.document, row.version, row.last_link)
        complaint = load_document(
            complaint_id, whole_document(row.document, found.history)
        )
        self._parsed.remember(complaint_id, stamp, complaint)
        return complaint

    def written(
        self, complaint: Complaint, before: ComplaintRow, after: ComplaintRow
    ) -> None:
        """Remember ``complaint`` as ``after`` names it, when that is known.

        It is known when the parsed complaint of ``before`` has the history
        ``complaint`` extends, and ``before`` was a head or a whole document
        with a recognisable history; otherwise the complaint is forgotten.
        """
        stored = before.document
        cached = self._parsed.known(
            complaint.id, (stored, before.version, before.last_link)
        )
        if (
            cached is not None
            and (not is_whole(stored) or stored_history(stored) is not None)
            and cached.history == complaint.history[: before.version]
        ):
            self._parsed.remember(
                complaint.id,
                (after.document, after.version, after.last_link),
                complaint,
            )
        else:
            self._parsed.forget(complaint.id)


class CheckedPaths:
    """Saves and erasures through a store that reads and writes in one transaction."""

    def __init__(
        self,
        store: CheckedRows,
        parsed: ParsedDocuments,
        heads: HeadReader | None,
        rows: RowsOf,
    ) -> None:
        """Write to ``store``, building rows with ``rows``."""
        self._store = store
        self._parsed = parsed
        self._heads = heads
        self._rows = rows
        self._remembered = store if isinstance(store, RememberedRows) else None
        self._last = None if heads is None else heads.last

    @classmethod
    def of(
        cls,
        store: object,
        parsed: ParsedDocuments,
        heads: HeadReader | None,
        rows: RowsOf,
    ) -> CheckedPaths | None:
        """Return the paths of ``store`` if it is checked, else ``None``."""
        if not isinstance(store, CheckedRows):
            return None
        return cls(store, parsed, heads, rows)

    def _version(
        self, complaint: Complaint, current: ComplaintRow, salt: bytes
    ) -> RowVersion:
        row, events = self._rows(
            complaint, current.version, current.last_link, salt, current.document
        )
        return RowVersion(complaint=complaint, row=row, events=events)

    def save(self, complaint: Complaint, expected_version: int) -> None:
        """Store a new version over ``expected_version`` in one transaction.

        Raises:
            NotFoundError: if the complaint is not stored.
            ConflictError: if the stored version is not ``expected_version``.
        """
        written: list[tuple[ComplaintRow, ComplaintRow]] = []

        def build(current: ComplaintRow) -> RowVersion:
            require_version(current, expected_version)
            version = self._version(complaint, current, current.salt)
            written.append((current, version.row))
            return version

        try:
            if self._remembered is not None and self._last is not None:
                last = self._last.get(complaint.id)
                if last is not None and last.version != expected_version:
                    last = None
                after = self._remembered.update_remembered(complaint.id, last, build)
                self._last.remember(after)
                if self._heads is not None:
                    self._heads.written(complaint, written[-1][0], after)
                return
            self._store.update_checked(complaint.id, build)
        except BaseException:
            self._parsed.forget(complaint.id)
            if self._last is not None:
                self._last.forget(complaint.id)
            raise
        before, after = written[-1]
        if self._heads is not None:
            self._heads.written(complaint, before, after)
        else:
            stamp = (after.document, after.version, after.last_link)
            self._parsed.remember(complaint.id, stamp, complaint)

    def erase(
        self,
        complaint_id: str,
        current: Callable[[str], ComplaintRow],
        *,
        actor: str,
        at: datetime,
    ) -> Complaint:
        """Erase personal data under a fresh salt, starting again on a conflict.

        Args:
            complaint_id: The complaint to erase.
            current: Reads its stored row, with a whole document.
            actor: Who erases.
            at: When.

        Raises:
            NotFoundError: if the complaint is not stored.
            RepositoryError: if it kept changing under the erasure.
        """
        for _ in range(ERASE_ATTEMPTS):
            read = current(complaint_id)
            complaint = load_document(complaint_id, read.document)
            erased = erase(complaint, actor=actor, at=at)
            expected = (read.version, read.last_link)

            def build(
                stored: ComplaintRow,
                erased: Complaint = erased,
                unchanged: bool = erased is complaint,  # noqa: FBT001
                expected: tuple[int, str] = expected,
            ) -> RowVersion | None:
                if (stored.version, stored.last_link) != expected:
                    raise ConflictError(
                        complaint_id,
                        expected_version=expected[0],
                        actual_version=stored.version,
                    )
                return None if unchanged else self._version(erased, stored, new_salt())

            try:
                self._store.update_checked(complaint_id, build, forget_digest=True)
            except ConflictError:
                continue
            finally:
                # The erased values (and their salt) are not kept in memory either.
                self._parsed.forget(complaint_id)
                if self._last is not None:
                    self._last.forget(complaint_id)
            return erased
        msg = f"could not erase complaint {complaint_id!r}: it kept changing"
        raise RepositoryError(msg)
