from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.calendars import BusinessCalendar, BusinessHours, WeekdayCalendar
from iso10002.errors import ValidationError

LONDON = ZoneInfo("Europe/London")
ZONES = ["UTC", "Europe/London", "Australia/Sydney", "America/New_York", "Asia/Kolkata"]
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


class TestBusinessHours:
    def test_defaults_are_nine_to_five(self):
        """The default working day runs from 09:00 to 17:00."""
        hours = BusinessHours()
        assert (hours.opens, hours.closes) == (time(9), time(17))

    @pytest.mark.parametrize(
        ("opens", "closes", "field"),
        [
            (time(17), time(9), "closes"),
            (time(9), time(9), "closes"),
            ("09:00", time(17), "opens"),
            (time(9, tzinfo=timezone.utc), time(17), "opens"),
        ],
    )
    def test_bad_hours_are_refused(self, opens, closes, field):
        """Hours that are not naive times, or close before they open, raise
        ValidationError."""
        with pytest.raises(ValidationError) as info:
            BusinessHours(opens=opens, closes=closes)
        assert info.value.field == field


class TestWeekdayCalendar:
    def test_is_a_business_calendar(self):
        """The weekday calendar satisfies the BusinessCalendar protocol."""
        assert isinstance(WeekdayCalendar(), BusinessCalendar)

    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (date(2025, 8, 22), True),  # Friday
            (date(2025, 8, 23), False),  # Saturday
            (date(2025, 8, 24), False),  # Sunday
            (date(2025, 8, 25), True),  # bank holiday, unknown to this calendar
        ],
    )
    def test_weekends_are_closed(self, day, expected):
        """Saturdays and Sundays are closed; every weekday is open."""
        assert WeekdayCalendar().is_business_day(day) is expected

    def test_extra_closures_are_closed(self):
        """Dates listed as closed are not business days."""
        cal = WeekdayCalendar(closed=[date(2025, 8, 25)])
        assert not cal.is_business_day(date(2025, 8, 25))
        assert cal.add_business_days(date(2025, 8, 22), 1) == date(2025, 8, 26)

    def test_custom_weekend(self):
        """A Friday-Saturday weekend makes Sunday a business day."""
        cal = WeekdayCalendar(weekend=(4, 5))
        assert cal.is_business_day(date(2025, 8, 24))
        assert not cal.is_business_day(date(2025, 8, 22))

    @pytest.mark.parametrize(
        ("start", "count", "expected"),
        [
            (date(2025, 8, 22), 0, date(2025, 8, 22)),
            (date(2025, 8, 22), 1, date(2025, 8, 25)),
            (date(2025, 8, 23), 1, date(2025, 8, 25)),
            (date(2025, 1, 31), 20, date(2025, 2, 28)),
            (date(2024, 2, 28), 1, date(2024, 2, 29)),  # leap day is a Thursday
        ],
    )
    def test_add_business_days(self, start, count, expected):
        """Adding business days skips weekends and crosses month ends and leap days."""
        assert WeekdayCalendar().add_business_days(start, count) == expected

    def test_business_days_between_counts_half_open_range(self):
        """Counting runs from the start day up to, not including, the end day."""
        cal = WeekdayCalendar()
        assert cal.business_days_between(date(2025, 8, 18), date(2025, 8, 25)) == 5
        assert cal.business_days_between(date(2025, 8, 25), date(2025, 8, 18)) == 0

    def test_close_of_business_is_local(self):
        """Close of business is 17:00 local time, returned in UTC, across a DST
        change."""
        cal = WeekdayCalendar(zone="Europe/London")
        assert cal.close_of_business(date(2025, 3, 28)) == datetime(
            2025, 3, 28, 17, tzinfo=timezone.utc
        )
        assert cal.close_of_business(date(2025, 3, 31)) == datetime(
            2025, 3, 31, 16, tzinfo=timezone.utc
        )
        assert cal.end_of_day(date(2025, 3, 31)) == datetime(
            2025, 3, 31, 22, 59, 59, tzinfo=timezone.utc
        )
        assert cal.opening(date(2025, 3, 31)).astimezone(LONDON).time() == time(9)

    @pytest.mark.parametrize(
        ("at", "expected"),
        [
            (datetime(2025, 6, 2, 8, 0, tzinfo=timezone.utc), True),  # 09:00 BST
            (datetime(2025, 6, 2, 7, 59, tzinfo=timezone.utc), False),
            (datetime(2025, 6, 2, 16, 0, tzinfo=timezone.utc), False),  # 17:00 BST
            (datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc), False),  # Sunday
        ],
    )
    def test_business_time(self, at, expected):
        """Business time is within local hours on a business day."""
        assert WeekdayCalendar(zone="Europe/London").is_business_time(at) is expected

    def test_local_date_uses_the_calendar_zone(self):
        """An instant late in the UTC evening is the next day in Sydney."""
        at = datetime(2025, 8, 22, 20, tzinfo=timezone.utc)
        assert WeekdayCalendar(zone="Australia/Sydney").local_date(at) == date(
            2025, 8, 23
        )
        assert WeekdayCalendar(zone="UTC").local_date(at) == date(2025, 8, 22)

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"zone": "Mars/Olympus"}, "zone"),
            ({"zone": ""}, "zone"),
            ({"weekend": (7,)}, "weekend"),
            ({"weekend": range(7)}, "weekend"),
            ({"weekend": 5}, "weekend"),
            ({"closed": ["2025-01-01"]}, "closed[0]"),
            ({"closed": 3}, "closed"),
            ({"hours": "9-5"}, "hours"),
        ],
    )
    def test_bad_settings_are_refused(self, kwargs, field):
        """Unknown zones, bad weekends, closures and hours raise ValidationError naming
        the field."""
        with pytest.raises(ValidationError) as info:
            WeekdayCalendar(**kwargs)
        assert info.value.field == field

    @pytest.mark.parametrize(
        ("call", "field"),
        [
            (lambda c: c.add_business_days(date(2025, 1, 1), -1), "count"),
            (lambda c: c.add_business_days(date(2025, 1, 1), 1.5), "count"),
            (
                lambda c: c.add_business_days(
                    datetime(2025, 1, 1, tzinfo=timezone.utc), 1
                ),
                "day",
            ),
            (lambda c: c.is_business_time(datetime(2025, 1, 1, 10)), "at"),
            (lambda c: c.local_date("2025-01-01"), "at"),
            (lambda c: c.is_business_day("2025-01-01"), "day"),
        ],
    )
    def test_bad_arguments_are_refused(self, call, field):
        """Negative counts, naive datetimes and non-dates raise ValidationError."""
        with pytest.raises(ValidationError) as info:
            call(WeekdayCalendar())
        assert info.value.field == field

    @given(day=days, count=st.integers(1, 60), zone=st.sampled_from(ZONES))
    def test_added_days_land_on_business_days(self, day, count, zone):
        """Adding at least one business day always lands on a business day after the
        start."""
        cal = WeekdayCalendar(zone=zone, closed=[day + timedelta(days=3)])
        result = cal.add_business_days(day, count)
        assert result > day
        assert cal.is_business_day(result)
        assert cal.business_days_between(
            day + timedelta(days=1), result + timedelta(days=1)
        ) == (count)


class TestCountingRange:
    def test_far_future_counts_stop_at_year_9999(self):
        """Counting past the last supported year raises ValidationError naming count."""
        with pytest.raises(ValidationError) as info:
            WeekdayCalendar().add_business_days(date(9999, 12, 1), 100)
        assert info.value.field == "count"

    def test_counts_across_distant_years_agree_with_stepping(self):
        """Business days far apart are counted as stepping day by day would."""
        cal = WeekdayCalendar(closed=[date(2031, 5, 6)])
        assert cal.add_business_days(date(2030, 12, 31), 1) == date(2031, 1, 1)
        assert cal.business_days_between(date(2010, 1, 1), date(2010, 1, 8)) == 5
        day, stepped = date(2031, 5, 1), 0
        while stepped < 3:
            day += timedelta(days=1)
            stepped += cal.is_business_day(day)
        assert cal.add_business_days(date(2031, 5, 1), 3) == day == date(2031, 5, 7)
