"""Contract layer 2: queries select exactly the matching complaints, page by page."""

# A shipped test suite: it asserts and compares with literal expectations.
# ruff: noqa: S101, PLR2004

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.errors import ValidationError
from iso10002.model import Channel, Complaint, DueDate, ExternalId
from iso10002.repositories import ComplaintRepository, Query, iter_complaints
from iso10002.repositories.rows import matches, sort_key
from iso10002.testing._contract_storage import (
    HOSTILE_TEXT,
    STORAGE_EXAMPLES,
    hostile_complaint,
)
from iso10002.testing._contract_support import (
    T0,
    ContractBase,
    make_complaint,
    next_version,
    read_pages,
)
from iso10002.vocabulary import StandardState

__all__ = ["QueryContract"]


def _deadline(hours: float, *, met_after: float | None = None) -> DueDate:
    due = T0 + timedelta(hours=hours)
    met = None if met_after is None else due + timedelta(hours=met_after)
    return DueDate(step="final_response", due_at=due, met_at=met)


def _query_population() -> list[Complaint]:
    statuses = (
        StandardState.RECEIVED.value,
        StandardState.ACKNOWLEDGED.value,
        StandardState.INVESTIGATING.value,
        StandardState.CLOSED.value,
    )
    channels = (Channel.WEB, Channel.EMAIL, Channel.PHONE)
    people = (None, "agent:1", "agent:2")
    categories = (None, "billing", "service")
    complaints = []
    for n in range(1, 41):
        deadlines: tuple[DueDate, ...] = ()
        if n % 4 == 1:
            deadlines = (_deadline(n),)
        elif n % 4 == 2:
            deadlines = (_deadline(n, met_after=-1), _deadline(n + 100))
        elif n % 4 == 3:
            deadlines = (_deadline(n, met_after=2),)
        complaints.append(
            make_complaint(
                n,
                # Some share an instant, so the id breaks ties in the order.
                received_at=T0 + timedelta(hours=n // 3),
                status=statuses[n % 4],
                channel=channels[n % 3],
                assignee=people[n % 3],
                category=categories[(n // 2) % 3],
                deadlines=deadlines,
                external_ids=_external_ids(n),
            )
        )
    return complaints


def _external_ids(n: int) -> tuple[ExternalId, ...]:
    """Identifiers in other systems: a regulator's id for some, a shared ticket."""
    found = []
    if n % 3 == 0:
        found.append(ExternalId(system="cfpb", value=f"{2400000 + n}"))
    if n % 4 == 0:
        found.append(ExternalId(system="helpdesk", value=f"T-{n % 8}"))
    return tuple(found)


def _queries() -> st.SearchStrategy[Query]:
    instants = st.integers(min_value=-5, max_value=150).map(
        lambda h: T0 + timedelta(hours=h)
    )
    return st.builds(
        Query,
        status_in=st.lists(
            st.sampled_from(
                (
                    StandardState.RECEIVED.value,
                    StandardState.ACKNOWLEDGED.value,
                    StandardState.INVESTIGATING.value,
                    StandardState.CLOSED.value,
                    "other",
                )
            ),
            max_size=2,
        ).map(tuple),
        received_from=st.none() | instants,
        received_before=st.none() | instants,
        due_before=st.none() | instants,
        breached=st.none() | st.booleans(),
        as_of=instants,
        assignee=st.none() | st.sampled_from(("agent:1", "agent:2", "nobody")),
        category=st.none() | st.sampled_from(("billing", "service", "none")),
        channel=st.none()
        | st.sampled_from((Channel.WEB, Channel.EMAIL, Channel.LETTER)),
        reference=st.none() | st.sampled_from(("CMP-2026-000007", "CMP-2026-999999")),
        external_id=st.none()
        | st.sampled_from(
            (
                ExternalId(system="cfpb", value="2400009"),
                ExternalId(system="helpdesk", value="T-0"),
                ExternalId(system="helpdesk", value="2400009"),
            )
        ),
    )


class QueryContract(ContractBase):
    """Layer 2: find and count select exactly the matching complaints, page by page.

    .. versionadded:: 0.1.0
    """

    @pytest.fixture
    def populated(self, repository: ComplaintRepository) -> list[Complaint]:
        """Store forty varied complaints and return them in find order."""
        complaints = _query_population()
        for complaint in complaints:
            repository.add(complaint)
        return sorted(complaints, key=sort_key)

    @staticmethod
    def _ids(repository: ComplaintRepository, query: Query) -> list[str]:
        return [c.id for c in iter_complaints(repository, query, page_size=7)]

    def test_every_query_field_selects_exactly_the_matching_complaints(
        self, repository: ComplaintRepository, populated: list[Complaint]
    ) -> None:
        """For any query, find and count agree with the reference predicate."""

        @STORAGE_EXAMPLES
        @given(_queries())
        def check(query: Query) -> None:
            expected = [c.id for c in populated if matches(query, c)]
            assert self._ids(repository, query) == expected
            assert repository.count(query) == len(expected)

        check()

    def test_each_field_on_its_own(
        self, repository: ComplaintRepository, populated: list[Complaint]
    ) -> None:
        """Each criterion alone selects the complaints it names."""
        cut = T0 + timedelta(hours=10)
        cases: dict[Query, Callable[[Complaint], bool]] = {
            Query(status_in=(StandardState.CLOSED.value,)): lambda c: (
                c.status == StandardState.CLOSED.value
            ),
            Query(received_from=cut): lambda c: c.received_at >= cut,
            Query(received_before=cut): lambda c: c.received_at < cut,
            Query(assignee="agent:2"): lambda c: c.assignee == "agent:2",
            Query(category="billing"): lambda c: (
                c.classification is not None and c.classification.category == "billing"
            ),
            Query(channel=Channel.EMAIL): lambda c: c.channel is Channel.EMAIL,
            Query(reference="CMP-2026-000007"): lambda c: (
                c.reference == "CMP-2026-000007"
            ),
            Query(external_id=ExternalId(system="helpdesk", value="T-4")): lambda c: (
                ExternalId(system="helpdesk", value="T-4") in c.external_ids
            ),
        }
        for query, predicate in cases.items():
            expected = [c.id for c in populated if predicate(c)]
            assert expected, query
            assert self._ids(repository, query) == expected, query

    def test_external_ids_follow_saves(self, repository: ComplaintRepository) -> None:
        """A step that changes a complaint's external ids moves it between queries."""
        old = ExternalId(system="helpdesk", value="T-1")
        new = ExternalId(system="cfpb", value="2400001")
        first = make_complaint(1, external_ids=(old,))
        repository.add(first)
        repository.add(make_complaint(2))
        assert self._ids(repository, Query(external_id=old)) == [first.id]
        second = next_version(first, external_ids=(new,))
        repository.save(second, expected_version=first.version)
        assert self._ids(repository, Query(external_id=old)) == []
        assert self._ids(repository, Query(external_id=new)) == [first.id]
        assert repository.count(Query(external_id=new)) == 1
        assert repository.get(first.id).external_ids == (new,)

    def test_due_before_matches_only_pending_due_dates(
        self, repository: ComplaintRepository, populated: list[Complaint]
    ) -> None:
        """A met due date never makes a complaint due; a pending one does."""
        cut = T0 + timedelta(hours=20)
        expected = [
            c.id
            for c in populated
            if any(d.met_at is None and d.due_at < cut for d in c.deadlines)
        ]
        assert expected
        assert self._ids(repository, Query(due_before=cut)) == expected

    def test_breached_matches_passed_pending_and_late_met_due_dates(
        self, repository: ComplaintRepository, populated: list[Complaint]
    ) -> None:
        """Breached: a pending due date already passed, or one met late."""
        now = T0 + timedelta(hours=20)

        def late(c: Complaint) -> bool:
            return any(
                (d.met_at is None and d.due_at < now)
                or (d.met_at is not None and d.met_at > d.due_at)
                for d in c.deadlines
            )

        breached = [c.id for c in populated if late(c)]
        on_time = [c.id for c in populated if not late(c)]
        assert breached
        assert on_time
        assert self._ids(repository, Query(breached=True, as_of=now)) == breached
        assert self._ids(repository, Query(breached=False, as_of=now)) == on_time

    def test_hostile_query_parameters_match_literally(
        self, repository: ComplaintRepository
    ) -> None:
        """Query values with SQL fragments and wildcards match only the equal value."""
        stored = [
            hostile_complaint(i, text) for i, text in enumerate(HOSTILE_TEXT, start=1)
        ]
        for complaint in stored:
            repository.add(complaint)
        for complaint in stored:
            for query in (
                Query(assignee=complaint.assignee),
                Query(reference=complaint.reference),
                Query(status_in=(complaint.status,)),
            ):
                assert self._ids(repository, query) == [complaint.id]

    def test_pages_cover_everything_once_in_order(
        self, repository: ComplaintRepository, populated: list[Complaint]
    ) -> None:
        """Any page size yields every complaint once, in (received_at, id) order."""
        for size in (1, 3, 40, 100):
            pages = read_pages(repository, Query(), size=size, deadline=self._deadline)
            assert all(len(page.items) <= size for page in pages)
            seen = [c.id for page in pages for c in page.items]
            assert seen == [c.id for c in populated]

    @pytest.mark.usefixtures("populated")
    def test_a_cursor_keeps_its_place_when_complaints_are_added(
        self, repository: ComplaintRepository
    ) -> None:
        """Complaints added before the cursor's place never appear on later pages."""
        first = repository.find(Query(), limit=10)
        repository.add(make_complaint(900, received_at=T0 - timedelta(days=1)))
        repository.add(make_complaint(901, received_at=T0 + timedelta(days=30)))
        rest = list(iter_complaints(repository, Query()))
        after = [c.id for c in rest if sort_key(c) > sort_key(first.items[-1])]
        page = repository.find(Query(), limit=100, after=first.next_cursor)
        assert [c.id for c in page.items] == after
        assert after[-1] == "C-000901"

    @pytest.mark.usefixtures("populated")
    def test_bad_limits_and_cursors_raise_validation_errors(
        self, repository: ComplaintRepository
    ) -> None:
        """A page size out of range or a foreign cursor is refused, naming the field."""
        for limit in (0, -1, 10_001, True):
            with pytest.raises(ValidationError) as caught:
                repository.find(Query(), limit=limit)
            assert caught.value.field == "limit"
        for cursor in ("not a cursor", "", "🙂"):
            with pytest.raises(ValidationError) as caught:
                repository.find(Query(), after=cursor)
            assert caught.value.field == "after"

    def test_find_and_count_refuse_what_is_not_a_query(
        self, repository: ComplaintRepository
    ) -> None:
        """Passing anything but a Query raises ValidationError naming query."""
        for call in (repository.find, repository.count):
            with pytest.raises(ValidationError) as caught:
                call({"status_in": [StandardState.RECEIVED.value]})  # type: ignore[arg-type]
            assert caught.value.field == "query"

    def test_count_of_nothing_is_zero(self, repository: ComplaintRepository) -> None:
        """An empty repository counts and finds nothing."""
        assert repository.count(Query()) == 0
        assert repository.find(Query()).items == ()
