from __future__ import annotations

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
        entry = repository._entries[complaint_id]
        link = entry.links[sequence - 1]
        entry.links[sequence - 1] = type(link)(
            event=link.event,
            event_json=link.event_json.replace('"agent:1"', '"agent:666"'),
            commitment=link.commitment,
            link=link.link,
        )

    def stored_salt(self, repository, complaint_id):
        return repository._entries[complaint_id].salt

    def corrupt_document(self, repository, complaint_id):
        pytest.skip("the in-memory adapter keeps objects, not documents")

    def test_is_a_complaint_repository(self, repository):
        """The adapter satisfies the runtime-checkable protocol."""
        assert isinstance(repository, ComplaintRepository)
