"""Optional contract layer: search by words and contacts agrees with the reference."""

# ruff: noqa: S101

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.repositories import ComplaintRepository, SearchableRepository, SearchQuery
from iso10002.repositories.rows import matches_search, sort_key
from iso10002.testing._contract_storage import HOSTILE_TEXT
from iso10002.testing._contract_support import (
    Capability,
    ContractBase,
    make_complaint,
    next_version,
)

__all__ = ["SearchContract"]

_WORDS = ("Charged", "twice", "METER", "Zählerstand", "refund", "late", "naïve")
_AT = datetime(2026, 1, 5, 12, tzinfo=timezone.utc)


def _population() -> list[Complaint]:
    complaints = []
    for n in range(1, 13):
        words = " ".join(_WORDS[i % len(_WORDS)] for i in range(n, n + 3))
        complaints.append(make_complaint(n, description=f"{words}, case {n}."))
    return complaints


class SearchContract(ContractBase):
    """Optional layer: ``search`` finds by words and contacts, and forgets the erased.

    .. versionadded:: 0.2.0
    """

    def _searching(self, repository: Any) -> SearchableRepository:
        self.require(Capability.SEARCH)
        assert isinstance(repository, SearchableRepository)
        return repository

    def test_search_agrees_with_the_reference_predicate(
        self, repository: ComplaintRepository
    ) -> None:
        """For any query over these words and contacts, search = the predicate."""
        searching = self._searching(repository)
        stored = _population()
        for complaint in stored:
            repository.add(complaint)

        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(
            words=st.lists(
                st.sampled_from((*_WORDS, "case", "7", "absent")), max_size=3
            ),
            number=st.none() | st.integers(1, 14),
        )
        def check(words: list[str], number: int | None) -> None:
            if not words and number is None:
                return
            query = SearchQuery(
                text=" ".join(words) or None,
                email=None if number is None else f"PERSON{number}@example.org",
            )
            expected = [
                c.id for c in sorted(stored, key=sort_key) if matches_search(query, c)
            ]
            assert [c.id for c in searching.search(query, limit=50)] == expected

        check()

    def test_contacts_find_repeat_complainants(
        self, repository: ComplaintRepository
    ) -> None:
        """E-mail casefolded, phone by digits, customer reference exact."""
        searching = self._searching(repository)
        for n in (1, 2, 3):
            repository.add(make_complaint(n))
        by_phone = searching.search(SearchQuery(phone="+44 (0)20 7946-0000"), limit=2)
        assert [c.id for c in by_phone] == []  # another number: the 0 counts
        by_phone = searching.search(SearchQuery(phone="+44 20 7946 0000"), limit=2)
        assert [c.id for c in by_phone] == ["C-000001", "C-000002"]
        by_email = searching.search(SearchQuery(email=" Person3@Example.ORG "))
        assert [c.id for c in by_email] == ["C-000003"]

    def test_saves_and_erasure_keep_the_index_in_step(
        self, repository: ComplaintRepository
    ) -> None:
        """A save changing the words re-indexes; erasure leaves nothing findable."""
        searching = self._searching(repository)
        first = make_complaint(1, description="Overcharged on the meter reading.")
        repository.add(first)
        query = SearchQuery(text="meter reading")
        assert [c.id for c in searching.search(query)] == [first.id]
        second = next_version(first, desired_outcome="A refund of the overcharge.")
        repository.save(second, expected_version=first.version)
        assert [c.id for c in searching.search(SearchQuery(text="refund"))] == [
            first.id
        ]
        repository.erase_personal_data(first.id, actor="dpo", at=_AT)
        for gone in (
            query,
            SearchQuery(text="refund"),
            SearchQuery(email="person1@example.org"),
            SearchQuery(phone="+44 20 7946 0000"),
        ):
            assert searching.search(gone) == ()

    def test_hostile_text_is_searched_literally(
        self, repository: ComplaintRepository
    ) -> None:
        """SQL and pattern characters in a query match only themselves."""
        searching = self._searching(repository)
        repository.add(make_complaint(1, description=" ".join(HOSTILE_TEXT)[:2000]))
        repository.add(make_complaint(2))
        for text in ("%", "_ OR 1=1", "' OR ''='", "*", *HOSTILE_TEXT[:6]):
            try:
                query = SearchQuery(text=text)
            except ValidationError:
                continue
            found = [c.id for c in searching.search(query)]
            stored = [repository.get(f"C-00000{n}") for n in (1, 2)]
            assert found == [c.id for c in stored if matches_search(query, c)]

    def test_bad_queries_and_limits_raise_validation_errors(
        self, repository: ComplaintRepository
    ) -> None:
        """Not a SearchQuery, an empty query or a bad limit is a ValidationError."""
        searching = self._searching(repository)
        for query, limit, field in (
            ("meter", 10, "query"),
            (SearchQuery(text="meter"), 0, "limit"),
            (SearchQuery(text="meter"), 10**6, "limit"),
        ):
            with pytest.raises(ValidationError) as caught:
                searching.search(query, limit=limit)  # type: ignore[arg-type]
            assert caught.value.field == field
        with pytest.raises(ValidationError) as caught:
            SearchQuery()
        assert caught.value.field == "text"
