"""Retention: anonymise complaints kept longer than the rules require."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.repositories import ComplaintRepository, Query, iter_complaints

__all__ = [
    "ERASURE_EVENT",
    "RETENTION_PERIODS",
    "RetentionReport",
    "check_retention",
    "ended_at",
    "retention_period",
    "sweep_candidates",
]

ERASURE_EVENT = "PersonalDataErased"

RETENTION_PERIODS: Mapping[str, timedelta] = MappingProxyType(
    {
        # DISP 1.9.1R: keep a record of each complaint for at least three years
        # from the date it was received (five years for some fund business).
        "uk.fca.disp": timedelta(days=3 * 365 + 1),
        "uk.fca.disp.psd": timedelta(days=3 * 365 + 1),
    }
)
"""Minimum record-keeping periods of the shipped packs that set one.

Packs without an entry leave retention to the organisation: pass
``retention=`` to the handler.

.. versionadded:: 0.1.0
"""


def check_retention(value: Any) -> timedelta | None:
    """Return ``value`` if it is ``None`` or a positive timedelta."""
    if value is not None and (
        not isinstance(value, timedelta) or value <= timedelta(0)
    ):
        raise ValidationError.single(
            "retention", "must be a positive timedelta or None"
        )
    return value


def retention_period(pack: Any) -> timedelta | None:
    """Return how long complaints under ``pack`` must be kept at least.

    Args:
        pack: A deadline pack (anything with a ``name``), or a pack name.

    Returns:
        The pack's own ``retention`` when it has one, else the period of
        :data:`RETENTION_PERIODS`, else ``None`` (organisation-defined).

    .. versionadded:: 0.1.0
    """
    own = getattr(pack, "retention", None)
    if isinstance(own, timedelta):
        return own
    name = pack if isinstance(pack, str) else getattr(pack, "name", None)
    return RETENTION_PERIODS.get(name) if isinstance(name, str) else None


def ended_at(complaint: Complaint) -> datetime:
    """Return when the complaint entered its current state (receipt if never moved)."""
    for event in reversed(complaint.history):
        if event.to_state == complaint.status and event.from_state != event.to_state:
            return event.at
    return complaint.received_at


@attrs.frozen(kw_only=True)
class RetentionReport:
    """What a retention sweep did.

    Args:
        checked: Ended complaints received before the cut-off that were examined.
        erased: Ids of the complaints anonymised by this sweep.
        cutoff: Complaints that ended before this instant were due.

    .. versionadded:: 0.1.0
    """

    checked: int
    erased: tuple[str, ...]
    cutoff: datetime


def sweep_candidates(
    repository: ComplaintRepository,
    terminal_states: frozenset[str],
    cutoff: datetime,
) -> tuple[int, list[str]]:
    """Return how many ended complaints were examined and which are due for erasure."""
    if not terminal_states:
        return 0, []
    query = Query(status_in=tuple(sorted(terminal_states)), received_before=cutoff)
    checked = 0
    due: list[str] = []
    for complaint in iter_complaints(repository, query):
        checked += 1
        end = ended_at(complaint)
        if end >= cutoff:
            continue
        if any(e.name == ERASURE_EVENT and e.at >= end for e in complaint.history):
            continue
        due.append(complaint.id)
    return checked, due
