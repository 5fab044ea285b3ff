"""One handler method per clause-7 step, from acknowledgement to the decision."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from iso10002.errors import ValidationError
from iso10002.handler._actor import Actor
from iso10002.handler._endings import EndingsMixin
from iso10002.handler._holding import holding_data
from iso10002.handler._notes import pending_note
from iso10002.model import (
    Classification,
    Complaint,
    ContactMethod,
    Outcome,
    Priority,
    Remedy,
    Severity,
)

__all__ = ["StepsMixin"]


class StepsMixin(EndingsMixin):
    """The clause-7 steps of :class:`ComplaintsHandler`."""

    def acknowledge(  # noqa: PLR0913 - an acknowledging step may also classify
        self,
        complaint_id: str,
        *,
        actor: Actor | str,
        data: Mapping[str, Any] | None = None,
        classification: Classification | None = None,
        category: str | None = None,
        severity: Severity | str | None = None,
        priority: Priority | str | None = None,
        **fields: Any,
    ) -> Complaint:
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

        Returns:
            The new version, redacted for ``actor``.

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, ValidationError,
            NotFoundError, ConflictError: as :meth:`step`.

        .. versionadded:: 0.1.0
        .. versionchanged:: 0.2.0
           The classification keywords, and any keyword data of the step.
        """
        return self.step(
            "acknowledge",
            complaint_id,
            actor=actor,
            data=data,
            classification=classification,
            category=category,
            severity=severity,
            priority=priority,
            **fields,
        )

    def assess(  # noqa: PLR0913 - the facts of an assessment
        self,
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
    ) -> Complaint:
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

        Returns:
            The new version, redacted for ``actor``.

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, ValidationError,
            NotFoundError, ConflictError: as :meth:`step`.

        .. versionadded:: 0.1.0
        .. versionchanged:: 0.2.0
           ``subcategory``.
        """
        return self.step(
            "assess",
            complaint_id,
            actor=actor,
            category=category,
            severity=severity,
            priority=priority,
            tags=None if tags is None else tuple(tags),
            classification=classification,
            subcategory=subcategory,
            **fields,
        )

    def assign(
        self, complaint_id: str, *, actor: Actor | str, assignee: str, **fields: Any
    ) -> Complaint:
        """Give the complaint an owner (7.3 tracking).

        Args:
            complaint_id: The complaint.
            actor: Who assigns.
            assignee: The new owner, as history names actors.
            fields: Other keyword data of the step (see :meth:`step`).

        Returns:
            The new version, redacted for ``actor``.

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, ValidationError,
            NotFoundError, ConflictError: as :meth:`step`.

        .. versionadded:: 0.1.0
        """
        return self.step(
            "assign", complaint_id, actor=actor, assignee=assignee, **fields
        )

    def request_information(
        self, complaint_id: str, *, actor: Actor | str, **fields: Any
    ) -> Complaint:
        """Ask the complainant for information; pausable deadlines stop (7.6).

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
            ValidationError, ConflictError: as :meth:`step`.

        .. versionadded:: 0.1.0
        """
        return self.step("request_information", complaint_id, actor=actor, **fields)

    def information_received(
        self, complaint_id: str, *, actor: Actor | str, **fields: Any
    ) -> Complaint:
        """Record the complainant's reply; the deadlines resume, later by the pause.

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
            ValidationError, ConflictError: as :meth:`step`.

        .. versionadded:: 0.1.0
        """
        return self.step("information_received", complaint_id, actor=actor, **fields)

    def investigate(
        self, complaint_id: str, *, actor: Actor | str, **fields: Any
    ) -> Complaint:
        """Start (or resume after a review) the investigation (7.6).

        The standard workflows refuse it without an owner (:meth:`assign`).

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
            ValidationError, ConflictError: as :meth:`step`.

        .. versionadded:: 0.1.0
        """
        return self.step("investigate", complaint_id, actor=actor, **fields)

    def record_holding_response(  # noqa: PLR0913 - the facts of the response
        self,
        complaint_id: str,
        *,
        actor: Actor | str,
        reason: str | None = None,
        expected_by: datetime | date | None = None,
        ombudsman_rights: bool = False,
        ombudsman_website: str | None = None,
        time_limit_notice: bool = False,
        reason_code: str | None = None,
    ) -> Complaint:
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
        return self._apply(
            complaint_id, actor, [("record_holding_response", data)], note
        ).complaint

    def decide(  # noqa: PLR0913 - the facts of a decision
        self,
        complaint_id: str,
        *,
        actor: Actor | str,
        outcome: Outcome | str,
        summary: str,
        reasons: str = "",
        remedies: Iterable[Remedy] = (),
        escalation_route: str | None = None,
        **fields: Any,
    ) -> Complaint:
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

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, ValidationError,
            NotFoundError, ConflictError: as :meth:`step`.

        .. versionadded:: 0.1.0
        """
        return self.step(
            "decide",
            complaint_id,
            actor=actor,
            outcome=outcome,
            summary=summary,
            reasons=reasons,
            remedies=tuple(remedies),
            escalation_route=escalation_route,
            **fields,
        )

    def communicate_decision(
        self,
        complaint_id: str,
        *,
        actor: Actor | str,
        via: ContactMethod | str | None = None,
        **fields: Any,
    ) -> Complaint:
        """Record that the decision was sent to the complainant (7.8).

        Args:
            complaint_id: The complaint.
            actor: Who sent it.
            via: How (the complainant's preferred method by default).
            fields: Other keyword data of the step (see :meth:`step`).

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, ValidationError,
            NotFoundError, ConflictError: as :meth:`step`.

        .. versionadded:: 0.1.0
        """
        return self.step(
            "communicate_decision", complaint_id, actor=actor, via=via, **fields
        )

    def record_complainant_reply(
        self, complaint_id: str, *, actor: Actor | str, accepted: bool
    ) -> Complaint:
        """Record whether the complainant accepts the decision (7.9).

        A rejection moves the complaint to internal review (the appeal path).

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
            ConflictError: as :meth:`step`.

        .. versionadded:: 0.1.0
        """
        if not isinstance(accepted, bool):
            raise ValidationError.single("accepted", "must be True or False")
        trigger = "accept_decision" if accepted else "reject_decision"
        return self.step(trigger, complaint_id, actor=actor)

    def escalate(
        self, complaint_id: str, *, actor: Actor | str, **fields: Any
    ) -> Complaint:
        """Refer the complaint to a higher authority inside the organisation.

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
            ValidationError, ConflictError: as :meth:`step`.

        .. versionadded:: 0.1.0
        """
        return self.step("escalate", complaint_id, actor=actor, **fields)
