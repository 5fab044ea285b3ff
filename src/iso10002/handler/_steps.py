"""One handler method per clause-7 step."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from iso10002.errors import DuplicateError, ValidationError
from iso10002.handler._access import READ, RECEIVE
from iso10002.handler._actor import Actor, as_actor
from iso10002.handler._generic import GenericStepMixin
from iso10002.handler._holding import holding_data
from iso10002.handler._intake import intake_digest
from iso10002.handler._notes import pending_note
from iso10002.handler._notify import publish
from iso10002.handler._stepdata import enum_value, step_values
from iso10002.ids import format_reference
from iso10002.model import (
    Channel,
    Classification,
    Complaint,
    ComplaintForm,
    ContactMethod,
    LinkKind,
    Outcome,
    Priority,
    Remedy,
    RootCause,
    Severity,
)

__all__ = ["StepsMixin"]


def _channel(value: Any) -> Channel:
    if isinstance(value, Channel):
        return value
    try:
        return Channel(value)
    except ValueError:
        allowed = [c.value for c in Channel]
        raise ValidationError.single("channel", f"must be one of {allowed}") from None


class StepsMixin(GenericStepMixin):
    """The clause-7 steps of :class:`ComplaintsHandler`."""

    def receive(
        self,
        form: ComplaintForm,
        *,
        actor: Actor | str,
        channel: Channel | str,
        idempotency_key: str | None = None,
    ) -> Complaint:
        """Record a new complaint (ISO 10002 7.2, 7.3): version 1, with its due dates.

        The reference ``<prefix>-<year>-<number>`` takes the next number of
        the year's counter in the handler's store (shared by every process;
        numbers increase and may have gaps). With an ``idempotency_key`` a
        retried submission records nothing new: the same form (and channel)
        again returns the complaint already stored, redacted exactly as
        :meth:`get` would return it to ``actor``, and only if ``actor`` may
        read it; a different form under the same key is refused. A digest of
        the submission is stored with the key to tell the two apart.

        Args:
            form: What the complainant submitted (build it with
                ``iso10002.serialization.from_dict(ComplaintForm, payload)``).
            actor: Who records it (the access policy must allow ``receive``).
            channel: How it arrived.
            idempotency_key: The caller's key for this submission.

        Returns:
            The stored complaint, redacted for ``actor``.

        Raises:
            AccessDenied: if ``actor`` may not receive complaints, or on a
                retry, may not read the complaint already stored under the
                key (the error names it: ``complaint_id``, nothing more).
            DuplicateError: on a retry with a different form or channel
                (``different_payload`` is ``True``).
            ValidationError: for a bad form, channel or key.

        .. versionadded:: 0.1.0
        .. versionchanged:: 0.2.0
           A retry is checked against the stored submission and the actor's
           ``read`` access.
        """
        who = as_actor(actor)
        self._check(who, RECEIVE, None)
        chosen = _channel(channel)
        if not isinstance(form, ComplaintForm):
            raise ValidationError.single("form", "must be a ComplaintForm")
        at = self._at(None)
        number = self._store.next_value(f"reference:{self._prefix}:{at.year}")
        complaint = Complaint.receive(
            form,
            id=self._ids.new_id(),
            reference=format_reference(at.year, number, self._prefix),
            received_at=at,
            channel=chosen,
            received_by=who.name,
            status=self._definition.initial_state,
            workflow=self._ref,
        )
        complaint = self._project(complaint)
        if idempotency_key is None:
            stored = self._repository.add(complaint)
        else:
            digest = intake_digest(form, chosen)
            try:
                stored = self._repository.add(
                    complaint, idempotency_key=idempotency_key, payload_digest=digest
                )
            except DuplicateError as exc:
                if exc.idempotency_key is None:
                    raise
                return self._retried(exc, digest, who)
        publish(self._subscribers, stored.id, stored.history)
        return self._view(stored, who)

    def _retried(self, exc: DuplicateError, digest: str, who: Actor) -> Complaint:
        """Answer a retry under a stored key: the complaint as ``get``, or refuse."""
        # No stored digest: a key from before 0.2.0, or its complaint was
        # erased; then the key alone decides, as it did before.
        if exc.payload_digest is not None and exc.payload_digest != digest:
            # The stored digest stays out of the error: it derives from the
            # personal data of a complaint the caller may not read.
            raise DuplicateError(
                exc.complaint_id,
                idempotency_key=exc.idempotency_key,
                different_payload=True,
            ) from None
        existing = self._repository.get(exc.complaint_id)
        self._check(who, READ, existing)
        return self._view(existing, who)

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

    def _end(
        self,
        trigger: str,
        outcome: Outcome,
        complaint_id: str,
        actor: Actor | str,
        note: tuple[str | None, str | None],
    ) -> Complaint:
        """End a complaint by ``trigger`` with ``outcome`` and an optional reason."""
        reason, code = note
        return self.step(
            trigger,
            complaint_id,
            actor=actor,
            reason=reason,
            reason_code=code,
            outcome=outcome,
        )

    def withdraw(
        self,
        complaint_id: str,
        *,
        actor: Actor | str,
        reason: str | None = None,
        reason_code: str | None = None,
    ) -> Complaint:
        """Record that the complainant withdrew the complaint (outcome ``withdrawn``).

        Args:
            complaint_id: The complaint.
            actor: Who takes the step.
            reason: Free text about it (a personal note, never in the event).
            reason_code: The reason code the event records.

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
            ValidationError, ConflictError: as :meth:`step`.

        .. versionadded:: 0.1.0
        .. versionchanged:: 0.2.0
           ``reason`` and ``reason_code``.
        """
        return self._end(
            "withdraw", Outcome.WITHDRAWN, complaint_id, actor, (reason, reason_code)
        )

    def reject_as_not_a_complaint(
        self,
        complaint_id: str,
        *,
        actor: Actor | str,
        reason: str | None = None,
        reason_code: str | None = None,
    ) -> Complaint:
        """Record that the assessment found it is not a complaint (7.5).

        Args:
            complaint_id: The complaint.
            actor: Who takes the step.
            reason: Free text about it (a personal note, never in the event).
            reason_code: The reason code the event records.

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
            ValidationError, ConflictError: as :meth:`step`.

        .. versionadded:: 0.1.0
        .. versionchanged:: 0.2.0
           ``reason`` and ``reason_code``.
        """
        return self._end(
            "reject_as_not_a_complaint",
            Outcome.NOT_A_COMPLAINT,
            complaint_id,
            actor,
            (reason, reason_code),
        )

    def close(
        self,
        complaint_id: str,
        *,
        actor: Actor | str,
        outcome: Outcome | str | None = None,
        root_cause: RootCause | None = None,
        **fields: Any,
    ) -> Complaint:
        """Close the complaint once the decision was communicated (7.9).

        The standard workflows refuse to close an upheld complaint without a
        root cause and corrective action.

        Args:
            complaint_id: The complaint.
            actor: Who closes it.
            outcome: The final outcome (the decision's by default).
            root_cause: Why it happened and what is being done (8.3).
            fields: Other keyword data of the step (see :meth:`step`).

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, ValidationError,
            NotFoundError, ConflictError: as :meth:`step`.

        .. versionadded:: 0.1.0
        """
        return self.step(
            "close",
            complaint_id,
            actor=actor,
            outcome=outcome,
            root_cause=root_cause,
            **fields,
        )

    def reopen(
        self,
        complaint_id: str,
        *,
        actor: Actor | str,
        reason: str | None = None,
        reason_code: str | None = None,
    ) -> Complaint:
        """Reopen a closed complaint within the reopen window (7.9).

        Args:
            complaint_id: The complaint.
            actor: Who takes the step.
            reason: Free text about it (kept as a personal note, never in
                the event).
            reason_code: The reason code the event records (``stated`` when
                only ``reason`` is given).

        Raises:
            AccessDenied, TransitionNotAllowed, NotFoundError, ConflictError:
                as :meth:`step`.
            GuardRejected: after the window (record a new complaint instead).
            ValidationError: for blank text or a bad ``reason_code``.

        .. versionadded:: 0.1.0
        .. versionchanged:: 0.2.0
           ``reason`` and ``reason_code``.
        """
        return self.step(
            "reopen", complaint_id, actor=actor, reason=reason, reason_code=reason_code
        )

    def record_satisfaction(
        self,
        complaint_id: str,
        *,
        actor: Actor | str,
        score: int,
        comment: str | None = None,
    ) -> Complaint:
        """Record the complainant's satisfaction with the handling (8.4).

        Args:
            complaint_id: The complaint (decision communicated, or closed).
            actor: Who records it.
            score: 1 (very dissatisfied) to 5 (very satisfied).
            comment: The complainant's words (personal data).

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, ValidationError,
            NotFoundError, ConflictError: as :meth:`step`.

        .. versionadded:: 0.1.0
        """
        return self.step(
            "record_satisfaction",
            complaint_id,
            actor=actor,
            score=score,
            comment=comment,
        )

    def link(
        self,
        complaint_id: str,
        *,
        actor: Actor | str,
        to: str,
        kind: LinkKind | str = LinkKind.RELATED_TO,
    ) -> Complaint:
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

        Raises:
            NotFoundError: if either complaint does not exist.
            AccessDenied: also if ``actor`` may not read the other complaint.
            ValidationError: for a link to itself or a bad kind.
            AccessDenied, TransitionNotAllowed, GuardRejected, ConflictError:
                as :meth:`step`.

        .. versionadded:: 0.1.0
        """
        relation = enum_value(LinkKind, kind, "kind")
        if to == complaint_id:
            raise ValidationError.single("to", "must name another complaint")
        who = as_actor(actor)
        self._check(who, READ, self._repository.get(to))
        linked = step_values(
            self._definition, "link", {"to": to, "kind": relation}, who=who.name
        )
        steps: list[tuple[str, Any]] = [("link", linked)]
        if relation is LinkKind.DUPLICATE_OF:
            current = self._repository.get(complaint_id)
            if "withdraw" in self._engine.allowed_triggers(current):
                steps.append(("withdraw", {"outcome": Outcome.DUPLICATE}))
        return self._apply(complaint_id, who, steps).complaint
