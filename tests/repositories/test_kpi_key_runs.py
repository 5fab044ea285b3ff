"""The runs of key values of a history extended step by step equal a fresh count's.

``kpi_keys`` rows come from each key field's runs of equal values. A save's
changes are the earlier ones plus new ones, so the runs remembered for the
last complaints are extended, not counted again; whatever the order of
complaints, lengths and legacy keys, the result must be the fresh one's.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from iso10002.facts import KEY_FIELDS
from iso10002.repositories import _kpi_keys

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
VALUES = (None, "billing", "agent:2", "agent:3\u00e9")

_KEYS = st.tuples(*(st.sampled_from(VALUES) for _ in KEY_FIELDS))
_CHANGES = st.lists(_KEYS, max_size=12).map(
    lambda keys: [(T0 + timedelta(minutes=i), k) for i, k in enumerate(keys)]
)


def _fresh(first, changes):
    """Count the runs with nothing remembered."""
    saved = dict(_kpi_keys._runs)
    _kpi_keys._runs.clear()
    try:
        return _kpi_keys._field_runs("fresh", first, changes)
    finally:
        _kpi_keys._runs.clear()
        _kpi_keys._runs.update(saved)


@given(
    st.lists(
        st.tuples(st.sampled_from(["C-1", "C-2"]), st.none() | _KEYS, _CHANGES),
        min_size=1,
        max_size=8,
    )
)
def test_remembered_runs_are_the_fresh_runs(calls):
    """Interleaved complaints, growing and shrinking histories, legacy keys."""
    _kpi_keys._runs.clear()
    for complaint_id, first, changes in calls:
        assert _kpi_keys._field_runs(complaint_id, first, changes) == _fresh(
            first, changes
        )


@given(st.none() | _KEYS, _CHANGES, _CHANGES)
def test_a_history_extended_extends_its_runs(first, before, extra):
    """The usual save: the same complaint with more changes after the last."""
    _kpi_keys._runs.clear()
    start = len(before)
    after = before + [
        (T0 + timedelta(hours=1, minutes=start + i), k)
        for i, (_, k) in enumerate(extra)
    ]
    _kpi_keys._field_runs("C-1", first, before)
    assert _kpi_keys._field_runs("C-1", first, after) == _fresh(first, after)


def test_the_memory_is_bounded():
    """Only the last complaints computed are remembered."""
    _kpi_keys._runs.clear()
    changes = [(T0, ("billing",) * len(KEY_FIELDS))]
    for i in range(_kpi_keys._RUNS + 5):
        _kpi_keys._field_runs(f"C-{i}", None, changes)
    assert len(_kpi_keys._runs) == _kpi_keys._RUNS
    assert "C-0" not in _kpi_keys._runs
