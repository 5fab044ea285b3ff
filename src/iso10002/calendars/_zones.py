"""The time zone of a holiday region, where the region has exactly one."""

from __future__ import annotations

from iso10002.errors import ValidationError

__all__ = ["MULTI_ZONE_COUNTRIES", "REGION_ZONES", "zone_for_region"]

_SINGLE = {
    "AT": "Europe/Vienna",
    "BE": "Europe/Brussels",
    "CH": "Europe/Zurich",
    "CZ": "Europe/Prague",
    "DE": "Europe/Berlin",
    "DK": "Europe/Copenhagen",
    "FI": "Europe/Helsinki",
    "FR": "Europe/Paris",
    "GB": "Europe/London",
    "GR": "Europe/Athens",
    "HK": "Asia/Hong_Kong",
    "HU": "Europe/Budapest",
    "IE": "Europe/Dublin",
    "IN": "Asia/Kolkata",
    "IT": "Europe/Rome",
    "JP": "Asia/Tokyo",
    "LU": "Europe/Luxembourg",
    "NL": "Europe/Amsterdam",
    "NO": "Europe/Oslo",
    "PL": "Europe/Warsaw",
    "SE": "Europe/Stockholm",
    "SG": "Asia/Singapore",
    "SK": "Europe/Bratislava",
    "ZA": "Africa/Johannesburg",
}
_SUBDIVISIONS = {
    "AU-ACT": "Australia/Sydney",
    "AU-NSW": "Australia/Sydney",
    "AU-NT": "Australia/Darwin",
    "AU-QLD": "Australia/Brisbane",
    "AU-SA": "Australia/Adelaide",
    "AU-TAS": "Australia/Hobart",
    "AU-VIC": "Australia/Melbourne",
    "AU-WA": "Australia/Perth",
    "CA-AB": "America/Edmonton",
    "CA-BC": "America/Vancouver",
    "CA-MB": "America/Winnipeg",
    "CA-NB": "America/Moncton",
    "CA-NL": "America/St_Johns",
    "CA-NS": "America/Halifax",
    "CA-ON": "America/Toronto",
    "CA-PE": "America/Halifax",
    "CA-QC": "America/Toronto",
    "CA-SK": "America/Regina",
    "US-CA": "America/Los_Angeles",
    "US-CO": "America/Denver",
    "US-CT": "America/New_York",
    "US-DC": "America/New_York",
    "US-DE": "America/New_York",
    "US-GA": "America/New_York",
    "US-HI": "Pacific/Honolulu",
    "US-IL": "America/Chicago",
    "US-MA": "America/New_York",
    "US-MD": "America/New_York",
    "US-NC": "America/New_York",
    "US-NJ": "America/New_York",
    "US-NY": "America/New_York",
    "US-OH": "America/New_York",
    "US-PA": "America/New_York",
    "US-VA": "America/New_York",
    "US-WA": "America/Los_Angeles",
}
REGION_ZONES: dict[str, str] = {**_SINGLE, **_SUBDIVISIONS}
"""Regions whose legal time is one IANA zone (a country, or a subdivision).

A subdivision of a country listed here takes the country's zone
(``GB-ENG`` is ``Europe/London``). Provinces and states are listed where the
zone named is the one of the capital and main business centres (Ontario's
far north-west keeps Central time: give ``zone`` there).
"""

MULTI_ZONE_COUNTRIES: frozenset[str] = frozenset(
    {"AU", "BR", "CA", "ES", "ID", "KZ", "MX", "NZ", "PT", "RU", "US"}
)
"""Countries that span time zones: a calendar for them needs a subdivision or a zone."""


def zone_for_region(region: str) -> str:
    """Return the IANA zone of a holiday region such as ``GB-ENG`` or ``AU-NSW``.

    Raises:
        ValidationError: naming ``zone`` when the region spans zones or is not
            in :data:`REGION_ZONES`: the caller must then give the zone.
    """
    key = region.strip().upper()
    country = key.partition("-")[0]
    found = REGION_ZONES.get(key)
    if found is None and country not in MULTI_ZONE_COUNTRIES:
        found = REGION_ZONES.get(country)
    if found is not None:
        return found
    if key == country and country in MULTI_ZONE_COUNTRIES:
        msg = (
            f"region {region!r} spans several time zones: give a subdivision "
            "(e.g. 'AU-NSW') or the zone (e.g. zone='Australia/Sydney')"
        )
    else:
        msg = (
            f"no single time zone is known for region {region!r}: give the zone, "
            "e.g. zone='Europe/London'"
        )
    raise ValidationError.single("zone", msg)
