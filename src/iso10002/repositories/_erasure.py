"""What erasure replaces: the personal fields, and nothing else.

Shared by every adapter. :func:`erase` walks the complaint through the
``PERSONAL`` field metadata of the model (``iso10002.model.personal_fields``):
a required text becomes :data:`ERASED`, anything with a default goes back to
it (``None``, ``()``, ``False``), and a required nested value such as the
complainant keeps its non-personal fields (preferred contact method,
language) while its own personal fields are erased. Statuses, dates,
categories, deadlines, decisions, outcomes, satisfaction scores and the
history stay as they were; one ``PersonalDataErased`` event is appended,
naming the erased fields (never their values).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.model import Complaint, HistoryEvent, is_personal
from iso10002.validators import aware, text, to_utc

__all__ = ["ERASED", "ERASURE_EVENT", "erase", "is_erased"]

ERASED = "[erased]"
"""The text a required personal text field holds after erasure."""

ERASURE_EVENT = "PersonalDataErased"
"""Name of the history event that records an erasure."""


def _erased_value(
    attribute: attrs.Attribute[Any], value: Any, path: str, out: list[str]
) -> Any:
    default: Any = attribute.default
    if value is None:
        replacement = None  # nothing recorded (an anonymous name): nothing to erase
    elif isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        replacement = default.factory()
    elif default is not attrs.NOTHING:
        replacement = default
    elif attrs.has(type(value)):
        return _erase_object(value, f"{path}.", out, inside_personal=True)
    elif isinstance(value, str):
        replacement = ERASED
    else:  # pragma: no cover - required personal fields are text or attrs values
        kind = type(value).__name__
        msg = f"cannot erase required personal field {path!r} of type {kind}"
        raise TypeError(msg)
    if replacement != value:
        out.append(path)
    return replacement


def _erase_object(
    obj: Any, prefix: str, out: list[str], *, inside_personal: bool = False
) -> Any:
    changes: dict[str, Any] = {}
    for attribute in attrs.fields(type(obj)):
        if attribute.name == "history":
            continue
        value = getattr(obj, attribute.name)
        path = f"{prefix}{attribute.name}"
        if is_personal(attribute):
            new = _erased_value(attribute, value, path, out)
        elif inside_personal:
            # Non-personal fields of a personal value (contact method, language) stay.
            continue
        elif attrs.has(type(value)):
            new = _erase_object(value, f"{path}.", out)
        elif isinstance(value, tuple) and any(attrs.has(type(item)) for item in value):
            new = tuple(
                _erase_object(item, f"{path}[{i}].", out)
                if attrs.has(type(item))
                else item
                for i, item in enumerate(value)
            )
        else:
            continue
        if new is not value:
            changes[attribute.name] = new
    return attrs.evolve(obj, **changes) if changes else obj


def _erased_fields(complaint: Complaint) -> tuple[Complaint, list[str]]:
    out: list[str] = []
    erased = _erase_object(complaint, "", out)
    return erased, out


def is_erased(complaint: Complaint) -> bool:
    """Tell whether ``complaint`` already holds no personal data to erase.

    .. versionadded:: 0.1.0
    """
    _, changed = _erased_fields(complaint)
    return not changed


def erase(complaint: Complaint, *, actor: str, at: datetime) -> Complaint:
    """Return the next version of ``complaint`` with its personal data erased.

    Args:
        complaint: The complaint to erase.
        actor: Who asked for the erasure (recorded in the event).
        at: When (timezone-aware, not earlier than the last event).

    Returns:
        The erased complaint at ``version + 1`` with a ``PersonalDataErased``
        event whose data lists the erased field paths; ``complaint`` itself
        when there is nothing left to erase.

    Raises:
        ValidationError: if ``actor`` or ``at`` is invalid.

    .. versionadded:: 0.1.0
    """
    at_field = attrs.fields(HistoryEvent).at
    at = to_utc(at)
    aware(None, at_field, at)
    text(max_length=200)(None, attrs.fields(HistoryEvent).actor, actor)
    erased, changed = _erased_fields(complaint)
    if not changed:
        return complaint
    last = complaint.last_event
    if last is not None and at < last.at:
        raise ValidationError.single(
            "at", "must not be earlier than the complaint's last event"
        )
    event = HistoryEvent(
        sequence=complaint.version + 1,
        name=ERASURE_EVENT,
        at=at,
        actor=actor,
        data={"fields": sorted(changed)},
    )
    return attrs.evolve(
        erased, version=complaint.version + 1, history=(*complaint.history, event)
    )
