"""Stateful property tests for any workflow definition (Hypothesis).

Test your own workflow configuration in three lines::

    from iso10002.testing.stateful import workflow_state_machine

    TestMyWorkflow = workflow_state_machine(my_definition, my_policies).TestCase

The machine receives a complaint under the definition and fires arbitrary
triggers (allowed or not) with arbitrary actors, roles, times and data, and
checks after every step: history length equals version, sequences are
contiguous, timestamps never go back, the status is a state of the definition,
terminal states absorb (only reopening and annotation steps touch them),
every state entered has the data its step requires, only the fields a step
sets change, :meth:`~iso10002.workflow.Workflow.can_fire` agrees with
:meth:`~iso10002.workflow.Workflow.fire`, a refused trigger changes nothing,
and every complaint version and event passes the model's own checked
constructors (the engine skips re-checking values it computed itself).

.. versionadded:: 0.1.0
"""

# ruff: noqa: S101, PT017 - assertions are how a state machine reports a failure

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from iso10002.errors import Iso10002Error, TransitionNotAllowed
from iso10002.model import Channel, Complainant, Complaint, ComplaintForm, Outcome
from iso10002.principles import Policy
from iso10002.testing.strategies import (
    classifications,
    complainants,
    decisions,
    links,
    multiline_text,
    root_causes,
    satisfaction_feedback,
    single_line_text,
    subjects,
    utc_datetimes,
)
from iso10002.vocabulary import Meaning, standard_event
from iso10002.workflow import (
    REOPEN_WINDOW_POLICY_ID,
    State,
    Step,
    Workflow,
    WorkflowDefinition,
    missing_requirements,
)

__all__ = [
    "SETTABLE_FIELDS",
    "field_values",
    "workflow_definitions",
    "workflow_state_machine",
]

_FIELD_STRATEGIES: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
    "assignee": lambda: single_line_text(max_size=20),
    "classification": classifications,
    "complainant": complainants,
    "decision": decisions,
    "description": lambda: multiline_text(max_size=60),
    "desired_outcome": lambda: st.none() | multiline_text(max_size=40),
    "links": lambda: st.lists(links(), min_size=1, max_size=2).map(tuple),
    "outcome": lambda: st.sampled_from(Outcome),
    "root_cause": root_causes,
    "satisfaction": satisfaction_feedback,
    "subject": subjects,
}

SETTABLE_FIELDS = (
    "assignee",
    "classification",
    "decision",
    "links",
    "outcome",
    "root_cause",
    "satisfaction",
)
"""The complaint fields generated definitions let their steps set."""

_LATEST_START = datetime(2080, 1, 1)  # noqa: DTZ001 - strategy bounds are naive
_BOGUS_TRIGGER = "not_a_trigger"


@cache
@cache
def _field_types() -> dict[str, Any]:
    return typing.get_type_hints(Complaint)


def _field_type(name: str) -> Any:
    return _field_types()[name]


def field_values(name: str) -> st.SearchStrategy[Any]:
    """Generate values for the complaint field ``name``, as a step's data would set it.

    Args:
        name: A complaint field name, e.g. ``decision``.

    Returns:
        A strategy of valid model values for that field.

    .. versionadded:: 0.1.0
    """
    factory = _FIELD_STRATEGIES.get(name)
    return factory() if factory is not None else st.from_type(_field_type(name))


