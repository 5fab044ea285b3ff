"""Every structural problem of a workflow definition, found in one pass."""

from __future__ import annotations

import re
import types
import typing
from collections import deque
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

import attrs

from iso10002.errors import Problem
from iso10002.model import Complaint
from iso10002.vocabulary import (
    RECEIVED_EVENT,
    STANDARD_EVENTS,
    Meaning,
    declared_meanings,
)

if TYPE_CHECKING:
    from iso10002.workflow._definition import Step, WorkflowDefinition

__all__ = [
    "PROTECTED_FIELDS",
    "definition_problems",
    "field_type",
    "meaning_problems",
    "path_problem",
    "successors",
]

PROTECTED_FIELDS = frozenset(
    {
        "id",
        "reference",
        "received_at",
        "channel",
        "received_by",
        "status",
        "workflow",
        "version",
        "history",
    }
)
"""Complaint fields only the engine (or intake) sets; no step may declare them."""

_NAME = re.compile(r"[a-z][a-z0-9_]{0,99}")
_WORKFLOW_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")
_EVENT = re.compile(r"[A-Z][A-Za-z0-9]{0,99}")
_POLICY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}")
_CLAUSE = re.compile(r"[0-9]+(\.[0-9]+)*")
_ROLE = re.compile(r"[^\s]{1,100}")


@cache
def _hints(cls: Any) -> Mapping[str, Any]:
    return typing.get_type_hints(cls)


def _attrs_class(annotation: Any) -> type[Any] | None:
    """Return the attrs class inside ``X`` or ``X | None``, if any."""
    if isinstance(annotation, type) and attrs.has(annotation):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        found = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(found) == 1:
            return _attrs_class(found[0])
    return None


def field_type(name: str) -> Any:
    """Return the resolved type annotation of the complaint field ``name``."""
    return _hints(Complaint)[name]


def path_problem(path: str) -> str | None:
    """Tell what is wrong with a dotted complaint field path, or ``None``."""
    cls: Any = Complaint
    for part in path.split("."):
        if cls is None:
            return f"cannot look inside {path.rsplit('.', 1)[0]!r}"
        hints = _hints(cls)
        if part not in hints or part.startswith("_"):
            where = "complaint" if cls is Complaint else cls.__name__
            return f"unknown {where} field {part!r}"
        cls = _attrs_class(hints[part])
    return None


def successors(steps: Iterable[Step], state: str) -> set[str]:
    """Return the states one step away from ``state``."""
    return {s.destination_from(state) for s in steps if state in s.sources}


def _reach(start: Iterable[str], edges: Mapping[str, set[str]]) -> set[str]:
    seen = set(start)
    queue = deque(seen)
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _each_state_problems(definition: WorkflowDefinition) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    initial: list[str] = []
    for i, state in enumerate(definition.states):
        if not _NAME.fullmatch(state.name):
            problems.append((f"states[{i}].name", "must be a snake_case name"))
        if state.name in seen:
            problems.append((f"states[{i}].name", f"duplicate state {state.name!r}"))
        seen.add(state.name)
        if state.initial:
            initial.append(state.name)
            if len(initial) > 1:
                problems.append(
                    (f"states[{i}].initial", f"more than one initial state {initial!r}")
                )
            if state.terminal:
                problems.append(
                    (f"states[{i}]", "the initial state cannot be terminal")
                )
    return problems


def _state_problems(definition: WorkflowDefinition) -> list[Problem]:
    problems: list[Problem] = []
    if not _WORKFLOW_NAME.fullmatch(definition.name):
        problems.append(("name", "must be 1-100 letters, digits, '.', '_', ':' or '-'"))
    if definition.version < 1:
        problems.append(("version", "must be at least 1"))
    if not definition.states:
        problems.append(("states", "must list at least one state"))
        return problems
    problems += _each_state_problems(definition)
    if not any(s.initial for s in definition.states):
        problems.append(("states", "no initial state (mark exactly one state initial)"))
    if not any(s.terminal for s in definition.states):
        problems.append(("states", "no terminal state"))
    return problems


