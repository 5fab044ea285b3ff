"""Optional contract layer: ``claim_next`` hands each complaint to one worker."""

# A shipped test suite: it asserts and compares with literal expectations.
# ruff: noqa: S101, PLR2004

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any, Protocol

from iso10002.model import Complaint
from iso10002.repositories import ComplaintRepository, Query
from iso10002.testing._contract_support import (
    Capability,
    ContractBase,
    make_complaint,
)
from iso10002.testing._contract_time import run_threads
from iso10002.vocabulary import StandardState

__all__ = ["ClaimContract", "Claiming"]


class Claiming(Protocol):
    """What an adapter with ``Capability.CLAIM_NEXT`` offers besides the interface."""

    def claim_next(
        self, query: Query, *, worker: str, lease: timedelta = ...
    ) -> Complaint | None: ...

    def release_claim(self, complaint_id: str, *, worker: str) -> None: ...


class ClaimContract(ContractBase):
    """Optional layer: ``claim_next`` hands each due complaint to one worker at a time.

    .. versionadded:: 0.1.0
    """

    def _claiming(self, repository: Any) -> Claiming:
        self.require(Capability.CLAIM_NEXT)
        claiming: Claiming = repository
        return claiming

    def test_claims_hand_out_distinct_matching_complaints(
        self, repository: ComplaintRepository
    ) -> None:
        """Successive claims return different matching complaints, then None."""
        claiming = self._claiming(repository)
        for n in range(1, 5):
            repository.add(
                make_complaint(
                    n,
                    status=StandardState.RECEIVED.value
                    if n % 2
                    else StandardState.CLOSED.value,
                )
            )
        query = Query(status_in=(StandardState.RECEIVED.value,))
        first = claiming.claim_next(query, worker="w1")
        second = claiming.claim_next(query, worker="w2")
        assert first is not None
        assert second is not None
        assert {first.id, second.id} == {"C-000001", "C-000003"}
        assert claiming.claim_next(query, worker="w3") is None

    def test_a_released_claim_can_be_claimed_again(
        self, repository: ComplaintRepository
    ) -> None:
        """After release_claim the complaint is available to the next worker."""
        claiming = self._claiming(repository)
        repository.add(make_complaint(1))
        claimed = claiming.claim_next(Query(), worker="w1")
        assert claimed is not None
        assert claiming.claim_next(Query(), worker="w2") is None
        claiming.release_claim(claimed.id, worker="w1")
        again = claiming.claim_next(Query(), worker="w2")
        assert again is not None
        assert again.id == claimed.id

    def test_concurrent_workers_never_claim_the_same_complaint(
        self, repository: ComplaintRepository
    ) -> None:
        """Threads draining the queue together claim every complaint exactly once."""
        claiming = self._claiming(repository)
        for n in range(1, 31):
            repository.add(make_complaint(n))
        claimed: list[str] = []
        lock = threading.Lock()

        def drain(worker: int) -> None:
            while (
                complaint := claiming.claim_next(Query(), worker=f"w{worker}")
            ) is not None:
                with lock:
                    claimed.append(complaint.id)
                    if len(claimed) > 30:
                        return  # claimed twice: the comparison below fails

        run_threads(drain, range(self.threads), deadline=self._deadline)
        assert sorted(claimed) == [f"C-{n:06d}" for n in range(1, 31)]