def _step_data(step: Step | None) -> st.SearchStrategy[dict[str, Any]]:
    """Generate step data: usually every field the step sets, plus JSON event data."""
    fields = step.sets if step is not None else ()
    parts = {
        name: st.one_of(st.just(None), *[field_values(name)] * 4) for name in fields
    }

    def build(values: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        data = {k: v for k, v in extra.items() if k not in parts}
        data.update({k: v for k, v in values.items() if v is not None})
        return data

    return st.builds(build, st.fixed_dictionaries(parts), _event_data())


@cache
def _event_data() -> st.SearchStrategy[dict[str, Any]]:
    # Small and flat on purpose: the engine passes event data through, and
    # drawing large nested JSON would dominate the run time of every step.
    scalars = (
        st.none() | st.booleans() | st.integers(-5, 5) | single_line_text(max_size=8)
    )
    return st.dictionaries(
        st.sampled_from(("note", "ref", "count", "id")), scalars, max_size=2
    )


@cache
def _forms() -> st.SearchStrategy[Any]:
    return st.builds(
        ComplaintForm,
        complainant=st.builds(Complainant, name=single_line_text(max_size=8)),
        description=single_line_text(max_size=20),
    )


def _check_history(complaint: Complaint) -> None:
    assert len(complaint.history) == complaint.version, (
        "history length must equal version"
    )
    previous = None
    for i, event in enumerate(complaint.history, start=1):
        assert event.sequence == i, "sequences must be contiguous from 1"
        assert previous is None or event.at >= previous, "timestamps must not go back"
        previous = event.at


def _changed_fields(
    before: Complaint, after: Complaint, sets: Iterable[str]
) -> list[str]:
    managed = {"status", "version", "history", *sets}
    return [
        a.name
        for a in attrs.fields(Complaint)
        if a.name not in managed and getattr(before, a.name) != getattr(after, a.name)
    ]


def _weighted(
    state: str,
    workflow: Workflow,
    steps: Mapping[tuple[str, str], Step],
    terminal: frozenset[str],
) -> list[str]:
    """List the triggers from ``state``, steps to other open states eight times over.

    Uniform choice ends most runs early in a terminal state; favouring
    progress reaches the deep states (decisions, reviews, reopening) more often.
    """
    weighted: list[str] = []
    for trigger in workflow.allowed_triggers_in(state):
        destination = steps[state, trigger].destination_from(state)
        moves_on = destination != state and destination not in terminal
        weighted += [trigger] * (8 if moves_on else 1)
    return weighted


def workflow_state_machine(
    definition: WorkflowDefinition,
    policies: Iterable[Policy] | Mapping[str, Policy] | None = None,
    *,
    max_step: timedelta = timedelta(days=20),
) -> type[RuleBasedStateMachine]:
    """Build a Hypothesis state machine that drives complaints through ``definition``.

    Args:
        definition: The workflow to test (yours, or a standard one).
        policies: The policies its guards name.
        max_step: The longest time between two generated steps.

    Returns:
        A :class:`~hypothesis.stateful.RuleBasedStateMachine` subclass; use its
        ``TestCase`` attribute as a test class.

    Raises:
        InvalidWorkflowDefinition: if a guard names a policy not given.

    .. versionadded:: 0.1.0
    """
    workflow = Workflow(definition, policies)
    triggers = (*definition.triggers, _BOGUS_TRIGGER)
    roles = sorted(definition.roles)
    terminal = definition.terminal_states
    steps = {(source, s.trigger): s for s in definition.steps for source in s.sources}
    # Strategies are built once: building them on every draw dominates the run time.
    payloads = {key: _step_data(step) for key, step in steps.items()}
    no_step = _step_data(None)
    pick_allowed = {
        state.name: st.sampled_from(_weighted(state.name, workflow, steps, terminal))
        for state in definition.states
        if workflow.allowed_triggers_in(state.name)
    }
    pick_any = st.sampled_from(triggers)
    pick_roles = (
        st.frozensets(st.sampled_from(roles)) if roles else st.just(frozenset())
    )
    delays = st.timedeltas(timedelta(0), max_step)
    early_flags = st.sampled_from([False] * 9 + [True])
    coin = st.integers(0, 7)
    actors = single_line_text(max_size=12)

    class WorkflowStateMachine(RuleBasedStateMachine):
        """Fire arbitrary triggers and check the workflow's invariants."""

        def __init__(self) -> None:
            super().__init__()
            self.complaint: Complaint | None = None

        @initialize(
            form=_forms(),
            at=utc_datetimes(max_value=_LATEST_START),
            channel=st.sampled_from(Channel),
        )
        def receive(self, form: Any, at: datetime, channel: Channel) -> None:
            self.complaint = workflow.receive(
                form,
                id="C-1",
                reference="CMP-1",
                received_at=at,
                channel=channel,
                actor="intake",
            )
            assert self.complaint.status == definition.initial_state

        @rule(data=st.data())
        def fire(self, data: st.DataObject) -> None:
            before = self.complaint
            assert before is not None
            allowed = workflow.allowed_triggers(before)
            choose_allowed = allowed and data.draw(coin, label="pick") > 0
            trigger = data.draw(
                pick_allowed[before.status] if choose_allowed else pick_any
            )
            step = steps.get((before.status, trigger))
            held = data.draw(pick_roles, label="roles")
            late = data.draw(delays, label="delay")
            early = data.draw(early_flags, label="early")
            at = before.history[-1].at + (-timedelta(seconds=1) if early else late)
            actor = data.draw(actors, label="actor")
            payload = data.draw(
                payloads.get((before.status, trigger), no_step), label="data"
            )
            kwargs: dict[str, Any] = {
                "actor": actor,
                "at": at,
                "roles": held,
                "data": payload,
            }
            predicted = workflow.can_fire(before, trigger, **kwargs)
            try:
                result = workflow.fire(before, trigger, **kwargs)
            except Iso10002Error as exc:
                assert not predicted, f"can_fire said yes but fire raised {exc!r}"
                if trigger not in allowed:
                    assert isinstance(exc, TransitionNotAllowed)
                    assert exc.allowed == allowed
                assert self.complaint is before
                return
            assert predicted, "fire succeeded where can_fire said no"
            assert step is not None
            after = result.complaint
            assert result.events == (after.history[-1],)
            assert after.history[:-1] == before.history
            event = after.history[-1]
            assert (event.name, event.trigger) == (step.event, trigger)
            assert (event.from_state, event.to_state) == (before.status, after.status)
            if before.status in terminal:
                assert step.reopens or after.status == before.status, (
                    "terminal states absorb"
                )
            assert after.status == step.destination_from(before.status), (
                "wrong destination"
            )
            assert not missing_requirements(after, step.requires), (
                "required data missing"
            )
            assert not _changed_fields(before, after, step.sets), (
                "undeclared field changed"
            )
            # The engine skips re-checking values it computed itself; the
            # model's own checked constructors must accept what it made.
            assert attrs.evolve(event) == event, "event fails its own checks"
            self.complaint = after

        @invariant()
        def consistent(self) -> None:
            complaint = self.complaint
            if complaint is None:
                return
            _check_history(complaint)
            assert complaint.status in definition.state_names
            assert complaint.history[-1].to_state == complaint.status
            assert complaint.workflow == workflow.ref
            # The model's own checked constructor accepts every version.
            assert attrs.evolve(complaint) == complaint, "fails the model's checks"

    WorkflowStateMachine.__name__ = f"WorkflowStateMachine[{definition.name}]"
    return WorkflowStateMachine


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
