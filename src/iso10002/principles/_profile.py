"""The organisation-level configuration that policies check against."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Any

import attrs

from iso10002.deadlines import DEFAULT_KEEP_INFORMED_INTERVAL
from iso10002.errors import ValidationError
from iso10002.model import Channel
from iso10002.validators import optional, text

__all__ = ["ANY_CATEGORY", "DEFAULT_KEEP_INFORMED_INTERVAL", "OrganisationProfile"]


ANY_CATEGORY = "*"
"""A competence that covers every complaint category."""


def _check_names(field: str, value: Any) -> None:
    if not isinstance(value, frozenset):
        raise ValidationError.single(field, "must be a collection of names")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValidationError.single(field, "must hold non-empty strings only")


def _channels(value: Any) -> frozenset[Channel]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError.single("channels", "must be a collection of channels")
    try:
        return frozenset(Channel(v) for v in value)
    except ValueError:
        known = ", ".join(c.value for c in Channel)
        raise ValidationError.single(
            "channels", f"must hold channels only ({known})"
        ) from None


def _freeze_mapping(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value
    return MappingProxyType(
        {
            k: frozenset(v)
            if isinstance(v, Iterable) and not isinstance(v, (str, bytes))
            else v
            for k, v in value.items()
        }
    )


def _by_actor(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Mapping):
        raise ValidationError.single(attribute.name, "must map actor names to names")
    for key, names in value.items():
        if not isinstance(key, str) or not key.strip():
            raise ValidationError.single(
                attribute.name, "keys must be non-empty strings"
            )
        _check_names(f"{attribute.name}[{key!r}]", names)


def _to_frozenset(value: Any) -> Any:
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        return frozenset(value)
    return value


def _names(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _check_names(attribute.name, value)


def _limit(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError.single(attribute.name, "must be a positive integer")


def _interval(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise ValidationError.single(attribute.name, "must be a positive timedelta")


@attrs.frozen(kw_only=True)
class OrganisationProfile:
    """How the organisation set up complaints handling (the context's ``organisation``).

    Organisation-level checks (commitment, capability, transparency,
    accessibility, objectivity, competence, confidentiality) read it from
    :attr:`PolicyContext.organisation`. A field left empty means "not
    configured": the checks that need it then report nothing rather than guess.

    Args:
        channels: Intake channels the organisation offers.
        complaints_policy: Where the complaints policy and the information on
            how to complain are published (a URL or document reference).
        accountable_manager: The person accountable for complaints handling
            at top-management level.
        competences: Staff member → complaint categories they are competent
            for (``"*"`` covers every category).
        teams: Staff member → teams they belong to.
        conflicts: Staff member → people, teams or customer references they
            must not handle complaints about.
        authorised_actors: Further actors with a need to know (e.g. a quality
            team), besides staff listed in ``competences``, the accountable
            manager and whoever is assigned.
        workload_limit: Most open complaints one handler should hold.
        keep_informed_interval: Longest silence towards the complainant
            while a complaint is open.

    Raises:
        ValidationError: naming the field, if a value is malformed.

    .. versionadded:: 0.1.0
    """

    channels: frozenset[Channel] = attrs.field(
        factory=frozenset, converter=_channels, hash=False
    )
    complaints_policy: str | None = attrs.field(
        default=None, validator=optional(text(max_length=2000))
    )
    accountable_manager: str | None = attrs.field(
        default=None, validator=optional(text(max_length=200))
    )
    competences: Mapping[str, frozenset[str]] = attrs.field(
        factory=dict, converter=_freeze_mapping, validator=_by_actor, hash=False
    )
    teams: Mapping[str, frozenset[str]] = attrs.field(
        factory=dict, converter=_freeze_mapping, validator=_by_actor, hash=False
    )
    conflicts: Mapping[str, frozenset[str]] = attrs.field(
        factory=dict, converter=_freeze_mapping, validator=_by_actor, hash=False
    )
    authorised_actors: frozenset[str] = attrs.field(
        factory=frozenset,
        converter=_to_frozenset,
        validator=_names,
        hash=False,
    )
    workload_limit: int | None = attrs.field(default=None, validator=_limit)
    keep_informed_interval: timedelta = attrs.field(
        default=DEFAULT_KEEP_INFORMED_INTERVAL, validator=_interval
    )

    def is_competent(self, actor: str, category: str) -> bool:
        """Tell whether ``actor`` holds the competence for ``category``.

        Args:
            actor: A staff member.
            category: A complaint category (``Classification.category``).

        Returns:
            ``True`` if the actor's competences include the category or ``"*"``.
        """
        held = self.competences.get(actor, frozenset())
        return category in held or ANY_CATEGORY in held

    def affiliations(self, actor: str) -> frozenset[str]:
        """Return ``actor`` with its teams and declared conflicts, case-folded.

        Args:
            actor: A staff member.

        Returns:
            Every name that makes ``actor`` conflicted when complained about.
        """
        names = {actor, *self.teams.get(actor, ()), *self.conflicts.get(actor, ())}
        return frozenset(n.strip().casefold() for n in names)
