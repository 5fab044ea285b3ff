"""Identifiers a complaint has in other systems (a regulator's portal, a helpdesk)."""

from __future__ import annotations

import re
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.validators import text, tuple_of

__all__ = ["MAX_EXTERNAL_IDS", "SYSTEM_PATTERN", "ExternalId", "check_external_ids"]

SYSTEM_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?")
"""What a system name looks like: lower-case letters, digits, ``.``, ``_``, ``-``."""

MAX_EXTERNAL_IDS = 20
"""The most identifiers one complaint holds."""


def _system(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    text(max_length=64)(_inst, attribute, value)
    if not SYSTEM_PATTERN.fullmatch(value):
        raise ValidationError.single(
            attribute.name,
            "must be a short code of lower-case letters, digits, '.', '_' or '-' "
            "(e.g. 'cfpb' or 'helpdesk')",
        )


@attrs.frozen(kw_only=True)
class ExternalId:
    """A complaint's identifier in another system, e.g. a regulator's complaint id.

    Not personal data: it names the record, not the person (do not use a
    customer's e-mail address or phone number as one). Repositories index
    them: ``Query(external_id=ExternalId(system="cfpb", value="2481532"))``.

    Args:
        system: Which system (a short code such as ``"cfpb"`` or ``"helpdesk"``).
        value: The identifier there, as that system writes it.

    .. versionadded:: 0.2.0
    """

    system: str = attrs.field(validator=_system)
    value: str = attrs.field(validator=text(max_length=200))


def check_external_ids(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validate a tuple of :class:`ExternalId`: at most 20, no pair twice."""
    tuple_of(ExternalId, max_items=MAX_EXTERNAL_IDS)(_inst, attribute, value)
    seen: set[tuple[str, str]] = set()
    for i, external in enumerate(value):
        pair = (external.system, external.value)
        if pair in seen:
            raise ValidationError.single(
                f"{attribute.name}[{i}]",
                f"repeats {external.system}:{external.value}",
            )
        seen.add(pair)
