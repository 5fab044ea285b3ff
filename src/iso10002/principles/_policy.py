"""The policy protocol: checks that return findings and never raise for one."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

import attrs

from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.validators import aware, text, to_utc

__all__ = [
    "Finding",
    "FindingSeverity",
    "Policy",
    "PolicyContext",
    "PolicyRegistry",
    "has_blocking",
]


class FindingSeverity(str, enum.Enum):
    """How much a finding matters.

    ``BLOCKING`` stops a workflow step when the policy is used as a guard;
    ``WARNING`` and ``INFO`` are reported in audits only.

    .. versionadded:: 0.1.0
    """

    BLOCKING = "blocking"
    WARNING = "warning"
    INFO = "info"


@attrs.frozen(kw_only=True)
class Finding:
    """What a policy found about one complaint.

    Args:
        policy_id: The policy that produced it, e.g. ``iso10002.accountability.owner``.
        principle: The guiding principle concerned, e.g. ``accountability``.
        clause: The ISO 10002 clause, e.g. ``4.12``.
        code: A stable machine-readable code, e.g. ``owner-missing``.
        severity: Blocking, warning or info.
        message: A sentence for people.
        evidence: Supporting facts as JSON data (ids, dates, values).

    .. versionadded:: 0.1.0
    """

    policy_id: str = attrs.field(validator=text(max_length=200))
    principle: str = attrs.field(validator=text(max_length=100))
    clause: str = attrs.field(validator=text(max_length=20))
    code: str = attrs.field(validator=text(max_length=100))
    severity: FindingSeverity = attrs.field(converter=FindingSeverity)
    message: str = attrs.field(validator=text(max_length=2000, multiline=True))
    evidence: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def blocking(self) -> bool:
        """Tell whether this finding blocks a guarded workflow step."""
        return self.severity is FindingSeverity.BLOCKING


def has_blocking(findings: Iterable[Finding]) -> bool:
    """Tell whether any finding is blocking.

    .. versionadded:: 0.1.0
    """
    return any(f.blocking for f in findings)


@attrs.frozen(kw_only=True)
class PolicyContext:
    """Everything a policy may consult besides the complaint itself.

    Args:
        now: The current instant (from the injected clock).
        actor: Who is acting.
        roles: The actor's roles.
        trigger: The workflow trigger being fired, when used as a guard.
        previous: The complaint before the step, when used as a guard (the
            complaint passed to ``evaluate`` is then the candidate next version).
        data: The data supplied with the step.
        organisation: The organisation's configuration (enabled channels,
            competences, conflicts of interest …), when known.
        calendar: The business calendar in force, when known.
        pack: The regulatory deadline pack in force, when known.
        workload: Open complaints per handler, when known (capability
            checks); :func:`~iso10002.principles.evaluate_all` fills it from
            the complaints audited when left empty.

    .. versionadded:: 0.1.0
    """

    now: datetime = attrs.field(converter=to_utc, validator=aware)
    actor: str = attrs.field(default="system", validator=text(max_length=200))
    roles: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)
    trigger: str | None = None
    previous: Complaint | None = None
    data: Mapping[str, Any] = attrs.field(factory=dict)
    organisation: Any = None
    calendar: Any = None
    pack: Any = None
    workload: Mapping[str, int] = attrs.field(factory=dict)


@runtime_checkable
class Policy(Protocol):
    """A check derived from a guiding principle.

    Implementations are small frozen objects with a stable ``id``; they return
    findings (possibly none) and never raise because of what they find.

    .. versionadded:: 0.1.0
    """

    @property
    def id(self) -> str:
        """Return the policy's stable id, used by workflow guards."""
        ...

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Check ``complaint`` and return what was found."""
        ...


class PolicyRegistry(Mapping[str, Policy]):
    """An immutable set of policies looked up by id (workflow guards name ids).

    Args:
        policies: The policies; ids must be unique.

    Raises:
        ValidationError: if two policies share an id or an item is not a policy.

    .. versionadded:: 0.1.0
    """

    def __init__(self, policies: Iterable[Policy] = ()) -> None:
        """Index ``policies`` by id."""
        by_id: dict[str, Policy] = {}
        for i, policy in enumerate(policies):
            if not isinstance(policy, Policy):
                raise ValidationError.single(f"policies[{i}]", "must implement Policy")
            if policy.id in by_id:
                raise ValidationError.single(
                    f"policies[{i}]", f"duplicate id {policy.id!r}"
                )
            by_id[policy.id] = policy
        self._by_id = by_id

    def __getitem__(self, policy_id: str) -> Policy:
        """Return the policy with ``policy_id`` (``KeyError`` as for any mapping)."""
        return self._by_id[policy_id]

    def __iter__(self) -> Iterator[str]:
        """Iterate over policy ids."""
        return iter(self._by_id)

    def __len__(self) -> int:
        """Return the number of policies."""
        return len(self._by_id)

    def with_policies(self, *policies: Policy) -> PolicyRegistry:
        """Return a new registry with ``policies`` added.

        Raises:
            ValidationError: if an id is already present.
        """
        return PolicyRegistry([*self._by_id.values(), *policies])

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> tuple[Finding, ...]:
        """Run every policy on ``complaint`` and return all findings."""
        return tuple(
            f
            for policy in self._by_id.values()
            for f in policy.evaluate(complaint, context)
        )

    def __repr__(self) -> str:
        """List the ids."""
        return f"PolicyRegistry({sorted(self._by_id)!r})"
