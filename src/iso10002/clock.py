"""Injected time: the domain never calls ``datetime.now()`` itself.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Protocol, runtime_checkable

from iso10002.errors import ValidationError

__all__ = ["Clock", "FixedClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """Anything that tells the current time as a timezone-aware UTC datetime.

    .. versionadded:: 0.1.0
    """

    def now(self) -> datetime:
        """Return the current instant (timezone-aware, UTC)."""
        ...


class SystemClock:
    """The real clock.

    .. versionadded:: 0.1.0
    """

    def now(self) -> datetime:
        """Return the current UTC time."""
        return datetime.now(timezone.utc)

    def __repr__(self) -> str:
        """Name the clock."""
        return "SystemClock()"


class FixedClock:
    """A clock that only moves when told to; for tests, simulations and replays.

    Args:
        at: The starting instant (timezone-aware).

    Raises:
        ValidationError: if ``at`` is naive.

    .. versionadded:: 0.1.0
    """

    def __init__(self, at: datetime) -> None:
        """Start the clock at ``at``."""
        self._now = _aware("at", at)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Return the clock's current instant."""
        return self._now

    def set(self, at: datetime) -> None:
        """Move the clock to ``at`` (forwards or backwards)."""
        checked = _aware("at", at)
        with self._lock:
            self._now = checked

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forwards by ``delta`` and return the new instant.

        Raises:
            ValidationError: if ``delta`` is negative.
        """
        if not isinstance(delta, timedelta) or delta < timedelta(0):
            raise ValidationError.single("delta", "must be a non-negative timedelta")
        with self._lock:
            self._now += delta
            return self._now

    def __repr__(self) -> str:
        """Show the current instant."""
        return f"FixedClock({self._now.isoformat()})"


def _aware(field: str, value: datetime) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValidationError.single(field, "must be a timezone-aware datetime")
    return value.astimezone(timezone.utc)
