"""Who acts: a name as the host application knows it, and the roles it holds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.validators import text

__all__ = ["Actor", "as_actor"]


def _roles(value: Any) -> Any:
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, Iterable):
        return frozenset(value)
    return value


def _check_roles(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, frozenset) or not all(
        isinstance(r, str) and r.strip() for r in value
    ):
        raise ValidationError.single(
            attribute.name, "must be a collection of non-empty role names"
        )


@attrs.frozen
class Actor:
    """Someone (or something) calling the handler, with the roles it holds.

    The host application authenticates people and systems and maps them to an
    ``Actor``; the library only checks what the roles allow (see
    :class:`~iso10002.handler.RoleBasedAccess`). A plain string passed where
    an actor is expected means an actor with that name and no roles.

    Args:
        name: The actor as history records it, e.g. ``agent:17`` or ``web-form``.
        roles: Role names, e.g. ``{"complaints-handler"}``.

    Raises:
        ValidationError: for an empty name or a role that is not a non-empty string.

    .. versionadded:: 0.1.0
    """

    name: str = attrs.field(validator=text(max_length=200))
    roles: frozenset[str] = attrs.field(
        default=frozenset(), converter=_roles, validator=_check_roles
    )

    def __str__(self) -> str:
        """Return the actor's name."""
        return self.name


def as_actor(actor: Actor | str) -> Actor:
    """Return ``actor`` as an :class:`Actor` (a string is a name without roles).

    Raises:
        ValidationError: naming ``actor`` when it is neither.
    """
    if isinstance(actor, Actor):
        return actor
    if isinstance(actor, str):
        try:
            return Actor(actor)
        except ValidationError as exc:
            raise exc.prefixed("actor") from None
    raise ValidationError.single("actor", "must be an Actor or an actor name")
