"""What a complainant following their status link may do, on their complaint only."""

from __future__ import annotations

import attrs

from iso10002.handler import READ, READ_PERSONAL_DATA, AccessPolicy, Actor
from iso10002.model import Complaint
from iso10002.web._desk import COMPLAINANT_ROLE

__all__ = ["COMPLAINANT_STEPS", "ComplainantAccess"]

COMPLAINANT_STEPS = frozenset(
    {
        "accept_decision",
        "reject_decision",
        "record_satisfaction",
        "withdraw",
        "information_received",
    }
)
"""The triggers a complainant may take by default (the standard workflow's names)."""


@attrs.frozen(kw_only=True)
class ComplainantAccess:
    """Let complainants act on their own complaint; ask ``base`` for everyone else.

    An actor with the ``complainant`` role (the desk makes one per status
    link, named ``complainant:<complaint id>``) may read that complaint and
    its personal data except the staff's step notes, and take ``steps`` on
    it; nothing else, and nothing on any other complaint.

    Args:
        base: The policy for every other actor.
        steps: The triggers complainants may take.

    .. versionadded:: 0.3.0
    """

    base: AccessPolicy
    steps: frozenset[str] = attrs.field(default=COMPLAINANT_STEPS, converter=frozenset)

    def can(self, actor: Actor, action: str, complaint: Complaint | None) -> bool:
        """Tell whether ``actor`` may take ``action`` on ``complaint``."""
        if COMPLAINANT_ROLE not in actor.roles:
            return self.base.can(actor, action, complaint)
        if complaint is None or actor.name != f"complainant:{complaint.id}":
            return False
        if action == READ or action in self.steps:
            return True
        prefix = f"{READ_PERSONAL_DATA}:"
        return action.startswith(prefix) and not action.startswith(f"{prefix}notes")
