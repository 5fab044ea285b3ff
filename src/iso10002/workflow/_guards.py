"""The workflow's own guard policies (the guiding principles live elsewhere)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import attrs

from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.principles import Finding, FindingSeverity, PolicyContext

__all__ = ["DEFAULT_REOPEN_WINDOW", "REOPEN_WINDOW_POLICY_ID", "ReopenWindow"]

REOPEN_WINDOW_POLICY_ID = "iso10002.workflow.reopen_window"
"""Policy id of :class:`ReopenWindow`, used by the standard workflows' ``reopen``."""

DEFAULT_REOPEN_WINDOW = timedelta(days=28)
"""How long after closing a complaint may be reopened, unless configured."""


def _window(
    _inst: object, attribute: attrs.Attribute[timedelta], value: object
) -> None:
    if not isinstance(value, timedelta) or value < timedelta(0):
        raise ValidationError.single(attribute.name, "must be a non-negative timedelta")


@attrs.frozen(kw_only=True)
class ReopenWindow:
    """Block reopening a complaint once ``window`` has passed since it ended.

    Used as the guard of reopening steps. The window runs from the history
    event that put the complaint in its current (terminal) state. After it, a
    host application records a new complaint linked to the old one with
    :attr:`~iso10002.model.LinkKind.REOPENED_FROM`.

    Args:
        window: How long a closed complaint may be reopened.
        id: The policy id (change it to use several windows side by side).

    Raises:
        ValidationError: if ``window`` is negative.

    .. versionadded:: 0.1.0
    """

    window: timedelta = attrs.field(default=DEFAULT_REOPEN_WINDOW, validator=_window)
    id: str = REOPEN_WINDOW_POLICY_ID

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Return a blocking finding when the window has passed.

        Args:
            complaint: The candidate next version of the complaint.
            context: The guard context; ``previous`` is the complaint before
                the step.

        Returns:
            No finding inside the window, one blocking finding after it.
        """
        before = context.previous or complaint
        ended_at = next(
            (e.at for e in reversed(before.history) if e.to_state == before.status),
            before.received_at,
        )
        deadline = ended_at + self.window
        if context.now <= deadline:
            return ()
        return (
            Finding(
                policy_id=self.id,
                principle="responsiveness",
                clause="7.9",
                code="reopen-window-passed",
                severity=FindingSeverity.BLOCKING,
                message=(
                    f"the complaint ended more than {self.window.days} days ago; "
                    "record a "
                    "new complaint linked to it (reopened_from) instead"
                ),
                evidence={
                    "ended_at": ended_at.isoformat(),
                    "deadline": deadline.isoformat(),
                },
            ),
        )
