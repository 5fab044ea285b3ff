"""How a deadline counts: its unit, where counting starts and ends, what a miss is."""

from __future__ import annotations

import enum

__all__ = ["Counting", "DeadlineKind", "Measure"]


class Measure(str, enum.Enum):
    """The unit a deadline's amount is counted in.

    .. versionadded:: 0.1.0
    """

    HOURS = "hours"
    CALENDAR_DAYS = "calendar_days"
    BUSINESS_DAYS = "business_days"
    WEEKS = "weeks"


class Counting(str, enum.Enum):
    """How the counting starts and where the last day ends.

    ``FROM_RECEIPT``: the amount runs from the instant of receipt (same local
    time of day on the last day; hours are elapsed hours).
    ``FROM_DAY_AFTER_RECEIPT``: day 1 is the day after the day of receipt; due
    at the end (23:59:59 local) of the last day.
    ``CLOSE_OF_BUSINESS``: due at close of business on the last day counted
    from the day after the day of receipt.

    .. versionadded:: 0.1.0
    """

    FROM_RECEIPT = "from_receipt"
    FROM_DAY_AFTER_RECEIPT = "from_day_after_receipt"
    CLOSE_OF_BUSINESS = "close_of_business"

    @property
    def ends(self) -> str:
        """Say when the last day ends (same time, end of day or close of business).

        A rule that says "by the end of" a day (DISP 1.6.2R, DISP 1.6.2AR)
        ends at the end of the day; one that says "by close of business"
        (DISP 1.5.1R) at the calendar's close of business.

        .. versionadded:: 0.2.0
        """
        return _ENDS[self.value]


_ENDS = {
    "from_receipt": "same time",
    "from_day_after_receipt": "end of day",
    "close_of_business": "close of business",
}


class DeadlineKind(str, enum.Enum):
    """What missing a deadline means.

    ``LIMIT``: a regulatory time limit (missing it is a breach). ``TARGET``: an
    organisation's own target (missing it is reported as breached too).
    ``WINDOW``: a fast path open until the due date (missing it only closes
    the window, it is never a breach).

    .. versionadded:: 0.1.0
    """

    LIMIT = "limit"
    TARGET = "target"
    WINDOW = "window"
