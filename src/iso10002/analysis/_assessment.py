"""The values of the self-assessment: statuses, items, clauses and the records.

:mod:`._self_assessment` reads them to assess; ``iso10002.analysis.evidence``
exports them.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import attrs

from iso10002.analysis._objectives import ImprovementAction, Objective
from iso10002.validators import instance_of, optional, text, to_tuple, tuple_of

__all__ = [
    "AssessmentItem",
    "ClauseAssessment",
    "EvidenceStatus",
    "IntegrityEvidence",
    "OrganisationRecords",
    "SelfAssessment",
]


class EvidenceStatus(str, enum.Enum):
    """How well a requirement is evidenced.

    .. versionadded:: 0.1.0
    """

    EVIDENCED = "evidenced"
    PARTLY_EVIDENCED = "partly_evidenced"
    MISSING = "missing"


@attrs.frozen(kw_only=True)
class IntegrityEvidence:
    """The outcome of the store's integrity check, for the self-assessment (4.9).

    Build it from ``repository.verify_integrity()`` with :meth:`from_report`,
    or with ``checked=False`` and the reason when the check was not run.

    Args:
        checked: Whether the integrity check ran.
        complaints: How many complaints it checked.
        problems: How many problems it found.
        unreplayable: Complaints whose history predates facts in events.
        reason: Why the check did not run (when ``checked`` is false).

    .. versionadded:: 0.2.0
    """

    checked: bool = attrs.field(validator=instance_of(bool))
    complaints: int = 0
    problems: int = 0
    unreplayable: int = 0
    reason: str | None = None

    @classmethod
    def from_report(cls, report: object) -> IntegrityEvidence:
        """Summarise an :class:`~iso10002.repositories.IntegrityReport`."""
        return cls(
            checked=True,
            complaints=int(getattr(report, "complaints_checked", 0)),
            problems=len(getattr(report, "problems", ())),
            unreplayable=len(getattr(report, "unreplayable", ())),
        )


def _flag() -> bool:
    return attrs.field(default=False, validator=instance_of(bool))


@attrs.frozen(kw_only=True)
class OrganisationRecords:
    """What the organisation records about its complaints-handling system.

    Args:
        commitment_statement: Top management's commitment is documented (5.1).
        complaints_policy_published: The complaints policy is published (5.2).
        accountable_manager: The role accountable for complaints handling (5.3).
        roles_and_authorities_defined: Responsibilities and authorities are set (5.3).
        process_documented: The process is planned and documented (6.1, 6.3).
        resources_allocated: People, systems and budget are allocated (6.4).
        training_records: Training of complaint handlers is recorded (6.4).
        competence_records: Their competence is assessed and recorded (6.4).
        information_published: How to complain is published for customers (7.1).
        objectives: The measurable objectives (6.2).
        last_internal_audit: When the process was last audited (8.5).
        last_management_review: When top management last reviewed it (8.6).
        improvement_actions: Actions taken on what complaints taught (8.7).

    .. versionadded:: 0.1.0
    """

    commitment_statement: bool = _flag()
    complaints_policy_published: bool = _flag()
    accountable_manager: str | None = attrs.field(
        default=None, validator=optional(text())
    )
    roles_and_authorities_defined: bool = _flag()
    process_documented: bool = _flag()
    resources_allocated: bool = _flag()
    training_records: bool = _flag()
    competence_records: bool = _flag()
    information_published: bool = _flag()
    objectives: tuple[Objective, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(Objective)
    )
    last_internal_audit: date | None = attrs.field(
        default=None, validator=optional(instance_of(date))
    )
    last_management_review: date | None = attrs.field(
        default=None, validator=optional(instance_of(date))
    )
    improvement_actions: tuple[ImprovementAction, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(ImprovementAction)
    )


@attrs.frozen(kw_only=True)
class AssessmentItem:
    """One requirement, where its evidence comes from and how well it is evidenced.

    ``source`` is ``organisation`` (self-declared records) or ``data``
    (derived from complaint records).

    .. versionadded:: 0.1.0
    """

    clause: str
    requirement: str
    source: str
    status: EvidenceStatus
    detail: str


@attrs.frozen(kw_only=True)
class ClauseAssessment:
    """A clause's items and overall status (evidenced only if every item is).

    .. versionadded:: 0.1.0
    """

    clause: str
    title: str
    status: EvidenceStatus
    items: tuple[AssessmentItem, ...]


@attrs.frozen(kw_only=True)
class SelfAssessment:
    """Readiness for a certification audit, clause 4 to clause 8.

    .. versionadded:: 0.1.0
    """

    as_of: datetime
    clauses: tuple[ClauseAssessment, ...]
