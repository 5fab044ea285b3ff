"""The handler's core: configuration, the unit of work, and reading complaints."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from iso10002.calendars import BusinessCalendar, fallback_calendar
from iso10002.clock import Clock, SystemClock
from iso10002.deadlines import (
    REGIME_KEY,
    Pack,
    PackSelection,
    get_pack,
    project_due_dates,
    recorded_pack,
)
from iso10002.errors import (
    AccessDenied,
    ConflictError,
    ValidationError,
)
from iso10002.handler._access import AccessPolicy, RoleBasedAccess
from iso10002.handler._actor import Actor, as_actor
from iso10002.handler._notes import PendingNote, attach_note
from iso10002.handler._notify import Subscriber, publish
from iso10002.handler._redact import redact
from iso10002.handler._retention import check_retention, retention_period
from iso10002.handler._unit import (
    HandlerStore,
    StepData,
    StepResult,
    check_policies,
    default_store,
)
from iso10002.history import amend
from iso10002.ids import IdFactory, UlidFactory
from iso10002.model import Complaint, WorkflowRef
from iso10002.principles import Finding, Policy, PolicyRegistry
from iso10002.repositories import ComplaintRepository
from iso10002.workflow import (
    StepContext,
    Workflow,
    WorkflowDefinition,
    WorkflowEngine,
    standard_workflow,
)

__all__ = ["DEFAULT_MAX_RETRIES", "HandlerCore"]

DEFAULT_MAX_RETRIES = 3
"""How many times a step is retried after a concurrent writer saved first."""

_UNSET: Any = object()


def _pack(pack: Pack | str | PackSelection | None) -> Pack | None:
    if pack is None or isinstance(pack, Pack):
        return pack
    if isinstance(pack, str):
        return get_pack(pack)
    if isinstance(pack, PackSelection):
        return get_pack(pack.default)
    raise ValidationError.single(
        "pack", "must be a Pack, a pack name, a PackSelection or None"
    )


def _stamp(complaint: Complaint, pack: Pack) -> Complaint:
    """Record ``pack`` in the data of the complaint's newest event."""
    last = complaint.history[-1]
    data = {**last.data, REGIME_KEY: {"pack": pack.name, "version": pack.version}}
    history = (*complaint.history[:-1], attrs.evolve(last, data=data))
    return attrs.evolve(complaint, history=history)