def _field_problems(i: int, step: Step) -> list[Problem]:
    problems: list[Problem] = []
    for j, name in enumerate(step.sets):
        where = f"steps[{i}].sets[{j}]"
        if name in PROTECTED_FIELDS:
            problems.append(
                (where, f"{name!r} is managed by the engine; no step may set it")
            )
        elif "." in name or path_problem(name) is not None:
            problems.append((where, f"unknown complaint field {name!r}"))
    for j, path in enumerate(step.requires):
        why = path_problem(path)
        if why is not None:
            problems.append((f"steps[{i}].requires[{j}]", why))
    return problems


def _step_problems(i: int, step: Step, states: Mapping[str, bool]) -> list[Problem]:
    where = f"steps[{i}]"
    problems: list[Problem] = []
    if not _NAME.fullmatch(step.trigger):
        problems.append((f"{where}.trigger", "must be a snake_case name"))
    if not _EVENT.fullmatch(step.event):
        problems.append((f"{where}.event", "must be a CamelCase event name"))
    elif step.event == RECEIVED_EVENT:
        problems.append(
            (f"{where}.event", f"{RECEIVED_EVENT!r} is reserved for intake")
        )
    if not step.sources:
        problems.append((f"{where}.sources", "must list at least one state"))
    for j, source in enumerate(step.sources):
        if source not in states:
            problems.append((f"{where}.sources[{j}]", f"unknown state {source!r}"))
        elif source in step.sources[:j]:
            problems.append((f"{where}.sources[{j}]", f"state {source!r} listed twice"))
    if step.destination is not None and step.destination not in states:
        problems.append((f"{where}.destination", f"unknown state {step.destination!r}"))
    problems += [
        (f"{where}.guards[{j}]", "must be a policy id (no spaces)")
        for j, g in enumerate(step.guards)
        if not _POLICY_ID.fullmatch(g)
    ]
    problems += [
        (f"{where}.roles[{j}]", "must be a role name (no spaces)")
        for j, r in enumerate(step.roles)
        if not _ROLE.fullmatch(r)
    ]
    problems += [
        (f"{where}.clauses[{j}]", "must be a clause number such as '7.4'")
        for j, c in enumerate(step.clauses)
        if not _CLAUSE.fullmatch(c)
    ]
    problems += _field_problems(i, step)
    problems += _terminal_problems(where, step, states)
    return problems


def _terminal_problems(
    where: str, step: Step, states: Mapping[str, bool]
) -> list[Problem]:
    problems: list[Problem] = []
    if step.annotation and not step.internal:
        problems.append((where, "an annotation step must not change the state"))
    if step.annotation and step.reopens:
        problems.append((where, "a step cannot both annotate and reopen"))
    for source in step.sources:
        terminal = states.get(source, False)
        if step.reopens and not terminal:
            problems.append((where, f"reopens, but source {source!r} is not terminal"))
        if terminal and not (step.reopens or step.annotation):
            problems.append(
                (
                    where,
                    (
                        f"leaves terminal state {source!r}; mark it reopens "
                        "(or annotation, for a step that keeps the state)"
                    ),
                )
            )
    if step.reopens and states.get(step.destination or "", False):
        problems.append(
            (f"{where}.destination", "a reopening must lead to an open state")
        )
    return problems


def _trigger_problems(steps: tuple[Step, ...]) -> list[Problem]:
    problems: list[Problem] = []
    owner: dict[tuple[str, str], int] = {}
    for i, step in enumerate(steps):
        for source in dict.fromkeys(step.sources):
            key = (source, step.trigger)
            if key in owner:
                problems.append(
                    (
                        f"steps[{i}]",
                        (
                            f"trigger {step.trigger!r} from state {source!r} is "
                            f"already defined by steps[{owner[key]}] (ambiguous)"
                        ),
                    )
                )
            else:
                owner[key] = i
    return problems


