"""A business calendar backed by the ``holidays`` package (extra ``holidays``).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, tzinfo

import holidays as _holidays

from iso10002.calendars._base import CalendarBase
from iso10002.calendars._protocol import BusinessHours
from iso10002.calendars._zones import zone_for_region
from iso10002.errors import ValidationError

__all__ = ["HolidaysCalendar"]

_MIN_YEAR = 1900
_MAX_YEAR = 2200


def _split(region: str) -> tuple[str, str | None]:
    if not isinstance(region, str) or not region.strip():
        raise ValidationError.single(
            "region", "must be a country code such as 'GB-ENG'"
        )
    country, _, subdivision = region.strip().partition("-")
    return country.upper(), (subdivision.upper() or None)


class HolidaysCalendar(CalendarBase):
    """Weekdays minus the public holidays of a country or subdivision and own closures.

    Holidays are looked up once per year and cached, so counting business days
    costs about as much as on :class:`~iso10002.calendars.WeekdayCalendar`.

    Args:
        region: ISO 3166 country, optionally with its subdivision:
            ``"GB-ENG"``, ``"AU-NSW"``, ``"US"``, ``"DE-BY"``.
        zone: The organisation's IANA time zone, e.g. ``"Europe/London"``;
            by default the region's own zone (``GB-ENG`` is
            ``Europe/London``, ``AU-NSW`` ``Australia/Sydney``).
        hours: Business hours (09:00 to 17:00 by default).
        weekend: Weekday numbers never worked (0 = Monday).
        closed: Extra dates the organisation is closed.

    Raises:
        ValidationError: for an unknown country or subdivision, an unknown zone,
            bad hours, weekend or dates; naming ``zone`` when none is given
            and the region spans several zones (``"AU"``, ``"US"``) or has
            no zone on record.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       The zone defaults to the region's zone instead of UTC.
    """

    __slots__ = ("_by_year", "_country", "_subdivision")

    def __init__(
        self,
        region: str,
        *,
        zone: str | tzinfo | None = None,
        hours: BusinessHours | None = None,
        weekend: Iterable[int] = (5, 6),
        closed: Iterable[date] = (),
    ) -> None:
        """Check the region with the ``holidays`` package and build the calendar."""
        country, subdivision = _split(region)
        try:
            _holidays.country_holidays(country, subdiv=subdivision, years=())
        except NotImplementedError:
            raise ValidationError.single(
                "region", f"unknown country or subdivision {region!r}"
            ) from None
        if zone is None:
            zone = zone_for_region(region)
        super().__init__(zone=zone, hours=hours, weekend=weekend, closed=closed)
        self._country, self._subdivision = country, subdivision
        self._by_year: dict[int, dict[date, str]] = {}

    @property
    def region(self) -> str:
        """Return the region as ``COUNTRY`` or ``COUNTRY-SUBDIVISION``."""
        if self._subdivision:
            return f"{self._country}-{self._subdivision}"
        return self._country

    def _year(self, year: int) -> dict[date, str]:
        found = self._by_year.get(year)
        if found is None:
            if isinstance(year, bool) or not isinstance(year, int):
                raise ValidationError.single("year", "must be an integer")
            if not _MIN_YEAR <= year <= _MAX_YEAR:
                raise ValidationError.single(
                    "year", f"must be between {_MIN_YEAR} and {_MAX_YEAR}"
                )
            table = _holidays.country_holidays(
                self._country, subdiv=self._subdivision, years=year
            )
            found = {day: str(name) for day, name in table.items() if day.year == year}
            self._by_year[year] = found
        return found

    def holidays_in(self, year: int) -> frozenset[date]:
        """Return the public holidays of ``year`` (looked up once, then cached).

        Args:
            year: A calendar year between 1900 and 2200.

        Returns:
            The dates of that year's public holidays in this region.

        Raises:
            ValidationError: if ``year`` is not an integer in range.
        """
        return frozenset(self._year(year))

    def holiday_name(self, day: date) -> str | None:
        """Return the name of the public holiday on ``day``, or ``None``.

        Raises:
            ValidationError: if ``day`` is not a date in a supported year.
        """
        if isinstance(day, datetime) or not isinstance(day, date):
            raise ValidationError.single("day", "must be a date")
        return self._year(day.year).get(day)

    def _holiday(self, day: date) -> bool:
        found = self._by_year.get(day.year)
        if found is None:
            found = self._year(day.year)
        return day in found

    def __repr__(self) -> str:
        """Show the region, zone and how many closures were added."""
        return (
            f"HolidaysCalendar({self.region!r}, zone={self.zone!s}, "
            f"closed={len(self.closed)} dates)"
        )
