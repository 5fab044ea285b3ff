"""Contract layer 4: the global event feed, in commit order, never skipping."""

# A shipped test suite: it asserts and compares with literal expectations.
# ruff: noqa: S101

from __future__ import annotations

import threading

import pytest

from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.repositories import ComplaintRepository, StoredEvent
from iso10002.testing._contract_support import (
    ContractBase,
    make_complaint,
    next_version,
    read_feed,
)
from iso10002.testing._contract_time import run_threads

__all__ = ["EventFeedContract", "assert_log_matches", "event_keys"]


def event_keys(feed: list[StoredEvent]) -> list[tuple[str, int]]:
    """Return ``(complaint id, sequence)`` of each event of ``feed``, in order."""
    return [(e.complaint_id, e.event.sequence) for e in feed]


def assert_log_matches(
    repository: ComplaintRepository, complaints: list[Complaint]
) -> None:
    """The feed holds every event of the stored versions exactly once."""
    feed = read_feed(repository)
    keys = event_keys(feed)
    assert len(keys) == len(set(keys)), "an event is duplicated in the feed"
    expected = sorted((c.id, e.sequence) for c in complaints for e in c.history)
    assert sorted(keys) == expected
    by_key = {(e.complaint_id, e.event.sequence): e.event for e in feed}
    for complaint in complaints:
        for event in complaint.history:
            assert by_key[complaint.id, event.sequence] == event


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
        assert event_keys(feed) == [
            (a.id, 1),
            (a.id, 2),
            (a.id, 3),
            (b.id, 1),
            (a.id, 4),
        ]
        assert_log_matches(repository, [a2, b])

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
        assert_log_matches(repository, stored)
