from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.clock import Clock, FixedClock, SystemClock
from iso10002.errors import ValidationError
from iso10002.ids import IdFactory, SequentialIdFactory, UlidFactory, format_reference

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


class TestFixedClock:
    def test_moves_only_when_told(self):
        """A FixedClock returns the same instant until advanced or set."""
        clock = FixedClock(T0)
        assert clock.now() == clock.now() == T0
        assert clock.advance(timedelta(hours=1)) == T0 + timedelta(hours=1)
        clock.set(T0)
        assert clock.now() == T0
        assert "2026-01-01" in repr(clock)

    def test_refuses_naive_and_negative(self):
        """Naive instants and negative steps are refused."""
        with pytest.raises(ValidationError):
            FixedClock(datetime(2026, 1, 1))
        with pytest.raises(ValidationError):
            FixedClock(T0).advance(timedelta(seconds=-1))

    def test_both_clocks_satisfy_the_protocol(self):
        """SystemClock and FixedClock are Clocks; the system clock is aware UTC."""
        assert isinstance(SystemClock(), Clock)
        assert isinstance(FixedClock(T0), Clock)
        assert SystemClock().now().utcoffset() == timedelta(0)
        assert repr(SystemClock()) == "SystemClock()"


class TestUlidFactory:
    def test_ids_sort_by_creation_time(self):
        """ULIDs sort by creation, even within one millisecond."""
        clock = FixedClock(T0)
        factory = UlidFactory(clock)
        ids = [factory.new_id() for _ in range(50)]
        clock.advance(timedelta(milliseconds=1))
        ids += [factory.new_id() for _ in range(50)]
        assert ids == sorted(ids)
        assert len(set(ids)) == 100
        assert all(len(i) == 26 for i in ids)
        assert isinstance(factory, IdFactory)

    @given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=2, max_size=20))
    def test_monotonic_for_non_decreasing_time(self, steps):
        """For any non-decreasing sequence of instants, ids strictly increase."""
        clock = FixedClock(T0)
        factory = UlidFactory(clock)
        ids = []
        for step in sorted(steps):
            clock.set(T0 + timedelta(microseconds=step))
            ids.append(factory.new_id())
        assert ids == sorted(ids)
        assert len(set(ids)) == len(ids)


class TestSequentialIdFactory:
    def test_counts_up(self):
        """Sequential ids count up with zero padding."""
        factory = SequentialIdFactory("T", start=9)
        assert [factory.new_id(), factory.new_id()] == ["T-000009", "T-000010"]


class TestFormatReference:
    def test_format(self):
        """References look like CMP-2026-000123."""
        assert format_reference(2026, 123) == "CMP-2026-000123"
        assert format_reference(2026, 1, prefix="BNK") == "BNK-2026-000001"

    @pytest.mark.parametrize(("year", "number"), [(0, 1), (10000, 1), (2026, 0)])
    def test_out_of_range(self, year, number):
        """Years outside 1-9999 and numbers below 1 are refused."""
        with pytest.raises(ValidationError):
            format_reference(year, number)


class TestUlidFactoryBeforeTheEpoch:
    def test_clocks_before_1970_are_refused_by_name(self):
        """A clock before the Unix epoch raises ValidationError naming the clock."""
        before = datetime(1969, 12, 31, 23, 59, tzinfo=timezone.utc)
        factory = UlidFactory(FixedClock(before))
        with pytest.raises(ValidationError) as caught:
            factory.new_id()
        assert caught.value.field == "clock"

    def test_the_epoch_itself_makes_distinct_ids(self):
        """At exactly 1970-01-01 UTC ids are made and never collide."""
        factory = UlidFactory(FixedClock(datetime(1970, 1, 1, tzinfo=timezone.utc)))
        ids = [factory.new_id() for _ in range(100)]
        assert len(set(ids)) == 100
        assert ids == sorted(ids)
