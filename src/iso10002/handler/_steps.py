"""The named steps of the handler: declarations over the one generic step.

Each function here is a signature and a docstring; :func:`named_step` gives
it the body ``step(<its name>, complaint_id, ...)`` (see
:mod:`iso10002.handler._named`), so it returns what
:meth:`~iso10002.handler.ComplaintsHandler.step` returns, a
:data:`~iso10002.handler.StepResult`, and raises what it raises.
"""

# The bodies come from ``named_step``: the declarations are deliberately empty
# and their arguments unused here.
# mypy: disable-error-code="empty-body"

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from iso10002.handler._actor import Actor
from iso10002.handler._named import named_step
from iso10002.handler._unit import StepResult
from iso10002.model import (
    Classification,
    ContactMethod,
    Outcome,
    Priority,
    Remedy,
    RootCause,
    Severity,
)

if TYPE_CHECKING:
    from iso10002.handler._handler import ComplaintsHandler

__all__ = [
    "acknowledge",
    "assess",
    "assign",
    "close",
    "communicate_decision",
    "decide",
    "escalate",
    "information_received",
    "investigate",
    "record_satisfaction",
    "reject_as_not_a_complaint",
    "reopen",
    "request_information",
    "withdraw",
]


@named_step()
def acknowledge(  # noqa: PLR0913, D417 - an acknowledging step may also classify; self is the handler
    self: ComplaintsHandler,
    complaint_id: str,
    *,
    actor: Actor | str,
    data: Mapping[str, Any] | None = None,
    classification: Classification | None = None,
    category: str | None = None,
    severity: Severity | str | None = None,
    priority: Priority | str | None = None,
    **fields: Any,
) -> StepResult:
    """Acknowledge receipt to the complainant (7.4).

    Where the workflow's acknowledging step also records the initial
    assessment (the small-organisation workflow), give the
    classification here as for :meth:`assess`.

    Args:
        complaint_id: The complaint.
        actor: Who acknowledges.
        data: Extra JSON event data (no personal data), e.g. ``{"via": "email"}``.
        classification: A ready classification, when the step sets one.
        category: Its category, when the step sets one.
        severity: Its severity.
        priority: Its priority.
        fields: Other keyword data of the step (see :meth:`step`).

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       The classification keywords, and any keyword data of the step.
    """


@named_step()
def assess(  # noqa: PLR0913, D417 - the facts of an assessment; self is the handler
    self: ComplaintsHandler,
    complaint_id: str,
    *,
    actor: Actor | str,
    category: str | None = None,
    severity: Severity | str | None = None,
    priority: Priority | str | None = None,
    tags: Iterable[str] | None = None,
    classification: Classification | None = None,
    subcategory: str | None = None,
    **fields: Any,
) -> StepResult:
    """Record the initial assessment: category, severity and priority (7.5).

    Args:
        complaint_id: The complaint.
        actor: Who assesses.
        category: The complaint category (required unless ``classification``).
        severity: How serious the matter is (medium by default).
        priority: How urgently to handle it (normal by default).
        tags: Free labels for analysis (no personal data).
        classification: A ready classification instead of the fields above.
        subcategory: A second level under ``category``.
        fields: Other keyword data of the step (see :meth:`step`).

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``subcategory``.
    """


@named_step()
def assign(
    self: ComplaintsHandler,
    complaint_id: str,
    *,
    actor: Actor | str,
    assignee: str,
    **fields: Any,
) -> StepResult:
    """Give the complaint an owner (7.3 tracking); ``assignee`` as history names actors.

    .. versionadded:: 0.1.0
    """


@named_step()
def request_information(
    self: ComplaintsHandler, complaint_id: str, *, actor: Actor | str, **fields: Any
) -> StepResult:
    """Ask the complainant for information; pausable deadlines stop (7.6).

    .. versionadded:: 0.1.0
    """


@named_step()
def information_received(
    self: ComplaintsHandler, complaint_id: str, *, actor: Actor | str, **fields: Any
) -> StepResult:
    """Record the complainant's reply; the deadlines resume, later by the pause.

    .. versionadded:: 0.1.0
    """


@named_step()
def investigate(
    self: ComplaintsHandler, complaint_id: str, *, actor: Actor | str, **fields: Any
) -> StepResult:
    """Start (or resume after a review) the investigation (7.6).

    The standard workflows refuse it without an owner (:meth:`assign`).

    .. versionadded:: 0.1.0
    """


