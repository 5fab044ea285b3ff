"""Steps with a body of their own: the holding response, the reply, links."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from iso10002.errors import ValidationError
from iso10002.handler._access import READ
from iso10002.handler._actor import Actor, as_actor
from iso10002.handler._core import HandlerCore
from iso10002.handler._holding import holding_data
from iso10002.handler._notes import pending_note
from iso10002.handler._stepdata import enum_value, step_values
from iso10002.handler._unit import StepResult
from iso10002.model import LinkKind, Outcome

if TYPE_CHECKING:
    from iso10002.handler._handler import ComplaintsHandler

__all__ = ["link", "record_complainant_reply", "record_holding_response"]


def _link(
    core: HandlerCore, complaint_id: str, who: Actor, to: str, kind: LinkKind | str
) -> StepResult:
    """Link ``complaint_id`` to ``to``; a duplicate still open is also withdrawn."""
    relation = enum_value(LinkKind, kind, "kind")
    if to == complaint_id:
        raise ValidationError.single("to", "must name another complaint")
    core.check(who, READ, core.repository.get(to))
    linked = step_values(
        core.definition, "link", {"to": to, "kind": relation}, who=who.name
    )
    steps: list[tuple[str, Any]] = [("link", linked)]
    if relation is LinkKind.DUPLICATE_OF:
        current = core.repository.get(complaint_id)
        if "withdraw" in core.engine.allowed_triggers(current):
            steps.append(("withdraw", {"outcome": Outcome.DUPLICATE}))
    return core.apply(complaint_id, who, steps)


def record_holding_response(  # noqa: PLR0913, D417 - the facts of the response; self is the handler
    self: ComplaintsHandler,
    complaint_id: str,
    *,
    actor: Actor | str,
    reason: str | None = None,
    expected_by: datetime | date | None = None,
    ombudsman_rights: bool = False,
    ombudsman_website: str | None = None,
    time_limit_notice: bool = False,
    reason_code: str | None = None,
) -> StepResult:
    """Record that the complainant was told the response is delayed, and why.

    Every fact a pack's ``met_by`` or a content policy needs can be set
    here: under DISP 1.6.2R(2) the eight-week limit is met by a written
    response that explains the delay and says when a final response is
    expected (``reason``, ``expected_by``), gives the right to refer to
    the Financial Ombudsman Service (``ombudsman_rights``) with its
    website (``ombudsman_website``), and states the six-month limit for
    referring in the wording of DISP 1 Annex 3R (``time_limit_notice``).
    :class:`~iso10002.principles.packs.HoldingResponseContent` checks
    them.

    Args:
        complaint_id: The complaint.
        actor: Who sent it.
        reason: Why the response is delayed, as told to the complainant
            (free text, kept as a personal note; the event records
            ``reason_code``).
        expected_by: When a final response is expected.
        ombudsman_rights: The response told the complainant they may now
            refer the complaint to the ombudsman.
        ombudsman_website: The ombudsman's website address as given.
        time_limit_notice: The response stated the time limit for
            referring to the ombudsman.
        reason_code: The reason as a code from the host's vocabulary,
            recorded in the event (``stated`` when only ``reason`` is
            given).

    Returns:
        As :meth:`step`.

    Raises:
        ValidationError: naming the field, for blank text, a bad
            ``reason_code``, a naive ``expected_by`` or a flag that is not
            a bool.
        AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
        ConflictError: as :meth:`step`.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``expected_by``, ``ombudsman_rights``, ``ombudsman_website`` and
       ``time_limit_notice``; ``reason`` is kept as a personal note and
       the event records ``reason_code`` instead of the text.
    """
    note = pending_note(reason, reason_code)
    data = holding_data(
        reason=reason,
        expected_by=expected_by,
        ombudsman_rights=ombudsman_rights,
        ombudsman_website=ombudsman_website,
        time_limit_notice=time_limit_notice,
    )
    return self._core.apply(
        complaint_id, actor, [("record_holding_response", data)], note
    )


def record_complainant_reply(
    self: ComplaintsHandler, complaint_id: str, *, actor: Actor | str, accepted: bool
) -> StepResult:
    """Record whether the complainant accepts the decision (7.9).

    Takes step ``accept_decision`` or ``reject_decision``; a rejection
    moves the complaint to internal review (the appeal path).

    Returns:
        As :meth:`step`.

    Raises:
        ValidationError: if ``accepted`` is not a bool.
        AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
        ConflictError: as :meth:`step`.

    .. versionadded:: 0.1.0
    """
    if not isinstance(accepted, bool):
        raise ValidationError.single("accepted", "must be True or False")
    trigger = "accept_decision" if accepted else "reject_decision"
    return self.step(trigger, complaint_id, actor=actor)


def link(  # noqa: D417 - self is the handler
    self: ComplaintsHandler,
    complaint_id: str,
    *,
    actor: Actor | str,
    to: str,
    kind: LinkKind | str = LinkKind.RELATED_TO,
) -> StepResult:
    """Relate a complaint to another one; a duplicate is also closed.

    With ``kind=duplicate_of``, ``complaint_id`` is the duplicate: in the
    same unit of work it is linked and, while still open, ended through
    ``withdraw`` with outcome ``duplicate`` (the standard workflow has no
    dedicated step), so statistics that leave out the ``duplicate``
    outcome count the matter once, under the original.

    Args:
        complaint_id: The complaint to annotate.
        actor: Who links them.
        to: The id of the other complaint (it must exist).
        kind: ``related_to`` or ``duplicate_of``.

    Returns:
        As :meth:`step` (the events of both steps for a duplicate).

    Raises:
        NotFoundError: if either complaint does not exist.
        AccessDenied: also if ``actor`` may not read the other complaint.
        ValidationError: for a link to itself or a bad kind.
        AccessDenied, TransitionNotAllowed, GuardRejected, ConflictError:
            as :meth:`step`.

    .. versionadded:: 0.1.0
    """
    return _link(self._core, complaint_id, as_actor(actor), to, kind)
