"""``ComplaintsHandler``: the one facade a host application calls.

One class, composed rather than inherited. Its state is one
:class:`~iso10002.handler._core.HandlerCore` (the checked collaborators and
the unit of work of a step); its methods are listed below, each a function
of one small module by concern: intake and queries, the generic step, the
named steps (declarations over the generic one), steps with a body of their
own, correspondence, and confidentiality.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from iso10002.calendars import BusinessCalendar
from iso10002.clock import Clock
from iso10002.deadlines import Pack, PackSelection
from iso10002.handler import (
    _correspondence,
    _custom_steps,
    _generic,
    _privacy,
    _queries,
    _receive,
    _steps,
)
from iso10002.handler._access import AccessPolicy
from iso10002.handler._core import _UNSET, DEFAULT_MAX_RETRIES, HandlerCore
from iso10002.handler._notify import Subscriber
from iso10002.handler._unit import HandlerStore
from iso10002.ids import IdFactory
from iso10002.principles import Policy, PolicyRegistry
from iso10002.repositories import ComplaintRepository
from iso10002.workflow import WorkflowDefinition, WorkflowEngine

__all__ = ["ComplaintsHandler"]


class ComplaintsHandler:
    """Run complaints through a workflow, its policies and a repository (ISO 10002 7).

    Every call is one unit of work: load the complaint, check the access
    policy, fire the workflow step with the guiding-principle policies as
    guards (the engine's :class:`~iso10002.workflow.StepContext` carries the
    organisation profile, the calendar and the pack into their context,
    besides the clock's instant, the actor and roles), recompute the due
    dates from the history into ``Complaint.deadlines``, save with the
    expected version and, only after the commit, hand the new events to the
    in-process subscribers. When another writer saved first, the step is
    retried on the newer version up to ``max_retries`` times while it is
    still allowed there; otherwise :class:`~iso10002.errors.ConflictError`
    reaches the caller. With a repository that remembers the complaint
    (:class:`~iso10002.repositories.RememberingRepository`, PostgreSQL) the
    first attempt starts from it without loading; if that attempt is
    refused (a conflict, or a check the stored version might pass), the step
    starts again from a load, and that attempt's outcome is the step's (it
    costs none of the retries). Another repository error of its save reaches
    the caller: the save may have committed.

    Every step (:meth:`fire`, :meth:`step` and each named step such as
    :meth:`acknowledge` or :meth:`decide`) returns one
    :data:`StepResult`: the new version redacted for the calling actor, the
    events the step committed and the guards' non-blocking findings. The
    named steps are typed entry points over :meth:`step`: the keyword data
    of every step follows from the fields the workflow definition says it
    sets.

    Args:
        repository: Where complaints are kept.
        workflow: A workflow definition (compiled with ``policies``) or a
            ready workflow engine; :func:`~iso10002.workflow.standard_workflow`
            by default.
        policies: The policies guards name, by id; an id not given runs the
            policy of :func:`~iso10002.principles.default_policies` (every
            policy the library ships: the 2018 set and each pack's content
            rules), the one default set of every workflow engine.
        clock: Where "now" comes from (the system clock by default).
        calendar: The business calendar. Without one, Monday to Friday in
            UTC, with a :class:`~iso10002.calendars.MissingCalendarWarning`.
        pack: The deadline pack, or its name (``"iso10002"`` by default);
            ``None`` projects no due dates. A
            :class:`~iso10002.deadlines.PackSelection` chooses the pack per
            complaint and records it in the history (its ``default`` pack
            supplies the content policies and the retention period).
        organisation: The :class:`~iso10002.principles.OrganisationProfile`
            the policies check against.
        access: Who may do what (:class:`RoleBasedAccess` by default).
        subscribers: Callables receiving a :class:`Notification` per
            committed event, in-process (a failing one is logged and skipped;
            use :meth:`dispatch_pending` for delivery that must not be lost).
        store: Where subscriber positions and reference counters are kept;
            found automatically for the in-memory and SQLite repositories,
            required otherwise (e.g. ``PostgresHandlerStore``).
        ids: Where complaint ids come from (ULIDs by default).
        reference_prefix: The prefix of human references (``CMP``).
        retention: How long ended complaints keep personal data; the pack's
            record-keeping period by default (``None`` disables the sweep).
        max_retries: Retries of a step after a concurrent change.

    Raises:
        ValidationError: naming the argument, for a bad collaborator.
        InvalidWorkflowDefinition: if a guard names a policy not given.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``pack`` may be a :class:`~iso10002.deadlines.PackSelection`; without a
       ``calendar`` a :class:`~iso10002.calendars.MissingCalendarWarning` is
       issued. Every step returns a :data:`StepResult` (the named steps returned the
       bare complaint, without the non-blocking findings).
    """

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
        """Check and keep the collaborators (see the class)."""
        self._core = HandlerCore(
            repository,
            workflow,
            policies,
            clock=clock,
            calendar=calendar,
            pack=pack,
            organisation=organisation,
            access=access,
            subscribers=subscribers,
            store=store,
            ids=ids,
            reference_prefix=reference_prefix,
            retention=retention,
            max_retries=max_retries,
        )

    # -- properties ----------------------------------------------------------------

    @property
    def repository(self) -> ComplaintRepository:
        """Return the repository the handler stores complaints in."""
        return self._core.repository

    @property
    def workflow(self) -> WorkflowEngine:
        """Return the workflow engine the handler fires steps with."""
        return self._core.engine

    @property
    def access(self) -> AccessPolicy:
        """Return the access policy checked on every call."""
        return self._core.access

    @property
    def store(self) -> HandlerStore:
        """Return where subscriber positions and reference counters are kept."""
        return self._core.store

    @property
    def pack(self) -> Pack | None:
        """Return the deadline pack (``None``: no due dates are projected)."""
        return self._core.pack

    @property
    def retention(self) -> timedelta | None:
        """Return how long ended complaints keep personal data (``None``: unset)."""
        return self._core.retention

    def shutdown(self) -> None:
        """Close the store the handler opened itself (the repository stays open).

        .. versionadded:: 0.1.0
        """
        self._core.shutdown()

    # -- intake and queries (_receive, _queries) -----------------------------------
    receive = _receive.receive
    get = _queries.get
    find = _queries.find
    due = _queries.due
    breached = _queries.breached

    # -- the one generic step (_generic) -------------------------------------------
    fire = _generic.fire
    step = _generic.step
    step_keywords = _generic.step_keywords

    # -- the named steps: typed declarations over ``step`` (_steps) ----------------
    acknowledge = _steps.acknowledge
    assess = _steps.assess
    assign = _steps.assign
    request_information = _steps.request_information
    information_received = _steps.information_received
    investigate = _steps.investigate
    decide = _steps.decide
    communicate_decision = _steps.communicate_decision
    escalate = _steps.escalate
    withdraw = _steps.withdraw
    reject_as_not_a_complaint = _steps.reject_as_not_a_complaint
    close = _steps.close
    reopen = _steps.reopen

    # -- steps with a body of their own (_custom_steps) ----------------------------
    record_holding_response = _custom_steps.record_holding_response
    record_complainant_reply = _custom_steps.record_complainant_reply
    link = _custom_steps.link
    record_satisfaction = _custom_steps.record_satisfaction

    # -- notes and correspondence: events that change no state (_correspondence) ---
    record_note = _correspondence.record_note
    record_correspondence = _correspondence.record_correspondence
    record_delivery = _correspondence.record_delivery

    # -- confidentiality and durable delivery (_privacy) ---------------------------
    erase_personal_data = _privacy.erase_personal_data
    sweep_retention = _privacy.sweep_retention
    export = _privacy.export
    complaints_for_analysis = _privacy.complaints_for_analysis
    dispatch_pending = _privacy.dispatch_pending


# The method modules name the class in ``self`` annotations for type checkers
# only (importing it there would be a cycle): bind the name in them now, so
# ``typing.get_type_hints`` of a method (autodoc, a user's introspection)
# resolves its annotations.
for _module in (
    _correspondence,
    _custom_steps,
    _generic,
    _privacy,
    _queries,
    _receive,
    _steps,
):
    vars(_module).setdefault("ComplaintsHandler", ComplaintsHandler)
