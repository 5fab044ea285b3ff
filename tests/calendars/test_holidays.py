from __future__ import annotations

from datetime import date

import pytest

from iso10002.calendars import BusinessCalendar
from iso10002.calendars.holidays import HolidaysCalendar
from iso10002.errors import ValidationError


class TestHolidaysCalendar:
    def test_is_a_business_calendar(self):
        """The holidays-backed calendar satisfies the BusinessCalendar protocol."""
        assert isinstance(HolidaysCalendar("GB-ENG"), BusinessCalendar)

    @pytest.mark.parametrize(
        ("region", "day", "expected"),
        [
            ("GB-ENG", date(2025, 12, 25), False),  # Christmas Day
            ("GB-ENG", date(2025, 12, 26), False),  # Boxing Day
            ("GB-ENG", date(2026, 4, 3), False),  # Good Friday
            ("GB-ENG", date(2026, 4, 6), False),  # Easter Monday
            ("GB-SCT", date(2026, 4, 6), True),  # not a holiday in Scotland
            ("GB-SCT", date(2026, 1, 2), False),  # 2 January is, in Scotland only
            ("GB-ENG", date(2026, 1, 2), True),
            ("AU-NSW", date(2025, 10, 6), False),  # Labour Day in New South Wales
            ("AU-VIC", date(2025, 10, 6), True),
            ("US-NY", date(2025, 7, 4), False),
            ("DE", date(2025, 6, 9), False),  # Whit Monday
            ("DE-BY", date(2025, 6, 19), False),  # Corpus Christi in Bavaria
            ("DE", date(2025, 6, 19), True),
        ],
    )
    def test_public_holidays_are_closed(self, region, day, expected):
        """Public holidays of the region and subdivision are not business days."""
        assert HolidaysCalendar(region).is_business_day(day) is expected

    def test_christmas_is_skipped_when_adding(self):
        """From Christmas Eve, one business day later is after Boxing Day and the
        weekend."""
        cal = HolidaysCalendar("GB-ENG", zone="Europe/London")
        assert cal.add_business_days(date(2025, 12, 24), 1) == date(2025, 12, 29)

    def test_own_closures_are_added(self):
        """The organisation's own closed dates are closed on top of public holidays."""
        cal = HolidaysCalendar("GB-ENG", closed=[date(2025, 12, 24)])
        assert not cal.is_business_day(date(2025, 12, 24))

    def test_holiday_names_and_years(self):
        """A holiday's name is known and each year's holidays are looked up once."""
        cal = HolidaysCalendar("gb-eng")
        assert cal.region == "GB-ENG"
        assert cal.holiday_name(date(2025, 12, 25)) == "Christmas Day"
        assert cal.holiday_name(date(2025, 12, 24)) is None
        assert date(2026, 4, 3) in cal.holidays_in(2026)
        assert cal.holidays_in(2026) == cal.holidays_in(2026)
        assert HolidaysCalendar("US", zone="America/Chicago").region == "US"

    @pytest.mark.parametrize("region", ["XX", "GB-ZZZ", "", 42])
    def test_unknown_region_is_refused(self, region):
        """An unknown country or subdivision raises ValidationError naming region."""
        with pytest.raises(ValidationError) as info:
            HolidaysCalendar(region)
        assert info.value.field == "region"

    @pytest.mark.parametrize(
        ("call", "field"),
        [
            (lambda c: c.holidays_in(1800), "year"),
            (lambda c: c.holidays_in("2025"), "year"),
            (lambda c: c.holiday_name("2025-12-25"), "day"),
        ],
    )
    def test_bad_lookups_are_refused(self, call, field):
        """Years out of range and non-dates raise ValidationError."""
        with pytest.raises(ValidationError) as info:
            call(HolidaysCalendar("GB-ENG"))
        assert info.value.field == field

    def test_repr_names_region_and_zone(self):
        """The representation shows region and zone."""
        assert "GB-ENG" in repr(HolidaysCalendar("GB-ENG", zone="Europe/London"))
        assert "Europe/London" in repr(HolidaysCalendar("GB-ENG", zone="Europe/London"))


class TestRegionZone:
    @pytest.mark.parametrize(
        ("region", "zone"),
        [
            ("GB-ENG", "Europe/London"),
            ("GB-SCT", "Europe/London"),
            ("AU-NSW", "Australia/Sydney"),
            ("AU-WA", "Australia/Perth"),
            ("DE-BY", "Europe/Berlin"),
            ("CA-ON", "America/Toronto"),
            ("US-NY", "America/New_York"),
        ],
    )
    def test_a_region_calendar_takes_the_region_zone(self, region, zone):
        """Without a zone, a region's calendar reckons days in the region's zone."""
        assert str(HolidaysCalendar(region).zone) == zone

    def test_sydney_day_of_receipt_is_the_sydney_day(self):
        """23:30 UTC on a Sunday is Monday morning in Sydney: a business day."""
        from datetime import datetime, timezone  # noqa: PLC0415

        cal = HolidaysCalendar("AU-NSW")
        at = datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)
        assert cal.local_date(at) == date(2026, 3, 2)

    @pytest.mark.parametrize("region", ["AU", "US", "CA", "BR"])
    def test_a_country_spanning_zones_is_refused_without_a_zone(self, region):
        """AU, US, CA ... span zones: a subdivision or a zone is needed."""
        with pytest.raises(ValidationError, match="spans several time zones") as info:
            HolidaysCalendar(region)
        assert info.value.field == "zone"
        assert HolidaysCalendar(region, zone="UTC").region == region

    def test_an_explicit_zone_wins(self):
        """A zone given by the caller is kept."""
        assert str(HolidaysCalendar("GB-ENG", zone="UTC").zone) == "UTC"
