"""One handler method per clause-7 step."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

import attrs

from iso10002.errors import DuplicateError, ValidationError
from iso10002.handler._access import READ, RECEIVE
from iso10002.handler._actor import Actor, as_actor
from iso10002.handler._core import HandlerCore
from iso10002.handler._holding import holding_data
from iso10002.handler._intake import intake_digest
from iso10002.handler._notes import pending_note
from iso10002.handler._notify import publish
from iso10002.ids import format_reference
from iso10002.model import (
    Channel,
    Classification,
    Complaint,
    ComplaintForm,
    ContactMethod,
    Decision,
    Link,
    LinkKind,
    Outcome,
    Priority,
    Remedy,
    RootCause,
    SatisfactionFeedback,
    Severity,
)

__all__ = ["StepsMixin"]

_E = TypeVar("_E", bound=enum.Enum)


def _channel(value: Any) -> Channel:
    if isinstance(value, Channel):
        return value
    try:
        return Channel(value)
    except ValueError:
        allowed = [c.value for c in Channel]
        raise ValidationError.single("channel", f"must be one of {allowed}") from None


def _enum(cls: type[_E], value: Any, field: str) -> _E:
    try:
        return cls(value)
    except ValueError:
        allowed = [m.value for m in cls]
        raise ValidationError.single(field, f"must be one of {allowed}") from None


def _extra(data: Mapping[str, Any] | None) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise ValidationError.single("data", "must be a mapping of JSON event data")
    return dict(data)


class StepsMixin(HandlerCore):
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

    def _one(
        self, complaint_id: str, trigger: str, actor: Actor | str, data: Any = None
    ) -> Complaint:
        return self._apply(complaint_id, actor, [(trigger, data)]).complaint

    def acknowledge(
        self,
        complaint_id: str,
        *,
        actor: Actor | str,
        data: Mapping[str, Any] | None = None,
    ) -> Complaint:
        """Acknowledge receipt to the complainant (7.4).

        Args:
            complaint_id: The complaint.
            actor: Who acknowledges.
            data: Extra JSON event data (no personal data), e.g. ``{"via": "email"}``.

        Returns:
            The new version, redacted for ``actor``.

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, ValidationError,
            NotFoundError, ConflictError: as :meth:`fire`.

        .. versionadded:: 0.1.0
        """
        return self._one(complaint_id, "acknowledge", actor, _extra(data))

    def assess(  # noqa: PLR0913 - the facts of an assessment
        self,
        complaint_id: str,
        *,
        actor: Actor | str,
        category: str | None = None,
        severity: Severity | str = Severity.MEDIUM,
        priority: Priority | str = Priority.NORMAL,
        tags: Iterable[str] = (),
        classification: Classification | None = None,
        subcategory: str | None = None,
    ) -> Complaint:
        """Record the initial assessment: category, severity and priority (7.5).

        Args:
            complaint_id: The complaint.
            actor: Who assesses.
            category: The complaint category (required unless ``classification``).
            severity: How serious the matter is.
            priority: How urgently to handle it.
            tags: Free labels for analysis (no personal data).
            classification: A ready classification instead of the fields above.
            subcategory: A second level under ``category``.

        Returns:
            The new version, redacted for ``actor``.

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, ValidationError,
            NotFoundError, ConflictError: as :meth:`fire`.

        .. versionadded:: 0.1.0
        .. versionchanged:: 0.2.0
           ``subcategory``.
        """
        if classification is None:
            if category is None:
                raise ValidationError.single("category", "is required to assess")
            classification = Classification(
                category=category,
                severity=_enum(Severity, severity, "severity"),
                priority=_enum(Priority, priority, "priority"),
                tags=tuple(tags),
                subcategory=subcategory,
            )
        return self._one(
            complaint_id, "assess", actor, {"classification": classification}
        )

    def assign(
        self, complaint_id: str, *, actor: Actor | str, assignee: str
    ) -> Complaint:
        """Give the complaint an owner (7.3 tracking).

        Args:
            complaint_id: The complaint.
            actor: Who assigns.
            assignee: The new owner, as history names actors.

        Returns:
            The new version, redacted for ``actor``.

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, ValidationError,
            NotFoundError, ConflictError: as :meth:`fire`.

        .. versionadded:: 0.1.0
        """
        return self._one(complaint_id, "assign", actor, {"assignee": assignee})

    def request_information(
        self, complaint_id: str, *, actor: Actor | str
    ) -> Complaint:
        """Ask the complainant for information; pausable deadlines stop (7.6).

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
            ConflictError: as :meth:`fire`.

        .. versionadded:: 0.1.0
        """
        return self._one(complaint_id, "request_information", actor)

    def information_received(
        self, complaint_id: str, *, actor: Actor | str
    ) -> Complaint:
        """Record the complainant's reply; the deadlines resume, later by the pause.

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
            ConflictError: as :meth:`fire`.

        .. versionadded:: 0.1.0
        """
        return self._one(complaint_id, "information_received", actor)

    def investigate(self, complaint_id: str, *, actor: Actor | str) -> Complaint:
        """Start (or resume after a review) the investigation (7.6).

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
            ConflictError: as :meth:`fire`.

        .. versionadded:: 0.1.0
        """
        return self._one(complaint_id, "investigate", actor)

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
            ConflictError: as :meth:`fire`.

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
    ) -> Complaint:
        """Record the decision: outcome, summary, reasons and remedies (7.7).

        Args:
            complaint_id: The complaint.
            actor: Who decides (recorded as ``decided_by``).
            outcome: Upheld, partially upheld, not upheld …
            summary: The decision in a few sentences.
            reasons: Why.
            remedies: What is offered to put things right.
            escalation_route: Where the complainant can go next (ombudsman …).

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, ValidationError,
            NotFoundError, ConflictError: as :meth:`fire`.

        .. versionadded:: 0.1.0
        """
        who = as_actor(actor)
        chosen = _enum(Outcome, outcome, "outcome")

        def data(_current: Complaint, at: datetime) -> dict[str, Any]:
            decision = Decision(
                outcome=chosen,
                summary=summary,
                reasons=reasons,
                remedies=tuple(remedies),
                decided_by=who.name,
                decided_at=at,
                escalation_route=escalation_route,
            )
            return {"decision": decision, "outcome": chosen}

        return self._one(complaint_id, "decide", who, data)

    def communicate_decision(
        self,
        complaint_id: str,
        *,
        actor: Actor | str,
        via: ContactMethod | str | None = None,
    ) -> Complaint:
        """Record that the decision was sent to the complainant (7.8).

        Args:
            complaint_id: The complaint.
            actor: Who sent it.
            via: How (the complainant's preferred method by default).

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, ValidationError,
            NotFoundError, ConflictError: as :meth:`fire`.

        .. versionadded:: 0.1.0
        """
        method = None if via is None else _enum(ContactMethod, via, "via")

        def data(current: Complaint, at: datetime) -> dict[str, Any]:
            if current.decision is None:
                return {}
            chosen = method or current.complainant.preferred_contact
            return {
                "decision": attrs.evolve(
                    current.decision, communicated_at=at, communicated_via=chosen
                )
            }

        return self._one(complaint_id, "communicate_decision", actor, data)

    def record_complainant_reply(
        self, complaint_id: str, *, actor: Actor | str, accepted: bool
    ) -> Complaint:
        """Record whether the complainant accepts the decision (7.9).

        A rejection moves the complaint to internal review (the appeal path).

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
            ConflictError: as :meth:`fire`.

        .. versionadded:: 0.1.0
        """
        if not isinstance(accepted, bool):
            raise ValidationError.single("accepted", "must be True or False")
        trigger = "accept_decision" if accepted else "reject_decision"
        return self._one(complaint_id, trigger, actor)

    def escalate(self, complaint_id: str, *, actor: Actor | str) -> Complaint:
        """Refer the complaint to a higher authority inside the organisation.

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
            ConflictError: as :meth:`fire`.

        .. versionadded:: 0.1.0
        """
        return self._one(complaint_id, "escalate", actor)

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
            reason: Free text about it (kept as a personal note, never in
                the event).
            reason_code: The reason code the event records (``stated`` when
                only ``reason`` is given).

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
            ConflictError: as :meth:`fire`.

        .. versionadded:: 0.1.0
        .. versionchanged:: 0.2.0
           ``reason`` and ``reason_code``.
        """
        note = pending_note(reason, reason_code)
        steps = [("withdraw", {"outcome": Outcome.WITHDRAWN})]
        return self._apply(complaint_id, actor, steps, note).complaint

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
            reason: Free text about it (kept as a personal note, never in
                the event).
            reason_code: The reason code the event records (``stated`` when
                only ``reason`` is given).

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
            ConflictError: as :meth:`fire`.

        .. versionadded:: 0.1.0
        .. versionchanged:: 0.2.0
           ``reason`` and ``reason_code``.
        """
        note = pending_note(reason, reason_code)
        steps = [("reject_as_not_a_complaint", {"outcome": Outcome.NOT_A_COMPLAINT})]
        return self._apply(complaint_id, actor, steps, note).complaint

    def close(
        self,
        complaint_id: str,
        *,
        actor: Actor | str,
        outcome: Outcome | str | None = None,
        root_cause: RootCause | None = None,
    ) -> Complaint:
        """Close the complaint once the decision was communicated (7.9).

        Args:
            complaint_id: The complaint.
            actor: Who closes it.
            outcome: The final outcome (the decision's by default).
            root_cause: Why it happened and what is being done (8.3).

        Raises:
            AccessDenied, TransitionNotAllowed, GuardRejected, ValidationError,
            NotFoundError, ConflictError: as :meth:`fire`.

        .. versionadded:: 0.1.0
        """
        data: dict[str, Any] = {}
        if outcome is not None:
            data["outcome"] = _enum(Outcome, outcome, "outcome")
        if root_cause is not None:
            data["root_cause"] = root_cause
        return self._one(complaint_id, "close", actor, data)

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
                as :meth:`fire`.
            GuardRejected: after the window (record a new complaint instead).
            ValidationError: for blank text or a bad ``reason_code``.

        .. versionadded:: 0.1.0
        .. versionchanged:: 0.2.0
           ``reason`` and ``reason_code``.
        """
        note = pending_note(reason, reason_code)
        return self._apply(complaint_id, actor, [("reopen", None)], note).complaint

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
            NotFoundError, ConflictError: as :meth:`fire`.

        .. versionadded:: 0.1.0
        """

        def data(_current: Complaint, at: datetime) -> dict[str, Any]:
            feedback = SatisfactionFeedback(
                score=score, received_at=at, comment=comment
            )
            return {"satisfaction": feedback}

        return self._one(complaint_id, "record_satisfaction", actor, data)

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
                as :meth:`fire`.

        .. versionadded:: 0.1.0
        """
        relation = _enum(LinkKind, kind, "kind")
        if to == complaint_id:
            raise ValidationError.single("to", "must name another complaint")
        self._check(as_actor(actor), READ, self._repository.get(to))
        link = Link(kind=relation, complaint_id=to)

        def linked(current: Complaint, _at: datetime) -> dict[str, Any]:
            return {"links": (*current.links, link)}

        steps: list[tuple[str, Any]] = [("link", linked)]
        if relation is LinkKind.DUPLICATE_OF:
            current = self._repository.get(complaint_id)
            if "withdraw" in self._engine.allowed_triggers(current):
                steps.append(("withdraw", {"outcome": Outcome.DUPLICATE}))
        return self._apply(complaint_id, actor, steps).complaint
