"""The KPI facts of a history extended step by step equal a fresh scan's."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from iso10002.facts import HistoryFacts as HistoryScan
from iso10002.model import HistoryEvent
from iso10002.repositories._kpi_facts import history_scan as scan_with
from iso10002.vocabulary import STANDARD_VOCABULARY, Meaning, Vocabulary, standard_event

ACKNOWLEDGED, APPEALED, CLOSED, COMMUNICATED, REOPENED = (
    standard_event(m)
    for m in (
        Meaning.ACKNOWLEDGED,
        Meaning.APPEALED,
        Meaning.CLOSED,
        Meaning.COMMUNICATED,
        Meaning.REOPENED,
    )
)

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
NAMES = (ACKNOWLEDGED, APPEALED, CLOSED, COMMUNICATED, REOPENED, "Other")
STATES = (None, "investigating", "closed", "withdrawn")


def _history(steps):
    return tuple(
        HistoryEvent(
            sequence=i + 1,
            name=NAMES[name],
            at=T0 + timedelta(hours=i),
            actor="agent:1",
            to_state=STATES[state],
        )
        for i, (name, state) in enumerate(steps)
    )


def history_scan(history):
    """Scan with the standard vocabulary (the one-entry cache in play)."""
    return scan_with(history, STANDARD_VOCABULARY)


def _fresh(history):
    scan = HistoryScan(STANDARD_VOCABULARY)
    scan.add(history)
    return _view(scan)


def _view(scan):
    return {name: getattr(scan, name) for name in HistoryScan.__slots__}


STEPS = st.lists(
    st.tuples(st.integers(0, len(NAMES) - 1), st.integers(0, len(STATES) - 1)),
    max_size=20,
)


@given(STEPS, STEPS)
def test_reused_scans_equal_fresh_ones(steps, other):
    history, unrelated = _history(steps), _history(other)
    for end in range(len(history) + 1):
        prefix = history[:end]
        assert _view(history_scan(prefix)) == _fresh(prefix)
        assert _view(history_scan(prefix)) == _fresh(prefix)
        assert _view(history_scan(unrelated)) == _fresh(unrelated)


def test_a_scan_in_use_is_not_changed_by_a_longer_history():
    history = _history([(2, 2)])  # closed: one toggle
    shorter = history_scan(history)
    longer = history_scan((*history, *_history([(0, 0), (4, 1)])[1:]))
    assert shorter.toggles == [shorter.closed_at]
    assert shorter.is_open is False
    assert len(longer.toggles) == 2
    assert longer.is_open is True


def test_a_cached_scan_is_not_reused_for_another_vocabulary():
    """The same history read with another workflow's meanings is scanned afresh."""
    history = _history([(0, 0)])  # acknowledged
    assert history_scan(history).acknowledged_at is not None
    renamed = Vocabulary(
        {ACKNOWLEDGED: frozenset({Meaning.INTERNAL})}, frozenset(), frozenset()
    )
    assert scan_with(history, renamed).acknowledged_at is None
