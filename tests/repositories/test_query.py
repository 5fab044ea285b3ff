from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.errors import RepositoryError, ValidationError
from iso10002.model import Channel, DueDate
from iso10002.repositories import (
    InMemoryComplaintRepository,
    Page,
    Query,
    iter_complaints,
)
from iso10002.repositories.rows import (
    decode_cursor,
    encode_cursor,
    from_micros,
    index_values,
    matches,
    to_micros,
)
from iso10002.testing import strategies as iso_st
from iso10002.testing.contract import make_complaint

T = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


# Generating whole complaints is costly; a few dozen cover their shapes here.
_FEW = settings(max_examples=20)


class TestQuery:
    def test_defaults_match_everything(self):
        """An empty query matches any complaint."""
        assert matches(Query(), make_complaint(1))

    @pytest.mark.parametrize(
        ("arguments", "field"),
        [
            ({"received_from": datetime(2026, 1, 1)}, "received_from"),
            ({"due_before": "tomorrow"}, "due_before"),
            ({"breached": True}, "as_of"),
            ({"breached": "yes", "as_of": T}, "breached"),
            ({"status_in": "received"}, "status_in"),
            ({"status_in": ("ok", "")}, "status_in[1]"),
            ({"channel": "pigeon"}, "channel"),
            ({"assignee": ""}, "assignee"),
            ({"reference": "x" * 65}, "reference"),
        ],
    )
    def test_bad_criteria_raise_validation_errors_naming_the_field(
        self, arguments, field
    ):
        """Each malformed criterion is refused with its field named."""
        with pytest.raises(ValidationError) as caught:
            Query(**arguments)
        assert caught.value.field == field

    def test_lists_sets_and_channel_names_are_normalised(self):
        """Lists and sets of statuses become tuples; channel names become members."""
        assert Query(status_in=["b", "a"]).status_in == ("b", "a")
        assert Query(status_in={"b", "a"}).status_in == ("a", "b")
        assert Query(channel="email").channel is Channel.EMAIL

    def test_datetimes_are_converted_to_utc(self):
        """Aware datetimes in other zones are stored in UTC."""
        paris = timezone(timedelta(hours=1))
        query = Query(received_from=datetime(2026, 1, 5, 10, tzinfo=paris))
        assert query.received_from == T
        assert query.received_from.tzinfo is timezone.utc


class TestIndexValues:
    def test_next_due_is_the_earliest_pending_due_date(self):
        """Met due dates are ignored; the earliest pending one is indexed."""
        deadlines = (
            DueDate(step="a", due_at=T, met_at=T + timedelta(hours=1)),
            DueDate(step="b", due_at=T + timedelta(days=3)),
            DueDate(step="c", due_at=T + timedelta(days=2)),
        )
        values = index_values(make_complaint(1, deadlines=deadlines))
        assert values.next_due_at == T + timedelta(days=2)
        assert values.met_late is True

    def test_no_pending_due_dates_index_as_none(self):
        """A complaint whose due dates are all met on time is neither due nor late."""
        deadlines = (DueDate(step="a", due_at=T, met_at=T),)
        values = index_values(make_complaint(1, deadlines=deadlines))
        assert values.next_due_at is None
        assert values.met_late is False

    @given(iso_st.utc_datetimes())
    def test_micros_round_trip(self, at):
        """Microsecond integers convert back to the same instant and sort like it."""
        assert from_micros(to_micros(at)) == at
        assert (to_micros(at) < to_micros(T)) == (at < T)


class TestCursor:
    @_FEW
    @given(iso_st.complaints(max_events=1))
    def test_cursor_round_trips(self, complaint):
        """A cursor decodes to the complaint's (received_at, id) key."""
        assert decode_cursor(encode_cursor(complaint)) == (
            to_micros(complaint.received_at),
            complaint.id,
        )

    @pytest.mark.parametrize("cursor", ["", "!!!", "bm9waXBl", 42, None, "a" * 1001])
    def test_foreign_cursors_are_refused(self, cursor):
        """Anything not made by encode_cursor raises ValidationError naming after."""
        with pytest.raises(ValidationError) as caught:
            decode_cursor(cursor)
        assert caught.value.field == "after"


class TestIterComplaints:
    def test_iterates_every_match_across_pages(self):
        """iter_complaints follows cursors until the last page."""
        repository = InMemoryComplaintRepository()
        for n in range(1, 24):
            repository.add(make_complaint(n, status="closed" if n % 2 else "received"))
        closed = [
            c.id
            for c in iter_complaints(
                repository, Query(status_in=("closed",)), page_size=5
            )
        ]
        assert closed == [f"C-{n:06d}" for n in range(1, 24, 2)]
        assert len(list(iter_complaints(repository))) == 23

    @given(st.integers(min_value=1, max_value=12))
    def test_any_page_size_gives_the_same_sequence(self, size):
        """The page size changes how many calls are made, never what is returned."""
        repository = InMemoryComplaintRepository()
        for n in range(1, 13):
            repository.add(make_complaint(n))
        assert [c.id for c in iter_complaints(repository, page_size=size)] == [
            f"C-{n:06d}" for n in range(1, 13)
        ]

    def test_a_find_that_ignores_after_raises_instead_of_looping(self):
        """A repository returning its first page again is named, not paged forever."""

        class Stuck(InMemoryComplaintRepository):
            def find(self, query, *, limit=100, after=None):
                return super().find(query, limit=limit)

        repository = Stuck()
        for n in range(1, 8):
            repository.add(make_complaint(n))
        with pytest.raises(RepositoryError, match="does not honour `after`"):
            list(iter_complaints(repository, page_size=3))

    def test_empty_pages_with_the_same_cursor_raise(self):
        """A cursor handed back unchanged ends the iteration with an error."""

        class Repeating(InMemoryComplaintRepository):
            def find(self, query, *, limit=100, after=None):
                return Page(items=(), next_cursor="same")

        with pytest.raises(RepositoryError, match="same cursor"):
            list(iter_complaints(Repeating()))
