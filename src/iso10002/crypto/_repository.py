"""A repository wrapper that keeps personal data encrypted under per-complaint keys."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

import attrs

from iso10002.crypto._cipher import PersonalDataCipher
from iso10002.crypto._ciphertexts import CiphertextStore
from iso10002.crypto._seal import seal, sealed_reference, unseal
from iso10002.errors import IntegrityError, RepositoryError, ValidationError
from iso10002.integrity import IntegrityReport, erase
from iso10002.integrity.keys import RecordKey
from iso10002.model import Complaint
from iso10002.repositories import (
    DEFAULT_LEASE,
    DEFAULT_PAGE_SIZE,
    ComplaintRepository,
    Page,
    Query,
    StoredEvent,
)
from iso10002.repositories.anchors import Anchor

__all__ = ["EncryptedComplaintRepository"]


class EncryptedComplaintRepository:
    """Store complaints through ``inner`` with personal data sealed (crypto shredding).

    Before a version reaches ``inner`` its personal fields are encrypted with
    the complaint's own key (:class:`PersonalDataCipher`), the tokens go to
    ``ciphertexts`` under a keyed reference, and ``inner`` stores the sealed
    shape: the personal fields as erasure would leave them and
    ``description = "[sealed:<reference>]"``. Reads unseal. The reference is
    part of the hash-chained document, so swapping in other (older) values
    is detected on read. :meth:`erase_personal_data` erases as ``inner``
    does, then destroys the key: every copy of the tokens (write-ahead logs,
    dead rows, backups) is unreadable from then on.

    Complaints ``inner`` already held in plain text stay so until their next
    save. Queries work as before (no indexed field is personal). Tools that
    read ``inner`` directly (the CLI, SQL push-down) see the sealed shape.

    Args:
        inner: The repository that stores the sealed shapes.
        cipher: Encrypts with per-complaint keys.
        ciphertexts: Where the tokens are kept.

    Raises:
        ValidationError: naming the argument of the wrong type.

    .. versionadded:: 0.2.0
    """

    def __init__(
        self,
        inner: ComplaintRepository,
        *,
        cipher: PersonalDataCipher,
        ciphertexts: CiphertextStore,
    ) -> None:
        """Keep the collaborators."""
        if not isinstance(inner, ComplaintRepository):
            raise ValidationError.single("inner", "must implement ComplaintRepository")
        if not isinstance(cipher, PersonalDataCipher):
            raise ValidationError.single("cipher", "must be a PersonalDataCipher")
        if not isinstance(ciphertexts, CiphertextStore):
            raise ValidationError.single(
                "ciphertexts", "must implement CiphertextStore"
            )
        self._inner = inner
        self._cipher = cipher
        self._store = ciphertexts

    @property
    def inner(self) -> ComplaintRepository:
        """Return the repository that holds the sealed shapes."""
        return self._inner

    def _sealed(self, complaint: Complaint) -> Complaint:
        if not isinstance(complaint, Complaint):
            raise ValidationError.single("complaint", "must be a Complaint")
        shape, reference, tokens = seal(complaint, self._cipher)
        if reference is not None:
            # Tokens first: a failed write leaves unreferenced ciphertext, never
            # a stored shape whose values are missing.
            self._store.put(complaint.id, reference, tokens)
        return shape

    def _open(self, complaint: Complaint) -> Complaint:
        return unseal(complaint, self._cipher, self._store)

    def add(
        self,
        complaint: Complaint,
        *,
        idempotency_key: str | None = None,
        payload_digest: str | None = None,
    ) -> Complaint:
        """Seal and store a new complaint (see :meth:`ComplaintRepository.add`)."""
        self._inner.add(
            self._sealed(complaint),
            idempotency_key=idempotency_key,
            payload_digest=payload_digest,
        )
        return complaint

    def get(self, complaint_id: str) -> Complaint:
        """Load and unseal a complaint (see :meth:`ComplaintRepository.get`)."""
        return self._open(self._inner.get(complaint_id))

    def save(self, complaint: Complaint, *, expected_version: int) -> Complaint:
        """Seal and store a new version (see :meth:`ComplaintRepository.save`)."""
        self._inner.save(self._sealed(complaint), expected_version=expected_version)
        return complaint

    def find(
        self, query: Query, *, limit: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Page:
        """Find and unseal complaints (see :meth:`ComplaintRepository.find`)."""
        page = self._inner.find(query, limit=limit, after=after)
        return attrs.evolve(page, items=tuple(self._open(c) for c in page.items))

    def count(self, query: Query) -> int:
        """Count complaints (see :meth:`ComplaintRepository.count`)."""
        return self._inner.count(query)

    def events(
        self, *, after: int = 0, limit: int = DEFAULT_PAGE_SIZE
    ) -> tuple[StoredEvent, ...]:
        """Read the event feed (events hold no personal field; see the protocol)."""
        return self._inner.events(after=after, limit=limit)

    def erase_personal_data(
        self, complaint_id: str, *, actor: str, at: datetime
    ) -> Complaint:
        """Erase as the protocol says, then destroy the complaint's key and tokens.

        The key goes even when the complaint was already erased, so a run
        interrupted between the two steps completes on the next call. A
        complaint whose key is already gone is erased in its sealed shape
        (its values are unreadable anyway); one stored in plain text before
        the wrapper is erased by ``inner`` itself (with its fresh salt).

        Raises:
            ConflictError: if another writer saved the complaint meanwhile
                (call again).
        """
        stored = self._inner.get(complaint_id)
        if sealed_reference(stored) is None:
            erased = self._inner.erase_personal_data(complaint_id, actor=actor, at=at)
        else:
            try:
                current = self._open(stored)
            except IntegrityError:
                current = stored  # the key is gone: nothing readable is left
            erased = erase(current, actor=actor, at=at)
            if erased is not current:
                self._inner.save(erased, expected_version=current.version)
            # Clears what the adapter keeps beside the document (the intake digest).
            self._inner.erase_personal_data(complaint_id, actor=actor, at=at)
        self._cipher.shred(complaint_id)
        self._store.delete(complaint_id)
        return erased

    def verify_integrity(
        self,
        *,
        anchor: Anchor | None = None,
        anchor_keys: Mapping[str, RecordKey] | None = None,
    ) -> IntegrityReport:
        """Check the chains of the sealed shapes (see the protocol)."""
        return self._inner.verify_integrity(anchor=anchor, anchor_keys=anchor_keys)

    def claim_next(
        self, query: Query, *, worker: str, lease: timedelta = DEFAULT_LEASE
    ) -> Complaint | None:
        """Claim through ``inner`` and unseal (see ``ClaimingRepository``).

        Raises:
            RepositoryError: if ``inner`` cannot claim.
        """
        claim = getattr(self._inner, "claim_next", None)
        if claim is None:
            msg = f"{type(self._inner).__name__} cannot claim complaints"
            raise RepositoryError(msg)
        found: Complaint | None = claim(query, worker=worker, lease=lease)
        return None if found is None else self._open(found)

    def release_claim(self, complaint_id: str, *, worker: str) -> None:
        """Release a claim through ``inner`` (see ``ClaimingRepository``)."""
        release = getattr(self._inner, "release_claim", None)
        if release is None:
            msg = f"{type(self._inner).__name__} cannot claim complaints"
            raise RepositoryError(msg)
        release(complaint_id, worker=worker)

    def close(self) -> None:
        """Close ``inner`` (the key and ciphertext stores are the caller's)."""
        self._inner.close()
