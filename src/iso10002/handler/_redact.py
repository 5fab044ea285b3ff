"""Redaction: the view of a complaint without the personal data an actor may not see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.handler._access import READ_PERSONAL_DATA, AccessPolicy, RoleBasedAccess
from iso10002.handler._actor import Actor, as_actor
from iso10002.model import Complaint, is_personal

__all__ = ["REDACTED", "redact"]

REDACTED = "[redacted]"
"""The text a required personal text field shows to an actor who may not see it."""

_DEFAULT_ACCESS = RoleBasedAccess()


def _blank(
    attribute: attrs.Attribute[Any],
    value: Any,
    path: str,
    hidden: Callable[[str], bool],
) -> Any:
    if value is None:
        return None  # nothing recorded (an anonymous name): nothing to hide
    default = attribute.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory()  # type: ignore[union-attr]
    if default is not attrs.NOTHING:
        return default
    if attrs.has(type(value)):
        # A required personal value (the complainant): keep its non-personal fields.
        return _walk(value, f"{path}.", hidden, inside_personal=True)
    return REDACTED


def _walk(
    obj: Any,
    prefix: str,
    hidden: Callable[[str], bool],
    *,
    inside_personal: bool = False,
) -> Any:
    changes: dict[str, Any] = {}
    for attribute in attrs.fields(type(obj)):
        if attribute.name == "history":
            continue
        value = getattr(obj, attribute.name)
        path = f"{prefix}{attribute.name}"
        if is_personal(attribute):
            if not hidden(path):
                continue
            new = _blank(attribute, value, path, hidden)
        elif inside_personal or not attrs.has(type(value)):
            continue
        else:
            new = _walk(value, f"{path}.", hidden)
        if new != value:
            changes[attribute.name] = new
    return attrs.evolve(obj, **changes) if changes else obj


def redact(
    complaint: Complaint, for_actor: Actor | str, *, access: AccessPolicy | None = None
) -> Complaint:
    """Return ``complaint`` without the personal data ``for_actor`` may not see.

    Personal fields are those marked in the model
    (:func:`iso10002.model.personal_fields`). An actor allowed
    ``read_personal_data`` on the complaint sees everything; otherwise each
    personal field (by dotted path, e.g. ``complainant.email``, or a prefix
    such as ``complainant``) is shown only if ``read_personal_data:<path>`` is
    allowed. Hidden required text reads :data:`REDACTED`; hidden optional
    values go back to their default (``None``, empty); a hidden complainant
    keeps its preferred contact method and language. The id, version,
    history, dates, status, classification, decision and outcome are kept,
    so redacted complaints still count and analyse correctly.

    Args:
        complaint: The complaint.
        for_actor: Who will see the result.
        access: The access policy (the default :class:`RoleBasedAccess` if ``None``).

    Returns:
        The complaint itself when nothing is hidden, else a redacted copy
        (a view: nothing is stored or recorded).

    Raises:
        ValidationError: if ``complaint`` is not a complaint or the actor is invalid.

    .. versionadded:: 0.1.0
    """
    if not isinstance(complaint, Complaint):
        raise ValidationError.single("complaint", "must be a Complaint")
    actor = as_actor(for_actor)
    policy = access or _DEFAULT_ACCESS
    if policy.can(actor, READ_PERSONAL_DATA, complaint):
        return complaint

    def hidden(path: str) -> bool:
        parts = path.split(".")
        return not any(
            policy.can(actor, f"{READ_PERSONAL_DATA}:{'.'.join(parts[:i])}", complaint)
            for i in range(1, len(parts) + 1)
        )

    redacted: Complaint = _walk(complaint, "", hidden)
    return redacted
