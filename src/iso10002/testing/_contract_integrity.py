"""Contract layers 5 and 6: erasure and integrity, then volume."""

# A shipped test suite: it asserts, compares with literal expectations and,
# for hostile input, uses confusable characters on purpose.
# ruff: noqa: S101, PLR2004

from __future__ import annotations

import itertools
import json
from datetime import timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.errors import IntegrityError, NotFoundError, ValidationError
from iso10002.integrity import ERASED, ERASURE_EVENT, SALT_BYTES, is_erased
from iso10002.model import Complaint, HistoryEvent
from iso10002.repositories import ComplaintRepository, Query, iter_complaints
from iso10002.repositories.rows import sort_key
from iso10002.serialization import to_dict
from iso10002.testing import strategies as iso_st
from iso10002.testing._contract_storage import STORAGE_EXAMPLES
from iso10002.testing._contract_support import (
    T0,
    Capability,
    ContractBase,
    decided,
    make_complaint,
    next_version,
    read_feed,
)
from iso10002.vocabulary import StandardState

__all__ = ["ErasureIntegrityContract", "VolumeContract"]


def _statistics(complaint: Complaint) -> dict[str, object]:
    """What erasure must keep: everything analysis counts on."""
    return {
        "id": complaint.id,
        "reference": complaint.reference,
        "received_at": complaint.received_at,
        "channel": complaint.channel,
        "status": complaint.status,
        "classification": complaint.classification,
        "assignee": complaint.assignee,
        "deadlines": complaint.deadlines,
        "decision": complaint.decision,
        "outcome": complaint.outcome,
        "score": complaint.satisfaction.score if complaint.satisfaction else None,
        "satisfied_at": complaint.satisfaction.received_at
        if complaint.satisfaction
        else None,
        "links": complaint.links,
        "history": complaint.history,
    }


