"""Contract layers 3 and 4: idempotency and conflicts, then the event feed."""

# A shipped test suite: it asserts, compares with literal expectations and,
# for hostile input, uses confusable characters on purpose.
# ruff: noqa: S101, PLR2004

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

import pytest

from iso10002.errors import ConflictError, DuplicateError, ValidationError
from iso10002.model import Complaint
from iso10002.repositories import ComplaintRepository, Query, StoredEvent
from iso10002.testing._contract_support import (
    Capability,
    ContractBase,
    make_complaint,
    next_version,
    read_feed,
)
from iso10002.testing._contract_time import run_threads
from iso10002.testing._contract_worker import save_in_process
from iso10002.vocabulary import StandardState

__all__ = ["ClaimContract", "ConcurrencyContract", "EventFeedContract"]

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


def _event_keys(feed: list[StoredEvent]) -> list[tuple[str, int]]:
    return [(e.complaint_id, e.event.sequence) for e in feed]


def _assert_log_matches(
    repository: ComplaintRepository, complaints: list[Complaint]
) -> None:
    """The feed holds every event of the stored versions exactly once."""
    feed = read_feed(repository)
    keys = _event_keys(feed)
    assert len(keys) == len(set(keys)), "an event is duplicated in the feed"
    expected = sorted((c.id, e.sequence) for c in complaints for e in c.history)
    assert sorted(keys) == expected
    by_key = {(e.complaint_id, e.event.sequence): e.event for e in feed}
    for complaint in complaints:
        for event in complaint.history:
            assert by_key[complaint.id, event.sequence] == event


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
        _assert_log_matches(repository, [complaint])

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
        _assert_log_matches(repository, [winner])

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
        _assert_log_matches(repository, [current])

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
        _assert_log_matches(repository, [current])


class EventFeedContract(ContractBase):
    """Layer 4: the global feed lists every committed event once, in commit order.

    .. versionadded:: 0.1.0
    """

    def test_feed_lists_every_event_in_order(
        self, repository: ComplaintRepository
    ) -> None:
        """Adds and saves show up in the feed with strictly increasing positions."""
        a = repository.add(make_complaint(1, events=3))
        b = repository.add(make_complaint(2))
        a2 = next_version(a)
        repository.save(a2, expected_version=3)
        feed = read_feed(repository, page=2)
        positions = [e.position for e in feed]
        assert positions == sorted(set(positions))
        assert all(p > 0 for p in positions)
        assert _event_keys(feed) == [
            (a.id, 1),
            (a.id, 2),
            (a.id, 3),
            (b.id, 1),
            (a.id, 4),
        ]
        _assert_log_matches(repository, [a2, b])

    def test_after_and_limit_select_a_window(
        self, repository: ComplaintRepository
    ) -> None:
        """events(after=p, limit=n) returns the first n events after position p."""
        repository.add(make_complaint(1, events=6))
        feed = read_feed(repository)
        window = repository.events(after=feed[1].position, limit=3)
        assert window == tuple(feed[2:5])
        assert repository.events(after=feed[-1].position) == ()

    def test_bad_positions_and_limits_raise_validation_errors(
        self, repository: ComplaintRepository
    ) -> None:
        """A negative position or an out-of-range limit is refused, naming the field."""
        with pytest.raises(ValidationError) as caught:
            repository.events(after=-1)
        assert caught.value.field == "after"
        for limit in (0, 10_001):
            with pytest.raises(ValidationError) as caught:
                repository.events(limit=limit)
            assert caught.value.field == "limit"

    def test_a_tailing_reader_never_skips_an_event(
        self, repository: ComplaintRepository
    ) -> None:
        """A reader polling during concurrent writes ends with exactly the feed."""
        done = threading.Event()
        seen: list[StoredEvent] = []

        def tail() -> None:
            after = 0
            while self._deadline.remaining():
                finished = done.is_set()
                batch = repository.events(after=after, limit=7)
                if batch and batch[0].position <= after:
                    return  # the adapter ignores `after`: the comparison fails
                seen.extend(batch)
                if batch:
                    after = batch[-1].position
                elif finished:
                    return

        def write(worker: int) -> Complaint:
            complaint = repository.add(make_complaint(worker * 1000))
            for _ in range(5):
                following = next_version(complaint)
                repository.save(following, expected_version=complaint.version)
                complaint = following
            return complaint

        reader = threading.Thread(target=tail, daemon=True)
        reader.start()
        try:
            stored = run_threads(
                write, range(1, self.threads + 1), deadline=self._deadline
            )
        finally:
            done.set()
        reader.join(self._deadline.remaining())
        assert not reader.is_alive(), "the tailing reader did not finish in time"
        assert seen == read_feed(repository, deadline=self._deadline)
        _assert_log_matches(repository, stored)


class _Claiming(Protocol):
    def claim_next(
        self, query: Query, *, worker: str, lease: timedelta = ...
    ) -> Complaint | None: ...

    def release_claim(self, complaint_id: str, *, worker: str) -> None: ...


class ClaimContract(ContractBase):
    """Optional layer: ``claim_next`` hands each due complaint to one worker at a time.

    .. versionadded:: 0.1.0
    """

    def _claiming(self, repository: Any) -> _Claiming:
        self.require(Capability.CLAIM_NEXT)
        claiming: _Claiming = repository
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
