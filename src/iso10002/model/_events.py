"""The history entry: a past-tense event with its sequence, time and actor."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.validators import aware, check_json, optional, text, to_utc

__all__ = ["HistoryEvent", "checked_event"]

_PAST_TENSE_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")
_MAX_NAME = 100


def _name(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if (
        not isinstance(value, str)
        or not _PAST_TENSE_NAME.fullmatch(value)
        or len(value) > _MAX_NAME
    ):
        raise ValidationError.single(
            attribute.name,
            "must be a CamelCase event name such as 'StepTaken'",
        )


def _sequence(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError.single(attribute.name, "must be an integer of at least 1")


def _data(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dict):
        raise ValidationError.single(attribute.name, "must be a mapping of JSON data")
    check_json(value, attribute.name)


def _copy_dict(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value


@attrs.frozen(kw_only=True)
class HistoryEvent:
    """One step in a complaint's life, named in the past tense.

    Every change to a complaint appends exactly one event, so a complaint's
    ``version`` always equals the length of its ``history``. ``data`` holds the
    step's details as plain JSON data (treat it as read-only).

    Args:
        sequence: Position in the complaint's history, starting at 1.
        name: Past-tense CamelCase name, e.g. ``ComplaintAcknowledged``.
        at: When it happened (timezone-aware; stored in UTC).
        actor: Who did it, as the host application names actors.
        trigger: The workflow trigger that caused it, if any.
        from_state: Status before the step, if it was a transition.
        to_state: Status after the step, if it was a transition.
        data: Details of the step (JSON data).

    .. versionadded:: 0.1.0
    """

    sequence: int = attrs.field(validator=_sequence)
    name: str = attrs.field(validator=_name)
    at: datetime = attrs.field(converter=to_utc, validator=aware)
    actor: str = attrs.field(validator=text(max_length=200))
    trigger: str | None = attrs.field(
        default=None, validator=optional(text(max_length=100))
    )
    from_state: str | None = attrs.field(
        default=None, validator=optional(text(max_length=100))
    )
    to_state: str | None = attrs.field(
        default=None, validator=optional(text(max_length=100))
    )
    data: dict[str, Any] = attrs.field(
        factory=dict, converter=_copy_dict, validator=_data
    )


_NEW = object.__new__
# Each field's slot setter, looked up once: an event is the object the
# engine makes most often, and filling its slots directly is a third of the
# cost of copying a template field by field.
_SLOTS = HistoryEvent.__dict__
_SEQUENCE = _SLOTS["sequence"].__set__
_NAME = _SLOTS["name"].__set__
_AT = _SLOTS["at"].__set__
_ACTOR = _SLOTS["actor"].__set__
_TRIGGER = _SLOTS["trigger"].__set__
_FROM_STATE = _SLOTS["from_state"].__set__
_TO_STATE = _SLOTS["to_state"].__set__
_DATA = _SLOTS["data"].__set__


def checked_event(  # noqa: PLR0913 - one argument per field
    *,
    sequence: int,
    name: str,
    at: datetime,
    actor: str,
    trigger: str | None,
    from_state: str | None,
    to_state: str | None,
    data: dict[str, Any],
) -> HistoryEvent:
    """Return a :class:`HistoryEvent` from values that each passed their field's check.

    The caller vouches for every value: each went through the field's
    converter and validator (``at`` is an aware UTC datetime, ``data`` a
    dict of checked JSON data the event may keep), or was derived from
    values that did. The class has no cross-field checks.
    """
    event: HistoryEvent = _NEW(HistoryEvent)
    _SEQUENCE(event, sequence)
    _NAME(event, name)
    _AT(event, at)
    _ACTOR(event, actor)
    _TRIGGER(event, trigger)
    _FROM_STATE(event, from_state)
    _TO_STATE(event, to_state)
    _DATA(event, data)
    return event
