"""``ComplaintsHandler``: the one facade a host application calls."""

from __future__ import annotations

from iso10002.handler._correspondence import CorrespondenceMixin
from iso10002.handler._privacy import PrivacyMixin
from iso10002.handler._steps import StepsMixin

__all__ = ["ComplaintsHandler"]


class ComplaintsHandler(StepsMixin, PrivacyMixin, CorrespondenceMixin):
    """Run complaints through a workflow, its policies and a repository (ISO 10002 7).

    Every call is one unit of work: load the complaint, check the access
    policy, fire the workflow step with the guiding-principle policies as
    guards (their context carries the clock's instant, the actor and roles,
    the organisation profile, the calendar and the pack), recompute the due
    dates from the history into ``Complaint.deadlines``, save with the
    expected version and, only after the commit, hand the new events to the
    in-process subscribers. When another writer saved first, the step is
    retried on the newer version up to ``max_retries`` times while it is
    still allowed there; otherwise :class:`~iso10002.errors.ConflictError`
    reaches the caller. Returned complaints are redacted for the calling actor.

    Args:
        repository: Where complaints are kept.
        workflow: A workflow definition (compiled with ``policies``) or a
            ready workflow engine; :func:`~iso10002.workflow.standard_workflow`
            by default.
        policies: The policies guards name; by default the 2018 set, plus
            the pack's content rules for a regulatory pack.
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
       ``calendar`` a :class:`~iso10002.calendars.MissingCalendarWarning` is issued.
    """
