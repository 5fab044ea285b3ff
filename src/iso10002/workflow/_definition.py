"""A workflow as frozen data: states, steps and metadata, validated when built."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from iso10002.errors import InvalidWorkflowDefinition
from iso10002.validators import instance_of, to_tuple, tuple_of
from iso10002.vocabulary import Vocabulary

__all__ = ["State", "Step", "WorkflowDefinition"]


def _text(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    instance_of(str)(_inst, attribute, value)


@attrs.frozen(kw_only=True)
class State:
    """One state of a workflow, with the flags the engine and the clock read.

    Args:
        name: The status name stored on complaints, e.g. ``investigating``.
        initial: New complaints start here (exactly one state has it).
        terminal: The complaint's handling has ended (closed, withdrawn,
            rejected); only reopening and annotation steps leave or touch it.
        clock_paused: Deadline clocks stop while a complaint is here, e.g.
            while awaiting information from the complainant.
        description: A sentence for people.

    .. versionadded:: 0.1.0
    """

    name: str = attrs.field(validator=_text)
    initial: bool = attrs.field(default=False, validator=instance_of(bool))
    terminal: bool = attrs.field(default=False, validator=instance_of(bool))
    clock_paused: bool = attrs.field(default=False, validator=instance_of(bool))
    description: str = attrs.field(default="", validator=_text)


@attrs.frozen(kw_only=True)
class Step:
    """One trigger a host application can fire, from some states to one state.

    Args:
        trigger: The name the host calls, e.g. ``acknowledge``.
        sources: The states the step may fire from.
        destination: The state it leads to; ``None`` keeps the complaint in
            its current state (an internal step such as ``assign``).
        event: The past-tense history event it records, e.g.
            ``ComplaintAcknowledged``.
        guards: Ids of the policies that must not return a blocking finding.
        roles: Roles allowed to fire it; empty means any actor.
        sets: Complaint fields the step's data may set, e.g. ``decision``.
        requires: Complaint fields (dotted paths such as
            ``decision.communicated_at``) that must not be empty once the step
            is done.
        clauses: The ISO 10002 clauses the step implements, e.g. ``7.4``.
        meanings: The clause-7 meanings its event carries
            (:class:`~iso10002.vocabulary.Meaning` values such as
            ``acknowledged``; ``internal`` for an organisation's own step).
            Empty: the meaning of its standard event name (a step with a
            renamed event must declare them).
        reopens: The step may leave a terminal state (a reopening).
        annotation: The step only annotates; it may fire on terminal states and
            must not change the state.
        description: A sentence for people.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``meanings``.
    """

    trigger: str = attrs.field(validator=_text)
    sources: tuple[str, ...] = attrs.field(converter=to_tuple, validator=tuple_of(str))
    destination: str | None = attrs.field(default=None)
    event: str = attrs.field(validator=_text)
    guards: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    roles: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    sets: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    requires: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    clauses: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    meanings: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    reopens: bool = attrs.field(default=False, validator=instance_of(bool))
    annotation: bool = attrs.field(default=False, validator=instance_of(bool))
    description: str = attrs.field(default="", validator=_text)

    @destination.validator
    def _check_destination(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            instance_of(str)(self, attribute, value)

    def destination_from(self, source: str) -> str:
        """Return the state the step leads to when fired from ``source``.

        Args:
            source: One of the step's sources.

        Returns:
            ``destination``, or ``source`` itself for an internal step.
        """
        return source if self.destination is None else self.destination

    @property
    def internal(self) -> bool:
        """Tell whether the step never changes the state."""
        return self.destination is None or all(
            s == self.destination for s in self.sources
        )


@attrs.frozen(kw_only=True)
class WorkflowDefinition:
    """A complaints-handling workflow as data (ISO 10002 clause 7).

    Construction validates the whole definition and raises one
    :class:`~iso10002.errors.InvalidWorkflowDefinition` listing every problem:
    unknown or duplicate states, a missing initial state, unreachable states,
    states that cannot reach a terminal one, duplicate or ambiguous triggers,
    steps leaving terminal states, unknown complaint fields, events with no
    known clause-7 meaning or with inconsistent meanings (see
    :mod:`iso10002.vocabulary`). Guards name policy
    ids only, so a definition loaded from an untrusted file cannot run code;
    ids are checked against the policies when a
    :class:`~iso10002.workflow.Workflow` is built.

    Args:
        name: The workflow's name, recorded on every complaint.
        version: Its version (1 or more); a change to the steps or states
            deserves a new version.
        states: The states.
        steps: The steps between them.
        description: A sentence for people.

    Raises:
        InvalidWorkflowDefinition: listing every problem found.

    .. versionadded:: 0.1.0
    """

    name: str = attrs.field(validator=_text)
    version: int = attrs.field(validator=instance_of(int))
    states: tuple[State, ...] = attrs.field(
        converter=to_tuple, validator=tuple_of(State)
    )
    steps: tuple[Step, ...] = attrs.field(converter=to_tuple, validator=tuple_of(Step))
    description: str = attrs.field(default="", validator=_text)

    def __attrs_post_init__(self) -> None:
        """Validate the whole definition and report every problem at once."""
        from iso10002.workflow._validation import definition_problems  # noqa: PLC0415

        problems = definition_problems(self)
        if problems:
            raise InvalidWorkflowDefinition(problems)

    @property
    def initial_state(self) -> str:
        """Return the name of the initial state."""
        return next(s.name for s in self.states if s.initial)

    @property
    def state_names(self) -> tuple[str, ...]:
        """Return every state name, in definition order."""
        return tuple(s.name for s in self.states)

    @property
    def terminal_states(self) -> frozenset[str]:
        """Return the names of the terminal states."""
        return frozenset(s.name for s in self.states if s.terminal)

    @property
    def paused_states(self) -> frozenset[str]:
        """Return the names of the states in which deadline clocks are paused."""
        return frozenset(s.name for s in self.states if s.clock_paused)

    @property
    def triggers(self) -> tuple[str, ...]:
        """Return every trigger name once, in definition order."""
        return tuple(dict.fromkeys(s.trigger for s in self.steps))

    @property
    def roles(self) -> frozenset[str]:
        """Return every role named by any step."""
        return frozenset(r for s in self.steps for r in s.roles)

    @property
    def guards(self) -> frozenset[str]:
        """Return every policy id used as a guard."""
        return frozenset(g for s in self.steps for g in s.guards)

    @property
    def vocabulary(self) -> Vocabulary:
        """Return what the definition's events mean, and its terminal and paused states.

        .. versionadded:: 0.2.0
        """
        return Vocabulary.of(self)

    def state(self, name: str) -> State:
        """Return the state called ``name``.

        Raises:
            KeyError: if there is no such state.
        """
        for state in self.states:
            if state.name == name:
                return state
        raise KeyError(name)

    def steps_from(self, state: str) -> Iterator[Step]:
        """Yield the steps that may fire from ``state``."""
        return (s for s in self.steps if state in s.sources)

    def to_dict(self) -> dict[str, Any]:
        """Return the definition as plain JSON data (see :meth:`from_dict`).

        .. versionadded:: 0.1.0
        """
        from iso10002.workflow._io import definition_to_dict  # noqa: PLC0415

        return definition_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WorkflowDefinition:
        """Build a definition from plain data, e.g. a parsed config file.

        Args:
            data: The definition as a mapping (``name``, ``version``,
                ``states``, ``steps``, optional ``description``).

        Returns:
            The validated definition.

        Raises:
            InvalidWorkflowDefinition: listing every problem, with paths.

        .. versionadded:: 0.1.0
        """
        from iso10002.workflow._io import definition_from_dict  # noqa: PLC0415

        return definition_from_dict(data)

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return the definition as JSON text.

        .. versionadded:: 0.1.0
        """
        from iso10002.workflow._io import definition_to_json  # noqa: PLC0415

        return definition_to_json(self, indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> WorkflowDefinition:
        """Parse a definition from JSON text.

        Raises:
            InvalidWorkflowDefinition: if the text is not JSON or the
                definition is invalid.

        .. versionadded:: 0.1.0
        """
        from iso10002.workflow._io import definition_from_json  # noqa: PLC0415

        return definition_from_json(text)

    def to_toml(self) -> str:
        """Return the definition as TOML text (needs the ``toml`` extra).

        Raises:
            ImportError: if ``tomli-w`` (the ``toml`` extra) is not installed.

        .. versionadded:: 0.1.0
        """
        from iso10002.workflow._io import definition_to_toml  # noqa: PLC0415

        return definition_to_toml(self)

    @classmethod
    def from_toml(cls, text: str) -> WorkflowDefinition:
        """Parse a definition from TOML text.

        Raises:
            InvalidWorkflowDefinition: if the text is not TOML or the
                definition is invalid.

        .. versionadded:: 0.1.0
        """
        from iso10002.workflow._io import definition_from_toml  # noqa: PLC0415

        return definition_from_toml(text)
