"""Contract layer 3: idempotent intake, and exactly one winner of concurrent saves."""

# A shipped test suite: it asserts and compares with literal expectations.
# ruff: noqa: S101, PLR2004

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from typing import Any

import pytest

from iso10002.errors import ConflictError, DuplicateError, ValidationError
from iso10002.model import Complaint
from iso10002.repositories import ComplaintRepository, Query
from iso10002.testing._contract_feed import assert_log_matches
from iso10002.testing._contract_support import (
    Capability,
    ContractBase,
    make_complaint,
    next_version,
)
from iso10002.testing._contract_time import run_threads
from iso10002.testing._contract_worker import save_in_process

__all__ = ["ConcurrencyContract"]

_ROUNDS = 4


def _expect_conflict(
    repository: ComplaintRepository, complaint: Complaint, expected_version: int
) -> ConflictError:
    """Save a stale version; return the ConflictError, or fail saying what happened."""
    stored = repository.get(complaint.id).version
    try:
        repository.save(complaint, expected_version=expected_version)
    except ConflictError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - reported as the wrong error
        pytest.fail(
            f"expected ConflictError from save(expected_version={expected_version}) "
            f"with version {stored} stored, got {type(exc).__name__}: {exc} "
            "(save must compare expected_version with the stored version first)",
            pytrace=False,
        )
    pytest.fail(
        f"expected ConflictError: save(expected_version={expected_version}) "
        f"succeeded with version {stored} stored (save must check the version)",
        pytrace=False,
    )


def _one_winner(results: list[str], writers: int) -> None:
    """Fail unless one writer won and every other one got ConflictError."""
    if results.count("won") != 1 or results.count("conflict") != writers - 1:
        pytest.fail(
            f"expected one save to win and ConflictError for the other "
            f"{writers - 1} of {writers} writers of one version, got {results} "
            "(save must check the version atomically with the write)",
            pytrace=False,
        )


