"""Write facts into a history: a legacy history's ``FactsRecorded``, an amendment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.history._facts import (
    FACT_FIELDS,
    FACT_NAMES,
    FACTS_RECORDED_EVENT,
    step_facts,
)
from iso10002.history._fold import is_replayable
from iso10002.model import Complaint, HistoryEvent

__all__ = ["amend", "record_facts"]


def record_facts(complaint: Complaint, *, actor: str, at: datetime) -> Complaint:
    """Append one ``FactsRecorded`` event stating every fact of ``complaint``.

    Used to migrate a complaint whose history predates facts in events: the
    fold starts from this event, and its data says that the earlier facts
    were not recorded by their own events.

    Args:
        complaint: The complaint.
        actor: Who records them (e.g. ``"system:migration"``).
        at: When (not before the last event).

    Returns:
        The next version; ``complaint`` itself when its history already
        carries its facts.

    Raises:
        ValidationError: if ``actor`` or ``at`` is invalid.

    .. versionadded:: 0.2.0
    """
    if is_replayable(complaint.history):
        return complaint
    facts = {name: getattr(complaint, name) for name in FACT_FIELDS}
    event = HistoryEvent(
        sequence=complaint.version + 1,
        name=FACTS_RECORDED_EVENT,
        at=at,
        actor=actor,
        to_state=complaint.status,
        from_state=complaint.status,
        data={
            "recovered_from": "document",
            "not_recovered": "facts of the events before this one",
        },
    )
    return complaint.next_version(event, **facts)


def amend(complaint: Complaint, **changes: Any) -> Complaint:
    """Apply ``changes`` to ``complaint`` and record them in its last event.

    For a projection computed after a step but before it is stored (the
    handler's due dates), so the step's event states them as its facts.

    Args:
        complaint: The new version, not yet stored.
        **changes: New values of fact fields (see :data:`FACT_FIELDS`).

    Returns:
        The complaint with the changes, at the same version.

    Raises:
        ValidationError: naming the field, if a change is not a fact field or
            its value is invalid.

    .. versionadded:: 0.2.0
    """
    for name in changes:
        if name not in FACT_NAMES:
            raise ValidationError.single(name, "is not a fact field")
    if not changes or not complaint.history:
        return complaint
    updated = attrs.evolve(complaint, **changes)
    last = complaint.history[-1]
    event = attrs.evolve(last, data={**last.data, **step_facts(changes)})
    return attrs.evolve(updated, history=(*complaint.history[:-1], event))
