"""A timeline extended step by step equals one built from the whole history."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from iso10002.deadlines._timeline import Timeline, timeline_of
from iso10002.model import HistoryEvent

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
NAMES = ("ComplaintReceived", "ComplaintAssigned", "DeadlineExtended", "Waited")
STATES = (None, "investigating", "awaiting_information", "on_hold")


def _history(steps: list[tuple[int, int, int]]) -> tuple[HistoryEvent, ...]:
    return tuple(
        HistoryEvent(
            sequence=i + 1,
            name=NAMES[name],
            at=T0 + timedelta(hours=i + gap),
            actor="agent:1",
            to_state=STATES[state],
            data={"n": i},
        )
        for i, (name, state, gap) in enumerate(steps)
    )


def _view(timeline: Timeline) -> tuple[object, ...]:
    return (
        timeline.events,
        timeline.by_name,
        [(p.start, p.end) for p in timeline.pauses],
        timeline.extended,
        timeline.horizon,
        timeline.state,
    )


STEPS = st.lists(
    st.tuples(
        st.integers(0, len(NAMES) - 1),
        st.integers(0, len(STATES) - 1),
        st.integers(0, 0),
    ),
    max_size=25,
)
PAUSED = st.sampled_from(
    [frozenset(), frozenset({"awaiting_information"}), frozenset(STATES[2:])]
)


@given(STEPS, STEPS, PAUSED, st.integers(0, 30))
def test_reused_timelines_equal_fresh_ones(steps, other, paused, cut):
    history, unrelated = _history(steps), _history(other)
    for end in range(len(history) + 1):
        prefix = history[:end]
        assert _view(timeline_of(prefix, paused, None)) == _view(
            Timeline(prefix, paused, None)
        )
        # Another complaint in between, a repeat, and a cut-off time.
        assert _view(timeline_of(unrelated, paused, None)) == _view(
            Timeline(unrelated, paused, None)
        )
        assert _view(timeline_of(prefix, paused, None)) == _view(
            Timeline(prefix, paused, None)
        )
        now = T0 + timedelta(hours=cut)
        assert _view(timeline_of(prefix, paused, now)) == _view(
            Timeline(prefix, paused, now)
        )


def test_a_timeline_in_use_is_not_changed_by_a_longer_history():
    paused = frozenset({"awaiting_information"})
    history = _history([(0, 1, 0), (1, 2, 0)])
    shorter = timeline_of(history, paused, None)
    before = _view(shorter)
    resumed = _history([(0, 1, 0)] * 3)[2]  # leaves the paused state
    longer = timeline_of((*history, resumed), paused, None)
    assert _view(shorter) == before
    assert shorter.pauses[0].end is None
    assert longer.pauses[0].end == resumed.at