class HandlerCore:
    """Configuration, the unit of work and the queries of :class:`ComplaintsHandler`."""

    def __init__(  # noqa: PLR0913 - every collaborator is injected
        self,
        repository: ComplaintRepository,
        workflow: WorkflowDefinition | WorkflowEngine | None = None,
        policies: PolicyRegistry | Iterable[Policy] | None = None,
        *,
        clock: Clock | None = None,
        calendar: BusinessCalendar | None = None,
        pack: Pack | str | PackSelection | None = "iso10002",
        organisation: Any = None,
        access: AccessPolicy | None = None,
        subscribers: Iterable[Subscriber] = (),
        store: HandlerStore | None = None,
        ids: IdFactory | None = None,
        reference_prefix: str = "CMP",
        retention: timedelta | None = _UNSET,
        max_retries: int = DEFAULT_MAX_RETRIES,
    ) -> None:
        """Check and keep the collaborators (see :class:`ComplaintsHandler`)."""
        if not isinstance(repository, ComplaintRepository):
            raise ValidationError.single(
                "repository", "must implement ComplaintRepository"
            )
        self._repository = repository
        self._clock = clock or SystemClock()
        self._calendar = (
            fallback_calendar("ComplaintsHandler") if calendar is None else calendar
        )
        if not isinstance(self._calendar, BusinessCalendar):
            raise ValidationError.single("calendar", "must be a BusinessCalendar")
        self._pack = _pack(pack)
        self._selection = pack if isinstance(pack, PackSelection) else None
        self._organisation = organisation
        self._access: AccessPolicy = access or RoleBasedAccess()
        if not isinstance(self._access, AccessPolicy):
            raise ValidationError.single("access", "must implement AccessPolicy")
        self._subscribers: tuple[Subscriber, ...] = tuple(subscribers)
        if not all(callable(s) for s in self._subscribers):
            raise ValidationError.single("subscribers", "must be callables")
        self._context = StepContext(
            organisation=organisation, calendar=self._calendar, pack=self._pack
        )
        self._engine, definition = self._compile(workflow, policies)
        self._definition = definition
        self._ref = WorkflowRef(name=definition.name, version=definition.version)
        self._paused = definition.paused_states
        self._terminal = definition.terminal_states
        self._owns_store = store is None
        self._store: HandlerStore = (
            store if store is not None else default_store(repository)
        )
        self._ids: IdFactory = ids or UlidFactory(self._clock)
        if not isinstance(reference_prefix, str) or not reference_prefix.isalnum():
            raise ValidationError.single(
                "reference_prefix", "must be letters and digits"
            )
        self._prefix = reference_prefix
        self._retention = check_retention(
            retention_period(self._pack) if retention is _UNSET else retention
        )
        if (
            isinstance(max_retries, bool)
            or not isinstance(max_retries, int)
            or max_retries < 0
        ):
            raise ValidationError.single(
                "max_retries", "must be a non-negative integer"
            )
        self._max_retries = max_retries

    def _compile(
        self, workflow: Any, policies: Any
    ) -> tuple[WorkflowEngine, WorkflowDefinition]:
        if workflow is None:
            workflow = standard_workflow()
        if isinstance(workflow, WorkflowDefinition):
            chosen = None if policies is None else check_policies(policies)
            return Workflow(workflow, chosen), workflow
        if isinstance(workflow, WorkflowEngine):
            if policies is not None:
                raise ValidationError.single(
                    "policies", "give the policies to the workflow engine you pass"
                )
            return workflow, workflow.definition
        raise ValidationError.single(
            "workflow", "must be a WorkflowDefinition or a workflow engine"
        )

    # -- properties ----------------------------------------------------------------

    @property
    def repository(self) -> ComplaintRepository:
        """Return the repository the handler stores complaints in."""
        return self._repository

    @property
    def workflow(self) -> WorkflowEngine:
        """Return the workflow engine the handler fires steps with."""
        return self._engine

    @property
    def access(self) -> AccessPolicy:
        """Return the access policy checked on every call."""
        return self._access

    @property
    def store(self) -> HandlerStore:
        """Return where subscriber positions and reference counters are kept."""
        return self._store

    @property
    def pack(self) -> Pack | None:
        """Return the deadline pack (``None``: no due dates are projected)."""
        return self._pack

    @property
    def retention(self) -> timedelta | None:
        """Return how long ended complaints keep personal data (``None``: unset)."""
        return self._retention

    # -- helpers -------------------------------------------------------------------

    def _check(self, actor: Actor, action: str, complaint: Complaint | None) -> None:
        if not self._access.can(actor, action, complaint):
            raise AccessDenied(actor.name, action, complaint.id if complaint else None)

    def _view(self, complaint: Complaint, actor: Actor) -> Complaint:
        return redact(complaint, actor, access=self._access)

    def _at(self, complaint: Complaint | None) -> datetime:
        now = self._clock.now()
        if (
            complaint is not None
            and complaint.history
            and complaint.history[-1].at > now
        ):
            # Another host's clock ran ahead: never record a step before the last one.
            return complaint.history[-1].at
        return now

    def _project(self, complaint: Complaint) -> Complaint:
        pack = self._pack
        if self._selection is not None:
            pack = self._selection.choose(complaint)
            recorded = recorded_pack(complaint)
            if recorded is None or recorded.name != pack.name:
                complaint = _stamp(complaint, pack)
        if pack is None:
            return complaint
        due = project_due_dates(
            complaint, pack, self._calendar, paused_states=self._paused
        )
        return (
            complaint if due == complaint.deadlines else amend(complaint, deadlines=due)
        )

    def _setting(self, complaint: Complaint) -> StepContext:
        """The guards' setting; under a pack selection, the complaint's pack."""
        if self._selection is None:
            return self._context
        return attrs.evolve(self._context, pack=self._selection.choose(complaint))

    def _allowed(
        self, complaint: Complaint, actor: Actor, triggers: Sequence[str]
    ) -> bool:
        allowed = self._engine.allowed_triggers(complaint, roles=actor.roles)
        return triggers[0] in allowed and self._access.can(
            actor, triggers[0], complaint
        )

    def _apply(
        self,
        complaint_id: str,
        actor: Actor | str,
        steps: Sequence[tuple[str, StepData]],
        note: PendingNote | None = None,
    ) -> StepResult:
        """Run ``steps`` on one complaint as one unit of work, retrying on conflict.

        ``note`` belongs to the first step: its event records the reason
        code, and the text is kept in the complaint's personal ``notes``.
        """
        who = as_actor(actor)
        if not isinstance(complaint_id, str):
            raise ValidationError.single("complaint_id", "must be a string")
        triggers = [t for t, _ in steps]
        attempt = 0
        while True:
            current = self._repository.get(complaint_id)
            for trigger in dict.fromkeys(triggers):
                self._check(who, trigger, current)
            at = self._at(current)
            candidate = current
            setting = self._setting(current)
            findings: list[Finding] = []
            for i, (trigger, data) in enumerate(steps):
                values = data(candidate, at) if callable(data) else data
                if i == 0 and note is not None:
                    values = {**(values or {}), "reason_code": note.code}
                result = self._engine.fire(
                    candidate,
                    trigger,
                    actor=who.name,
                    at=at,
                    roles=who.roles,
                    data=values,
                    context=setting,
                )
                candidate = result.complaint
                if i == 0 and note is not None:
                    candidate = attach_note(candidate, note, candidate.version)
                findings.extend(result.findings)
            candidate = self._project(candidate)
            try:
                self._repository.save(candidate, expected_version=current.version)
            except ConflictError:
                attempt += 1
                if attempt > self._max_retries or not self._allowed(
                    self._repository.get(complaint_id), who, triggers
                ):
                    raise
                continue
            events = candidate.history[current.version :]
            publish(self._subscribers, candidate.id, events)
            return StepResult(
                complaint=self._view(candidate, who),
                events=events,
                findings=tuple(findings),
            )

    def shutdown(self) -> None:
        """Close the store the handler opened itself (the repository stays open).

        .. versionadded:: 0.1.0
        """
        if self._owns_store:
            self._store.close()
