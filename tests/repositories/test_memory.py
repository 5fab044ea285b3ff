from __future__ import annotations

import attrs
import pytest

from iso10002.repositories import ComplaintRepository, InMemoryComplaintRepository
from iso10002.testing.contract import Capability, RepositoryContract


class TestInMemoryComplaintRepository(RepositoryContract):
    capabilities = frozenset(
        {Capability.CLAIM_NEXT, Capability.RAW_ACCESS, Capability.SEARCH}
    )

    @pytest.fixture
    def repository_factory(self):
        return InMemoryComplaintRepository

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

    def test_is_a_complaint_repository(self, repository):
        """The adapter satisfies the runtime-checkable protocol."""
        assert isinstance(repository, ComplaintRepository)
