"""RowStoreRepository: the whole port over a narrow row store, guarded."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.errors import ConflictError, RepositoryError
from iso10002.model import Channel, Complainant, Complaint, ComplaintForm
from iso10002.repositories import Query, RowStoreRepository
from iso10002.repositories.memory import MemoryRows
from iso10002.repositories.rows import RowStore, matches, sort_key
from iso10002.testing import strategies as iso_st

_AT = datetime(2027, 1, 1, tzinfo=timezone.utc)


class _StuckScan(MemoryRows):
    def scan(self, *, after, limit):
        return super().scan(after=None, limit=limit)


class _StuckFeed(MemoryRows):
    def feed(self, *, after, limit):
        return super().feed(after=0, limit=limit)


class _BusyOnce(MemoryRows):
    """Refuses the first update as if another writer had just saved."""

    def __init__(self):
        super().__init__()
        self.refused = 0

    def update(self, row, events, *, expected_version, forget_digest=False):
        if not self.refused:
            self.refused += 1
            raise ConflictError(
                row.complaint_id,
                expected_version=expected_version,
                actual_version=expected_version + 1,
            )
        super().update(
            row, events, expected_version=expected_version, forget_digest=forget_digest
        )


class TestRowStoreRepository:
    def test_memory_rows_are_a_row_store(self):
        """The in-memory rows satisfy the runtime-checkable narrow port."""
        assert isinstance(MemoryRows(), RowStore)

    def test_a_scan_that_does_not_advance_is_refused_not_looped(self):
        """A store whose scan ignores its cursor gets a RepositoryError, not a hang."""
        repository = RowStoreRepository(_StuckScan())
        for number in range(600):  # more than one page of the scan
            repository.add(_complaint(number))
        with pytest.raises(RepositoryError, match="scan"):
            repository.count(Query())

    def test_a_feed_that_does_not_advance_is_refused(self):
        """A store whose feed ignores ``after`` gets a RepositoryError naming it."""
        repository = RowStoreRepository(_StuckFeed())
        repository.add(_complaint(1))
        with pytest.raises(RepositoryError, match="feed"):
            repository.events(after=1)

    def test_an_erasure_starts_again_after_a_concurrent_save(self):
        """A conflict while erasing is retried, not reported: the erasure lands."""
        store = _BusyOnce()
        repository = RowStoreRepository(store)
        repository.add(_complaint(1))
        erased = repository.erase_personal_data("C-1", actor="dpo", at=_AT)
        assert store.refused == 1
        assert repository.get("C-1") == erased
        assert repository.verify_integrity().ok

    @settings(max_examples=25, deadline=None)
    @given(st.lists(iso_st.received_complaints(), max_size=8, unique_by=lambda c: c.id))
    def test_find_pages_are_the_reference_selection(self, complaints):
        """Paging find over any rows gives matches() in sort_key order, each once."""
        repository = RowStoreRepository(MemoryRows())
        for complaint in complaints:
            repository.add(complaint)
        seen, after = [], None
        while True:
            page = repository.find(Query(), limit=3, after=after)
            seen.extend(page.items)
            if page.next_cursor is None:
                break
            after = page.next_cursor
        expected = sorted((c for c in complaints if matches(Query(), c)), key=sort_key)
        assert seen == expected


def _complaint(number):
    return Complaint.receive(
        ComplaintForm(complainant=Complainant(name="Ada"), description="Overcharged"),
        id=f"C-{number}",
        reference=f"CMP-2026-{number:06d}",
        received_at=datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc),
        channel=Channel.WEB,
        received_by="web-form",
    )
