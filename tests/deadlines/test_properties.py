from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.calendars import WeekdayCalendar
from iso10002.calendars.holidays import HolidaysCalendar
from iso10002.deadlines import (
    BUILTIN_PACKS,
    Counting,
    Deadline,
    DeadlineKind,
    Measure,
    Pack,
    compute_deadlines,
    get_pack,
)
from iso10002.testing.strategies import utc_datetimes

UTC = timezone.utc
ZONES = ["UTC", "Europe/London", "Australia/Sydney", "America/New_York", "Asia/Kolkata"]
received_instants = utc_datetimes(
    min_value=datetime(2010, 1, 1), max_value=datetime(2040, 1, 1)
)
closures = st.lists(
    st.dates(min_value=date(2010, 1, 1), max_value=date(2040, 6, 1)), max_size=30
)


def business_pack(amount, clock, extension=None):
    return Pack(
        name="test.business",
        title="Business-day rule",
        effective_from=date(2000, 1, 1),
        deadlines=[
            Deadline(
                step="final_response",
                measure=Measure.BUSINESS_DAYS,
                amount=amount,
                clock=clock,
                deem_next_business_day=True,
            )
        ],
    )


def pausable_pack(measure, amount, clock):
    return Pack(
        name="test.pausable",
        title="Pausable rule",
        effective_from=date(2000, 1, 1),
        deadlines=[
            Deadline(step="final_response", measure=measure, amount=amount, clock=clock)
        ],
    )


measures = st.sampled_from(list(Measure))
clocks = st.sampled_from(list(Counting))


def compatible(measure, clock):
    return clock if measure is not Measure.HOURS else Counting.FROM_RECEIPT


class TestDeadlineProperties:
    @given(
        received=received_instants,
        amount=st.integers(1, 40),
        clock=clocks,
        zone=st.sampled_from(ZONES),
        closed=closures,
        region=st.sampled_from([None, "GB-ENG", "AU-NSW", "US", "DE-BY"]),
    )
    def test_business_day_rules_never_fall_on_closed_days(
        self, make_complaint, received, amount, clock, zone, closed, region
    ):
        """A business-day rule is always due on a business day of the calendar's
        zone."""
        cal = (
            WeekdayCalendar(zone=zone, closed=closed)
            if region is None
            else HolidaysCalendar(region, zone=zone, closed=closed)
        )
        computed = compute_deadlines(
            make_complaint(received), business_pack(amount, clock), cal
        )
        assert cal.is_business_day(cal.local_date(computed[0].due_at))
        assert computed[0].due_at > received

    @given(
        received=received_instants,
        measure=measures,
        amount=st.integers(1, 60),
        clock=clocks,
        offsets=st.lists(
            st.timedeltas(timedelta(0), timedelta(days=40)), min_size=2, max_size=6
        ),
        open_end=st.booleans(),
    )
    def test_adding_a_pause_never_makes_a_deadline_earlier(
        self, make_complaint, received, measure, amount, clock, offsets, open_end
    ):
        """Adding a wait for the complainant never moves any due date earlier."""
        pack = pausable_pack(measure, amount, compatible(measure, clock))
        cal = WeekdayCalendar(zone="Europe/London")
        instants = sorted(received + o for o in offsets)
        start, end = instants[0], instants[1]
        tail = [
            ("ComplaintAssessed", instants[-1] + timedelta(days=1), "investigating")
        ]
        pause = [("InformationRequested", start, "awaiting_complainant")]
        if not open_end:
            pause.append(("InformationReceived", end, "investigating"))
        without = make_complaint(received, tail if not open_end else [])
        with_pause = make_complaint(received, pause + (tail if not open_end else []))
        before = compute_deadlines(without, pack, cal)[0].due_at
        after = compute_deadlines(with_pause, pack, cal)[0].due_at
        assert after >= before

    @given(
        received=received_instants,
        name=st.sampled_from(BUILTIN_PACKS),
        delay=st.timedeltas(timedelta(0), timedelta(days=80)),
        extension=st.sampled_from(["holding", "until"]),
        until=st.timedeltas(timedelta(days=-90), timedelta(days=200)),
    )
    def test_extensions_never_shorten(
        self, make_complaint, received, name, delay, extension, until
    ):
        """A holding response or a recorded extension never moves a due date earlier."""
        pack = get_pack(name)
        cal = WeekdayCalendar(zone="Europe/London")
        at = received + delay
        last = pack.deadlines[-1]
        refused = last.kind is DeadlineKind.LIMIT and last.extension is None
        if extension == "until" and refused:
            return  # refused: see test_deadline_extended_refused_for_a_plain_limit
        if extension == "holding":
            event = ("HoldingResponseSent", at)
        else:
            data = {
                "step": pack.deadlines[-1].step,
                "reason": "complex case",
                "until": (received + until).isoformat(),
            }
            event = ("DeadlineExtended", at, None, data)
        plain = compute_deadlines(make_complaint(received), pack, cal)
        extended = compute_deadlines(make_complaint(received, [event]), pack, cal)
        for a, b in zip(plain, extended, strict=True):
            assert b.due_at >= a.due_at


class TestMachineTimeZone:
    @pytest.mark.skipif(not hasattr(time, "tzset"), reason="time.tzset is POSIX only")
    def test_results_do_not_depend_on_the_machine_zone(self, make_complaint):
        """Due dates are identical whatever the TZ of the process computing them."""
        cal = HolidaysCalendar("GB-ENG", zone="Europe/London")
        complaints = [
            make_complaint(datetime(2025, 3, 28, 23, 30, tzinfo=UTC)),
            make_complaint(datetime(2025, 10, 24, 17, 30, tzinfo=UTC)),
            make_complaint(datetime(2024, 2, 28, 12, tzinfo=UTC)),
        ]

        def everything():
            return [
                compute_deadlines(c, get_pack(name), cal)
                for c in complaints
                for name in BUILTIN_PACKS
            ]

        saved = os.environ.get("TZ")
        try:
            results = []
            for zone in (
                "UTC",
                "Pacific/Kiritimati",
                "America/St_Johns",
                "Asia/Kathmandu",
            ):
                os.environ["TZ"] = zone
                time.tzset()
                results.append(everything())
        finally:
            if saved is None:
                os.environ.pop("TZ", None)
            else:
                os.environ["TZ"] = saved
            time.tzset()
        assert all(r == results[0] for r in results[1:])
