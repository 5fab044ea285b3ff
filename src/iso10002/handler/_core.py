"""The handler's core: its configuration and the unit of work of a step.

:class:`HandlerCore` is a collaborator the handler holds (not a base class):
the intake, queries, privacy and correspondence modules are functions of it.
"""

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
    Iso10002Error,
    RepositoryError,
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
from iso10002.model import Complaint, HistoryEvent, WorkflowRef
from iso10002.principles import Finding, Policy, PolicyRegistry
from iso10002.repositories import ComplaintRepository, RememberingRepository
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
    """The checked collaborators of a handler and its unit of work."""

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
        self.repository = repository
        # Steps start from the remembered complaint where there is one.
        self.remembering: RememberingRepository | None = (
            repository if isinstance(repository, RememberingRepository) else None
        )
        self.clock = clock or SystemClock()
        self.calendar = (
            fallback_calendar("ComplaintsHandler") if calendar is None else calendar
        )
        if not isinstance(self.calendar, BusinessCalendar):
            raise ValidationError.single("calendar", "must be a BusinessCalendar")
        self.pack = _pack(pack)
        self.selection = pack if isinstance(pack, PackSelection) else None
        self.organisation = organisation
        self.access: AccessPolicy = access or RoleBasedAccess()
        if not isinstance(self.access, AccessPolicy):
            raise ValidationError.single("access", "must implement AccessPolicy")
        self.subscribers: tuple[Subscriber, ...] = tuple(subscribers)
        if not all(callable(s) for s in self.subscribers):
            raise ValidationError.single("subscribers", "must be callables")
        self.context = StepContext(
            organisation=organisation, calendar=self.calendar, pack=self.pack
        )
        self.engine, definition = self._compile(workflow, policies)
        self.definition = definition
        self.ref = WorkflowRef(name=definition.name, version=definition.version)
        self.paused = definition.paused_states
        self.terminal = definition.terminal_states
        self.owns_store = store is None
        self.store: HandlerStore = (
            store if store is not None else default_store(repository)
        )
        self.ids: IdFactory = ids or UlidFactory(self.clock)
        if not isinstance(reference_prefix, str) or not reference_prefix.isalnum():
            raise ValidationError.single(
                "reference_prefix", "must be letters and digits"
            )
        self.prefix = reference_prefix
        self.retention = check_retention(
            retention_period(self.pack) if retention is _UNSET else retention
        )
        if (
            isinstance(max_retries, bool)
            or not isinstance(max_retries, int)
            or max_retries < 0
        ):
            raise ValidationError.single(
                "max_retries", "must be a non-negative integer"
            )
        self.max_retries = max_retries

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

    # -- helpers -------------------------------------------------------------------

    def check(self, actor: Actor, action: str, complaint: Complaint | None) -> None:
        if not self.access.can(actor, action, complaint):
            raise AccessDenied(actor.name, action, complaint.id if complaint else None)

    def view(self, complaint: Complaint, actor: Actor) -> Complaint:
        return redact(complaint, actor, access=self.access)

    def at(self, complaint: Complaint | None) -> datetime:
        now = self.clock.now()
        if (
            complaint is not None
            and complaint.history
            and complaint.history[-1].at > now
        ):
            # Another host's clock ran ahead: never record a step before the last one.
            return complaint.history[-1].at
        return now

    def project(self, complaint: Complaint) -> Complaint:
        pack = self.pack
        if self.selection is not None:
            pack = self.selection.choose(complaint)
            recorded = recorded_pack(complaint)
            if recorded is None or recorded.name != pack.name:
                complaint = _stamp(complaint, pack)
        if pack is None:
            return complaint
        due = project_due_dates(
            complaint, pack, self.calendar, paused_states=self.paused
        )
        return (
            complaint if due == complaint.deadlines else amend(complaint, deadlines=due)
        )

    def setting(self, complaint: Complaint) -> StepContext:
        """The guards' setting; under a pack selection, the complaint's pack."""
        if self.selection is None:
            return self.context
        return attrs.evolve(self.context, pack=self.selection.choose(complaint))

    def allowed(
        self, complaint: Complaint, actor: Actor, triggers: Sequence[str]
    ) -> bool:
        allowed = self.engine.allowed_triggers(complaint, roles=actor.roles)
        return triggers[0] in allowed and self.access.can(actor, triggers[0], complaint)

    def apply(
        self,
        complaint_id: str,
        actor: Actor | str,
        steps: Sequence[tuple[str, StepData]],
        note: PendingNote | None = None,
    ) -> StepResult:
        """Run ``steps`` on one complaint as one unit of work, retrying on conflict.

        ``note`` belongs to the first step: its event records the reason
        code, and the text is kept in the complaint's personal ``notes``.
        When the repository remembers the complaint
        (:class:`~iso10002.repositories.RememberingRepository`), the first
        attempt starts from it without a read; if that attempt is refused
        (the save, because another writer changed the complaint, or a check
        that the stored version might pass), the unit starts again from a
        read, and only that attempt's outcome counts. Any other repository
        error of the save reaches the caller, as on a read's attempt: the
        save may have committed, so the step is not done again.
        """
        who = as_actor(actor)
        if not isinstance(complaint_id, str):
            raise ValidationError.single("complaint_id", "must be a string")
        triggers = [t for t, _ in steps]
        remembered = (
            None
            if self.remembering is None
            else self.remembering.remembered(complaint_id)
        )
        saved = None
        if remembered is not None:
            try:
                saved = self._attempt(remembered, who, steps, note)
            except ConflictError:
                pass  # another writer came between: start again from a read
            except RepositoryError:
                # The save's outcome is not known (a connection lost as it
                # committed, say): doing the step again could do it twice.
                raise
            except Iso10002Error:
                pass  # refused on the remembered version: start from a read
        attempt = 0
        while saved is None:
            current = self.repository.get(complaint_id)
            try:
                saved = self._attempt(current, who, steps, note)
            except ConflictError:
                attempt += 1
                if attempt > self.max_retries or not self.allowed(
                    self.repository.get(complaint_id), who, triggers
                ):
                    raise
        candidate, events, findings = saved
        publish(self.subscribers, candidate.id, events)
        return StepResult(
            complaint=self.view(candidate, who),
            events=events,
            findings=findings,
        )

    def _attempt(
        self,
        current: Complaint,
        who: Actor,
        steps: Sequence[tuple[str, StepData]],
        note: PendingNote | None,
    ) -> tuple[Complaint, tuple[HistoryEvent, ...], tuple[Finding, ...]]:
        """Run ``steps`` on ``current`` and save the result over it, checked.

        Returns:
            The complaint saved, its new events and the findings.
        """
        for trigger in dict.fromkeys(t for t, _ in steps):
            self.check(who, trigger, current)
        at = self.at(current)
        candidate = current
        setting = self.setting(current)
        findings: list[Finding] = []
        for i, (trigger, data) in enumerate(steps):
            values = data(candidate, at) if callable(data) else data
            if i == 0 and note is not None:
                values = {**(values or {}), "reason_code": note.code}
            result = self.engine.fire(
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
        candidate = self.project(candidate)
        self.repository.save(candidate, expected_version=current.version)
        return candidate, candidate.history[current.version :], tuple(findings)

    def shutdown(self) -> None:
        """Close the store the handler opened itself (the repository stays open)."""
        if self.owns_store:
            self.store.close()
