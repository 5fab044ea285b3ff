"""Who may do what: the ``AccessPolicy`` port and a role-based default."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

import attrs

from iso10002.errors import ValidationError
from iso10002.handler._actor import Actor
from iso10002.model import Complaint

__all__ = [
    "ALL_ACTIONS",
    "ALL_STEPS",
    "DEFAULT_GRANTS",
    "ERASE",
    "EXPORT",
    "EXPORT_PERSONAL_DATA",
    "READ",
    "READ_PERSONAL_DATA",
    "RECEIVE",
    "SWEEP_RETENTION",
    "AccessPolicy",
    "RoleBasedAccess",
]

RECEIVE = "receive"
"""Action: record a new complaint (``complaint`` is ``None``)."""
READ = "read"
"""Action: see a complaint (its personal data only with :data:`READ_PERSONAL_DATA`)."""
READ_PERSONAL_DATA = "read_personal_data"
"""Action: see personal fields (``read_personal_data:<path>`` grants one)."""
EXPORT = "export"
"""Action: export complaints (redacted) or use them as analysis input."""
EXPORT_PERSONAL_DATA = "export_personal_data"
"""Action: export complaints with their personal data."""
ERASE = "erase"
"""Action: erase a complaint's personal data."""
SWEEP_RETENTION = "sweep_retention"
"""Action: anonymise complaints past retention (``complaint`` is ``None``)."""
ALL_STEPS = "steps"
"""Grant token: every workflow trigger (any action that is not one of the above)."""
ALL_ACTIONS = "*"
"""Grant token: every action."""

_NAMED = frozenset(
    {
        RECEIVE,
        READ,
        READ_PERSONAL_DATA,
        EXPORT,
        EXPORT_PERSONAL_DATA,
        ERASE,
        SWEEP_RETENTION,
    }
)

DEFAULT_GRANTS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "intake": frozenset({RECEIVE}),
        "complaints-handler": frozenset({RECEIVE, READ, READ_PERSONAL_DATA, ALL_STEPS}),
        "complaints-manager": frozenset(
            {RECEIVE, READ, READ_PERSONAL_DATA, ALL_STEPS, EXPORT, ERASE}
        ),
        "auditor": frozenset({READ, EXPORT}),
        "data-protection-officer": frozenset(
            {
                READ,
                READ_PERSONAL_DATA,
                EXPORT,
                EXPORT_PERSONAL_DATA,
                ERASE,
                SWEEP_RETENTION,
            }
        ),
        "system": frozenset({ALL_ACTIONS}),
    }
)
"""What each default role may do with :class:`RoleBasedAccess`.

``intake`` records complaints only (a web form); ``complaints-handler`` reads
and takes workflow steps (on complaints assigned to them or to nobody);
``complaints-manager`` also exports and erases; ``auditor`` reads and exports
without personal data; ``data-protection-officer`` reads, exports, erases and
runs the retention sweep; ``system`` may do everything (background jobs).

.. versionadded:: 0.1.0
"""


@runtime_checkable
class AccessPolicy(Protocol):
    """Decide whether an actor may take an action on a complaint.

    The handler asks before every call and raises
    :class:`~iso10002.errors.AccessDenied` on ``False``. Actions are the
    workflow triggers (``acknowledge``, ``decide`` …) and the names
    :data:`RECEIVE`, :data:`READ`, :data:`READ_PERSONAL_DATA`,
    :data:`EXPORT`, :data:`EXPORT_PERSONAL_DATA`, :data:`ERASE` and
    :data:`SWEEP_RETENTION`; :func:`~iso10002.handler.redact` also asks
    ``read_personal_data:<path>`` for single personal fields.

    .. versionadded:: 0.1.0
    """

    def can(self, actor: Actor, action: str, complaint: Complaint | None) -> bool:
        """Tell whether ``actor`` may take ``action`` on ``complaint``.

        Args:
            actor: Who asks.
            action: What they want to do.
            complaint: The complaint concerned (its current version), or
                ``None`` for actions on no single complaint.

        Returns:
            ``True`` to allow.
        """
        ...


def _grants(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType(
            {
                k: frozenset(v)
                if isinstance(v, Iterable) and not isinstance(v, str)
                else v
                for k, v in value.items()
            }
        )
    return value


def _check_grants(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Mapping):
        raise ValidationError.single(attribute.name, "must map role names to actions")
    for role, actions in value.items():
        if not isinstance(role, str) or not role.strip():
            raise ValidationError.single(attribute.name, "role names must be non-empty")
        if not isinstance(actions, frozenset) or not all(
            isinstance(a, str) and a for a in actions
        ):
            raise ValidationError.single(
                f"{attribute.name}[{role!r}]", "must be a collection of action names"
            )


def _names(value: Any) -> Any:
    if isinstance(value, Iterable) and not isinstance(value, str):
        return frozenset(value)
    return value


def _check_names(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, frozenset) or not all(isinstance(v, str) for v in value):
        raise ValidationError.single(
            attribute.name, "must be a collection of role names"
        )


@attrs.frozen(kw_only=True)
class RoleBasedAccess:
    """Allow an action when one of the actor's roles is granted it.

    Args:
        grants: Role → actions; :data:`ALL_STEPS` grants every workflow trigger,
            :data:`ALL_ACTIONS` everything. :data:`DEFAULT_GRANTS` by default.
        own_only: Roles whose grants cover only complaints assigned to the
            actor or to nobody (need to know, ISO 10002 4.10).

    Raises:
        ValidationError: naming the field, for malformed grants or roles.

    .. versionadded:: 0.1.0
    """

    grants: Mapping[str, frozenset[str]] = attrs.field(
        default=DEFAULT_GRANTS, converter=_grants, validator=_check_grants
    )
    own_only: frozenset[str] = attrs.field(
        default=frozenset({"complaints-handler"}),
        converter=_names,
        validator=_check_names,
    )

    def _granted(self, role: str, action: str) -> bool:
        actions = self.grants.get(role, frozenset())
        if ALL_ACTIONS in actions or action in actions:
            return True
        base = action.split(":", 1)[0]
        if base != action and base in actions:
            return True
        return ALL_STEPS in actions and base not in _NAMED

    def can(self, actor: Actor, action: str, complaint: Complaint | None) -> bool:
        """Tell whether one of ``actor``'s roles grants ``action`` on ``complaint``.

        Args:
            actor: Who asks.
            action: What they want to do.
            complaint: The complaint concerned, or ``None``.

        Returns:
            ``True`` when a role grants it (for an ``own_only`` role, only on
            a complaint assigned to the actor or to nobody).
        """
        for role in actor.roles:
            if not self._granted(role, action):
                continue
            if (
                role not in self.own_only
                or complaint is None
                or complaint.assignee in (None, actor.name)
            ):
                return True
        return False
