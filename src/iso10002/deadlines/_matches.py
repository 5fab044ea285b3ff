"""What a rule matches: a history event with its data, a complaint's classification."""

from __future__ import annotations

from typing import Any

import attrs

from iso10002.deadlines._rule_checks import (
    check_event_name,
    check_json_mapping,
    copy_dict,
)
from iso10002.errors import ValidationError
from iso10002.validators import to_tuple, tuple_of

__all__ = ["ClassificationMatch", "EventMatch"]


@attrs.frozen(kw_only=True)
class EventMatch:
    """A history event that meets or triggers something: its name and required data.

    Args:
        event: The ``HistoryEvent.name``, e.g. ``HoldingResponseSent``.
        data: Keys the event's data must hold with exactly these values.

    .. versionadded:: 0.1.0
    """

    event: str = attrs.field(validator=check_event_name)
    data: dict[str, Any] = attrs.field(
        factory=dict, converter=copy_dict, validator=check_json_mapping
    )

    def matches(self, name: str, data: dict[str, Any]) -> bool:
        """Tell whether an event with ``name`` and ``data`` matches.

        Returns:
            ``True`` when the names are equal and every required key holds
            the required value.
        """
        if name != self.event:
            return False
        return all(
            key in data and data[key] == value for key, value in self.data.items()
        )


@attrs.frozen(kw_only=True)
class ClassificationMatch:
    """Which complaints an override applies to; every non-empty field must match.

    Args:
        categories: ``Classification.category`` values (any of them).
        tags: ``Classification.tags`` (the complaint must carry any of them).
        severities: ``Severity`` values such as ``"high"`` (any of them).
        products: ``Subject.product`` values (any of them).

    .. versionadded:: 0.1.0
    """

    categories: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    tags: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    severities: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    products: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )

    def __attrs_post_init__(self) -> None:
        """Refuse a match that would apply to every complaint."""
        if not (self.categories or self.tags or self.severities or self.products):
            raise ValidationError.single(
                "", "must name a category, tag, severity or product"
            )

    def describe(self) -> str:
        """Return a short text for tables, e.g. ``tags: hardship``."""
        parts = [
            f"{label}: {', '.join(values)}"
            for label, values in (
                ("category", self.categories),
                ("tags", self.tags),
                ("severity", self.severities),
                ("product", self.products),
            )
            if values
        ]
        return "; ".join(parts)
