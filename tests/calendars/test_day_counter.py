"""DayCounter counts business days by the calendars' one convention."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.calendars import DayCounter, WeekdayCalendar
from iso10002.errors import ValidationError

CALENDAR = WeekdayCalendar(zone="Europe/London", closed=[date(2026, 12, 25)])
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


class TestDayCounter:
    def test_a_hand_counted_fortnight(self):
        """Mon 21 Dec 2026 up to Mon 4 Jan 2027 (excluded): 9, Christmas closed."""
        counter = DayCounter(CALENDAR)
        assert counter.between(date(2026, 12, 21), date(2027, 1, 4)) == 9

    @given(start=DAYS, days=st.integers(-40, 400))
    def test_between_is_business_days_between(self, start, days):
        """``between`` equals the calendar's own ``business_days_between``."""
        end = start + timedelta(days=days)
        assert DayCounter(CALENDAR).between(start, end) == (
            CALENDAR.business_days_between(start, end)
        )

    @given(start=DAYS, days=st.integers(0, 400))
    def test_upto_differences_count_the_days_after_the_start(self, start, days):
        """``upto(b) - upto(a)`` counts the business days after ``a`` through ``b``."""
        end = start + timedelta(days=days)
        counter = DayCounter(CALENDAR)
        after = counter.upto(end.toordinal()) - counter.upto(start.toordinal())
        one = timedelta(days=1)
        assert after == CALENDAR.business_days_between(start + one, end + one)

    def test_weekdays_in_utc_by_default(self):
        """Without a calendar, Monday to Friday in UTC count."""
        assert DayCounter().between(date(2026, 1, 5), date(2026, 1, 12)) == 5

    def test_rejects_what_is_not_a_calendar(self):
        """An object without ``zone`` and ``is_business_day`` names ``calendar``."""
        with pytest.raises(ValidationError) as raised:
            DayCounter("UTC")  # type: ignore[arg-type]
        assert raised.value.problems[0][0] == "calendar"
