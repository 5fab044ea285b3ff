"""The checks of a complaint's history: contiguous, in order, within its size.

A history's total JSON length is cached in the complaint's instance dict (not a
field: never compared, shown or serialised), so a step adds only its own
event's length. Also the facts a step's event records (see
:mod:`iso10002.history`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.model._enums import Channel
from iso10002.model._events import HistoryEvent
from iso10002.model._external import ExternalId
from iso10002.model._values import Subject, WorkflowRef
from iso10002.validators import (
    MAX_EVENT_DATA_CHARS,
    MAX_HISTORY_DATA_CHARS,
    json_chars,
    tuple_of,
)

__all__ = [
    "ALWAYS_WITHIN",
    "DATA_CHARS",
    "check_history",
    "check_history_data",
    "history_data_chars",
    "receipt_data",
    "with_facts",
]

_SETATTR = object.__setattr__


def check_history(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validate a history: events, sequences contiguous from 1, times in order."""
    tuple_of(HistoryEvent, max_items=100_000)(_inst, attribute, value)
    previous: datetime | None = None
    for i, event in enumerate(value, start=1):
        if event.sequence != i:
            raise ValidationError.single(
                f"history[{i - 1}].sequence",
                f"must be {i} (sequences are contiguous from 1)",
            )
        if previous is not None and event.at < previous:
            raise ValidationError.single(
                f"history[{i - 1}].at", "must not be earlier than the event before it"
            )
        previous = event.at


# The total JSON length of the history's event data, cached in the instance
# dict (not a field: never compared, shown or serialised) so a step adds only
# its own event's length.
DATA_CHARS = "_iso10002_history_data_chars"


# Each event's data is at most MAX_EVENT_DATA_CHARS long, so a history of at
# most this many events is within the total without measuring it.
ALWAYS_WITHIN = MAX_HISTORY_DATA_CHARS // MAX_EVENT_DATA_CHARS


def check_history_data(total: int) -> int:
    """Return ``total``, the history's data length, if within the bound."""
    if total > MAX_HISTORY_DATA_CHARS:
        raise ValidationError.single(
            "history",
            f"event data must total at most {MAX_HISTORY_DATA_CHARS} characters "
            f"as JSON, not {total}",
        )
    return total


def history_data_chars(complaint: Any) -> int:
    """Return the total JSON length of the data of ``complaint``'s events (cached)."""
    found: int | None = complaint.__dict__.get(DATA_CHARS)
    if found is None:
        found = sum(json_chars(event.data) for event in complaint.history)
        _SETATTR(complaint, DATA_CHARS, found)
    return found


_LATE: dict[str, Callable[[Any], Any]] = {}


def _fact_value() -> Callable[[Any], Any]:
    """Return :func:`iso10002.history.fact_value`, imported on first use."""
    found = _LATE.get("fact_value")
    if found is None:
        # The history module serialises model values, so it imports this one.
        from iso10002.history import fact_value  # noqa: PLC0415

        found = _LATE["fact_value"] = fact_value
    return found


def receipt_data(
    reference: str,
    channel: Channel,
    workflow: WorkflowRef,
    subject: Subject,
    external_ids: tuple[ExternalId, ...] = (),
) -> dict[str, Any]:
    """Return the receipt event's data: the facts of receipt (see iso10002.history)."""
    fact_value = _fact_value()
    data = {
        "channel": channel.value,
        "reference": reference,
        "subject": fact_value(subject),
        "workflow": {"name": workflow.name, "version": workflow.version},
    }
    if external_ids:
        data["external_ids"] = fact_value(external_ids)
    return data


def with_facts(event: HistoryEvent, checked: dict[str, Any]) -> HistoryEvent:
    """Return ``event`` recording the facts of ``checked``, the step's changes.

    Raises:
        ValidationError: if the event's data names a fact the step does not set.
    """
    from iso10002.history import FACT_FIELDS, step_facts  # noqa: PLC0415

    facts = step_facts(checked)
    for key in event.data:
        if key in FACT_FIELDS and key not in facts:
            raise ValidationError.single(
                f"event.data.{key}",
                "names a complaint field the step does not change",
            )
    if not facts:
        return event
    return attrs.evolve(event, data={**event.data, **facts})
