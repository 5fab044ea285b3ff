"""The ``kpi_keys`` rows of a history extended step by step equal a fresh count's.

A save's key changes are the earlier ones plus new ones, so the runs and
rows kept for the last complaints counted are extended, not counted again;
whatever the order of complaints, the lengths of their histories, the field
that changes and legacy keys, the result must be the fresh one's.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.facts import KEY_FIELDS
from iso10002.repositories import _kpi_key_runs
from iso10002.repositories._kpi_facts import key_bytes
from iso10002.repositories._kpi_keys import BLANKS

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
VALUES = ("billing", "agent:2", "agent:3\u00e9")

# Each field holds its blank (no row is kept for it) or a value.
_KEYS = st.tuples(*(st.sampled_from((blank, *VALUES)) for blank in BLANKS))
_CHANGES = st.lists(_KEYS, max_size=12).map(
    lambda keys: [(T0 + timedelta(minutes=i), k) for i, k in enumerate(keys)]
)
_RECEIVED = 1_772_441_200_000_000


@pytest.fixture(scope="module", autouse=True)
def _kept_however_short():
    """Keep every count, so the short histories drawn here use the kept ones."""
    threshold = _kpi_key_runs._MIN_CHANGES
    _kpi_key_runs._MIN_CHANGES = 0
    yield
    _kpi_key_runs._MIN_CHANGES = threshold


def _count(complaint_id, first, changes):
    return _kpi_key_runs.counted_keys(
        (complaint_id, _RECEIVED), first, changes, BLANKS, key_bytes
    )


def _fresh(complaint_id, first, changes):
    """Count with nothing kept."""
    saved = dict(_kpi_key_runs._counts)
    _kpi_key_runs._counts.clear()
    try:
        return _count(complaint_id, first, changes)
    finally:
        _kpi_key_runs._counts.clear()
        _kpi_key_runs._counts.update(saved)


def _numbered(rows):
    """Rows are numbered 0, 1, 2 … in order."""
    return [row[1] for row in rows] == list(range(len(rows)))


@given(
    st.lists(
        st.tuples(st.sampled_from(["C-1", "C-2"]), st.none() | _KEYS, _CHANGES),
        min_size=1,
        max_size=8,
    )
)
def test_kept_counts_give_the_fresh_rows(calls):
    """Interleaved complaints, growing and shrinking histories, legacy keys."""
    _kpi_key_runs._counts.clear()
    for complaint_id, first, changes in calls:
        counted = _count(complaint_id, first, changes)
        assert counted == _fresh(complaint_id, first, changes)
        assert _numbered(counted[1])


@given(st.none() | _KEYS, _CHANGES, st.lists(st.lists(_KEYS, max_size=3), max_size=5))
def test_a_history_extended_save_by_save_extends_its_rows(first, before, saves):
    """The usual saves: the same complaint with more changes after the last."""
    _kpi_key_runs._counts.clear()
    changes = list(before)
    _count("C-1", first, changes)
    for new in saves:
        start = len(changes)
        changes = changes + [
            (T0 + timedelta(hours=1, minutes=start + i), keys)
            for i, keys in enumerate(new)
        ]
        counted = _count("C-1", first, changes)
        assert counted == _fresh("C-1", first, changes)
        assert _numbered(counted[1])


def test_a_change_of_an_earlier_field_numbers_the_later_rows_again():
    """Category gains a row after the handler's: the handler's rows move up."""
    _kpi_key_runs._counts.clear()
    keys = [("billing", None, None, None, f"agent:{i}") for i in range(3)]
    changes = [(T0 + timedelta(minutes=i), k) for i, k in enumerate(keys)]
    _count("C-1", None, changes)
    changes.append((T0 + timedelta(hours=1), ("service", None, None, None, "agent:2")))
    _, rows = _count("C-1", None, changes)
    assert [(r[1], r[3]) for r in rows] == [
        (0, "category"),
        (1, "assignee"),
        (2, "assignee"),
    ]
    assert (None, rows) == (None, _fresh("C-1", None, changes)[1])


def test_the_kept_counts_are_bounded():
    """Only the last complaints counted are kept."""
    _kpi_key_runs._counts.clear()
    changes = [(T0, ("billing",) * len(KEY_FIELDS))]
    for i in range(_kpi_key_runs._KEPT + 5):
        _count(f"C-{i}", None, changes)
    assert len(_kpi_key_runs._counts) == _kpi_key_runs._KEPT
    assert "C-0" not in _kpi_key_runs._counts


def test_short_histories_are_counted_afresh_and_not_kept(monkeypatch):
    """Below the threshold nothing is kept (keeping costs more than counting)."""
    monkeypatch.setattr(_kpi_key_runs, "_MIN_CHANGES", 16)
    _kpi_key_runs._counts.clear()
    keys = ("billing", "service", None, None, "agent:2")
    short = [(T0 + timedelta(minutes=i), keys) for i in range(15)]
    _count("C-1", None, short)
    assert _kpi_key_runs._counts == {}
    _count("C-1", None, [*short, (T0 + timedelta(hours=1), keys)])
    assert list(_kpi_key_runs._counts) == ["C-1"]
