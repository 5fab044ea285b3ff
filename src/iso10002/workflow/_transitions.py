"""The one module that imports ``transitions``: it compiles a definition's graph.

A shared, model-less :class:`transitions.Machine` is built once per definition
and asked what every trigger does from every state; the answers become a
lookup table the engine uses on the hot path (transitions' own trigger call
costs several microseconds). The machine only ever drives a private mutable
token, never a complaint: transitions injects attributes into its models and
cannot bind to frozen, slotted attrs classes. Guards are not given to the
machine; they run in the engine before anything moves, because transitions
callbacks have no rollback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from transitions import Machine, MachineError

from iso10002.errors import TransitionNotAllowed

if TYPE_CHECKING:
    from iso10002.workflow._definition import WorkflowDefinition

__all__ = ["Table", "build_machine", "compile_table", "drive"]

Table = dict[str, dict[str, str]]
"""``state -> trigger -> destination`` for every allowed step."""


class _Token:
    """The mutable stand-in transitions moves around (never a complaint)."""

    state: str


def build_machine(definition: WorkflowDefinition) -> Any:
    """Build one model-less machine for ``definition`` (no auto transitions)."""
    transitions = [
        {
            "trigger": step.trigger,
            "source": source,
            "dest": step.destination_from(source),
        }
        for step in definition.steps
        for source in step.sources
    ]
    return Machine(
        model=None,
        states=list(definition.state_names),
        transitions=transitions,
        initial=definition.initial_state,
        auto_transitions=False,
        ignore_invalid_triggers=False,
    )


def compile_table(definition: WorkflowDefinition) -> Table:
    """Ask transitions what each trigger does from each state.

    Returns:
        The lookup table; triggers are in definition order.
    """
    machine = build_machine(definition)
    table: Table = {}
    for state in definition.state_names:
        row: dict[str, str] = {}
        for trigger in machine.get_triggers(state):
            (transition, *_) = machine.events[trigger].transitions[state]
            row[trigger] = transition.dest
        table[state] = row
    return table


def drive(machine: Any, state: str, trigger: str) -> str:
    """Fire ``trigger`` on a fresh token in ``state`` and return where it lands.

    This is the slow path through transitions itself, kept to cross-check the
    compiled table; its three failure signals become one error.

    Raises:
        TransitionNotAllowed: if transitions refuses the trigger.
    """
    token = _Token()
    machine.add_model(token, initial=state)
    try:
        moved = token.trigger(trigger)  # type: ignore[attr-defined]
    except (MachineError, AttributeError, ValueError) as exc:
        allowed = machine.get_triggers(state)
        msg = f"cannot {trigger!r} from {state!r}"
        raise TransitionNotAllowed(
            msg, trigger=trigger, state=state, allowed=allowed
        ) from exc
    finally:
        machine.remove_model(token)
    if moved is False:  # pragma: no cover - no conditions are given to the machine
        msg = f"transitions refused {trigger!r} from {state!r}"
        raise TransitionNotAllowed(msg, trigger=trigger, state=state)
    return token.state
