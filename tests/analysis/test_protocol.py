from __future__ import annotations

from datetime import datetime, timezone

import pytest

from iso10002.analysis import KpiSpec, compute_kpis, kpis_from
from iso10002.analysis.kpis import KpiPushDown
from iso10002.errors import ValidationError

SPEC = KpiSpec(as_of=datetime(2026, 3, 1, tzinfo=timezone.utc))


class FakeStore:
    """Answers in 'SQL' (precomputed) or declines."""

    def __init__(self, complaints, answer):
        self.complaints = complaints
        self.answer = answer
        self.asked = 0

    def analytics_kpis(self, spec, calendar):
        self.asked += 1
        return compute_kpis(self.complaints, spec) if self.answer else None


class TestKpisFrom:
    def test_uses_push_down_when_offered(self, sample):
        """A store that answers is asked, and its report is returned."""
        store = FakeStore(sample, answer=True)
        assert isinstance(store, KpiPushDown)
        assert kpis_from(store, SPEC) == compute_kpis(sample, SPEC)
        assert store.asked == 1

    def test_streams_the_fallback_when_declined(self, sample):
        """When the store declines, the fallback's complaints are streamed."""
        store = FakeStore([], answer=False)
        report = kpis_from(store, SPEC, fallback=lambda: iter(sample))
        assert report.complaints == 4
        assert store.asked == 1

    def test_streams_a_plain_iterable(self, sample):
        """An iterable of complaints is streamed directly."""
        assert kpis_from(sample, SPEC).complaints == 4

    def test_refuses_when_nothing_can_answer(self):
        """A declining store without fallback, or a non-iterable, is refused."""
        with pytest.raises(ValidationError) as info:
            kpis_from(FakeStore([], answer=False), SPEC)
        assert info.value.field == "source"
        with pytest.raises(ValidationError):
            kpis_from(42, SPEC)
