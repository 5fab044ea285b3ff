from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from iso10002.calendars import WeekdayCalendar
from iso10002.deadlines import DeadlineState, get_pack, status_of_deadlines
from iso10002.errors import ValidationError

UTC = timezone.utc
RECEIVED = datetime(2025, 1, 10, 10, tzinfo=UTC)  # a Friday
CAL = WeekdayCalendar()


def states(complaint, now, pack="iso10002", **kwargs):
    found = status_of_deadlines(
        complaint, now, pack=get_pack(pack), calendar=CAL, **kwargs
    )
    return {s.step: s for s in found}


class TestStatusOfDeadlines:
    def test_pending_with_time_left(self, make_complaint):
        """A step due later than the margin is pending, with the time left."""
        found = states(make_complaint(RECEIVED), RECEIVED)
        final = found["final_response"]
        assert final.state is DeadlineState.PENDING
        assert final.time_left == final.due_at - RECEIVED
        assert final.overdue_by is None

    def test_at_risk_within_margin(self, make_complaint):
        """A step due within the margin is at risk; a smaller margin makes it
        pending."""
        now = datetime(2025, 1, 14, 9, tzinfo=UTC)
        assert (
            states(make_complaint(RECEIVED), now)["acknowledge"].state
            is DeadlineState.AT_RISK
        )
        narrow = states(make_complaint(RECEIVED), now, margin=timedelta(hours=1))
        assert narrow["acknowledge"].state is DeadlineState.PENDING

    def test_breached_by_how_much(self, make_complaint):
        """An unmet step past its due date is breached, by the time since it was due."""
        now = datetime(2025, 1, 15, 17, tzinfo=UTC)
        ack = states(make_complaint(RECEIVED), now)["acknowledge"]
        assert ack.state is DeadlineState.BREACHED
        assert ack.overdue_by == timedelta(days=1)

    def test_met_on_time_and_late(self, make_complaint):
        """A step met by its due date is met; met late, it is breached by the delay."""
        on_time = make_complaint(
            RECEIVED,
            [("ComplaintAcknowledged", RECEIVED + timedelta(hours=2), "acknowledged")],
        )
        late_at = datetime(2025, 1, 16, 17, tzinfo=UTC)
        late = make_complaint(
            RECEIVED, [("ComplaintAcknowledged", late_at, "acknowledged")]
        )
        now = datetime(2025, 2, 1, tzinfo=UTC)
        met = states(on_time, now)["acknowledge"]
        assert met.state is DeadlineState.MET
        assert met.met_at == RECEIVED + timedelta(hours=2)
        breached = states(late, now)["acknowledge"]
        assert breached.state is DeadlineState.BREACHED
        assert breached.overdue_by == timedelta(days=2)

    def test_events_after_now_are_ignored(self, make_complaint):
        """Judging at a past instant ignores later events."""
        acked = datetime(2025, 1, 13, 10, tzinfo=UTC)
        complaint = make_complaint(
            RECEIVED, [("ComplaintAcknowledged", acked, "acknowledged")]
        )
        before = states(complaint, acked - timedelta(minutes=1))["acknowledge"]
        assert before.state is not DeadlineState.MET

    def test_paused(self, make_complaint):
        """A pausable step whose clock is stopped is paused, and its time left stays
        fixed."""
        asked = datetime(2025, 1, 15, 10, tzinfo=UTC)
        complaint = make_complaint(
            RECEIVED, [("InformationRequested", asked, "awaiting_complainant")]
        )
        one = states(complaint, asked + timedelta(days=3))["final_response"]
        two = states(complaint, asked + timedelta(days=10))["final_response"]
        assert one.state is two.state is DeadlineState.PAUSED
        assert one.time_left == two.time_left

    def test_window_lapses_but_is_never_breached(self, make_complaint):
        """A missed fast-path window is lapsed, not breached."""
        found = states(
            make_complaint(RECEIVED), datetime(2025, 3, 1, tzinfo=UTC), "uk.fca.disp"
        )
        assert found["summary_resolution"].state is DeadlineState.LAPSED
        assert found["summary_resolution"].overdue_by is None
        accepted = make_complaint(
            RECEIVED, [("ComplainantAccepted", RECEIVED + timedelta(days=1), "closed")]
        )
        won = states(accepted, datetime(2025, 3, 1, tzinfo=UTC), "uk.fca.disp")
        assert won["summary_resolution"].state is DeadlineState.MET

    def test_void_after_withdrawal(self, make_complaint):
        """Unmet steps of a withdrawn complaint are void."""
        complaint = make_complaint(
            RECEIVED,
            [("ComplaintWithdrawn", RECEIVED + timedelta(days=1), "withdrawn")],
        )
        found = states(complaint, datetime(2025, 6, 1, tzinfo=UTC))
        assert {s.state for s in found.values()} == {DeadlineState.VOID}

    @pytest.mark.parametrize(
        ("now", "margin", "field"),
        [
            (datetime(2025, 1, 1), timedelta(days=1), "now"),
            (datetime(2025, 1, 1, tzinfo=UTC), timedelta(days=-1), "margin"),
            (datetime(2025, 1, 1, tzinfo=UTC), 3, "margin"),
        ],
    )
    def test_bad_input(self, make_complaint, now, margin, field):
        """Naive instants and negative margins raise ValidationError."""
        with pytest.raises(ValidationError) as info:
            states(make_complaint(RECEIVED), now, margin=margin)
        assert info.value.field == field