class ErasureIntegrityContract(ContractBase):
    """Layer 5: erasure removes personal data, keeps statistics, and the chain verifies.

    .. versionadded:: 0.1.0
    """

    def _erase(
        self, repository: ComplaintRepository, complaint: Complaint
    ) -> Complaint:
        at = complaint.history[-1].at + timedelta(days=1)
        return repository.erase_personal_data(complaint.id, actor="dpo", at=at)

    def test_erasure_replaces_personal_fields_and_keeps_statistics(
        self, repository: ComplaintRepository
    ) -> None:
        """Names, contact details and free text go; counts, dates and outcomes stay."""
        complaint = decided(make_complaint(1, category="billing", assignee="agent:1"))
        repository.add(complaint)
        erased = self._erase(repository, complaint)
        assert erased.version == complaint.version + 1
        assert repository.get(complaint.id) == erased
        assert erased.complainant.name == ERASED
        assert erased.complainant.email is None
        assert erased.complainant.postal_address is None
        assert erased.description == ERASED
        assert erased.desired_outcome is None
        assert erased.subject.references == ()
        assert erased.satisfaction is not None
        assert erased.satisfaction.comment is None
        last = erased.history[-1]
        assert last.name == ERASURE_EVENT
        assert last.actor == "dpo"
        assert "complainant.name" in last.data["fields"]
        before = _statistics(complaint)
        after = _statistics(erased)
        assert after.pop("history")[:-1] == before.pop("history")  # type: ignore[index]
        assert after == before

    def test_erased_personal_data_is_nowhere_in_the_feed(
        self, repository: ComplaintRepository
    ) -> None:
        """No stored event, before or after erasure, carries the erased values."""
        complaint = repository.add(make_complaint(1, name="Ada Unforgettable"))
        self._erase(repository, complaint)
        feed_text = json.dumps([to_dict(e.event) for e in read_feed(repository)])
        assert "Ada Unforgettable" not in feed_text
        assert "person1@example.org" not in feed_text

    def test_erasing_twice_changes_nothing_the_second_time(
        self, repository: ComplaintRepository
    ) -> None:
        """A repeated erasure returns the erased complaint without another event."""
        complaint = repository.add(make_complaint(1))
        once = self._erase(repository, complaint)
        twice = self._erase(repository, once)
        assert twice == once
        assert repository.get(complaint.id).version == once.version

    def test_erasure_of_an_unknown_complaint_raises_not_found(
        self, repository: ComplaintRepository
    ) -> None:
        """Erasing an id never stored raises NotFoundError."""
        with pytest.raises(NotFoundError):
            repository.erase_personal_data("C-missing", actor="dpo", at=T0)

    def test_erasure_refuses_a_time_before_the_last_event(
        self, repository: ComplaintRepository
    ) -> None:
        """An erasure dated before the complaint's last event raises ValidationError."""
        complaint = repository.add(make_complaint(1, events=3))
        with pytest.raises(ValidationError):
            repository.erase_personal_data(
                complaint.id, actor="dpo", at=T0 - timedelta(days=1)
            )
        assert repository.get(complaint.id) == complaint

    def test_erasure_replaces_the_salt_of_the_commitments(
        self, repository: ComplaintRepository
    ) -> None:
        """Erasure stores a new salt, so old commitments cannot test guessed data."""
        self.require(Capability.RAW_ACCESS)
        complaint = repository.add(make_complaint(1, events=2))
        salt = self.stored_salt(repository, complaint.id)
        assert len(salt) >= SALT_BYTES, f"a salt of {len(salt)} bytes is too short"
        saved = next_version(complaint)
        repository.save(saved, expected_version=2)
        assert self.stored_salt(repository, complaint.id) == salt, (
            "a save changed the salt: it must change only on erasure"
        )
        self._erase(repository, saved)
        if self.stored_salt(repository, complaint.id) == salt:
            pytest.fail(
                "erasure kept the complaint's old salt: the commitments stored "
                "before it could still be tested against guessed personal data "
                "(store a new salt with the erasure: iso10002.integrity.new_salt())",
                pytrace=False,
            )
        report = repository.verify_integrity()
        assert report.ok, report.problems

    def test_chain_verifies_after_saves_and_erasure(
        self, repository: ComplaintRepository
    ) -> None:
        """An untouched store reports no problem, before and after erasures."""
        stored = [repository.add(make_complaint(n, events=n)) for n in range(1, 6)]
        repository.save(next_version(stored[0]), expected_version=1)
        report = repository.verify_integrity()
        assert report.ok, report.problems
        assert report.complaints_checked == 5
        assert report.events_checked == 1 + 2 + 3 + 4 + 5 + 1
        self._erase(repository, stored[2])
        report = repository.verify_integrity()
        assert report.ok, report.problems
        assert report.events_checked == 17

    def test_generated_complaints_verify_and_keep_statistics_after_erasure(
        self, repository: ComplaintRepository
    ) -> None:
        """For any complaint, erasure keeps its statistics and its chain verifying."""
        numbers = itertools.count(1)

        @STORAGE_EXAMPLES
        @given(iso_st.complaints(max_events=4), st.sampled_from(["dpo", "agent:9"]))
        def check(complaint: Complaint, actor: str) -> None:
            unique = attrs.evolve(complaint, id=f"E-{next(numbers)}")
            repository.add(unique)
            at = unique.history[-1].at
            erased = repository.erase_personal_data(unique.id, actor=actor, at=at)
            before, after = _statistics(unique), _statistics(erased)
            assert after.pop("history")[: unique.version] == before.pop("history")  # type: ignore[index]
            assert after == before
            assert is_erased(erased)
            # An anonymous complainant had no name to erase, and gets none.
            assert erased.complainant.name == (
                None if unique.complainant.anonymous else ERASED
            )

        check()
        report = repository.verify_integrity()
        assert report.ok, report.problems

    def test_a_tampered_event_is_named_by_verify_integrity(
        self, repository: ComplaintRepository
    ) -> None:
        """Editing one stored event makes the report name that complaint, no other."""
        self.require(Capability.RAW_ACCESS)
        for n in range(1, 4):
            repository.add(make_complaint(n, events=3))
        self.tamper_event(repository, "C-000002", 2)
        report = repository.verify_integrity()
        assert not report.ok
        assert report.broken_complaint_ids == ("C-000002",)

    def test_a_malformed_document_raises_integrity_error(
        self, repository: ComplaintRepository
    ) -> None:
        """A stored document that no longer parses raises IntegrityError."""
        self.require(Capability.RAW_ACCESS)
        repository.add(make_complaint(1))
        repository.add(make_complaint(2))
        self.corrupt_document(repository, "C-000001")
        with pytest.raises(IntegrityError) as caught:
            repository.get("C-000001")
        assert caught.value.complaint_id == "C-000001"
        assert repository.get("C-000002") == make_complaint(2)
        assert repository.verify_integrity().broken_complaint_ids == ("C-000001",)


class VolumeContract(ContractBase):
    """Layer 6: many complaints with full histories page and count correctly.

    .. versionadded:: 0.1.0
    """

    def test_many_complaints_count_page_and_feed_exactly(
        self, repository: ComplaintRepository
    ) -> None:
        """Storing ``volume`` complaints of six events each keeps every count exact."""
        statuses = (
            StandardState.RECEIVED.value,
            StandardState.INVESTIGATING.value,
            StandardState.CLOSED.value,
        )
        for n in range(1, self.volume + 1):
            repository.add(make_complaint(n, events=6, status=statuses[n % 3]))
        assert repository.count(Query()) == self.volume
        closed = Query(status_in=(StandardState.CLOSED.value,))
        assert repository.count(closed) == sum(
            1 for n in range(1, self.volume + 1) if n % 3 == 2
        )
        ids = [c.id for c in iter_complaints(repository, page_size=97)]
        assert ids == [f"C-{n:06d}" for n in range(1, self.volume + 1)]
        feed = read_feed(repository, page=1000)
        assert len(feed) == 6 * self.volume
        assert len({(e.complaint_id, e.event.sequence) for e in feed}) == len(feed)
        assert isinstance(feed[-1].event, HistoryEvent)
        assert sorted(iter_complaints(repository, closed), key=sort_key) == list(
            iter_complaints(repository, closed)
        )
