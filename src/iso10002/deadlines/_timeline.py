"""Read what deadlines need from a complaint's history: pauses and dated events."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from iso10002.vocabulary import STANDARD_VOCABULARY, Vocabulary

if TYPE_CHECKING:
    from collections.abc import Sequence

    from iso10002.deadlines._matches import EventMatch
    from iso10002.model import HistoryEvent

__all__ = ["Pause", "Timeline", "timeline_of"]


class Pause:
    """One stretch of time the complaint waited for the complainant."""

    __slots__ = ("end", "start")

    def __init__(self, start: datetime, end: datetime | None) -> None:
        """Keep when the clock stopped and restarted (``None``: still stopped)."""
        self.start = start
        self.end = end


class Timeline:
    """The events of a history up to a horizon, and the pauses among them.

    Packs name the standard events (``ComplaintAcknowledged`` meets the
    acknowledgement); an event is found under its own name and under the
    standard name of each meaning ``vocabulary`` gives it, so a renamed
    event meets, extends and voids deadlines as the standard one does.

    Args:
        history: The complaint's events, oldest first.
        paused_states: Workflow states in which the clock is stopped.
        now: Ignore events after this instant (all events when ``None``).
        vocabulary: The meanings of the complaint's workflow.
    """

    __slots__ = (
        "by_name",
        "events",
        "extended",
        "horizon",
        "pauses",
        "state",
        "vocabulary",
    )

    def __init__(
        self,
        history: Sequence[HistoryEvent],
        paused_states: frozenset[str],
        now: datetime | None,
        vocabulary: Vocabulary = STANDARD_VOCABULARY,
    ) -> None:
        """Scan the history once."""
        self.vocabulary = vocabulary
        self.events: list[tuple[int, HistoryEvent]] = []
        # The events of each name, oldest first: a search looks only at the
        # events whose name it could match, not the whole history.
        self.by_name: dict[str, list[tuple[int, HistoryEvent]]] = {}
        self.pauses: list[Pause] = []
        self.extended = False
        self.state: str | None = None
        self.horizon: datetime | None = now
        self._scan(history, 0, paused_states, now)

    def _scan(
        self,
        events: Sequence[HistoryEvent],
        offset: int,
        paused_states: frozenset[str],
        now: datetime | None,
    ) -> None:
        """Add ``events`` (the history's from index ``offset`` on)."""
        state = self.state
        for index, event in enumerate(events, offset):
            if now is not None and event.at > now:
                break
            self.events.append((index, event))
            for name in self.vocabulary.standard_names(event.name):
                self.by_name.setdefault(name, []).append((index, event))
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
        self.state = state
        if now is None:
            self.horizon = self.events[-1][1].at if self.events else None

    def extended_by(
        self, events: Sequence[HistoryEvent], paused_states: frozenset[str]
    ) -> Timeline:
        """Return a new timeline (no ``now``) with ``events`` appended to this one's."""
        new = Timeline((), paused_states, None, self.vocabulary)
        new.events = self.events.copy()
        new.by_name = {name: found.copy() for name, found in self.by_name.items()}
        new.pauses = [Pause(pause.start, pause.end) for pause in self.pauses]
        new.extended = self.extended
        new.state = self.state
        new._scan(events, len(self.events), paused_states, None)
        return new

    def first(self, matches: Sequence[EventMatch]) -> tuple[int, HistoryEvent] | None:
        """Return the first event any of ``matches`` accepts, with its index."""
        found: tuple[int, HistoryEvent] | None = None
        for match in matches:
            for index, event in self.by_name.get(match.event, ()):
                if found is not None and index >= found[0]:
                    break
                if match.matches(match.event, event.data):
                    found = index, event
                    break
        return found

    def matches(self, matches: Sequence[EventMatch], event: HistoryEvent) -> bool:
        """Tell whether any of ``matches`` accepts ``event`` (by any of its names)."""
        names = self.vocabulary.standard_names(event.name)
        return any(m.matches(n, event.data) for m in matches for n in names)


_last: tuple[tuple[HistoryEvent, ...], frozenset[str], Timeline] | None = None
# (the timeline's own vocabulary is compared too)
# The last timeline built for a whole history (no ``now``): a step's history is
# the previous one plus its event, so only the new events are scanned.


def timeline_of(
    history: Sequence[HistoryEvent],
    paused_states: frozenset[str],
    now: datetime | None,
    vocabulary: Vocabulary = STANDARD_VOCABULARY,
) -> Timeline:
    """Return ``Timeline(history, paused_states, now, vocabulary)``, reusing the last.

    Timelines are not changed once built, so the last one is shared or
    extended when ``history`` starts with the history it was built for.
    """
    global _last  # noqa: PLW0603 - a one-entry cache, replaced whole
    if now is not None or not isinstance(history, tuple):
        return Timeline(history, paused_states, now, vocabulary)
    last = _last
    if last is not None:
        seen, paused, timeline = last
        if (
            paused == paused_states
            and timeline.vocabulary is vocabulary
            and len(seen) <= len(history)
        ):
            if len(seen) == len(history) and seen is history:
                return timeline
            if seen and history[: len(seen)] == seen:
                timeline = timeline.extended_by(history[len(seen) :], paused_states)
                _last = history, paused_states, timeline
                return timeline
    timeline = Timeline(history, paused_states, None, vocabulary)
    _last = history, paused_states, timeline
    return timeline
