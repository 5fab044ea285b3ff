"""Each pack rule against the wording of the rule it cites (issue 15, items 3, 5, 6)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.calendars import WeekdayCalendar
from iso10002.calendars.holidays import HolidaysCalendar
from iso10002.deadlines import (
    Counting,
    compute_deadlines,
    get_pack,
    limit_end,
)
from iso10002.errors import ValidationError

UK = HolidaysCalendar("GB-ENG", zone="Europe/London")
UTC = timezone.utc


def _due(complaint, pack, step, calendar=UK):
    found = compute_deadlines(complaint, get_pack(pack), calendar)
    return next(c for c in found if c.step == step)


class TestDisp151R:
    """DISP 1.5.1R: "by close of business on the third business day following the
    day on which it is received"; DISP 1.5.3G (deeming) is deleted."""

    def test_disp_1_5_1r_saturday_receipt_counts_from_saturday(
        self, make_complaint, local
    ):
        """Received Saturday: Mon, Tue, Wed are the three days; Wednesday 17:00."""
        c = make_complaint(local("2026-01-10T11:00", "Europe/London"))
        got = _due(c, "uk.fca.disp", "summary_resolution").due_at
        assert got == local("2026-01-14T17:00", "Europe/London")

    def test_disp_1_5_1r_after_close_of_business_counts_from_that_day(
        self, make_complaint, local
    ):
        """Received Monday 18:30: Tue, Wed, Thu; not deemed received on Tuesday."""
        c = make_complaint(local("2026-06-01T18:30", "Europe/London"))
        got = _due(c, "uk.fca.disp", "summary_resolution").due_at
        assert got == local("2026-06-04T17:00", "Europe/London")

    def test_disp_1_5_1r_pack_no_longer_deems(self):
        """The window neither deems nor ends at the end of the day."""
        window = get_pack("uk.fca.disp").deadline("summary_resolution")
        assert window.deem_next_business_day is False
        assert window.clock.ends == "close of business"
        assert window.citation == "DISP 1.5.1R, DISP 1.5.2AR"


class TestDisp162AR:
    """DISP 1.6.2AR: "by the end of 15 business days after the day on which it
    received the complaint" (35 after a holding reply)."""

    def test_disp_1_6_2ar_1_response_at_1800_on_day_15_is_in_time(
        self, make_complaint, local
    ):
        """A final response at 18:00 on the fifteenth business day meets the limit."""
        received = local("2026-03-02T10:00", "Europe/London")
        answered = local("2026-03-23T18:00", "Europe/London")
        c = make_complaint(
            received, [("DecisionCommunicated", answered, "decision_communicated")]
        )
        d = _due(c, "uk.fca.disp.psd", "final_response")
        assert d.due_at == local("2026-03-23T23:59:59", "Europe/London")
        assert d.met_at <= d.due_at

    def test_disp_1_6_2ar_2_holding_reply_at_1800_on_day_15_extends(
        self, make_complaint, local
    ):
        """A holding reply at 18:00 on day 15 still opens the 35-day limit."""
        received = local("2026-03-02T10:00", "Europe/London")
        holding = local("2026-03-23T18:00", "Europe/London")
        notice = {"reason_code": "third_party", "expected_by": "2026-04-17"}
        c = make_complaint(received, [("HoldingResponseSent", holding, None, notice)])
        d = _due(c, "uk.fca.disp.psd", "final_response")
        assert d.extended
        assert d.due_at == local("2026-04-22T23:59:59", "Europe/London")


class TestPsd2Art101:
    def test_psd2_art_101_2_ends_at_the_end_of_the_fifteenth_business_day(
        self, make_complaint, local
    ):
        """PSD2 Art. 101(2) names no hour: the end of the fifteenth business day."""
        berlin = HolidaysCalendar("DE", zone="Europe/Berlin")
        c = make_complaint(local("2026-03-02T10:00", "Europe/Berlin"))
        d = _due(c, "eu.psd2", "final_response", berlin)
        assert d.due_at == local("2026-03-23T23:59:59", "Europe/Berlin")


class TestDisp162R:
    def test_disp_1_6_2r_eight_weeks_end_of_day_across_summer_time(
        self, make_complaint, local
    ):
        """Eight weeks from 1 March 23:30 end at 23:59:59 London time on 26 April."""
        c = make_complaint(local("2026-03-01T23:30", "Europe/London"))
        d = _due(c, "uk.fca.disp", "final_response")
        assert d.due_at == local("2026-04-26T23:59:59", "Europe/London")


class TestLimitEnd:
    @settings(max_examples=150, deadline=None)
    @given(
        received=st.datetimes(
            min_value=datetime(2025, 1, 1),
            max_value=datetime(2027, 12, 31),
            timezones=st.just(UTC),
        ),
        pack=st.sampled_from(
            ["uk.fca.disp", "uk.fca.disp.psd", "eu.psd2", "au.asic.rg271"]
        ),
    )
    def test_limit_end_equals_the_engine_without_pauses(
        self, make_complaint, received, pack
    ):
        """limit_end is what compute_deadlines gives before pauses and extensions."""
        chosen = get_pack(pack)
        c = make_complaint(received)
        for computed in compute_deadlines(c, chosen, UK):
            rule = chosen.deadline(computed.step)
            assert limit_end(rule, received, UK) == computed.original_due_at

    def test_limit_end_refuses_naive_and_wrong_types(self):
        """Bad arguments name the field."""
        rule = get_pack("uk.fca.disp").deadline("final_response")
        with pytest.raises(ValidationError, match="received_at"):
            limit_end(rule, datetime(2026, 1, 1), UK)
        with pytest.raises(ValidationError, match="calendar"):
            limit_end(rule, datetime(2026, 1, 1, tzinfo=UTC), object())  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="deadline"):
            limit_end("x", datetime(2026, 1, 1, tzinfo=UTC), UK)  # type: ignore[arg-type]

    def test_counting_says_when_the_last_day_ends(self):
        """Each counting rule names when its last day ends."""
        assert [c.ends for c in Counting] == [
            "same time",
            "end of day",
            "close of business",
        ]

    def test_weekday_calendar_has_the_same_path(self, make_complaint):
        """A weekday calendar takes the same path (no holidays)."""
        cal = WeekdayCalendar(zone="Europe/London")
        received = datetime(2026, 7, 3, 16, 0, tzinfo=UTC)
        rule = get_pack("uk.fca.disp").deadline("summary_resolution")
        c = make_complaint(received)
        found = compute_deadlines(c, get_pack("uk.fca.disp"), cal)
        window = next(f for f in found if f.step == "summary_resolution")
        assert limit_end(rule, received, cal) == window.due_at
        assert window.due_at - received < timedelta(days=6)
