"""Random valid workflow definitions, to test engines and tools."""

from __future__ import annotations

from hypothesis import strategies as st

from iso10002.testing._field_values import SETTABLE_FIELDS
from iso10002.vocabulary import Meaning, standard_event
from iso10002.workflow import (
    REOPEN_WINDOW_POLICY_ID,
    State,
    Step,
    WorkflowDefinition,
)

__all__ = ["workflow_definitions"]

_EVENTS = ("StepTaken", "ComplaintMoved", "ThingHappened", "NoteAdded", "CaseHandled")
_TRIGGERS = ("go", "move", "note", "handle")
_ROLES = ("agent", "manager")
# Plain integer draws, indexed into sequences: building a new strategy per draw is slow.
_INDEX = st.integers(0, 63)
_MASK = st.integers(0, 255)
_EXTRA = st.integers(0, 4)


def _subset(items: tuple[str, ...], mask: int, limit: int) -> tuple[str, ...]:
    return tuple(item for i, item in enumerate(items) if mask >> i & 1)[:limit]


@st.composite
def _definitions(draw: st.DrawFn, max_states: int) -> WorkflowDefinition:
    def pick(items: list[str] | tuple[str, ...]) -> str:
        return items[draw(_INDEX) % len(items)]

    def flip() -> bool:
        return bool(draw(_INDEX) & 1)

    n_open = 1 + draw(_INDEX) % max(1, max_states - 1)
    n_terminal = 1 + draw(_INDEX) % max(1, min(3, max_states - n_open))
    opened = [f"s{i}" for i in range(n_open)]
    ended = [f"t{i}" for i in range(n_terminal)]
    states = [
        State(name=name, initial=i == 0, clock_paused=i > 0 and flip())
        for i, name in enumerate(opened)
    ] + [State(name=name, terminal=True) for name in ended]
    edges: list[tuple[str, str | None, bool]] = []  # (source, destination, annotation)
    edges += [(opened[draw(_INDEX) % i], opened[i], False) for i in range(1, n_open)]
    edges += [(pick(opened), name, False) for name in ended]
    edges += [
        (name, pick([*opened[i + 1 :], *ended]), False) for i, name in enumerate(opened)
    ]
    edges += [(pick(opened), pick(opened + ended), False) for _ in range(draw(_EXTRA))]
    edges += [(pick(opened), None, False) for _ in range(draw(_EXTRA) % 3)]
    if flip():
        edges.append((pick(ended), None, True))
    used: set[tuple[str, str]] = set()
    steps = []
    for k, (source, destination, annotation) in enumerate(edges):
        trigger = pick(_TRIGGERS)
        if (source, trigger) in used:
            trigger = f"step_{k}"
        used.add((source, trigger))
        sets = _subset(SETTABLE_FIELDS, draw(_MASK), 2)
        requires = _subset(sets, draw(_MASK), 2)
        if "decision" in sets and flip():
            requires = (*requires, "decision.communicated_at")
        steps.append(
            Step(
                trigger=trigger,
                sources=(source,),
                destination=destination,
                event=pick(_EVENTS),
                meanings=("internal",),
                roles=_subset(_ROLES, draw(_MASK), 2),
                sets=sets,
                requires=requires,
                annotation=annotation,
            )
        )
    if flip():
        steps.append(
            Step(
                trigger="reopen",
                sources=tuple(ended),
                destination=pick(opened),
                event=standard_event(Meaning.REOPENED),
                guards=(REOPEN_WINDOW_POLICY_ID,),
                reopens=True,
            )
        )
    return WorkflowDefinition(
        name="generated", version=1 + draw(_INDEX) % 5, states=states, steps=steps
    )


def workflow_definitions(
    *, max_states: int = 7
) -> st.SearchStrategy[WorkflowDefinition]:
    """Generate random valid workflow definitions (to test engines and tools).

    Every generated definition passes validation: one initial state, every
    state reachable, every open state able to reach a terminal one, terminal
    states left only by reopening steps.

    Args:
        max_states: The most states a definition has (at least 2).

    Returns:
        A strategy of :class:`~iso10002.workflow.WorkflowDefinition`.

    .. versionadded:: 0.1.0
    """
    return _definitions(max(2, max_states))
