"""The example adapter in examples/custom_adapter.py passes the whole contract."""

from __future__ import annotations

import functools
import importlib
import itertools
import sqlite3
import sys
from pathlib import Path

import pytest

from iso10002.repositories import RowStoreRepository
from iso10002.repositories.rows import RowStore
from iso10002.testing.contract import Capability, RepositoryContract

_EXAMPLES = str(Path(__file__).parents[2] / "examples")


def _example():
    # Imported by name from examples/, so that processes started with "spawn"
    # can import the factory the multi-process tests send them.
    if _EXAMPLES not in sys.path:
        sys.path.append(_EXAMPLES)
    return importlib.import_module("custom_adapter")


example = _example()


def _edit(repository, sql, *params):
    connection = sqlite3.connect(repository.store.path)
    with connection:
        found = connection.execute(sql, params).fetchall()
    connection.close()
    return found


class TestExampleAdapter(RepositoryContract):
    capabilities = frozenset(
        {Capability.MULTI_PROCESS, Capability.RAW_ACCESS, Capability.SEARCH}
    )
    volume = 200

    @pytest.fixture
    def repository_factory(self, tmp_path):
        numbers = itertools.count()
        return lambda: example.open_repository(tmp_path / f"store-{next(numbers)}.db")

    @pytest.fixture
    def process_repository_factory(self, repository):
        return functools.partial(example.open_repository, repository.store.path)

    def tamper_event(self, repository, complaint_id, sequence):
        _edit(
            repository,
            "UPDATE events SET event = replace(event, 'agent:1', 'agent:666') "
            "WHERE complaint_id = ? AND sequence = ?",
            complaint_id,
            sequence,
        )

    def stored_salt(self, repository, complaint_id):
        [(salt,)] = _edit(
            repository,
            "SELECT salt FROM complaints WHERE complaint_id = ?",
            complaint_id,
        )
        return salt

    def corrupt_document(self, repository, complaint_id):
        _edit(
            repository,
            "UPDATE complaints SET document = '{\"id\": 1' WHERE complaint_id = ?",
            complaint_id,
        )


class TestExampleShape:
    def test_the_store_is_a_row_store_served_whole(self, tmp_path):
        """The example implements the row port; RowStoreRepository serves it."""
        repository = example.open_repository(tmp_path / "store.db")
        assert isinstance(repository, RowStoreRepository)
        assert isinstance(repository.store, RowStore)
        repository.close()

    def test_the_example_is_well_under_two_hundred_lines(self):
        """A complete adapter, demo included, stays under 200 lines."""
        lines = Path(example.__file__).read_text(encoding="utf-8").splitlines()
        assert len(lines) < 200
