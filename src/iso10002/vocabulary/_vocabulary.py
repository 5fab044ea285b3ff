"""One workflow's vocabulary: what its events mean, which states end or pause."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from iso10002.vocabulary._meanings import (
    MEANINGS,
    STANDARD_DESTINATIONS,
    STANDARD_EVENTS,
    declared_meanings,
)
from iso10002.vocabulary._names import Meaning, StandardState

if TYPE_CHECKING:
    from iso10002.workflow import WorkflowDefinition

__all__ = ["STANDARD_VOCABULARY", "Vocabulary"]


@attrs.frozen
class Vocabulary:
    """The meanings of one workflow's events, and its terminal and paused states.

    Build one with :meth:`of`; read a history with :meth:`meanings_of`.
    An event the workflow does not record (an engine or pack event, or a
    history from before a migration) carries its standard meaning, if any.

    Args:
        events: Each event name and the meanings it carries.
        terminal_states: States in which handling has ended.
        paused_states: States in which deadline clocks stop.

    .. versionadded:: 0.2.0
    """

    events: Mapping[str, frozenset[Meaning]] = attrs.field(eq=False)
    terminal_states: frozenset[str]
    paused_states: frozenset[str]
    _key: tuple[tuple[str, tuple[str, ...]], ...] = attrs.field(init=False, repr=False)
    _lookup: dict[str, frozenset[Meaning]] = attrs.field(
        init=False, repr=False, eq=False
    )

    def __attrs_post_init__(self) -> None:
        """Precompute the lookup table (standard names, then the workflow's)."""
        lookup = {name: frozenset({m}) for name, m in STANDARD_EVENTS.items()}
        lookup.update(self.events)
        object.__setattr__(self, "_lookup", lookup)
        key = tuple(
            sorted((n, tuple(sorted(m.value for m in ms))) for n, ms in lookup.items())
        )
        object.__setattr__(self, "_key", key)

    @classmethod
    def of(cls, definition: WorkflowDefinition) -> Vocabulary:
        """Return the vocabulary a workflow definition declares.

        Args:
            definition: A :class:`~iso10002.workflow.WorkflowDefinition`.

        Returns:
            Its events' meanings (steps with no known meaning are left out)
            and its terminal and paused states.
        """
        events: dict[str, frozenset[Meaning]] = {}
        for step in definition.steps:
            found = declared_meanings(step)
            if found is not None:
                events[step.event] = events.get(step.event, frozenset()) | found
        return cls(
            events,
            frozenset(s.name for s in definition.states if s.terminal),
            frozenset(s.name for s in definition.states if s.clock_paused),
        )

    def meanings_of(self, event: str) -> frozenset[Meaning]:
        """Return the meanings of the event called ``event`` (empty: none)."""
        return self._lookup.get(event, _NOTHING)

    def means(self, event: str, meaning: Meaning) -> bool:
        """Tell whether the event called ``event`` carries ``meaning``."""
        return meaning in self._lookup.get(event, _NOTHING)

    def events_meaning(self, meaning: Meaning) -> frozenset[str]:
        """Return the names of every event that carries ``meaning``."""
        return frozenset(n for n, ms in self._lookup.items() if meaning in ms)

    def standard_names(self, event: str) -> tuple[str, ...]:
        """Return ``event`` and the standard event name of each of its meanings.

        Deadline packs name the standard events (``ComplaintAcknowledged``
        meets the acknowledgement); through this, a renamed event that means
        the same meets it too.
        """
        names = [event]
        for meaning in self._lookup.get(event, _NOTHING):
            info = MEANINGS.get(meaning)
            if info is not None and info.event != event:
                names.append(info.event)
        return tuple(names)

    def standard_states(self, event: str) -> frozenset[str]:
        """Return the standard states an event called ``event`` leads to.

        A policy configured with standard state names (``closed``,
        ``investigating``) recognises a renamed state by the event that
        entered it: a state entered by an event meaning ``closed`` plays
        the standard ``closed`` state.
        """
        return frozenset(
            STANDARD_DESTINATIONS[m].value
            for m in self._lookup.get(event, _NOTHING)
            if m in STANDARD_DESTINATIONS
        )

    def ends(self, event: str, to_state: str | None) -> bool:
        """Tell whether an event ends the handling (closing, withdrawal, rejection).

        An event ends it when it means closed, withdrawn or rejected, or
        when it leads to a terminal state.
        """
        return (
            not _ENDING.isdisjoint(self._lookup.get(event, _NOTHING))
            or to_state in self.terminal_states
        )


_NOTHING: frozenset[Meaning] = frozenset()
_ENDING = frozenset({Meaning.CLOSED, Meaning.WITHDRAWN, Meaning.REJECTED})

STANDARD_VOCABULARY = Vocabulary(
    {},
    frozenset(
        s.value
        for s in (StandardState.CLOSED, StandardState.WITHDRAWN, StandardState.REJECTED)
    ),
    frozenset({StandardState.AWAITING_COMPLAINANT.value}),
)
"""The standard workflow's vocabulary: what a history of unknown workflow means."""
