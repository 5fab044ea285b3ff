"""What is known about one step's deadline for one complaint."""

from __future__ import annotations

from datetime import datetime

import attrs

from iso10002.deadlines._measures import DeadlineKind
from iso10002.model import DueDate

__all__ = ["EXTENDED_EVENT", "ComputedDeadline"]

EXTENDED_EVENT = "DeadlineExtended"
"""The event recording a deliberate extension; its data names ``step``, ``reason``."""


@attrs.frozen(kw_only=True)
class ComputedDeadline:
    """Everything known about one step's deadline for one complaint.

    Args:
        step: The step, e.g. ``final_response``.
        kind: Limit, target or window.
        due_at: When it is due (UTC), after pauses and extensions.
        original_due_at: When it would be due without pauses and extensions.
        met_at: When an event met it, if one did.
        void_at: When it stopped applying (withdrawn, not a complaint).
        paused: Whether its clock is stopped at the end of the history.
        extended: Whether an extension moved it.
        extension_reasons: The recorded reasons for the extensions.
        citation: The rule it comes from.

    .. versionadded:: 0.1.0
    """

    step: str
    kind: DeadlineKind
    due_at: datetime
    original_due_at: datetime
    met_at: datetime | None = None
    void_at: datetime | None = None
    paused: bool = False
    extended: bool = False
    extension_reasons: tuple[str, ...] = ()
    citation: str = ""

    def to_due_date(self) -> DueDate:
        """Return the indexable projection of this deadline."""
        return DueDate(
            step=self.step, due_at=self.due_at, met_at=self.met_at, paused=self.paused
        )
