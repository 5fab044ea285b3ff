"""The business-calendar port and the business hours it keeps."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from typing import Any, Protocol, runtime_checkable

import attrs

from iso10002.errors import ValidationError

__all__ = ["BusinessCalendar", "BusinessHours"]


def _time(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise ValidationError.single(
            attribute.name, "must be a local time of day without a time zone"
        )


@attrs.frozen(kw_only=True)
class BusinessHours:
    """When the organisation is open on a business day, in its local zone.

    Args:
        opens: Local time the working day starts (default 09:00).
        closes: Local time of close of business (default 17:00).

    Raises:
        ValidationError: if either is not a naive ``time`` or ``closes`` is
            not after ``opens``.

    .. versionadded:: 0.1.0
    """

    opens: time = attrs.field(default=time(9), validator=_time)
    closes: time = attrs.field(default=time(17), validator=_time)

    def __attrs_post_init__(self) -> None:
        """Check that the day closes after it opens."""
        if self.closes <= self.opens:
            raise ValidationError.single("closes", "must be later than opens")


@runtime_checkable
class BusinessCalendar(Protocol):
    """Which days an organisation works, in which zone, and between which hours.

    Days are the organisation's local calendar days; instants given to and
    returned by a calendar are timezone-aware (returned ones in UTC).

    .. versionadded:: 0.1.0
    """

    @property
    def zone(self) -> tzinfo:
        """Return the organisation's local time zone."""
        ...

    @property
    def hours(self) -> BusinessHours:
        """Return the business hours of a working day."""
        ...

    def is_business_day(self, day: date) -> bool:
        """Tell whether ``day`` is a working day (not a weekend or closure)."""
        ...

    def is_business_time(self, at: datetime) -> bool:
        """Tell whether ``at`` is within business hours of a business day."""
        ...

    def local_date(self, at: datetime) -> date:
        """Return the local calendar day on which the instant ``at`` falls."""
        ...

    def add_business_days(self, day: date, count: int) -> date:
        """Return the ``count``-th business day after ``day`` (``day`` itself for 0)."""
        ...

    def business_days_between(self, start: date, end: date) -> int:
        """Count the business days ``d`` with ``start <= d < end``."""
        ...

    def close_of_business(self, day: date) -> datetime:
        """Return the instant (UTC) of close of business on ``day``."""
        ...

    def opening(self, day: date) -> datetime:
        """Return the instant (UTC) the working day ``day`` opens."""
        ...

    def end_of_day(self, day: date) -> datetime:
        """Return the last second (UTC instant) of the local day ``day``."""
        ...
