"""What a complainant following their status link may do, on their complaint only."""

from __future__ import annotations

from iso10002.communications import COMPLAINANT_ACTIONS, ComplainantAccess
from iso10002.handler import AccessPolicy

__all__ = ["COMPLAINANT_STEPS", "complainant_access"]

COMPLAINANT_STEPS = COMPLAINANT_ACTIONS | {"information_received"}
"""What a complainant may do through the desk: the communications role's
actions and the reply to a request for information (the standard workflow's
trigger names)."""


def complainant_access(base: AccessPolicy) -> ComplainantAccess:
    """Return the desk's access policy: ``base``, and complainants on their own.

    A complainant (the desk makes one per status link, named
    ``complainant:<complaint id>``) may read that complaint with their own
    personal data but not the staff's notes, and take :data:`COMPLAINANT_STEPS`
    on it; nothing else, and nothing on any other complaint (see
    :class:`~iso10002.communications.ComplainantAccess`).

    .. versionadded:: 0.2.0
    """
    return ComplainantAccess(inner=base, actions=COMPLAINANT_STEPS, personal_data=True)
