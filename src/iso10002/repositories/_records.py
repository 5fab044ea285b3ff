"""The values the storage port speaks in: ``Query``, ``Page``, ``StoredEvent``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.model import Channel, Complaint, ExternalId, HistoryEvent
from iso10002.validators import aware, instance_of, optional, text, to_utc

__all__ = ["Page", "Query", "StoredEvent"]


def _statuses(value: Any) -> Any:
    if isinstance(value, (list, set, frozenset)):
        return (
            tuple(sorted(value))
            if isinstance(value, (set, frozenset))
            else tuple(value)
        )
    return value


def _check_statuses(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple):
        raise ValidationError.single(
            attribute.name,
            f"must be a tuple of status names, not {type(value).__name__}",
        )
    check = text(max_length=100)
    for i, item in enumerate(value):
        try:
            check(_inst, attribute, item)
        except ValidationError as exc:
            raise ValidationError.single(
                f"{attribute.name}[{i}]", exc.problems[0][1]
            ) from None


def _channel(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, Channel):
        try:
            return Channel(value)
        except ValueError:
            return value
    return value


def _check_channel(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, Channel):
        raise ValidationError.single(
            attribute.name, f"must be one of {[c.value for c in Channel]}"
        )


def _check_breached(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, bool):
        raise ValidationError.single(attribute.name, "must be True, False or None")


@attrs.frozen(kw_only=True)
class Query:
    """Which complaints to find or count; every criterion given must hold.

    Args:
        status_in: Statuses to match (any of them); empty matches every status.
        received_from: Received at or after this instant.
        received_before: Received strictly before this instant.
        due_before: Has a pending due date (``met_at is None``) with
            ``due_at`` strictly before this instant.
        breached: ``True`` matches complaints with a pending due date already
            passed at ``as_of`` or a due date met late; ``False`` the others.
        as_of: The instant ``breached`` is judged at (required with it).
        assignee: Assigned to exactly this actor.
        category: Classified in exactly this category.
        channel: Received through this channel.
        reference: Has exactly this human reference.
        external_id: Has this identifier in another system (e.g. a
            regulator's complaint id); adapters index it.

    Raises:
        ValidationError: naming the field, for a wrong type, a naive datetime,
            or ``breached`` without ``as_of``.

    .. versionadded:: 0.1.0
    """

    status_in: tuple[str, ...] = attrs.field(
        default=(), converter=_statuses, validator=_check_statuses
    )
    received_from: datetime | None = attrs.field(
        default=None, converter=to_utc, validator=optional(aware)
    )
    received_before: datetime | None = attrs.field(
        default=None, converter=to_utc, validator=optional(aware)
    )
    due_before: datetime | None = attrs.field(
        default=None, converter=to_utc, validator=optional(aware)
    )
    breached: bool | None = attrs.field(default=None, validator=_check_breached)
    as_of: datetime | None = attrs.field(
        default=None, converter=to_utc, validator=optional(aware)
    )
    assignee: str | None = attrs.field(
        default=None, validator=optional(text(max_length=200))
    )
    category: str | None = attrs.field(
        default=None, validator=optional(text(max_length=100))
    )
    channel: Channel | None = attrs.field(
        default=None, converter=_channel, validator=_check_channel
    )
    reference: str | None = attrs.field(
        default=None, validator=optional(text(max_length=64))
    )
    external_id: ExternalId | None = attrs.field(
        default=None, validator=optional(instance_of(ExternalId))
    )

    def __attrs_post_init__(self) -> None:
        """Check that ``breached`` comes with the instant it is judged at."""
        if self.breached is not None and self.as_of is None:
            raise ValidationError.single("as_of", "is required when breached is given")


@attrs.frozen(kw_only=True)
class Page:
    """One page of :meth:`ComplaintRepository.find`, in ``(received_at, id)`` order.

    Args:
        items: The complaints on this page.
        next_cursor: Pass it as ``after`` to get the next page; ``None`` on
            the last page.

    .. versionadded:: 0.1.0
    """

    items: tuple[Complaint, ...]
    next_cursor: str | None = None


@attrs.frozen(kw_only=True)
class StoredEvent:
    """One history event in the global feed of :meth:`ComplaintRepository.events`.

    Args:
        position: Place in the feed: strictly increasing, in commit order,
            possibly with gaps.
        complaint_id: The complaint the event belongs to.
        event: The event itself (its ``sequence`` is its place in the
            complaint's history).

    .. versionadded:: 0.1.0
    """

    position: int
    complaint_id: str
    event: HistoryEvent
