"""The workflow engine: a definition compiled once, firing steps on complaints."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any, Protocol, runtime_checkable

import attrs

from iso10002.errors import (
    GuardRejected,
    InvalidWorkflowDefinition,
    Iso10002Error,
    Problem,
    TransitionNotAllowed,
    ValidationError,
)
from iso10002.model import (
    Channel,
    Complaint,
    ComplaintForm,
    HistoryEvent,
    WorkflowRef,
    evolve,
)
from iso10002.principles import Finding, Policy, PolicyContext
from iso10002.workflow._data import missing_requirements, split_data
from iso10002.workflow._definition import Step, WorkflowDefinition
from iso10002.workflow._guards import ReopenWindow
from iso10002.workflow._transitions import compile_table

__all__ = ["Transitioned", "Workflow", "WorkflowEngine"]


@attrs.frozen(kw_only=True)
class Transitioned:
    """The result of firing a step: the new complaint and what happened.

    Args:
        complaint: The new version of the complaint.
        events: The history events the step appended (one per step).
        findings: Non-blocking findings the guards returned.

    .. versionadded:: 0.1.0
    """

    complaint: Complaint
    events: tuple[HistoryEvent, ...]
    findings: tuple[Finding, ...] = ()


@runtime_checkable
class WorkflowEngine(Protocol):
    """What a complaints handler needs from a workflow engine.

    :class:`Workflow` implements it; a host application may plug in its own.

    .. versionadded:: 0.1.0
    """

    @property
    def definition(self) -> WorkflowDefinition:
        """Return the definition the engine runs."""
        ...

    def fire(  # noqa: PLR0913 - mirrors Workflow.fire
        self,
        complaint: Complaint,
        trigger: str,
        *,
        actor: str,
        at: datetime,
        roles: Iterable[str] = (),
        data: Mapping[str, Any] | None = None,
    ) -> Transitioned:
        """Fire ``trigger`` on ``complaint`` and return the new version."""
        ...

    def allowed_triggers(
        self, complaint: Complaint, *, roles: Iterable[str] | None = None
    ) -> tuple[str, ...]:
        """Return the triggers the complaint's state allows."""
        ...


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@attrs.frozen
class _Compiled:
    """One step as the hot path needs it, for one source state."""

    trigger: str
    source: str
    destination: str
    event: str
    sets: frozenset[str]
    requires: tuple[str, ...]
    roles: frozenset[str]
    guards: tuple[Policy, ...]
    template: HistoryEvent


def _registry(
    policies: Iterable[Policy] | Mapping[str, Policy] | None,
) -> dict[str, Policy]:
    values = policies.values() if isinstance(policies, Mapping) else policies or ()
    by_id: dict[str, Policy] = {}
    for i, policy in enumerate(values):
        if not isinstance(policy, Policy):
            raise ValidationError.single(f"policies[{i}]", "must implement Policy")
        by_id[policy.id] = policy
    default = ReopenWindow()
    by_id.setdefault(default.id, default)
    return by_id


