"""The one generic step of the handler: by trigger and keyword data, or raw."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from iso10002.errors import ValidationError
from iso10002.handler._actor import Actor, as_actor
from iso10002.handler._notes import pending_note
from iso10002.handler._stepdata import keywords_of, step_values
from iso10002.handler._unit import StepResult

if TYPE_CHECKING:
    from iso10002.handler._handler import ComplaintsHandler

__all__ = ["fire", "step", "step_keywords"]


def fire(  # noqa: PLR0913, D417 - the step, its data and its reason; self is the handler
    self: ComplaintsHandler,
    complaint_id: str,
    trigger: str,
    *,
    actor: Actor | str,
    data: Mapping[str, Any] | None = None,
    reason: str | None = None,
    reason_code: str | None = None,
) -> StepResult:
    """Take any workflow step by trigger name with raw data, as one unit of work.

    Loads the complaint, checks the actor may take ``trigger`` on it, fires
    the workflow with the guard policies, recomputes the due dates, saves
    with the expected version (retrying a bounded number of times after a
    concurrent change when the step is still allowed) and, once committed,
    hands the new events to the subscribers.

    Args:
        complaint_id: The complaint.
        trigger: The workflow trigger, e.g. ``acknowledge``.
        actor: Who takes the step.
        data: Values for the fields the step sets, and JSON event data.
            Event data is never erased and is shown to every reader of
            the history: it must not hold personal data (give free text
            as ``reason``).
        reason: Free text about the step (may hold personal data): kept
            as a personal :class:`~iso10002.model.StepNote` in the
            complaint's ``notes``, never in the event.
        reason_code: The reason code the event records (``stated`` when
            only ``reason`` is given); see
            :data:`~iso10002.model.REASON_CODE_PATTERN`.

    Returns:
        The new version (redacted for ``actor``), its events and findings.

    Raises:
        NotFoundError: if there is no such complaint.
        AccessDenied: if the access policy refuses.
        TransitionNotAllowed: if the step is not allowed now.
        GuardRejected: if a guard policy blocks it.
        ValidationError: for bad data.
        ConflictError: if concurrent changes persist past the retries or
            make the step no longer allowed.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``reason`` and ``reason_code``.
    """
    if not isinstance(trigger, str):
        raise ValidationError.single("trigger", "must be a trigger name")
    note = pending_note(reason, reason_code)
    return self._core.apply(complaint_id, actor, [(trigger, data)], note)


def step(  # noqa: PLR0913, D417 - the step, its actor, reason and data; self is the handler
    self: ComplaintsHandler,
    trigger: str,
    complaint_id: str,
    *,
    actor: Actor | str,
    reason: str | None = None,
    reason_code: str | None = None,
    data: Mapping[str, Any] | None = None,
    **fields: Any,
) -> StepResult:
    """Take the step ``trigger`` of the handler's workflow, with keyword data.

    The keywords a step takes follow from the complaint fields its
    definition says it sets, whatever the step is called: ``category``,
    ``severity``, ``priority``, ``tags``, ``subcategory`` or a ready
    ``classification`` for a step setting the classification;
    ``outcome``, ``summary``, ``reasons``, ``remedies``,
    ``escalation_route`` (or a ready ``decision``) for a deciding step;
    ``via`` for one recording the decision's communication; ``outcome``
    and ``root_cause`` for an ending step; ``assignee``; ``score`` and
    ``comment`` for satisfaction; ``to`` and ``kind`` for a link. A
    keyword given as ``None`` counts as not given. The named methods
    (:meth:`acknowledge`, :meth:`decide` …) are typed entry points to
    this one.

    Args:
        trigger: The workflow trigger, e.g. ``acknowledge``.
        complaint_id: The complaint.
        actor: Who takes the step (a deciding step records them as
            ``decided_by``).
        reason: Free text about the step, kept as a personal note.
        reason_code: The reason code the event records.
        data: Extra JSON event data (no personal data).
        fields: The step's keyword data (see above).

    Returns:
        The new version (redacted for ``actor``), the events the step
        committed and the guards' non-blocking findings.

    Raises:
        ValidationError: naming a keyword the step does not take (and the
            step), or a bad value.
        AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
        ConflictError: as :meth:`fire`.

    .. versionadded:: 0.2.0
    """
    if not isinstance(trigger, str):
        raise ValidationError.single("trigger", "must be a trigger name")
    who = as_actor(actor)
    note = pending_note(reason, reason_code)
    values = step_values(
        self._core.definition, trigger, fields, who=who.name, extra=data
    )
    return self._core.apply(complaint_id, who, [(trigger, values)], note)


def step_keywords(self: ComplaintsHandler, trigger: str) -> frozenset[str]:
    """Return the keyword data :meth:`step` takes for ``trigger``.

    Returns:
        The keywords (empty for a step that sets no field, or an unknown
        trigger).

    .. versionadded:: 0.2.0
    """
    return keywords_of(self._core.definition, trigger)
