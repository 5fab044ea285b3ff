"""Injected identity: unique ids sortable by creation time, and human references.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import os
import threading
from typing import Protocol, runtime_checkable

from iso10002.clock import Clock, SystemClock
from iso10002.errors import ValidationError

__all__ = ["IdFactory", "SequentialIdFactory", "UlidFactory", "format_reference"]

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RANDOM_BITS = 80
_RANDOM_MAX = (1 << _RANDOM_BITS) - 1


@runtime_checkable
class IdFactory(Protocol):
    """Anything that makes new unique complaint ids.

    .. versionadded:: 0.1.0
    """

    def new_id(self) -> str:
        """Return a new id, never returned before."""
        ...


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        chars.append(_CROCKFORD[digit])
    return "".join(reversed(chars))


class UlidFactory:
    """Make ULIDs: 26 characters, lexicographically sortable by creation time.

    Ids made by one factory in the same millisecond are strictly increasing
    (monotonic ULIDs), so sorting by id is sorting by creation.

    Args:
        clock: Where the timestamp part comes from (the system clock by default).

    .. versionadded:: 0.1.0
    """

    def __init__(self, clock: Clock | None = None) -> None:
        """Create the factory."""
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._last_ms = -1
        self._last_random = 0

    def new_id(self) -> str:
        """Return a new ULID.

        Raises:
            ValidationError: naming ``clock`` if it reads before 1970-01-01
                UTC (a ULID's time part counts milliseconds since then).
        """
        ms = int(self._clock.now().timestamp() * 1000)
        if ms < 0:
            raise ValidationError.single(
                "clock", "must read 1970-01-01 UTC or later to make ULIDs"
            )
        with self._lock:
            if ms <= self._last_ms:
                ms = self._last_ms
                random = self._last_random + 1
                if random > _RANDOM_MAX:  # pragma: no cover - 2**80 ids in one ms
                    ms += 1
                    random = int.from_bytes(os.urandom(10), "big") >> 1
            else:
                random = int.from_bytes(os.urandom(10), "big") >> 1
            self._last_ms, self._last_random = ms, random
        return _encode(ms, 10) + _encode(random, 16)


class SequentialIdFactory:
    """Make predictable ids ``<prefix>-000001``, ``<prefix>-000002`` … for tests.

    Args:
        prefix: Text before the number.
        start: The first number.

    .. versionadded:: 0.1.0
    """

    def __init__(self, prefix: str = "C", start: int = 1) -> None:
        """Create the factory."""
        self._prefix = prefix
        self._next = start
        self._lock = threading.Lock()

    def new_id(self) -> str:
        """Return the next id."""
        with self._lock:
            number = self._next
            self._next += 1
        return f"{self._prefix}-{number:06d}"


def format_reference(year: int, number: int, prefix: str = "CMP") -> str:
    """Format a human reference such as ``CMP-2026-000123``.

    Args:
        year: The year of receipt.
        number: The running number within the year (1 or more).
        prefix: The organisation's prefix.

    Returns:
        The reference.

    Raises:
        ValidationError: if the year or number is out of range.

    .. versionadded:: 0.1.0
    """
    if not 1 <= year <= 9999:  # noqa: PLR2004 - four-digit years
        raise ValidationError.single("year", "must be between 1 and 9999")
    if number < 1:
        raise ValidationError.single("number", "must be at least 1")
    return f"{prefix}-{year:04d}-{number:06d}"
