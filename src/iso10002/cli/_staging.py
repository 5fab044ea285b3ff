"""A write-behind store: the demo's handler works in memory, the store gets bulk writes.

One SQLite transaction per workflow step caps the demo at roughly a hundred
complaints a second. The demo instead runs every step through
``ComplaintsHandler`` (access checks, workflow, policies, due dates) against
this store, and writes each complaint whose simulated life is over to the
store with the repository's bulk import (``import_complaints``: one transaction
per batch, the hash chain computed over the whole history). Reads of
complaints already written fall through to SQLite, so links to them work.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from iso10002.cli._db import BulkRepository
from iso10002.errors import (
    ConflictError,
    DuplicateError,
    NotFoundError,
    RepositoryError,
    ValidationError,
)
from iso10002.integrity import IntegrityReport
from iso10002.integrity.keys import RecordKey
from iso10002.model import Complaint
from iso10002.repositories import DEFAULT_PAGE_SIZE, Page, Query, StoredEvent
from iso10002.repositories.anchors import Anchor

__all__ = ["StagingRepository"]


class _Unsupported(RepositoryError):
    """The staging store was asked for something the simulation never needs."""

    def __init__(self, operation: str) -> None:
        super().__init__(f"the demo's staging store does not support {operation}")


class StagingRepository:
    """Keep complaints in memory until :meth:`flush` writes them to ``target``."""

    def __init__(self, target: BulkRepository) -> None:
        """Stage writes for ``target``."""
        self._target = target
        self._live: dict[str, Complaint] = {}
        self._done: list[str] = []

    def add(
        self,
        complaint: Complaint,
        *,
        idempotency_key: str | None = None,
        payload_digest: str | None = None,
    ) -> Complaint:
        """Stage a new complaint (idempotency keys are not supported)."""
        del payload_digest  # only ever given with a key
        if idempotency_key is not None:
            raise _Unsupported("idempotency_key")
        if complaint.id in self._live:
            raise DuplicateError(complaint.id)
        self._live[complaint.id] = complaint
        return complaint

    def get(self, complaint_id: str) -> Complaint:
        """Return a staged complaint, or read one already written from SQLite."""
        found = self._live.get(complaint_id)
        return found if found is not None else self._target.get(complaint_id)

    def save(self, complaint: Complaint, *, expected_version: int) -> Complaint:
        """Replace a staged complaint if it is still at ``expected_version``."""
        current = self._live.get(complaint.id)
        if current is None:
            raise NotFoundError(complaint.id)
        if current.version != expected_version:
            raise ConflictError(
                complaint.id,
                expected_version=expected_version,
                actual_version=current.version,
            )
        if complaint.version <= expected_version:
            raise ValidationError.single(
                "version", "must be greater than expected_version"
            )
        self._live[complaint.id] = complaint
        return complaint

    def finish(self, complaint_id: str) -> None:
        """Mark a staged complaint as done: the next :meth:`flush` writes it."""
        self._done.append(complaint_id)

    @property
    def pending(self) -> int:
        """Return how many finished complaints wait to be written."""
        return len(self._done)

    def flush(self, *, everything: bool = False) -> int:
        """Write the finished complaints (all with ``everything``) in one transaction.

        Returns:
            How many complaints were written.
        """
        ids = list(self._live) if everything else self._done
        batch = [self._live.pop(i) for i in ids]
        self._done = []
        return (
            self._target.import_complaints(batch, batch_size=len(batch)) if batch else 0
        )

    # -- the rest of the port: never used by the simulation -------------------------

    def find(
        self,
        query: Query,  # noqa: ARG002 - the port's signature
        *,
        limit: int = DEFAULT_PAGE_SIZE,  # noqa: ARG002
        after: str | None = None,  # noqa: ARG002
    ) -> Page:
        """Refuse: queries go to the SQLite file once the simulation is written."""
        raise _Unsupported("find")

    def count(self, query: Query) -> int:  # noqa: ARG002 - the port's signature
        """Refuse: counts go to the SQLite file once the simulation is written."""
        raise _Unsupported("count")

    def events(
        self,
        *,
        after: int = 0,  # noqa: ARG002 - the port's signature
        limit: int = DEFAULT_PAGE_SIZE,  # noqa: ARG002
    ) -> tuple[StoredEvent, ...]:
        """Refuse: the event feed is the SQLite file's."""
        raise _Unsupported("events")

    def erase_personal_data(
        self,
        complaint_id: str,  # noqa: ARG002 - the port's signature
        *,
        actor: str,  # noqa: ARG002
        at: datetime,  # noqa: ARG002
    ) -> Complaint:
        """Refuse: the demo erases nothing."""
        raise _Unsupported("erase_personal_data")

    def verify_integrity(
        self,
        *,
        anchor: Anchor | None = None,  # noqa: ARG002 - the port's signature
        anchor_keys: Mapping[str, RecordKey] | None = None,  # noqa: ARG002
    ) -> IntegrityReport:
        """Refuse: the hash chains are computed when complaints are written."""
        raise _Unsupported("verify_integrity")

    def close(self) -> None:
        """Drop whatever is staged (the SQLite file stays open)."""
        self._live.clear()
        self._done = []
