"""What an integrity check reports: ``IntegrityProblem`` and ``IntegrityReport``."""

from __future__ import annotations

import attrs

__all__ = ["IntegrityProblem", "IntegrityReport"]


@attrs.frozen(kw_only=True)
class IntegrityProblem:
    """A broken link, a mismatch or an unreadable record found by an integrity check.

    Args:
        complaint_id: The complaint concerned.
        sequence: The history event concerned, when the problem is in one.
        message: What is wrong.

    .. versionadded:: 0.1.0
    """

    complaint_id: str
    message: str
    sequence: int | None = None


@attrs.frozen(kw_only=True)
class IntegrityReport:
    """The result of :meth:`ComplaintRepository.verify_integrity`.

    Args:
        complaints_checked: How many complaints were checked.
        events_checked: How many stored events were checked.
        problems: Everything found, in complaint order.
        unreplayable: Complaints whose history predates facts in events
            (recorded before 0.2.0): their documents were checked against
            their chains and commitments, but not against a fold of the
            history. Append the facts with
            :func:`iso10002.history.record_facts` to close the gap.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 ``unreplayable``.
    """

    complaints_checked: int
    events_checked: int
    problems: tuple[IntegrityProblem, ...] = ()
    unreplayable: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Tell whether no problem was found."""
        return not self.problems

    @property
    def broken_complaint_ids(self) -> tuple[str, ...]:
        """Return the ids of the complaints with problems, sorted, each once."""
        return tuple(sorted({p.complaint_id for p in self.problems}))
