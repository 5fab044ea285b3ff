"""Information integrity (ISO 10002:2018 clause 4.9): complete, accurate records.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

import attrs

from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.principles._base import BasePolicy, check_id, to_severity
from iso10002.principles._policy import Finding, FindingSeverity, PolicyContext
from iso10002.principles._principle import Principle

__all__ = ["ChainVerifier", "HistoryConsistent"]


class ChainVerifier(Protocol):
    """Check a complaint's stored hash chain and return the problems found.

    A repository that keeps a hash-chained event log can supply one, so that
    :class:`HistoryConsistent` reports a broken chain as tampering.

    .. versionadded:: 0.1.0
    """

    def __call__(self, complaint: Complaint) -> Sequence[str]:
        """Return one sentence per problem; none when the chain verifies."""
        ...


def _callable(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not callable(value):
        raise ValidationError.single(attribute.name, "must be callable or None")


@attrs.frozen(kw_only=True)
class HistoryConsistent(BasePolicy):
    """Check that the history is complete, ordered, consistent and untampered.

    Checks that the first event is at ``received_at``; no event lies in the
    future of ``context.now``; each transition starts from the state the
    previous one ended in and the last one ends in ``status``; as a guard, the
    candidate's history extends ``context.previous``'s unchanged; and, when a
    ``verifier`` is given (e.g. a repository's hash-chain check), that it finds
    no problem. Sequences and timestamp order are already enforced by the model.

    Args:
        id: The policy id.
        verifier: Optional hash-chain check returning problems.
        severity: Severity of an inconsistency.
        tamper_severity: Severity of rewritten history or a broken hash chain
            (blocking by default).
        edition: The edition findings are reported under.

    Raises:
        ValidationError: if ``verifier`` is not callable.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.INFORMATION_INTEGRITY
    SUMMARY: ClassVar[str] = (
        "The history starts at receipt, is not in the future, chains states "
        "consistently up to the current status, is never rewritten, and its "
        "hash chain verifies when one is kept."
    )

    id: str = attrs.field(
        default="iso10002.information-integrity.history-consistent", validator=check_id
    )
    verifier: ChainVerifier | None = attrs.field(
        default=None, validator=_callable, eq=False
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.WARNING, converter=to_severity
    )
    tamper_severity: FindingSeverity = attrs.field(
        default=FindingSeverity.BLOCKING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report every inconsistency found in the history.

        Args:
            complaint: The complaint (its history is checked).
            context: Supplies ``now`` and, as a guard, ``previous``.

        Returns:
            The findings, possibly none.
        """
        found = self._structure(complaint, context)
        previous = context.previous
        if previous is not None and (
            previous.id != complaint.id
            or complaint.history[: len(previous.history)] != previous.history
        ):
            found.append(
                self.finding(
                    "history-rewritten",
                    self.tamper_severity,
                    "The new version does not keep the previous version's history "
                    "unchanged.",
                    previous_version=previous.version,
                    version=complaint.version,
                )
            )
        if self.verifier is not None:
            found.extend(
                self.finding(
                    "hash-chain-broken",
                    self.tamper_severity,
                    f"The hash chain does not verify: {problem}",
                )
                for problem in self.verifier(complaint)
            )
        return found

    def _structure(self, complaint: Complaint, context: PolicyContext) -> list[Finding]:
        found = []
        first = complaint.history[0]
        if first.at != complaint.received_at:
            found.append(
                self.finding(
                    "receipt-time-mismatch",
                    self.severity,
                    "The first history event is not at the time of receipt.",
                    received_at=complaint.received_at.isoformat(),
                    first_event_at=first.at.isoformat(),
                )
            )
        future = [e.sequence for e in complaint.history if e.at > context.now]
        if future:
            found.append(
                self.finding(
                    "events-in-future",
                    self.severity,
                    f"{len(future)} history event(s) are dated after now.",
                    sequences=future,
                )
            )
        state = first.to_state
        for event in complaint.history[1:]:
            if (
                event.from_state is not None
                and state is not None
                and (event.from_state != state)
            ):
                found.append(
                    self.finding(
                        "state-chain-broken",
                        self.severity,
                        f"Event {event.sequence} starts from {event.from_state!r} "
                        f"but the complaint was in {state!r}.",
                        sequence=event.sequence,
                        from_state=event.from_state,
                        expected=state,
                    )
                )
            if event.to_state is not None:
                state = event.to_state
        if state is not None and state != complaint.status:
            found.append(
                self.finding(
                    "status-mismatch",
                    self.severity,
                    f"The history ends in {state!r} but the status is "
                    f"{complaint.status!r}.",
                    history_state=state,
                    status=complaint.status,
                )
            )
        return found
