"""The Hypothesis state machine that drives complaints through any workflow."""

# ruff: noqa: S101, PT017 - assertions are how a state machine reports a failure

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from iso10002.errors import Iso10002Error, TransitionNotAllowed
from iso10002.model import Channel, Complainant, Complaint, ComplaintForm
from iso10002.principles import Policy
from iso10002.testing._field_values import step_data
from iso10002.testing.strategies import single_line_text, utc_datetimes
from iso10002.workflow import (
    Step,
    Workflow,
    WorkflowDefinition,
    missing_requirements,
)

__all__ = ["workflow_state_machine"]

_LATEST_START = datetime(2080, 1, 1)  # noqa: DTZ001 - strategy bounds are naive
_BOGUS_TRIGGER = "not_a_trigger"


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
    payloads = {key: step_data(step) for key, step in steps.items()}
    no_step = step_data(None)
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
