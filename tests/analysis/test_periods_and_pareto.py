from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.analysis import Granularity, Period
from iso10002.analysis.charts import classification_counts, pareto
from iso10002.analysis.kpis import period_label
from iso10002.errors import ValidationError
from iso10002.model import Classification
from iso10002.testing.contract import make_complaint

LONDON = ZoneInfo("Europe/London")


class TestPeriodLabel:
    @pytest.mark.parametrize(
        ("granularity", "label"),
        [
            (Granularity.DAY, "2026-03-06"),
            (Granularity.WEEK, "2026-W10"),
            (Granularity.MONTH, "2026-03"),
            (Granularity.QUARTER, "2026-Q1"),
            (Granularity.HALF, "2026-H1"),
            (Granularity.YEAR, "2026"),
        ],
    )
    def test_labels(self, granularity, label):
        """Each granularity names the period containing 6 March 2026."""
        assert period_label(date(2026, 3, 6), granularity) == label

    @given(
        st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 1)),
        st.sampled_from(Granularity),
    )
    def test_label_parses_to_a_period_containing_the_day(self, day, granularity):
        """The period a label names contains the day it was made from."""
        period = Period.parse(period_label(day, granularity))
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc)
        assert noon in period


class TestPeriod:
    def test_half_year_in_london_ends_at_bst_midnight(self):
        """2026-H1 in London runs from 00:00 UTC 1 January to 23:00 UTC 30 June."""
        h1 = Period.parse("2026-H1", LONDON)
        assert h1.start == datetime(2026, 1, 1, tzinfo=timezone.utc)
        assert h1.end == datetime(2026, 6, 30, 23, tzinfo=timezone.utc)

    def test_start_included_end_excluded(self):
        """The first instant belongs to the period, the end instant does not."""
        q = Period.parse("2026-Q4")
        assert q.start in q
        assert q.end not in q
        assert q.end == datetime(2027, 1, 1, tzinfo=timezone.utc)
        assert "2026-10-01" not in q

    @pytest.mark.parametrize(
        "label", ["2026-13", "2026-H3", "26", "2026-02-30", "2026-W60", "abc"]
    )
    def test_rejects_unknown_labels(self, label):
        """Labels that name no real period are refused, naming the field."""
        with pytest.raises(ValidationError) as info:
            Period.parse(label)
        assert info.value.field == "period"

    def test_rejects_empty_period(self):
        """An end not after the start is refused."""
        t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        with pytest.raises(ValidationError) as info:
            Period(label="x", start=t, end=t)
        assert info.value.field == "end"


class TestPareto:
    def test_vital_few_reach_the_threshold(self):
        """A and B make 80 % of 100 complaints, so C and D are the useful many."""
        p = pareto("causes", {"d": 5, "b": 30, "a": 50, "c": 15, "zero": 0})
        assert [i.key for i in p.items] == ["a", "b", "c", "d"]
        assert p.vital_few == ("a", "b")
        assert [i.cumulative_share for i in p.items] == pytest.approx(
            [0.5, 0.8, 0.95, 1.0]
        )

    def test_ties_sort_by_key(self):
        """Equal counts are ordered by key, so the chart is deterministic."""
        assert [i.key for i in pareto("t", {"y": 1, "x": 1}).items] == ["x", "y"]

    @pytest.mark.parametrize(
        ("counts", "threshold"),
        [({"a": -1}, 0.8), ({"a": 1.5}, 0.8), ({"a": 1}, 0), ({"a": 1}, 1.2)],
    )
    def test_rejects_bad_input(self, counts, threshold):
        """Negative or fractional counts and thresholds outside (0, 1] are refused."""
        with pytest.raises(ValidationError):
            pareto("t", counts, threshold=threshold)

    @given(
        st.dictionaries(
            st.text(min_size=1, max_size=3), st.integers(0, 100), max_size=12
        )
    )
    def test_vital_few_is_the_smallest_prefix_reaching_the_threshold(self, counts):
        """Vital items come first, reach 80 %, and dropping the last one falls short."""
        p = pareto("t", counts)
        vital = [i for i in p.items if i.vital]
        assert [i.vital for i in p.items] == [True] * len(vital) + [False] * (
            len(p.items) - len(vital)
        )
        if p.total:
            assert sum(i.count for i in vital) >= 0.8 * p.total
            assert sum(i.count for i in vital[:-1]) < 0.8 * p.total


def _classified(n, subcategory):
    complaint = make_complaint(n, category="billing")
    level = Classification(category="billing", subcategory=subcategory)
    return attrs.evolve(complaint, classification=level)


class TestClassificationCounts:
    def test_second_level_groups_under_its_category(self):
        """Counts per subcategory are keyed under their category, ready for pareto."""
        items = [_classified(1, "double charge"), _classified(2, "double charge"),
                 _classified(3, None), make_complaint(4)]  # fmt: skip
        counts = classification_counts(items, level="subcategory")
        assert counts["billing / double charge"] == 2
        assert counts["billing / -"] == 1
        assert sum(counts.values()) == 4
        assert pareto("Sub-issues", counts).items[0].key == "billing / double charge"
        assert classification_counts(items)["billing"] == 3
        with pytest.raises(ValidationError):
            classification_counts(items, level="tag")
