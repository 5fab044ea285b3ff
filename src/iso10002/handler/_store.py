"""Durable handler state next to the complaints: subscriber positions and counters."""

from __future__ import annotations

import re
import threading
from typing import Any, Protocol, runtime_checkable

from iso10002.errors import ValidationError

__all__ = [
    "CheckpointStore",
    "InMemoryHandlerStore",
    "SequenceStore",
    "check_name",
    "check_position_value",
]

_MAX_NAME = 200
_MAX_POSITION = 2**63 - 1
# Control characters and lone surrogates (which no driver can encode).
_BAD_CHARACTER = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def check_name(field: str, value: Any) -> str:
    """Return ``value`` if it is a usable subscriber or counter name."""
    if (
        not isinstance(value, str)
        or not value.strip()
        or len(value) > _MAX_NAME
        or _BAD_CHARACTER.search(value)
    ):
        raise ValidationError.single(
            field,
            f"must be a non-empty string of at most {_MAX_NAME} characters "
            "without control characters",
        )
    return value


def check_position_value(field: str, value: Any) -> int:
    """Return ``value`` if it is a feed position (0 to 2**63 - 1)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value <= _MAX_POSITION
    ):
        raise ValidationError.single(
            field, f"must be an integer from 0 to {_MAX_POSITION}"
        )
    return value


@runtime_checkable
class CheckpointStore(Protocol):
    """Where each durable subscriber's position in the event feed is kept.

    Implementations keep positions in the same database as the complaints
    (:class:`~iso10002.handler.sqlite.SQLiteHandlerStore`,
    :class:`~iso10002.handler.postgres.PostgresHandlerStore`), so they
    survive restarts and are shared by every process.

    .. versionadded:: 0.1.0
    """

    def position(self, subscriber: str) -> int:
        """Return the last feed position ``subscriber`` has handled (0 if none)."""
        ...

    def advance(self, subscriber: str, *, expected: int, to: int) -> bool:
        """Move ``subscriber`` from ``expected`` to ``to`` if nobody moved it meanwhile.

        Args:
            subscriber: The subscriber's name.
            expected: The position read before handling the events.
            to: The last position handled (greater than ``expected``).

        Returns:
            ``True`` if the position moved; ``False`` if another worker had
            already moved it (nothing changes then).
        """
        ...

    def close(self) -> None:
        """Release connections; the store is unusable after."""
        ...


@runtime_checkable
class SequenceStore(Protocol):
    """Named counters that many processes can draw from without collisions.

    .. versionadded:: 0.1.0
    """

    def next_value(self, name: str) -> int:
        """Return the next value of counter ``name`` (1 for a new counter).

        Every call returns a value no other call returned for that name, also
        across processes; values increase, and may leave gaps.
        """
        ...


class InMemoryHandlerStore:
    """Keep positions and counters in memory; for tests and the in-memory repository.

    .. versionadded:: 0.1.0
    """

    def __init__(self) -> None:
        """Create an empty store."""
        self._lock = threading.Lock()
        self._positions: dict[str, int] = {}
        self._counters: dict[str, int] = {}

    def position(self, subscriber: str) -> int:
        """Return ``subscriber``'s position (see :class:`CheckpointStore`)."""
        check_name("subscriber", subscriber)
        with self._lock:
            return self._positions.get(subscriber, 0)

    def advance(self, subscriber: str, *, expected: int, to: int) -> bool:
        """Move ``subscriber``'s position (see :class:`CheckpointStore`)."""
        check_name("subscriber", subscriber)
        check_position_value("expected", expected)
        check_position_value("to", to)
        with self._lock:
            if self._positions.get(subscriber, 0) != expected:
                return False
            self._positions[subscriber] = to
            return True

    def next_value(self, name: str) -> int:
        """Return the next value of counter ``name`` (see :class:`SequenceStore`)."""
        check_name("name", name)
        with self._lock:
            value = self._counters.get(name, 0) + 1
            self._counters[name] = value
            return value

    def close(self) -> None:
        """Do nothing: there is nothing to release."""