class ConcurrencyContract(ContractBase):
    """Layer 3: retried intakes store once; concurrent saves have exactly one winner.

    .. versionadded:: 0.1.0
    """

    def test_adding_the_same_id_twice_stores_once(
        self, repository: ComplaintRepository
    ) -> None:
        """A second add with the same id raises DuplicateError and changes nothing."""
        complaint = repository.add(make_complaint(1))
        with pytest.raises(DuplicateError) as caught:
            repository.add(next_version(complaint))
        assert caught.value.complaint_id == complaint.id
        assert repository.get(complaint.id) == complaint
        assert_log_matches(repository, [complaint])

    def test_a_retried_intake_with_the_same_key_stores_once(
        self, repository: ComplaintRepository
    ) -> None:
        """The same key with a new id raises DuplicateError naming the first id."""
        first = repository.add(make_complaint(1), idempotency_key="form-42")
        with pytest.raises(DuplicateError) as caught:
            repository.add(make_complaint(2), idempotency_key="form-42")
        assert caught.value.complaint_id == first.id
        assert caught.value.idempotency_key == "form-42"
        assert repository.count(Query()) == 1
        repository.add(make_complaint(3), idempotency_key="form-43")
        assert repository.count(Query()) == 2

    def test_a_retried_key_hands_back_its_payload_digest(
        self, repository: ComplaintRepository
    ) -> None:
        """The digest stored with a key comes back in the retry's DuplicateError."""
        first = repository.add(
            make_complaint(1), idempotency_key="form-1", payload_digest="sha256:aa"
        )
        repository.add(make_complaint(2), idempotency_key="form-2")
        with pytest.raises(DuplicateError) as caught:
            repository.add(
                make_complaint(3), idempotency_key="form-1", payload_digest="sha256:bb"
            )
        assert caught.value.complaint_id == first.id
        assert caught.value.payload_digest == "sha256:aa"
        assert not caught.value.different_payload
        with pytest.raises(DuplicateError) as caught:
            repository.add(
                make_complaint(4), idempotency_key="form-2", payload_digest="sha256:cc"
            )
        assert caught.value.payload_digest is None
        assert repository.count(Query()) == 2

    def test_erasure_clears_the_payload_digest_and_keeps_the_key(
        self, repository: ComplaintRepository
    ) -> None:
        """After erasure the key still refuses a second intake, without its digest."""
        first = repository.add(
            make_complaint(1), idempotency_key="form-1", payload_digest="sha256:aa"
        )
        last = first.history[-1].at
        repository.erase_personal_data(first.id, actor="dpo:1", at=last)
        with pytest.raises(DuplicateError) as caught:
            repository.add(
                make_complaint(2), idempotency_key="form-1", payload_digest="sha256:aa"
            )
        assert caught.value.complaint_id == first.id
        assert caught.value.payload_digest is None

    @pytest.mark.parametrize("digest", ["", "x" * 129, "sha256:\x00", "é", 42])
    def test_a_bad_payload_digest_is_refused_by_name(
        self, repository: ComplaintRepository, digest: Any
    ) -> None:
        """An empty, long, non-ASCII or non-text digest is a ValidationError."""
        with pytest.raises(ValidationError) as caught:
            repository.add(
                make_complaint(1), idempotency_key="form-1", payload_digest=digest
            )
        assert caught.value.field == "payload_digest"
        assert repository.count(Query()) == 0

    def test_concurrent_retries_of_one_intake_store_once(
        self, repository: ComplaintRepository
    ) -> None:
        """Threads adding with one key at once: exactly one succeeds."""
        barrier = threading.Barrier(self.threads)

        def attempt(n: int) -> str:
            barrier.wait(self._deadline.remaining())
            try:
                repository.add(make_complaint(n), idempotency_key="same-key")
            except DuplicateError:
                return "duplicate"
            return "stored"

        results = run_threads(
            attempt, range(1, self.threads + 1), deadline=self._deadline
        )
        assert results.count("stored") == 1, results
        assert repository.count(Query()) == 1

    def test_a_stale_save_raises_conflict_and_changes_nothing(
        self, repository: ComplaintRepository
    ) -> None:
        """Saving from an old version raises ConflictError with both versions."""
        first = repository.add(make_complaint(1))
        winner = next_version(first, actor="agent:1")
        repository.save(winner, expected_version=1)
        caught = _expect_conflict(repository, next_version(first, actor="agent:2"), 1)
        assert caught.complaint_id == first.id
        assert caught.expected_version == 1
        assert caught.actual_version in (2, None)
        assert repository.get(first.id) == winner
        assert_log_matches(repository, [winner])

    def test_threads_saving_one_version_have_exactly_one_winner(
        self, repository: ComplaintRepository
    ) -> None:
        """Each round one thread wins, the rest conflict; no event lost or doubled."""
        current = repository.add(make_complaint(1))
        for _ in range(_ROUNDS):
            candidates = [
                next_version(current, actor=f"worker:{i}") for i in range(self.threads)
            ]
            barrier = threading.Barrier(self.threads)

            def attempt(
                candidate: Complaint,
                base: int = current.version,
                barrier: threading.Barrier = barrier,
            ) -> str:
                barrier.wait(self._deadline.remaining())
                try:
                    repository.save(candidate, expected_version=base)
                except ConflictError:
                    return "conflict"
                except Exception as exc:  # noqa: BLE001 - reported by _one_winner
                    return f"{type(exc).__name__}: {exc}"
                return "won"

            results = run_threads(attempt, candidates, deadline=self._deadline)
            _one_winner(results, self.threads)
            current = candidates[results.index("won")]
            assert repository.get(current.id) == current
        assert_log_matches(repository, [current])

    def test_processes_saving_one_version_have_exactly_one_winner(
        self,
        repository: ComplaintRepository,
        process_repository_factory: Callable[[], ComplaintRepository],
    ) -> None:
        """Across processes each round has one winner and the event log stays exact."""
        self.require(Capability.MULTI_PROCESS)
        current = repository.add(make_complaint(1))
        context = multiprocessing.get_context("spawn")
        with context.Pool(self.processes) as pool:
            for _ in range(_ROUNDS):
                candidates = [
                    next_version(current, actor=f"process:{i}")
                    for i in range(self.processes)
                ]
                results = pool.starmap_async(
                    save_in_process,
                    [
                        (process_repository_factory, c, current.version)
                        for c in candidates
                    ],
                ).get(self._deadline.remaining())
                _one_winner(results, self.processes)
                current = candidates[results.index("won")]
                assert repository.get(current.id) == current
        assert_log_matches(repository, [current])
