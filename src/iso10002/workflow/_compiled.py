"""A workflow definition compiled for the engine's hot path, and its checks.

Each step becomes a :class:`CompiledStep` per source state, with its setters,
guards and a history-event template validated once; the functions here check
what varies per call (roles, step data, time, guards).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

import attrs

from iso10002.errors import (
    GuardRejected,
    InvalidWorkflowDefinition,
    Problem,
    ValidationError,
)
from iso10002.model import Complaint, HistoryEvent
from iso10002.model.versions import plan_of
from iso10002.principles import Finding, Policy, PolicyContext, default_policies
from iso10002.validators import check_json, to_utc
from iso10002.workflow._context import NO_CONTEXT, StepContext
from iso10002.workflow._data import Setter, compile_setters, split_data
from iso10002.workflow._definition import Step, WorkflowDefinition
from iso10002.workflow._guards import ReopenWindow
from iso10002.workflow._transitions import compile_table

__all__ = [
    "KNOWN_ACTORS_MAX",
    "CompiledStep",
    "check_actor",
    "checked_at",
    "compile_steps",
    "registry_of",
    "roles_of",
    "run_guards",
    "step_data",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_NO_ROLES: frozenset[str] = frozenset()
_EVENT = plan_of(HistoryEvent)
KNOWN_ACTORS_MAX = 1024


@attrs.frozen
class CompiledStep:
    """One step as the hot path needs it, for one source state."""

    trigger: str
    source: str
    destination: str
    event: str
    setters: dict[str, Setter]
    requires: tuple[str, ...]
    roles: frozenset[str]
    guards: tuple[Policy, ...]
    template: HistoryEvent


def roles_of(roles: Any) -> frozenset[str]:
    """Return the roles an actor holds as a frozenset; naming ``roles`` if bad."""
    if roles == ():
        return _NO_ROLES
    if isinstance(roles, (str, bytes)):
        raise ValidationError.single("roles", "must be a collection of role names")
    try:
        return frozenset(roles)
    except TypeError:
        raise ValidationError.single(
            "roles", "must be a collection of role names"
        ) from None


def step_data(
    data: Any, step: CompiledStep, trigger: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return checked field values and JSON-checked event data from step data."""
    if (
        data is not None
        and data.__class__ is not dict
        and not isinstance(data, Mapping)
    ):
        raise ValidationError.single("data", "must be a mapping")
    if not data:
        return {}, {}
    checked, event_data = split_data(data, trigger, step.setters)
    if event_data:
        check_json(event_data, "data")
    return checked, event_data


def registry_of(
    policies: Iterable[Policy] | Mapping[str, Policy] | None,
) -> dict[str, Policy]:
    """Index ``policies`` by id over the default set (given ones win).

    Raises:
        ValidationError: naming the item that is not a policy.
    """
    if isinstance(policies, (str, bytes)):
        raise ValidationError.single("policies", "must be policies, not a string")
    values = policies.values() if isinstance(policies, Mapping) else policies or ()
    by_id: dict[str, Policy] = dict(default_policies())
    default = ReopenWindow()
    by_id[default.id] = default
    for i, policy in enumerate(values):
        if not isinstance(policy, Policy):
            raise ValidationError.single(f"policies[{i}]", "must implement Policy")
        by_id[policy.id] = policy
    return by_id


def compile_steps(
    definition: WorkflowDefinition, registry: Mapping[str, Policy]
) -> dict[str, dict[str, CompiledStep]]:
    """Compile ``definition``: state, then trigger, to its :class:`CompiledStep`.

    Raises:
        InvalidWorkflowDefinition: if a guard names a policy not in ``registry``.
    """
    problems: list[Problem] = [
        (f"steps[{i}].guards[{j}]", f"unknown policy {guard!r}")
        for i, step in enumerate(definition.steps)
        for j, guard in enumerate(step.guards)
        if guard not in registry
    ]
    if problems:
        raise InvalidWorkflowDefinition(problems)
    by_trigger: dict[tuple[str, str], Step] = {
        (source, step.trigger): step
        for step in definition.steps
        for source in step.sources
    }
    table: dict[str, dict[str, CompiledStep]] = {}
    for state, row in compile_table(definition).items():
        compiled: dict[str, CompiledStep] = {}
        for trigger, destination in row.items():
            step = by_trigger[state, trigger]
            compiled[trigger] = CompiledStep(
                trigger=trigger,
                source=state,
                destination=destination,
                event=step.event,
                setters=compile_setters(step.sets),
                requires=step.requires,
                roles=frozenset(step.roles),
                guards=tuple(registry[g] for g in step.guards),
                template=HistoryEvent(
                    sequence=1,
                    name=step.event,
                    at=_EPOCH,
                    actor="system",
                    trigger=trigger,
                    from_state=state,
                    to_state=destination,
                ),
            )
        table[state] = compiled
    return table


def check_actor(actor: Any) -> None:
    """Check an actor as the history event's own field does."""
    _EVENT.check("actor", actor)


def run_guards(  # noqa: PLR0913 - the facts a guard sees
    step: CompiledStep,
    complaint: Complaint,
    candidate: Complaint,
    *,
    at: datetime,
    actor: str,
    held: frozenset[str],
    data: Mapping[str, Any] | None,
    setting: StepContext = NO_CONTEXT,
) -> tuple[Finding, ...]:
    """Run the step's guards on the candidate; raise if one blocks."""
    context = PolicyContext(
        now=at,
        actor=actor,
        roles=held,  # type: ignore[arg-type] # the converter is frozenset
        trigger=step.trigger,
        previous=complaint,
        data=dict(data or {}),
        organisation=setting.organisation,
        calendar=setting.calendar,
        pack=setting.pack,
    )
    findings = tuple(f for g in step.guards for f in g.evaluate(candidate, context))
    blocking = [f for f in findings if f.blocking]
    if blocking:
        msg = f"{step.trigger!r} refused: " + "; ".join(
            f"{f.message} [{f.policy_id}/{f.code}, {f.principle}, clause {f.clause}]"
            for f in blocking
        )
        raise GuardRejected(
            msg,
            trigger=step.trigger,
            state=complaint.status,
            findings=findings,
            complaint_id=complaint.id,
        )
    return findings


def checked_at(complaint: Complaint, at: Any) -> datetime:
    """Check a step's time is aware and not before the last event; in UTC."""
    if not isinstance(at, datetime) or at.utcoffset() is None:
        raise ValidationError.single("at", "must be a timezone-aware datetime")
    last = complaint.history[-1].at if complaint.history else complaint.received_at
    if at < last:
        raise ValidationError.single(
            "at", f"must not be earlier than the last event ({last.isoformat()})"
        )
    converted: datetime = to_utc(at)
    return converted
