"""RowStoreRepository: the whole port over a narrow row store, guarded."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.errors import ConflictError, RepositoryError
from iso10002.integrity import GENESIS, prepare
from iso10002.integrity.documents import document_text, event_json
from iso10002.model import Channel, Complainant, Complaint, ComplaintForm
from iso10002.repositories import Query, RowStoreRepository
from iso10002.repositories.memory import MemoryRows
from iso10002.repositories.rows import RowStore, matches, sort_key
from iso10002.testing import strategies as iso_st
from iso10002.testing.contract import make_complaint, next_version

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


class TestStoredDocuments:
    def test_a_new_complaint_is_stored_as_prepare_writes_it(self):
        """The document of a new complaint is the whole one integrity.prepare writes."""
        store = MemoryRows()
        repository = RowStoreRepository(store)
        complaint = make_complaint(1, events=3)
        repository.add(complaint)
        row = store.rows[complaint.id]
        prepared = prepare(
            complaint, after_version=0, previous_link=GENESIS, salt=row.salt
        )
        assert row.document == prepared.document

    def test_a_save_keeps_the_stored_history_text(self):
        """A save appends to the stored history's text: an edit there stays."""
        store = MemoryRows()
        repository = RowStoreRepository(store, cache_size=0)
        first = make_complaint(1, events=2)
        repository.add(first)
        row = store.rows[first.id]
        edited = row.document.replace('"actor":"agent:1"', '"actor":"agent:9"')
        assert edited != row.document
        store.rows[first.id] = attrs.evolve(row, document=edited)
        repository.save(next_version(first), expected_version=2)
        assert '"actor":"agent:9"' in store.rows[first.id].document
        assert not repository.verify_integrity().ok

    def test_a_document_written_otherwise_is_rewritten_whole(self):
        """A stored document not ending with its history is rewritten whole."""
        store = MemoryRows()
        repository = RowStoreRepository(store)
        first = make_complaint(1, events=2)
        repository.add(first)
        row = store.rows[first.id]
        reformatted = json.dumps(json.loads(row.document), indent=1)
        store.rows[first.id] = attrs.evolve(row, document=reformatted)
        second = next_version(first)
        repository.save(second, expected_version=2)
        texts = [event_json(e) for e in second.history]
        assert store.rows[first.id].document == document_text(second, texts)
        assert repository.verify_integrity().ok


def _complaint(number):
    return Complaint.receive(
        ComplaintForm(complainant=Complainant(name="Ada"), description="Overcharged"),
        id=f"C-{number}",
        reference=f"CMP-2026-{number:06d}",
        received_at=datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc),
        channel=Channel.WEB,
        received_by="web-form",
    )
