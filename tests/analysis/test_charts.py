from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.analysis.charts import (
    ChartPoint,
    RunRule,
    c_chart,
    find_signals,
    p_chart,
    u_chart,
)
from iso10002.errors import ValidationError


def points(zs):
    return [
        ChartPoint(label=f"t{i}", value=z, size=1, sigma=1, lower=-3, upper=3, z=z)
        for i, z in enumerate(zs)
    ]


def rules(zs):
    return [(s.rule, s.indices) for s in find_signals(points(zs))]


class TestPChart:
    def test_hand_computed_limits(self):
        """Centre is the pooled share; limits p ± 3 sqrt(p(1-p)/n) lie in [0, 1]."""
        chart = p_chart("upheld", [("m1", 10, 100), ("m2", 20, 100), ("m3", 30, 100)])
        assert chart.centre == pytest.approx(0.2)
        first = chart.points[0]
        assert first.sigma == pytest.approx(0.04)
        assert (first.lower, first.upper) == (pytest.approx(0.08), pytest.approx(0.32))
        assert [p.z for p in chart.points] == pytest.approx([-2.5, 0, 2.5])
        assert chart.signals == ()

    def test_point_beyond_the_limits_signals(self):
        """A period far above the pooled share is flagged beyond 3 sigma."""
        rows = [(f"m{i}", 10, 100) for i in range(5)] + [("spike", 40, 100)]
        chart = p_chart("upheld", rows)
        assert (RunRule.BEYOND_3_SIGMA, "spike") in [
            (s.rule, s.label) for s in chart.signals
        ]

    def test_empty_period_never_signals_beyond(self):
        """A period with no decisions is a gap (no value), never a 0 % point."""
        chart = p_chart("upheld", [("a", 5, 10), ("b", 0, 0), ("c", 5, 10)])
        assert chart.points[1].value is None
        assert RunRule.BEYOND_3_SIGMA not in [s.rule for s in chart.signals]

    @pytest.mark.parametrize(
        "rows",
        [
            [],
            [("a", 3, 2)],
            [("a", -1, 2)],
            [(1, 1, 2)],
            [("a", 1)],
            [("a", math.nan, 2)],
        ],
    )
    def test_rejects_bad_rows(self, rows):
        """No rows, defects above size, negatives, missing labels or NaN are refused."""
        with pytest.raises(ValidationError):
            p_chart("x", rows)

    @given(
        st.lists(
            st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=20
        )
    )
    def test_limits_stay_within_zero_and_one(self, pairs):
        """Every p-chart limit and value lies in [0, 1]; only n = 0 is a gap."""
        rows = [(str(i), min(a, b), max(a, b)) for i, (a, b) in enumerate(pairs)]
        chart = p_chart("x", rows)
        for p in chart.points:
            assert 0 <= p.lower <= p.upper <= 1
            assert (p.value is None) == (p.size == 0)
            assert p.value is None or 0 <= p.value <= 1


class TestCChart:
    def test_hand_computed_limits(self):
        """Centre is the mean count; limits are c ± 3 sqrt(c), floored at 0."""
        chart = c_chart("received", [("a", 4), ("b", 9), ("c", 2), ("d", 1)])
        assert chart.centre == 4
        assert (chart.points[0].lower, chart.points[0].upper) == (0, 10)
        assert chart.signals == ()

    def test_spike_signals(self):
        """A count of 20 against a mean of 7.2 lies beyond 3 sigma."""
        chart = c_chart("received", [("a", 4), ("b", 9), ("c", 2), ("d", 1), ("e", 20)])
        assert chart.centre == pytest.approx(7.2)
        assert [(s.rule, s.label) for s in chart.signals] == [
            (RunRule.BEYOND_3_SIGMA, "e")
        ]


class TestUChart:
    def test_hand_computed_limits(self):
        """Centre is counts over units; limits are u ± 3 sqrt(u/n)."""
        chart = u_chart("per 1000", [("a", 5, 2.0), ("b", 3, 2.0)])
        assert chart.centre == 2.0
        assert chart.points[0].value == 2.5
        assert (chart.points[0].lower, chart.points[0].upper) == (0, 5)

    def test_rejects_zero_units(self):
        """A period without exposure cannot be charted per unit."""
        with pytest.raises(ValidationError, match="units"):
            u_chart("x", [("a", 1, 0)])


class TestFindSignals:
    def test_beyond_three_sigma(self):
        """One point beyond 3 sigma is a signal at that point."""
        assert rules([0, 0, 3.5]) == [(RunRule.BEYOND_3_SIGMA, (2,))]
        assert rules([0, 0, 2.9]) == []

    def test_eight_on_one_side(self):
        """Eight points in a row above the centre line form a run; seven do not."""
        assert rules([0.5] * 8) == [(RunRule.EIGHT_ON_ONE_SIDE, tuple(range(8)))]
        assert rules([0.5] * 7 + [-0.5]) == []

    def test_six_trending(self):
        """Six points steadily rising signal; five do not."""
        assert rules([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]) == [
            (RunRule.SIX_TRENDING, tuple(range(6)))
        ]
        assert rules([0.1, 0.2, 0.3, 0.4, 0.5]) == []

    def test_two_of_three_beyond_two_sigma(self):
        """Two of three beyond 2 sigma on one side signal; opposite sides do not."""
        assert rules([2.5, 0, 2.5]) == [(RunRule.TWO_OF_THREE_BEYOND_2_SIGMA, (0, 2))]
        assert rules([2.5, 0, -2.5]) == []

    def test_four_of_five_beyond_one_sigma(self):
        """Four of five points beyond 1 sigma on the same side signal."""
        assert rules([1.5, 1.5, 0, 1.5, 1.5]) == [
            (RunRule.FOUR_OF_FIVE_BEYOND_1_SIGMA, (0, 1, 3, 4))
        ]

    def test_fourteen_alternating(self):
        """Fourteen points alternating up and down signal; thirteen do not."""
        assert rules([0.1, -0.1] * 7) == [
            (RunRule.FOURTEEN_ALTERNATING, tuple(range(14)))
        ]
        assert rules(([0.1, -0.1] * 7)[:13]) == []

    @given(st.lists(st.floats(-0.99, 0.99), max_size=7))
    def test_short_calm_series_never_signal(self, zs):
        """Fewer than six points all within 1 sigma can form no pattern but a trend."""
        assert all(s.rule is RunRule.SIX_TRENDING for s in find_signals(points(zs)))
