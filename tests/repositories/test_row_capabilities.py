"""The optional row-store capabilities: detected, used, and the contract kept."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing

import attrs
import pytest

from iso10002.errors import NotFoundError
from iso10002.repositories import RowStoreRepository
from iso10002.repositories.memory import MemoryRows
from iso10002.repositories.rows import (
    CheckedRows,
    ComplaintRow,
    DerivedRows,
    EventRow,
    HeadRows,
    KeyRow,
    RowStore,
    RowVersion,
)
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.testing.contract import (
    Capability,
    RepositoryContract,
    make_complaint,
    next_version,
)


class _CheckedMemoryRows(MemoryRows):
    """Memory rows that also read-check-write under their lock and take versions."""

    def __init__(self) -> None:
        super().__init__()
        self.derived: list[str] = []

    def insert_version(self, version: RowVersion, key: KeyRow | None) -> None:
        self.insert(version.row, version.events, key)
        self.derived.append(version.complaint.id)

    def update_checked(self, complaint_id, build, *, forget_digest=False):
        stored = self.read(complaint_id)
        if stored is None:
            raise NotFoundError(complaint_id)
        version = build(stored)
        row = stored if version is None else version.row
        events = () if version is None else version.events
        self.update(
            row, events, expected_version=stored.version, forget_digest=forget_digest
        )
        if version is not None:
            self.derived.append(version.complaint.id)


class _OnlyRows:
    """Exposes the seven ``RowStore`` methods of a store, and nothing more."""

    def __init__(self, store) -> None:
        self._store = store

    def insert(
        self, row: ComplaintRow, events: Sequence[EventRow], key: KeyRow | None
    ) -> None:
        self._store.insert(row, events, key)

    def update(self, row, events, *, expected_version, forget_digest=False):
        self._store.update(
            row, events, expected_version=expected_version, forget_digest=forget_digest
        )

    def read(self, complaint_id):
        return self._store.read(complaint_id)

    def history(self, complaint_id):
        return self._store.history(complaint_id)

    def scan(self, *, after, limit):
        return self._store.scan(after=after, limit=limit)

    def feed(self, *, after, limit):
        return self._store.feed(after=after, limit=limit)

    def close(self):
        self._store.close()


class TestDetection:
    def test_memory_rows_have_no_extra_capability(self):
        """The reference store implements the narrow port alone."""
        rows = MemoryRows()
        assert isinstance(rows, RowStore)
        assert not isinstance(rows, HeadRows | CheckedRows | DerivedRows)

    def test_the_sqlite_store_has_all_three(self):
        """The SQLite adapter's rows keep heads, check writes and derive rows."""
        with closing(SQLiteComplaintRepository(":memory:")) as repository:
            store = repository.store
            assert isinstance(store, RowStore)
            assert isinstance(store, HeadRows)
            assert isinstance(store, CheckedRows)
            assert isinstance(store, DerivedRows)

    def test_versions_reach_a_deriving_store(self):
        """A store with the capabilities is handed each complaint it stores."""
        store = _CheckedMemoryRows()
        repository = RowStoreRepository(store)
        complaint = repository.add(make_complaint(1))
        repository.save(next_version(complaint), expected_version=complaint.version)
        assert store.derived == [complaint.id, complaint.id]


class TestSQLiteRowsAsAPlainStore:
    def test_whole_rows_in_and_out(self):
        """Over the narrow port alone, the SQLite rows still read back whole."""
        with closing(SQLiteComplaintRepository(":memory:")) as sqlite:
            repository = RowStoreRepository(_OnlyRows(sqlite.store))
            complaint = repository.add(make_complaint(1))
            following = next_version(complaint)
            repository.save(following, expected_version=complaint.version)
            assert repository.get(complaint.id) == following
            assert sqlite.get(complaint.id) == following
            assert repository.verify_integrity().ok
            assert sqlite.verify_integrity().ok
            assert [e.event for e in repository.events()] == list(following.history)


class TestCheckedMemoryRows(RepositoryContract):
    """The whole contract over a store with checked writes and derived rows."""

    capabilities = frozenset({Capability.RAW_ACCESS, Capability.SEARCH})

    @pytest.fixture
    def repository_factory(self):
        return lambda: RowStoreRepository(_CheckedMemoryRows())

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


class TestSQLiteRowsOverTheNarrowPort(RepositoryContract):
    """The whole contract over the SQLite rows seen through the seven methods."""

    capabilities = frozenset({Capability.SEARCH})

    @pytest.fixture
    def repository_factory(self):
        def open_repository():
            sqlite = SQLiteComplaintRepository(":memory:")
            return RowStoreRepository(_OnlyRows(sqlite.store))

        return open_repository