def _graph_problems(definition: WorkflowDefinition) -> list[Problem]:
    names = [s.name for s in definition.states]
    initial = [s.name for s in definition.states if s.initial]
    if not initial:
        return []
    edges = {name: successors(definition.steps, name) for name in names}
    reachable = _reach(initial[:1], edges)
    reverse: dict[str, set[str]] = {}
    for source, targets in edges.items():
        for target in targets:
            reverse.setdefault(target, set()).add(source)
    ending = _reach((s.name for s in definition.states if s.terminal), reverse)
    problems: list[Problem] = []
    for i, state in enumerate(definition.states):
        if state.name in names[:i]:
            continue
        if state.name not in reachable:
            problems.append(
                (
                    f"states[{i}]",
                    f"{state.name!r} is unreachable from the initial state",
                )
            )
        if not state.terminal and state.name not in ending:
            problems.append(
                (f"states[{i}]", f"{state.name!r} cannot reach a terminal state")
            )
    return problems


_VALUES = tuple(sorted(m.value for m in Meaning))


def _unknown(step: Step) -> str:
    bad = [m for m in step.meanings if m not in _VALUES]
    if bad:
        return f"unknown meaning {bad[0]!r}; use one of {list(_VALUES)}"
    return (
        f"event {step.event!r} of step {step.trigger!r} has no known meaning; "
        "declare the step's meanings (e.g. ['acknowledged'], or ['internal'] "
        "for an organisation's own step)"
    )


def _listed(meanings: frozenset[Meaning]) -> str:
    return repr(sorted(m.value for m in meanings))


def _one_step_meanings(step: Step, found: frozenset[Meaning]) -> str | None:
    if Meaning.INTERNAL in found and len(found) > 1:
        return "'internal' means no clause-7 meaning; it cannot be combined"
    if Meaning.RECEIVED in found:
        return "'received' is recorded by intake, not by a step"
    standard = STANDARD_EVENTS.get(step.event)
    if standard is not None and standard not in found:
        return (
            f"{step.event!r} is the standard event of {standard.value!r}; give a "
            f"step meaning {_listed(found)} its own event name"
        )
    return None


def meaning_problems(steps: Iterable[Step]) -> list[Problem]:
    """List the steps whose meaning is unknown or inconsistent, naming each step.

    A step carries a known meaning (a standard event name, or declared
    ``meanings``); one event means the same in every step that records it; a
    standard event name keeps its standard meaning; and one meaning is
    recorded by one event name, so deadlines and returns read it the same
    way whichever step fired.
    """
    problems: list[Problem] = []
    by_event: dict[str, tuple[int, frozenset[Meaning]]] = {}
    by_meaning: dict[Meaning, tuple[int, str]] = {}
    for i, step in enumerate(steps):
        if not _EVENT.fullmatch(step.event) or step.event == RECEIVED_EVENT:
            continue  # reported as a bad or reserved event name
        where = f"steps[{i}].meanings"
        found = declared_meanings(step)
        if found is None:
            problems.append((where, _unknown(step)))
            continue
        why = _one_step_meanings(step, found)
        if why is not None:
            problems.append((where, why))
        earlier = by_event.setdefault(step.event, (i, found))
        if earlier[1] != found:
            problems.append(
                (
                    where,
                    (
                        f"event {step.event!r} means {_listed(found)} in step "
                        f"{step.trigger!r} but {_listed(earlier[1])} in "
                        f"steps[{earlier[0]}]"
                    ),
                )
            )
        for meaning in sorted(found - {Meaning.INTERNAL}, key=lambda m: m.value):
            first = by_meaning.setdefault(meaning, (i, step.event))
            if first[1] != step.event:
                problems.append(
                    (
                        where,
                        (
                            f"step {step.trigger!r} records {meaning.value!r} as "
                            f"{step.event!r}, but steps[{first[0]}] records it "
                            f"as {first[1]!r}; one meaning needs one event name"
                        ),
                    )
                )
    return problems


def definition_problems(definition: WorkflowDefinition) -> list[Problem]:
    """List every problem of ``definition`` (empty when it is valid)."""
    problems = _state_problems(definition)
    states: dict[str, bool] = {}
    for state in definition.states:
        states.setdefault(state.name, state.terminal)
    for i, step in enumerate(definition.steps):
        problems += _step_problems(i, step, states)
    problems += _trigger_problems(definition.steps)
    problems += meaning_problems(definition.steps)
    problems += _graph_problems(definition)
    return problems
