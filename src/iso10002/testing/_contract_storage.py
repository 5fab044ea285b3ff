"""Contract layer 1: basic storage, and the hostile text later layers reuse."""

# A shipped test suite: it asserts, compares with literal expectations and,
# for hostile input, uses confusable characters on purpose.
# ruff: noqa: S101, PLR2004, RUF001

from __future__ import annotations

import itertools

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from iso10002.errors import NotFoundError, ValidationError
from iso10002.model import Complaint
from iso10002.repositories import ComplaintRepository
from iso10002.testing import strategies as iso_st
from iso10002.testing._contract_support import (
    ContractBase,
    make_complaint,
    next_version,
)
from iso10002.vocabulary import StandardState

__all__ = [
    "HOSTILE_TEXT",
    "STORAGE_EXAMPLES",
    "BasicStorageContract",
    "hostile_complaint",
]

# Each example touches real storage: keep the count modest whatever the profile says.
STORAGE_EXAMPLES = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

HOSTILE_TEXT: tuple[str, ...] = (
    "Robert'); DROP TABLE complaints;--",
    '" OR 1=1 --',
    "100% _like_ \\escape\\",
    "emoji 😀 flags 🇬🇧 and 👩‍👩‍👧 families",
    "right\u202eto\u202cleft and zero\u200bwidth",
    "$1 :name ? %s {json} [0] ' \"",
    "ｆｕｌｌｗｉｄｔｈ and ß and İ",
)
"""Strings that break naive SQL, JSON or Unicode handling (valid single-line text)."""


def hostile_complaint(number: int, text: str) -> Complaint:
    base = make_complaint(
        number,
        status=text[:100],
        assignee=text,
        category=text[:100],
        name=text,
        description=f"{text}\n{text * 3}",
    )
    # The receipt event records the reference and the actor too.
    first = base.history[0]
    first = attrs.evolve(first, actor=text, data={**first.data, "reference": text[:64]})
    return attrs.evolve(
        base,
        reference=text[:64],
        received_by=text,
        history=(first, *base.history[1:]),
    )


class BasicStorageContract(ContractBase):
    """Layer 1: add, get and save keep every complaint exactly as given.

    .. versionadded:: 0.1.0
    """

    def test_add_then_get_returns_an_equal_complaint(
        self, repository: ComplaintRepository
    ) -> None:
        """A complaint read back equals the complaint stored."""
        complaint = make_complaint(1, events=3, category="billing")
        assert repository.add(complaint) == complaint
        assert repository.get(complaint.id) == complaint

    def test_get_of_an_unknown_id_raises_not_found(
        self, repository: ComplaintRepository
    ) -> None:
        """Looking up an id never stored raises NotFoundError naming it."""
        with pytest.raises(NotFoundError) as caught:
            repository.get("C-missing")
        assert caught.value.complaint_id == "C-missing"

    def test_add_refuses_what_is_not_a_complaint(
        self, repository: ComplaintRepository
    ) -> None:
        """Adding anything but a Complaint raises ValidationError."""
        with pytest.raises(ValidationError):
            repository.add({"id": "C-1"})  # type: ignore[arg-type]

    def test_save_stores_the_new_version(self, repository: ComplaintRepository) -> None:
        """After a save, get returns the new version with its new events."""
        first = repository.add(make_complaint(1))
        second = next_version(
            first, status=StandardState.ACKNOWLEDGED.value, assignee="agent:7"
        )
        third = next_version(second, status=StandardState.INVESTIGATING.value)
        repository.save(second, expected_version=1)
        repository.save(third, expected_version=2)
        assert repository.get(first.id) == third

    def test_save_may_append_several_events_at_once(
        self, repository: ComplaintRepository
    ) -> None:
        """A save based on version v appends every event after v."""
        first = repository.add(make_complaint(1))
        later = next_version(next_version(next_version(first)))
        repository.save(later, expected_version=1)
        assert repository.get(first.id).version == 4

    def test_save_of_an_unknown_complaint_raises_not_found(
        self, repository: ComplaintRepository
    ) -> None:
        """Saving a complaint never added raises NotFoundError."""
        complaint = next_version(make_complaint(1))
        with pytest.raises(NotFoundError):
            repository.save(complaint, expected_version=1)

    def test_save_refuses_a_version_not_after_the_expected_one(
        self, repository: ComplaintRepository
    ) -> None:
        """Saving without a new event raises ValidationError and stores nothing."""
        first = repository.add(make_complaint(1, events=2))
        with pytest.raises(ValidationError):
            repository.save(first, expected_version=2)
        with pytest.raises(ValidationError):
            repository.save(first, expected_version=True)
        assert repository.get(first.id) == first

    def test_hostile_text_round_trips_unchanged(
        self, repository: ComplaintRepository
    ) -> None:
        """Quotes, SQL fragments, emoji and bidi marks in every text field come back."""
        stored = [
            hostile_complaint(i, text) for i, text in enumerate(HOSTILE_TEXT, start=1)
        ]
        for complaint in stored:
            repository.add(complaint)
        for complaint in stored:
            assert repository.get(complaint.id) == complaint

    def test_long_text_and_odd_event_data_round_trip(
        self, repository: ComplaintRepository
    ) -> None:
        """Maximal descriptions and event data with NULs and nesting come back."""
        long_text = ("🙂 quote ' \" " * 2000)[:20_000]
        complaint = make_complaint(1, description=long_text)
        complaint = next_version(
            complaint,
            data={"nul": "a\x00b", "deep": [[{"x": [1.5, None, True]}]], "": ""},
        )
        repository.add(complaint)
        assert repository.get(complaint.id) == complaint

    def test_generated_complaints_round_trip(
        self, repository: ComplaintRepository
    ) -> None:
        """Whatever the model accepts is read back equal."""
        numbers = itertools.count(1)

        @STORAGE_EXAMPLES
        @given(iso_st.complaints(max_events=5))
        def check(complaint: Complaint) -> None:
            unique = attrs.evolve(complaint, id=f"G-{next(numbers)}")
            repository.add(unique)
            assert repository.get(unique.id) == unique

        check()
