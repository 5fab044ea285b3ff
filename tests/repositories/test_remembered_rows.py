"""RememberedRows: a save writes over the row last read, and reads only when stale."""

from __future__ import annotations

from contextlib import closing

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.errors import ConflictError, NotFoundError
from iso10002.integrity.documents import whole_document
from iso10002.repositories import RowStoreRepository
from iso10002.repositories.memory import MemoryRows
from iso10002.repositories.rows import (
    CheckedRows,
    ComplaintRow,
    HeadRow,
    HeadRows,
    RememberedRows,
    RowVersion,
)
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.testing.contract import (
    Capability,
    RepositoryContract,
    make_complaint,
    next_version,
)


class _RememberedMemoryRows(MemoryRows):
    """Memory rows kept as heads, with checked writes and remembered writes.

    ``calls`` records each remembered write: whether a row was remembered,
    and whether the store had to read the stored row (it was stale).
    """

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[bool, bool]] = []

    def _history(self, complaint_id: str) -> str:
        return ",".join(e.event for e in self.history(complaint_id))

    def _whole(self, row: ComplaintRow) -> ComplaintRow:
        history = self._history(row.complaint_id)
        return attrs.evolve(row, document=whole_document(row.document, history))

    def read(self, complaint_id):
        row = super().read(complaint_id)
        return None if row is None else self._whole(row)

    def scan(self, *, after, limit):
        return [self._whole(r) for r in super().scan(after=after, limit=limit)]

    def read_head(self, complaint_id, *, known):
        row = super().read(complaint_id)
        if row is None:
            return None
        same = known == (row.version, row.last_link)
        return HeadRow(row=row, history=None if same else self._history(complaint_id))

    def update_checked(self, complaint_id, build, *, forget_digest=False):
        stored = super().read(complaint_id)
        if stored is None:
            raise NotFoundError(complaint_id)
        version = build(stored)
        row = stored if version is None else version.row
        events = () if version is None else version.events
        self.update(
            row, events, expected_version=stored.version, forget_digest=forget_digest
        )

    def update_remembered(
        self, complaint_id, remembered: ComplaintRow | None, build
    ) -> ComplaintRow:
        stored = super().read(complaint_id)
        if stored is None:
            raise NotFoundError(complaint_id)
        head = (stored.version, stored.last_link, stored.salt)
        fresh = remembered is not None and head == (
            remembered.version,
            remembered.last_link,
            remembered.salt,
        )
        self.calls.append((remembered is not None, not fresh))
        version: RowVersion = build(remembered if fresh else stored)
        self.update(version.row, version.events, expected_version=stored.version)
        return version.row


def _store_of(repository) -> _RememberedMemoryRows:
    return repository.store


class TestDetection:
    def test_the_memory_double_has_the_capability(self):
        """The double below is what the repository looks for."""
        store = _RememberedMemoryRows()
        assert isinstance(store, RememberedRows)
        assert isinstance(store, HeadRows)
        assert isinstance(store, CheckedRows)

    def test_the_sqlite_store_writes_over_no_remembered_row(self):
        """SQLite reads in its write transaction; it has no round trip to save."""
        with closing(SQLiteComplaintRepository(":memory:")) as repository:
            assert not isinstance(repository.store, RememberedRows)


class TestWritesOverTheRowRead:
    def test_a_save_after_a_read_writes_over_that_row(self):
        """The row the read returned is the one the store is asked to write over."""
        repository = RowStoreRepository(_RememberedMemoryRows())
        complaint = repository.add(make_complaint(1))
        current = repository.get(complaint.id)
        repository.save(next_version(current), expected_version=current.version)
        assert _store_of(repository).calls == [(True, False)]

    def test_consecutive_saves_write_over_the_row_written(self):
        """A save remembers the row it stored: the next one does not read."""
        repository = RowStoreRepository(_RememberedMemoryRows())
        complaint = repository.add(make_complaint(1))
        for _ in range(3):
            later = next_version(complaint)
            repository.save(later, expected_version=complaint.version)
            complaint = later
        assert _store_of(repository).calls == [(True, False)] * 3
        assert repository.get(complaint.id) == complaint
        assert repository.verify_integrity().ok

    def test_a_row_never_read_is_read_by_the_store(self):
        """Without a remembered row the store reads the stored one."""
        store = _RememberedMemoryRows()
        writer = RowStoreRepository(store)
        complaint = writer.add(make_complaint(1))
        other = RowStoreRepository(store)
        other.save(next_version(complaint), expected_version=complaint.version)
        assert store.calls == [(False, True)]

    def test_a_stale_row_is_read_again_and_the_save_refused(self):
        """A save over a row another writer moved on is refused, naming both."""
        store = _RememberedMemoryRows()
        first = RowStoreRepository(store)
        second = RowStoreRepository(store)
        complaint = first.add(make_complaint(1))
        read = first.get(complaint.id)
        second.save(next_version(read, assignee="b"), expected_version=read.version)
        with pytest.raises(ConflictError) as caught:
            first.save(next_version(read, assignee="a"), expected_version=read.version)
        assert caught.value.actual_version == read.version + 1
        assert store.calls[-1] == (True, True)
        assert first.get(complaint.id).assignee == "b"
        assert first.verify_integrity().ok

    def test_an_erasure_forgets_the_row_and_its_salt(self):
        """After an erasure the next save is not built on the old salt."""
        repository = RowStoreRepository(_RememberedMemoryRows())
        complaint = repository.add(make_complaint(1))
        current = repository.get(complaint.id)
        erased = repository.erase_personal_data(
            complaint.id, actor="dpo", at=current.history[-1].at
        )
        repository.save(next_version(erased), expected_version=erased.version)
        assert _store_of(repository).calls == [(False, True)]
        assert repository.verify_integrity().ok

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.tuples(st.booleans(), st.booleans()), max_size=12))
    def test_two_writers_keep_one_chain(self, steps):
        """Interleaved reads and saves: a save succeeds iff its base is stored."""
        store = _RememberedMemoryRows()
        writers = [RowStoreRepository(store), RowStoreRepository(store)]
        complaint = writers[0].add(make_complaint(1))
        seen = [complaint, complaint]
        for which, read_first in steps:
            writer = writers[which]
            if read_first:
                seen[which] = writer.get(complaint.id)
            base = seen[which]
            stored_version = store.read(complaint.id).version
            later = next_version(base)
            try:
                writer.save(later, expected_version=base.version)
            except ConflictError:
                assert base.version != stored_version
            else:
                assert base.version == stored_version
                seen[which] = later
        assert writers[0].verify_integrity().ok


class TestRememberedMemoryRows(RepositoryContract):
    """The whole contract over a store that writes over remembered rows."""

    capabilities = frozenset({Capability.RAW_ACCESS, Capability.SEARCH})

    @pytest.fixture
    def repository_factory(self):
        return lambda: RowStoreRepository(_RememberedMemoryRows())

    def tamper_event(self, repository, complaint_id, sequence):
        events = repository.store.events[complaint_id]
        event = events[sequence - 1]
        events[sequence - 1] = attrs.evolve(
            event, event=event.event.replace('"agent:1"', '"agent:666"')
        )

    def stored_salt(self, repository, complaint_id):
        return repository.store.read(complaint_id).salt

    def corrupt_document(self, repository, complaint_id):
        rows = repository.store.rows
        rows[complaint_id] = attrs.evolve(rows[complaint_id], document='{"id": ')
