"""Take a workflow step from web input: the one place the desk fires steps.

Both the REST API and the staff console come here. The step is fired with
the handler's generic :meth:`~iso10002.ComplaintsHandler.fire`; the desk only
completes the data a person does not type (when, and by whom) and merges a
record the complaint already holds (communicating a decision adds how and
when to the decision made).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from iso10002.errors import AccessDenied, Iso10002Error, ValidationError
from iso10002.handler import (
    READ_PERSONAL_DATA,
    REDACTED,
    Actor,
    ComplaintsHandler,
    StepResult,
)
from iso10002.model import Complaint
from iso10002.serialization import to_dict
from iso10002.web._schema import (
    _hints,
    _optional,
    completes,
    field_type,
    server_filled,
)

__all__ = [
    "PreconditionFailed",
    "step_requires",
    "step_sets",
    "take_step",
]


class PreconditionFailed(Iso10002Error):
    """The complaint changed since the version the client named (``If-Match``)."""

    def __init__(self, complaint_id: str, *, expected: int, actual: int) -> None:
        """Create the error with both versions."""
        super().__init__(
            f"complaint {complaint_id!r} is at version {actual}, not {expected}"
        )
        self.complaint_id = complaint_id
        self.expected = expected
        self.actual = actual


def step_sets(handler: ComplaintsHandler, trigger: str) -> tuple[str, ...]:
    """Return the complaint fields ``trigger`` may set, in definition order."""
    steps = [s for s in handler.workflow.definition.steps if s.trigger == trigger]
    return tuple(dict.fromkeys(f for s in steps for f in s.sets))


def step_requires(handler: ComplaintsHandler, trigger: str) -> frozenset[str]:
    """Return the complaint fields (dotted paths) ``trigger`` requires."""
    steps = handler.workflow.definition.steps
    return frozenset(r for s in steps if s.trigger == trigger for r in s.requires)


def _has_redacted(value: Any) -> bool:
    if isinstance(value, str):
        return value == REDACTED
    if isinstance(value, Mapping):
        return any(_has_redacted(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_redacted(v) for v in value)
    return False


def _complete(  # noqa: PLR0913 - the record, what the step needs, and who/when
    name: str,
    *,
    given: Any,
    current: Complaint,
    actor: Actor,
    now: datetime,
    requires: frozenset[str],
) -> Any:
    """Fill the sub-fields of record ``name`` that the desk provides."""
    inner, _ = _optional(field_type(name))
    if not (isinstance(inner, type) and attrs.has(inner)):
        return given
    if given is not None and not isinstance(given, Mapping):
        return given  # let the converter name the problem
    held = getattr(current, name, None)
    merged: dict[str, Any] = {}
    if held is not None and completes(name, requires):
        # The step completes the record the complaint holds (communicating
        # a decision); any other step that sets it records a new one.
        merged = to_dict(held)
        if _has_redacted(merged):
            raise AccessDenied(actor.name, READ_PERSONAL_DATA, current.id)
    merged.update(given or {})
    hints = _hints(inner)
    for sub in attrs.fields(inner):
        if merged.get(sub.name) is not None or not server_filled(sub, hints[sub.name]):
            continue
        needed = sub.default is attrs.NOTHING or f"{name}.{sub.name}" in requires
        if not needed:
            continue
        inner_sub, _ = _optional(hints[sub.name])
        merged[sub.name] = now.isoformat() if inner_sub is datetime else actor.name
    return merged


def take_step(  # noqa: PLR0913 - the step, its data, its reason and its precondition
    handler: ComplaintsHandler,
    complaint_id: str,
    trigger: str,
    *,
    actor: Actor,
    now: datetime,
    data: Mapping[str, Any] | None = None,
    reason: str | None = None,
    reason_code: str | None = None,
    if_version: int | None = None,
) -> StepResult:
    """Fire ``trigger`` on a complaint with web input.

    Args:
        handler: The handler.
        complaint_id: The complaint.
        trigger: The workflow trigger.
        actor: Who takes the step.
        now: The instant filled into the records the step needs it in.
        data: The complaint fields the step sets, as plain JSON data.
        reason: Free text kept as a personal note.
        reason_code: The reason code the event records.
        if_version: The version the client saw (``If-Match``), if any.

    Returns:
        What :meth:`~iso10002.ComplaintsHandler.fire` returns.

    Raises:
        PreconditionFailed: if the complaint is no longer at ``if_version``.
        ValidationError: for data that is not a mapping.
        Iso10002Error: as :meth:`~iso10002.ComplaintsHandler.fire`.
    """
    if data is not None and not isinstance(data, Mapping):
        raise ValidationError.single("data", "must be an object")
    current = handler.get(complaint_id, actor=actor)
    if if_version is not None and current.version != if_version:
        raise PreconditionFailed(
            complaint_id, expected=if_version, actual=current.version
        )
    sets = step_sets(handler, trigger)
    requires = step_requires(handler, trigger)
    values = dict(data or {})
    for name in sets:
        if name in values or (
            getattr(current, name, None) is not None and completes(name, requires)
        ):
            values[name] = _complete(
                name,
                given=values.get(name),
                current=current,
                actor=actor,
                now=now,
                requires=requires,
            )
    # The one call to switch when the handler offers a typed generic step.
    return handler.fire(
        complaint_id,
        trigger,
        actor=actor,
        data=values or None,
        reason=reason,
        reason_code=reason_code,
    )
