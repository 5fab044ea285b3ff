"""Random conforming customisations of a shipped workflow, and the way back.

Each :class:`~iso10002.testing.workflows.WorkflowVariant` renames, merges,
splits, adds or drops steps of its base and maps its names back to the base's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs
from hypothesis import strategies as st

from iso10002.model import Complaint, WorkflowRef
from iso10002.vocabulary import Meaning, StandardState, declared_meanings
from iso10002.workflow import (
    State,
    Step,
    WorkflowDefinition,
    small_organisation_workflow,
    standard_workflow,
)

__all__ = ["WorkflowVariant", "workflow_variants"]

_MEDIATION = "mediation"


@attrs.frozen(kw_only=True)
class WorkflowVariant:
    """A customised workflow, and how its names map back to its base's.

    Args:
        definition: The customised definition.
        base: The shipped definition it customises.
        states: Each state of ``definition`` and the base state it plays
            (states of its own, such as a mediation, map to themselves).
        events: Each event of ``definition`` and the base event it records
            (events of its own map to themselves).
        triggers: Each trigger of ``definition`` and the base trigger.

    .. versionadded:: 0.2.0
    """

    definition: WorkflowDefinition
    base: WorkflowDefinition
    states: Mapping[str, str]
    events: Mapping[str, str]
    triggers: Mapping[str, str]

    def to_base(self, complaint: Complaint) -> Complaint:
        """Return ``complaint`` as if it had run under the base workflow.

        Events and states carry the base's names and the complaint records
        the base workflow; times, data, versions and every other fact are
        unchanged (the variant's own events keep their names, which mean
        nothing to the base).

        Args:
            complaint: A complaint handled under ``definition``.

        Returns:
            The same history in the base workflow's names.
        """
        states, events, triggers = self.states, self.events, self.triggers

        def state(name: str | None) -> str | None:
            return None if name is None else states.get(name, name)

        history = tuple(
            attrs.evolve(
                event,
                name=events.get(event.name, event.name),
                trigger=None
                if event.trigger is None
                else triggers.get(event.trigger, event.trigger),
                from_state=state(event.from_state),
                to_state=state(event.to_state),
            )
            for event in complaint.history
        )
        return attrs.evolve(
            complaint,
            status=states.get(complaint.status, complaint.status),
            workflow=WorkflowRef(name=self.base.name, version=self.base.version),
            history=history,
        )


def _without_state(
    states: list[State], steps: list[Step], name: str, *, instead: str | None = None
) -> tuple[list[State], list[Step]]:
    """Drop state ``name``; steps into it go to ``instead`` or are dropped."""
    if not any(s.name == name for s in states):
        return states, steps
    kept = []
    for step in steps:
        sources = tuple(s for s in step.sources if s != name)
        destination = step.destination
        if destination == name:
            if instead is None:
                continue
            destination = instead
        if sources:
            kept.append(attrs.evolve(step, sources=sources, destination=destination))
    return [s for s in states if s.name != name], kept


def _mediation(
    states: list[State], steps: list[Step]
) -> tuple[list[State], list[Step]]:
    """Add a mediation stage between investigating and deciding (a state of its own)."""
    if not any(
        s.name == StandardState.INVESTIGATING.value for s in states
    ):  # pragma: no cover
        return states, steps
    deciding = {
        s.trigger
        for s in steps
        if Meaning.DECIDED in (declared_meanings(s) or ())
        or Meaning.WITHDRAWN in (declared_meanings(s) or ())
        or Meaning.ASSIGNED in (declared_meanings(s) or ())
        or Meaning.HOLDING_RESPONSE in (declared_meanings(s) or ())
    }
    changed = [
        attrs.evolve(s, sources=(*s.sources, _MEDIATION))
        if s.trigger in deciding
        else s
        for s in steps
    ]
    investigating = [
        s for s in steps if Meaning.INVESTIGATED in (declared_meanings(s) or ())
    ]
    mediate = Step(
        trigger="mediate",
        sources=(StandardState.INVESTIGATING.value,),
        # An investigation stage runs the guards investigating runs.
        guards=investigating[0].guards if investigating else (),
        destination=_MEDIATION,
        event="MediationHeld",
        meanings=(Meaning.INTERNAL.value,),
        clauses=("7.6",),
        description="Meet the complainant with a mediator.",
    )
    state = State(name=_MEDIATION, description="In mediation.")
    return [*states, state], [*changed, mediate]


def _split_decide(steps: list[Step]) -> list[Step]:
    """Add a second deciding trigger recording the same event (a split step)."""
    for step in steps:
        if Meaning.DECIDED in (declared_meanings(step) or ()):
            quick = attrs.evolve(
                step,
                trigger=f"{step.trigger}_at_once",
                description="Decide straight away, for simple complaints.",
            )
            return [*steps, quick]
    return steps  # pragma: no cover - every shipped workflow decides


def _note_step(states: list[State], steps: list[Step]) -> Step:
    # The guards every step of the base runs (those that guard every step).
    common = set.intersection(*(set(s.guards) for s in steps)) if steps else set()
    return Step(
        trigger="add_case_note",
        guards=tuple(g for g in steps[0].guards if g in common) if steps else (),
        sources=tuple(s.name for s in states if not s.terminal),
        event="CaseNoteAdded",
        meanings=(Meaning.INTERNAL.value,),
        description="An internal note (means nothing to the figures).",
    )


def _renamed(
    base: WorkflowDefinition,
    states: list[State],
    steps: list[Step],
    draw: st.DrawFn,
) -> WorkflowVariant:
    flavour = draw(st.sampled_from(("stage", "phase", "step")))
    state_names = {
        s.name: s.name if s.name == _MEDIATION else f"{flavour}_{i}_{s.name[:3]}"
        for i, s in enumerate(states)
    }
    if draw(st.booleans()):  # keep some names: partly renamed workflows are usual
        state_names = {k: k for k in state_names}
    word = draw(st.sampled_from(("Case", "Matter", "Ticket")))
    event_names: dict[str, str] = {}
    for step in steps:
        if step.event not in event_names:
            own = step.event in ("MediationHeld", "CaseNoteAdded")
            event_names[step.event] = (
                step.event if own else f"{word}{len(event_names)}{step.event[:5]}"
            )
    rename_triggers = draw(st.booleans())
    trigger_names = {
        s.trigger: f"do_{s.trigger}" if rename_triggers else s.trigger for s in steps
    }
    new_states = [attrs.evolve(s, name=state_names[s.name]) for s in states]
    new_steps = []
    for step in steps:
        found = declared_meanings(step) or frozenset()
        new_steps.append(
            attrs.evolve(
                step,
                trigger=trigger_names[step.trigger],
                sources=tuple(state_names[s] for s in step.sources),
                destination=None
                if step.destination is None
                else state_names[step.destination],
                event=event_names[step.event],
                meanings=tuple(sorted(m.value for m in found)),
            )
        )
    name = f"custom.{word.lower()}.{draw(st.integers(0, 10**9))}"
    definition = WorkflowDefinition(
        name=name,
        version=1,
        description=f"A customisation of {base.name}.",
        states=new_states,
        steps=new_steps,
    )
    return WorkflowVariant(
        definition=definition,
        base=base,
        states={v: k for k, v in state_names.items()},
        events={v: k for k, v in event_names.items()},
        triggers={v: k for k, v in trigger_names.items()},
    )


@st.composite
def _variants(
    draw: st.DrawFn, bases: tuple[WorkflowDefinition, ...]
) -> WorkflowVariant:
    base = draw(st.sampled_from(bases))
    states, steps = list(base.states), list(base.steps)
    if draw(st.booleans()):
        states, steps = _without_state(
            states, steps, StandardState.AWAITING_COMPLAINANT.value
        )
    if draw(st.booleans()):
        states, steps = _without_state(states, steps, StandardState.ESCALATED.value)
    if draw(st.booleans()):
        states, steps = _without_state(
            states, steps, StandardState.INTERNAL_REVIEW.value
        )
    if draw(st.booleans()):
        states, steps = _mediation(states, steps)
    if draw(st.booleans()):
        steps = _split_decide(steps)
    if draw(st.booleans()):
        steps = [*steps, _note_step(states, steps)]
    return _renamed(base, states, steps, draw)


def workflow_variants(
    *, bases: Iterable[WorkflowDefinition] | None = None
) -> st.SearchStrategy[WorkflowVariant]:
    """Generate random conforming customisations of the shipped workflows.

    Each variant renames states, events and possibly triggers (declaring
    the meanings its renamed events carry), and may merge steps (the small
    organisation workflow acknowledges and assesses in one step), split one
    (a second deciding trigger), add steps of its own (a mediation stage, an
    internal note) and drop the pause, the escalation or the appeal. Every
    variant is valid and conforms (:func:`~iso10002.workflow.check_conformance`
    reports no gap).

    Args:
        bases: The definitions to customise (the standard and the small
            organisation workflows by default). Their state names must be
            those of the shipped workflows for the optional changes to apply.

    Returns:
        A strategy of :class:`WorkflowVariant`.

    .. versionadded:: 0.2.0
    """
    found = (
        (standard_workflow(), small_organisation_workflow())
        if bases is None
        else tuple(bases)
    )
    return _variants(found)