@named_step()
def decide(  # noqa: PLR0913, D417 - the facts of a decision; self is the handler
    self: ComplaintsHandler,
    complaint_id: str,
    *,
    actor: Actor | str,
    outcome: Outcome | str,
    summary: str,
    reasons: str = "",
    remedies: Iterable[Remedy] = (),
    escalation_route: str | None = None,
    **fields: Any,
) -> StepResult:
    """Record the decision: outcome, summary, reasons and remedies (7.7).

    The standard workflows refuse a decision without reasons or an
    escalation route, or made by someone conflicted.

    Args:
        complaint_id: The complaint.
        actor: Who decides (recorded as ``decided_by``).
        outcome: Upheld, partially upheld, not upheld …
        summary: The decision in a few sentences.
        reasons: Why.
        remedies: What is offered to put things right.
        escalation_route: Where the complainant can go next (ombudsman …).
        fields: Other keyword data of the step (see :meth:`step`).

    .. versionadded:: 0.1.0
    """


@named_step()
def communicate_decision(
    self: ComplaintsHandler,
    complaint_id: str,
    *,
    actor: Actor | str,
    via: ContactMethod | str | None = None,
    **fields: Any,
) -> StepResult:
    """Record that the decision was sent to the complainant (7.8).

    ``via`` is how (the complainant's preferred method by default).

    .. versionadded:: 0.1.0
    """


@named_step()
def escalate(
    self: ComplaintsHandler, complaint_id: str, *, actor: Actor | str, **fields: Any
) -> StepResult:
    """Refer the complaint to a higher authority inside the organisation.

    .. versionadded:: 0.1.0
    """


@named_step(outcome=Outcome.WITHDRAWN)
def withdraw(
    self: ComplaintsHandler,
    complaint_id: str,
    *,
    actor: Actor | str,
    reason: str | None = None,
    reason_code: str | None = None,
) -> StepResult:
    """Record that the complainant withdrew the complaint (outcome ``withdrawn``).

    ``reason`` is free text (a personal note, never in the event);
    ``reason_code`` the code the event records.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``reason`` and ``reason_code``.
    """


@named_step(outcome=Outcome.NOT_A_COMPLAINT)
def reject_as_not_a_complaint(
    self: ComplaintsHandler,
    complaint_id: str,
    *,
    actor: Actor | str,
    reason: str | None = None,
    reason_code: str | None = None,
) -> StepResult:
    """Record that the assessment found it is not a complaint (7.5).

    ``reason`` and ``reason_code`` as for :meth:`withdraw`.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``reason`` and ``reason_code``.
    """


@named_step()
def close(  # noqa: D417 - self is the handler
    self: ComplaintsHandler,
    complaint_id: str,
    *,
    actor: Actor | str,
    outcome: Outcome | str | None = None,
    root_cause: RootCause | None = None,
    **fields: Any,
) -> StepResult:
    """Close the complaint once the decision was communicated (7.9).

    The standard workflows refuse to close an upheld complaint without a
    root cause and corrective action.

    Args:
        complaint_id: The complaint.
        actor: Who closes it.
        outcome: The final outcome (the decision's by default).
        root_cause: Why it happened and what is being done (8.3).
        fields: Other keyword data of the step (see :meth:`step`).

    .. versionadded:: 0.1.0
    """


@named_step()
def reopen(
    self: ComplaintsHandler,
    complaint_id: str,
    *,
    actor: Actor | str,
    reason: str | None = None,
    reason_code: str | None = None,
) -> StepResult:
    """Reopen a closed complaint within the reopen window (7.9).

    ``reason`` and ``reason_code`` as for :meth:`withdraw`. After the
    window, :class:`~iso10002.errors.GuardRejected` (record a new
    complaint instead).

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``reason`` and ``reason_code``.
    """


@named_step()
def record_satisfaction(
    self: ComplaintsHandler,
    complaint_id: str,
    *,
    actor: Actor | str,
    score: int,
    comment: str | None = None,
) -> StepResult:
    """Record the complainant's satisfaction with the handling (8.4).

    ``score`` runs from 1 (very dissatisfied) to 5 (very satisfied);
    ``comment`` is the complainant's words (personal data).

    .. versionadded:: 0.1.0
    """
