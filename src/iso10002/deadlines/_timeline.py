"""Read what deadlines need from a complaint's history: pauses and dated events."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from iso10002.deadlines._rules import EventMatch
    from iso10002.model import HistoryEvent

__all__ = ["Pause", "Timeline"]


class Pause:
    """One stretch of time the complaint waited for the complainant."""

    __slots__ = ("end", "start")

    def __init__(self, start: datetime, end: datetime | None) -> None:
        """Keep when the clock stopped and restarted (``None``: still stopped)."""
        self.start = start
        self.end = end


class Timeline:
    """The events of a history up to a horizon, and the pauses among them.

    Args:
        history: The complaint's events, oldest first.
        paused_states: Workflow states in which the clock is stopped.
        now: Ignore events after this instant (all events when ``None``).
    """

    __slots__ = ("by_name", "events", "extended", "horizon", "pauses")

    def __init__(
        self,
        history: Sequence[HistoryEvent],
        paused_states: frozenset[str],
        now: datetime | None,
    ) -> None:
        """Scan the history once."""
        self.events: list[tuple[int, HistoryEvent]] = []
        # The events of each name, oldest first: a search looks only at the
        # events whose name it could match, not the whole history.
        self.by_name: dict[str, list[tuple[int, HistoryEvent]]] = {}
        self.pauses: list[Pause] = []
        self.extended = False
        state: str | None = None
        for index, event in enumerate(history):
            if now is not None and event.at > now:
                break
            self.events.append((index, event))
            self.by_name.setdefault(event.name, []).append((index, event))
            if event.name == "DeadlineExtended":
                self.extended = True
            if event.to_state is None:
                continue
            was_paused = state in paused_states
            state = event.to_state
            is_paused = state in paused_states
            if is_paused and not was_paused:
                self.pauses.append(Pause(event.at, None))
            elif was_paused and not is_paused and self.pauses:
                self.pauses[-1].end = event.at
        last = self.events[-1][1].at if self.events else None
        self.horizon: datetime | None = now if now is not None else last

    def first(self, matches: Sequence[EventMatch]) -> tuple[int, HistoryEvent] | None:
        """Return the first event any of ``matches`` accepts, with its index."""
        found: tuple[int, HistoryEvent] | None = None
        for match in matches:
            for index, event in self.by_name.get(match.event, ()):
                if found is not None and index >= found[0]:
                    break
                if match.matches(event.name, event.data):
                    found = index, event
                    break
        return found
