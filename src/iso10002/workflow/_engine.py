"""The workflow engine: a definition compiled once, firing steps on complaints."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from iso10002.errors import Iso10002Error, TransitionNotAllowed, ValidationError
from iso10002.history import step_facts
from iso10002.model import (
    Channel,
    Complaint,
    ComplaintForm,
    WorkflowRef,
)
from iso10002.model.versions import (
    advance,
    check_changes,
    checked_event,
    receive_checked,
)
from iso10002.principles import Policy
from iso10002.vocabulary import register_workflow
from iso10002.workflow._compiled import (
    KNOWN_ACTORS_MAX,
    CompiledStep,
    check_actor,
    checked_at,
    compile_steps,
    registry_of,
    roles_of,
    run_guards,
    step_data,
)
from iso10002.workflow._context import NO_CONTEXT, StepContext
from iso10002.workflow._data import missing_requirements
from iso10002.workflow._definition import WorkflowDefinition
from iso10002.workflow._results import Transitioned

__all__ = ["Workflow"]


_UTC = timezone.utc
_NEW = object.__new__
# The result's slots, set directly: its fields have no converters or checks.
_SET_COMPLAINT = Transitioned.__dict__["complaint"].__set__
_SET_EVENTS = Transitioned.__dict__["events"].__set__
_SET_FINDINGS = Transitioned.__dict__["findings"].__set__
_NO_CHANGES: dict[str, Any] = {}  # read, never written


class Workflow:
    """Run a :class:`WorkflowDefinition`: compiled once, shared by every complaint.

    Args:
        definition: The workflow to run.
        policies: The policies guards may name (a
            :class:`~iso10002.principles.PolicyRegistry` or any iterable of
            policies). A guard naming an id not given runs the policy of
            :func:`~iso10002.principles.default_policies` (every policy the
            library ships) or the workflow's own :class:`ReopenWindow` with its
            default window.

    Raises:
        InvalidWorkflowDefinition: if a guard names a policy neither given
            nor shipped.
        ValidationError: if an item of ``policies`` is not a policy.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Guards resolve against the shipped policies when not given.
    """

    def __init__(
        self,
        definition: WorkflowDefinition,
        policies: Iterable[Policy] | Mapping[str, Policy] | None = None,
    ) -> None:
        """Check the guards against ``policies`` and compile the definition."""
        if not isinstance(definition, WorkflowDefinition):
            raise ValidationError.single("definition", "must be a WorkflowDefinition")
        self._table = compile_steps(definition, registry_of(policies))
        self._definition = definition
        self._ref = WorkflowRef(name=definition.name, version=definition.version)
        # Its complaints are read with its meanings from now on (analysis,
        # deadlines, push-down): the definition that records them is the one.
        register_workflow(definition)
        self._allowed = {state: tuple(row) for state, row in self._table.items()}
        # Actor strings already checked against the event's actor validator
        # (bounded; ids of staff and systems, never complainants' data).
        self._actors: set[str] = set()

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
        if not isinstance(form, ComplaintForm):
            raise ValidationError.single("form", "must be a ComplaintForm")
        # The initial state and the reference were checked when this
        # workflow was compiled; only the caller's facts are checked here.
        checked = check_changes(
            {
                "id": id,
                "reference": reference,
                "received_at": received_at,
                "channel": channel,
                "received_by": actor,
            }
        )
        return receive_checked(
            form,
            **checked,
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
        context: StepContext = NO_CONTEXT,
    ) -> bool:
        """Tell whether :meth:`fire` would succeed with these arguments.

        Returns:
            ``True`` when every check passes (state, role, data, guards).
        """
        try:
            self.fire(
                complaint,
                trigger,
                actor=actor,
                at=at,
                roles=roles,
                data=data,
                context=context,
            )
        except Iso10002Error:
            return False
        return True

    def _step(
        self, complaint: Complaint, trigger: str, roles: frozenset[str]
    ) -> CompiledStep:
        state = complaint.status
        if complaint.workflow is not self._ref and complaint.workflow != self._ref:
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
        context: StepContext = NO_CONTEXT,
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
            context: The organisation, calendar and pack the guards'
                :class:`~iso10002.principles.PolicyContext` carries (its
                instant is ``at``).

        Returns:
            The new complaint, the event appended, and non-blocking findings.

        Raises:
            TransitionNotAllowed: unknown trigger, wrong state, wrong workflow,
                or none of the roles needed.
            ValidationError: bad ``at``, ``actor`` or data, data for a field the
                step does not set, or a field the step requires left empty.
            GuardRejected: a guard returned a blocking finding (the error
                names the policy, its principle and clause, and what is
                missing).

        .. versionchanged:: 0.2.0
           ``context``.
        """
        held = roles if roles.__class__ is frozenset else roles_of(roles)
        # Fast paths first; the slow ones check everything and say what is wrong.
        row = self._table.get(complaint.status)
        step = None if row is None else row.get(trigger)
        if (
            step is None
            or complaint.workflow is not self._ref
            or (step.roles and step.roles.isdisjoint(held))
        ):
            step = self._step(complaint, trigger, held)
        if not complaint.history:
            raise ValidationError.single(
                "complaint.history",
                "is empty: a complaint starts with Workflow.receive",
            )
        if (
            at.__class__ is not datetime
            or at.tzinfo is not _UTC
            or at < complaint.history[-1].at
        ):
            at = checked_at(complaint, at)
        if actor.__class__ is not str or actor not in self._actors:
            self._check_actor(actor)
        if context is not NO_CONTEXT and not isinstance(context, StepContext):
            raise ValidationError.single("context", "must be a StepContext")
        event_data: dict[str, Any]
        if data is None:
            checked, event_data = _NO_CHANGES, {}
        else:
            checked, event_data = step_data(data, step, trigger)
            if checked:
                # The history is the record: the event carries what the step set.
                event_data = {**event_data, **step_facts(checked)}
        # The step's template (name, trigger and states) was checked when the
        # definition was compiled, and what varies per call above, each with
        # its field's own check; the sequence follows the checked version.
        template = step.template
        event = checked_event(
            sequence=complaint.version + 1,
            name=template.name,
            at=at,
            actor=actor,
            trigger=template.trigger,
            from_state=template.from_state,
            to_state=template.to_state,
            data=event_data,
        )
        candidate = advance(complaint, event, step.destination, checked)
        if step.requires:
            missing = missing_requirements(candidate, step.requires)
            if missing:
                raise ValidationError(
                    (path, f"is required by step {trigger!r} and must not be empty")
                    for path in missing
                )
        findings = (
            run_guards(
                step,
                complaint,
                candidate,
                at=at,
                actor=actor,
                held=held,
                data=data,
                setting=context,
            )
            if step.guards
            else ()
        )
        result: Transitioned = _NEW(Transitioned)
        _SET_COMPLAINT(result, candidate)
        _SET_EVENTS(result, (event,))
        _SET_FINDINGS(result, findings)
        return result

    def _check_actor(self, actor: Any) -> None:
        """Check an actor as the event's field does, and remember it when good."""
        check_actor(actor)
        if actor.__class__ is str:
            if len(self._actors) >= KNOWN_ACTORS_MAX:
                self._actors.clear()
            self._actors.add(actor)
