from __future__ import annotations

import functools
import itertools
import sqlite3

import pytest

from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.testing.contract import Capability, RepositoryContract


class TestSQLiteComplaintRepository(RepositoryContract):
    capabilities = frozenset(
        {
            Capability.CLAIM_NEXT,
            Capability.MULTI_PROCESS,
            Capability.RAW_ACCESS,
            Capability.SEARCH,
        }
    )

    @pytest.fixture
    def repository_factory(self, tmp_path):
        numbers = itertools.count()
        return lambda: SQLiteComplaintRepository(tmp_path / f"store-{next(numbers)}.db")

    @pytest.fixture
    def process_repository_factory(self, repository):
        return functools.partial(SQLiteComplaintRepository, repository.path)

    def tamper_event(self, repository, complaint_id, sequence):
        with sqlite3.connect(repository.path) as connection:
            connection.execute("DROP TRIGGER events_refuse_update")
            connection.execute(
                "UPDATE events SET event = replace(event, 'agent:1', 'agent:666') "
                "WHERE complaint_id = ? AND sequence = ?",
                (complaint_id, sequence),
            )
        connection.close()

    def stored_salt(self, repository, complaint_id):
        with sqlite3.connect(repository.path) as connection:
            (salt,) = connection.execute(
                "SELECT salt FROM complaints WHERE id = ?", (complaint_id,)
            ).fetchone()
        connection.close()
        return salt

    def corrupt_document(self, repository, complaint_id):
        with sqlite3.connect(repository.path) as connection:
            connection.execute(
                "UPDATE complaints SET document = '{\"id\": 1' WHERE id = ?",
                (complaint_id,),
            )
        connection.close()


class TestSQLiteInMemory(RepositoryContract):
    capabilities = frozenset({Capability.CLAIM_NEXT, Capability.SEARCH})

    @pytest.fixture
    def repository_factory(self):
        return lambda: SQLiteComplaintRepository(":memory:")
