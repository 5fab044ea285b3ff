"""Steps that end, reopen or annotate a complaint (ISO 10002 7.5, 7.9, 8.4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from iso10002.errors import ValidationError
from iso10002.handler._access import READ
from iso10002.handler._actor import Actor, as_actor
from iso10002.handler._receive import ReceiveMixin
from iso10002.handler._stepdata import enum_value, step_values
from iso10002.model import (
    Complaint,
    LinkKind,
    Outcome,
    RootCause,
)

__all__ = ["EndingsMixin"]


class EndingsMixin(ReceiveMixin):
    """Withdrawal, rejection, closing, reopening, satisfaction and links."""

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
        once: bool = False,
    ) -> Complaint:
        """Record the complainant's satisfaction with the handling (8.4).

        Args:
            complaint_id: The complaint (decision communicated, or closed).
            actor: Who records it.
            score: 1 (very dissatisfied) to 5 (very satisfied).
            comment: The complainant's words (personal data).
            once: Refuse when a satisfaction is already recorded. Checked on
                the version the step is saved on, inside the unit of work:
                of two racing replies the first saved stays and the other is
                refused, also after a conflict retry. Without it a new answer
                replaces the field (the history keeps both).

        Raises:
            ValidationError: naming ``satisfaction`` when ``once`` and one is
                already recorded.
            AccessDenied, TransitionNotAllowed, GuardRejected, NotFoundError,
            ConflictError: as :meth:`step`.

        .. versionadded:: 0.1.0
        .. versionchanged:: 0.2.0
           ``once``.
        """
        if not isinstance(once, bool):
            raise ValidationError.single("once", "must be True or False")
        if not once:
            return self.step(
                "record_satisfaction",
                complaint_id,
                actor=actor,
                score=score,
                comment=comment,
            )
        who = as_actor(actor)
        values = step_values(
            self._definition,
            "record_satisfaction",
            {"score": score, "comment": comment},
            who=who.name,
        )

        def first_answer(current: Complaint, at: datetime) -> Any:
            # Runs on each version loaded in the retrying save loop, so a
            # reply saved by a rival meanwhile is seen here, never replaced.
            if current.satisfaction is not None:
                raise ValidationError.single(
                    "satisfaction", "was already recorded; the first answer is kept"
                )
            return values(current, at) if callable(values) else values

        steps = [("record_satisfaction", first_answer)]
        return self._apply(complaint_id, who, steps).complaint

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