class Workflow:
    """Run a :class:`WorkflowDefinition`: compiled once, shared by every complaint.

    Args:
        definition: The workflow to run.
        policies: The policies guards may name (a
            :class:`~iso10002.principles.PolicyRegistry` or any iterable of
            policies). The workflow's own :class:`ReopenWindow` is added with
            its default window unless a policy with its id is given.

    Raises:
        InvalidWorkflowDefinition: if a guard names a policy not given.
        ValidationError: if an item of ``policies`` is not a policy.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        definition: WorkflowDefinition,
        policies: Iterable[Policy] | Mapping[str, Policy] | None = None,
    ) -> None:
        """Check the guards against ``policies`` and compile the definition."""
        if not isinstance(definition, WorkflowDefinition):
            raise ValidationError.single("definition", "must be a WorkflowDefinition")
        registry = _registry(policies)
        problems: list[Problem] = [
            (f"steps[{i}].guards[{j}]", f"unknown policy {guard!r}")
            for i, step in enumerate(definition.steps)
            for j, guard in enumerate(step.guards)
            if guard not in registry
        ]
        if problems:
            raise InvalidWorkflowDefinition(problems)
        self._definition = definition
        self._ref = WorkflowRef(name=definition.name, version=definition.version)
        by_trigger: dict[tuple[str, str], Step] = {
            (source, step.trigger): step
            for step in definition.steps
            for source in step.sources
        }
        self._table: dict[str, dict[str, _Compiled]] = {}
        for state, row in compile_table(definition).items():
            compiled: dict[str, _Compiled] = {}
            for trigger, destination in row.items():
                step = by_trigger[state, trigger]
                compiled[trigger] = _Compiled(
                    trigger=trigger,
                    source=state,
                    destination=destination,
                    event=step.event,
                    sets=frozenset(step.sets),
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
            self._table[state] = compiled
        self._allowed = {state: tuple(row) for state, row in self._table.items()}

    @property
    def definition(self) -> WorkflowDefinition:
        """Return the definition this workflow runs."""
        return self._definition

    @property
    def ref(self) -> WorkflowRef:
        """Return the reference recorded on complaints that run under this workflow."""
        return self._ref

    def __repr__(self) -> str:
        """Name the definition and its version."""
        return f"Workflow({self._ref.name!r}, version={self._ref.version})"

    def receive(  # noqa: PLR0913 - every argument is a required fact of receipt
        self,
        form: ComplaintForm,
        *,
        id: str,  # noqa: A002 - the field is called id
        reference: str,
        received_at: datetime,
        channel: Channel,
        actor: str,
    ) -> Complaint:
        """Start a complaint under this workflow, in its initial state (7.2).

        Args:
            form: What the complainant submitted.
            id: The new complaint's unique id.
            reference: Its human-facing reference.
            received_at: When it was received (timezone-aware).
            channel: How it arrived.
            actor: Who recorded it.

        Returns:
            Version 1 of the complaint, recording this workflow's name and version.

        Raises:
            ValidationError: if any value is invalid.
        """
        return Complaint.receive(
            form,
            id=id,
            reference=reference,
            received_at=received_at,
            channel=channel,
            received_by=actor,
            status=self._definition.initial_state,
            workflow=self._ref,
        )

    def allowed_triggers(
        self, complaint: Complaint, *, roles: Iterable[str] | None = None
    ) -> tuple[str, ...]:
        """Return the triggers the complaint's state allows, in definition order.

        Args:
            complaint: The complaint.
            roles: When given, keep only the triggers these roles may fire.

        Returns:
            Trigger names (guards and data are not checked here).
        """
        allowed = self._allowed.get(complaint.status, ())
        if roles is None:
            return allowed
        held = frozenset(roles)
        row = self._table[complaint.status]
        return tuple(
            t for t in allowed if not row[t].roles or not row[t].roles.isdisjoint(held)
        )

    def allowed_triggers_in(self, state: str) -> tuple[str, ...]:
        """Return the triggers allowed from the state called ``state``.

        Returns:
            Trigger names, in definition order (empty for an unknown state).
        """
        return self._allowed.get(state, ())

    def can_fire(  # noqa: PLR0913 - mirrors fire
        self,
        complaint: Complaint,
        trigger: str,
        *,
        actor: str,
        at: datetime,
        roles: Iterable[str] = (),
        data: Mapping[str, Any] | None = None,
    ) -> bool:
        """Tell whether :meth:`fire` would succeed with these arguments.

        Returns:
            ``True`` when every check passes (state, role, data, guards).
        """
        try:
            self.fire(complaint, trigger, actor=actor, at=at, roles=roles, data=data)
        except Iso10002Error:
            return False
        return True

    def _step(
        self, complaint: Complaint, trigger: str, roles: frozenset[str]
    ) -> _Compiled:
        state = complaint.status
        if complaint.workflow != self._ref:
            msg = (
                f"complaint runs under {complaint.workflow.name!r} version "
                f"{complaint.workflow.version}, not {self._ref.name!r} "
                f"version {self._ref.version}"
            )
            raise TransitionNotAllowed(
                msg, trigger=trigger, state=state, complaint_id=complaint.id
            )
        row = self._table.get(state)
        step = None if row is None else row.get(trigger)
        if step is None:
            allowed = self._allowed.get(state, ())
            why = (
                "unknown state"
                if row is None
                else f"allowed: {', '.join(allowed) or 'none'}"
            )
            msg = f"cannot {trigger!r} from {state!r} ({why})"
            raise TransitionNotAllowed(
                msg,
                trigger=trigger,
                state=state,
                allowed=allowed,
                complaint_id=complaint.id,
            )
        if step.roles and step.roles.isdisjoint(roles):
            msg = f"{trigger!r} needs one of the roles {sorted(step.roles)}"
            raise TransitionNotAllowed(
                msg,
                trigger=trigger,
                state=state,
                allowed=self.allowed_triggers(complaint, roles=roles),
                complaint_id=complaint.id,
            )
        return step

    def fire(  # noqa: PLR0913 - the facts of one step
        self,
        complaint: Complaint,
        trigger: str,
        *,
        actor: str,
        at: datetime,
        roles: Iterable[str] = (),
        data: Mapping[str, Any] | None = None,
    ) -> Transitioned:
        """Fire ``trigger`` and return the next version of ``complaint``.

        The new complaint is ``complaint.next_version(event, ...)`` with the fields
        the data sets, the new status, ``version + 1`` and one new history
        event. Guards run on that candidate before anything is returned.

        Args:
            complaint: The complaint, at its current version.
            trigger: The step to take, e.g. ``acknowledge``.
            actor: Who takes it.
            at: When (timezone-aware, not before the last history event).
            roles: The actor's roles.
            data: Values for the complaint fields the step sets (model
                objects, or plain data for them) and any other JSON data for
                the history event (no personal data there).

        Returns:
            The new complaint, the event appended, and non-blocking findings.

        Raises:
            TransitionNotAllowed: unknown trigger, wrong state, wrong workflow,
                or none of the roles needed.
            ValidationError: bad ``at``, ``actor`` or data, data for a field the
                step does not set, or a field the step requires left empty.
            GuardRejected: a guard returned a blocking finding.
        """
        held = frozenset(roles)
        step = self._step(complaint, trigger, held)
        last = complaint.history[-1].at if complaint.history else complaint.received_at
        if not isinstance(at, datetime) or at.utcoffset() is None:
            raise ValidationError.single("at", "must be a timezone-aware datetime")
        if at < last:
            raise ValidationError.single(
                "at", f"must not be earlier than the last event ({last.isoformat()})"
            )
        updates, event_data = split_data(data, trigger, step.sets)
        # The template's name, trigger and states were validated when the
        # definition was compiled; only what varies per call is checked here.
        event = evolve(
            step.template,
            sequence=complaint.version + 1,
            at=at,
            actor=actor,
            data=event_data,
        )
        candidate = complaint.next_version(event, **updates, status=step.destination)
        missing = missing_requirements(candidate, step.requires)
        if missing:
            raise ValidationError(
                (path, f"is required by step {trigger!r} and must not be empty")
                for path in missing
            )
        findings: tuple[Finding, ...] = ()
        if step.guards:
            context = PolicyContext(
                now=at,
                actor=actor,
                roles=held,  # type: ignore[arg-type] # attrs' frozenset converter
                trigger=trigger,
                previous=complaint,
                data=dict(data or {}),
            )
            findings = tuple(
                f for g in step.guards for f in g.evaluate(candidate, context)
            )
            blocking = [f for f in findings if f.blocking]
            if blocking:
                msg = f"{trigger!r} refused: " + "; ".join(f.message for f in blocking)
                raise GuardRejected(
                    msg,
                    trigger=trigger,
                    state=complaint.status,
                    findings=findings,
                    complaint_id=complaint.id,
                )
        return Transitioned(complaint=candidate, events=(event,), findings=findings)
