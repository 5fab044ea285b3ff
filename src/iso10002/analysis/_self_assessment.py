"""Self-assessment for certification readiness, clause by clause (ISO 10002 4-8)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from iso10002.analysis._assessment import (
    AssessmentItem,
    ClauseAssessment,
    EvidenceStatus,
    IntegrityEvidence,
    OrganisationRecords,
    SelfAssessment,
)
from iso10002.analysis._evidence import EvidenceReport
from iso10002.analysis._objectives import ActionStatus
from iso10002.analysis._results import KpiReport
from iso10002.errors import ValidationError

__all__ = [
    "AssessmentItem",
    "ClauseAssessment",
    "EvidenceStatus",
    "IntegrityEvidence",
    "OrganisationRecords",
    "SelfAssessment",
    "self_assess",
]

_FULL = 0.95
_YEAR = timedelta(days=366)


_E, _P, _M = (
    EvidenceStatus.EVIDENCED,
    EvidenceStatus.PARTLY_EVIDENCED,
    EvidenceStatus.MISSING,
)


def _of(flags: Sequence[bool]) -> EvidenceStatus:
    return _E if all(flags) else (_P if any(flags) else _M)


def _share(proportion: float | None) -> EvidenceStatus:
    if proportion is None or proportion == 0:
        return _M
    return _E if proportion >= _FULL else _P


def _org(clause: str, requirement: str, *flags: bool) -> AssessmentItem:
    status = _of(flags)
    return AssessmentItem(
        clause=clause,
        requirement=requirement,
        source="organisation",
        status=status,
        detail=f"{sum(flags)} of {len(flags)} recorded",
    )


def _data(
    clause: str, requirement: str, status: EvidenceStatus, detail: str
) -> AssessmentItem:
    return AssessmentItem(
        clause=clause,
        requirement=requirement,
        source="data",
        status=status,
        detail=detail,
    )


def _integrity_item(integrity: IntegrityEvidence | None) -> AssessmentItem:
    requirement = (
        "Information integrity: the record verifies (hash chains, documents "
        "and indexes against their histories)"
    )
    if integrity is None or not integrity.checked:
        why = "not given" if integrity is None else integrity.reason or "not run"
        return _data("4.9", requirement, _M, f"integrity check not run ({why})")
    if integrity.problems:
        return _data(
            "4.9",
            requirement,
            _M,
            f"integrity check failed: {integrity.problems} problem(s) in "
            f"{integrity.complaints} complaints",
        )
    if integrity.unreplayable:
        return _data(
            "4.9",
            requirement,
            _P,
            f"{integrity.complaints} complaints verify; {integrity.unreplayable} "
            "have histories recorded before events carried their facts",
        )
    return _data("4.9", requirement, _E, f"{integrity.complaints} complaints verify")


def _recent(day: date | None, as_of: datetime) -> EvidenceStatus:
    if day is None:
        return _M
    return _E if as_of.date() - day <= _YEAR else _P


def _pct(value: float | None) -> str:
    return "no applicable complaints" if value is None else f"{value:.0%} conforming"


def _clause4(
    evidence: EvidenceReport, integrity: IntegrityEvidence | None
) -> list[AssessmentItem]:
    check = _integrity_item(integrity)
    if not evidence.principles:
        return [
            _data(
                "4",
                "Guiding principles checked by a policy set",
                _M,
                "no policy set was evaluated",
            ),
            check,
        ]
    items = []
    for p in evidence.principles:
        status = _share(p.proportion)
        detail = _pct(p.proportion)
        if p.principle == "information-integrity" and check.status is not _E:
            # Policies over the documents cannot evidence integrity when
            # the documents themselves do not verify (or were not checked).
            status = _M if check.status is _M else _weaker(status, _P)
            detail = f"{detail}; {check.detail}"
        items.append(_data("4", f"Guiding principle: {p.principle}", status, detail))
    return [*items, check]


def _weaker(a: EvidenceStatus, b: EvidenceStatus) -> EvidenceStatus:
    """Return the weaker of two statuses."""
    order = (_E, _P, _M)
    return a if order.index(a) >= order.index(b) else b


def _clause7(
    records: OrganisationRecords, evidence: EvidenceReport
) -> list[AssessmentItem]:
    items = [
        _org(
            "7.1",
            "Information on how to complain is published",
            records.information_published,
        )
    ]
    items += [
        _data(c.clause, c.description, _share(c.proportion), _pct(c.proportion))
        for c in evidence.checks
    ]
    return items


def _clause8(
    records: OrganisationRecords,
    kpis: KpiReport,
    evidence: EvidenceReport,
    as_of: datetime,
) -> list[AssessmentItem]:
    actions = records.improvement_actions
    done = sum(a.status is ActionStatus.DONE for a in actions)
    root = next(c for c in evidence.checks if c.id == "root-cause-for-upheld")
    sat = kpis.satisfaction
    return [
        _data(
            "8.1",
            "Complaints are recorded",
            _E if kpis.complaints else _M,
            f"{kpis.complaints} complaints",
        ),
        _data(
            "8.2",
            "Root causes are analysed",
            _share(root.proportion),
            _pct(root.proportion),
        ),
        _data(
            "8.3",
            "Satisfaction with the process is measured",
            _M
            if not sat.responses
            else (_E if (sat.response_rate or 0) >= 0.1 else _P),  # noqa: PLR2004
            f"{sat.responses} responses",
        ),
        _org(
            "8.4",
            "Performance is monitored against objectives",
            bool(records.objectives),
        ),
        _data(
            "8.5",
            "The process is audited (within the last year)",
            _recent(records.last_internal_audit, as_of),
            str(records.last_internal_audit),
        ),
        _data(
            "8.6",
            "Top management reviews the process (within the last year)",
            _recent(records.last_management_review, as_of),
            str(records.last_management_review),
        ),
        _data(
            "8.7",
            "Improvement actions are taken and completed",
            _M if not actions else (_E if done else _P),
            f"{done} of {len(actions)} actions done",
        ),
    ]


_TITLES = {
    "4": "Guiding principles",
    "5": "Complaints-handling framework",
    "6": "Planning, design and development",
    "7": "Operation of the complaints-handling process",
    "8": "Maintenance and improvement",
}


def self_assess(
    records: OrganisationRecords,
    kpis: KpiReport,
    evidence: EvidenceReport,
    integrity: IntegrityEvidence | None = None,
) -> SelfAssessment:
    """Combine the organisation's records with evidence from its complaint data.

    Args:
        records: What the organisation records about itself.
        kpis: KPIs over its complaints (see :func:`compute_kpis`).
        evidence: Audit evidence over the same complaints.
        integrity: The outcome of the store's integrity check. Information
            integrity (4.9) is evidenced only when the check ran and found
            nothing; without it, 4.9 shows as missing ("not run").

    Returns:
        The assessment per clause 4 to 8.

    Raises:
        ValidationError: if an argument has the wrong type.

    .. versionadded:: 0.1.0
    """
    for name, value, cls in (
        ("records", records, OrganisationRecords),
        ("kpis", kpis, KpiReport),
        ("evidence", evidence, EvidenceReport),
        ("integrity", integrity, (IntegrityEvidence, type(None))),
    ):
        if not isinstance(value, cls):
            kind = cls[0].__name__ if isinstance(cls, tuple) else cls.__name__
            raise ValidationError.single(name, f"must be a {kind}")
    r = records
    by_clause = {
        "4": _clause4(evidence, integrity),
        "5": [
            _org(
                "5.1", "Top management commitment is documented", r.commitment_statement
            ),
            _org(
                "5.2",
                "The complaints policy is published",
                r.complaints_policy_published,
            ),
            _org(
                "5.3",
                "An accountable manager, roles and authorities are defined",
                r.accountable_manager is not None,
                r.roles_and_authorities_defined,
            ),
        ],
        "6": [
            _org("6.1", "The process is planned and documented", r.process_documented),
            _org("6.2", "Measurable objectives are set", bool(r.objectives)),
            _org(
                "6.4",
                "Resources, training and competence are provided and recorded",
                r.resources_allocated,
                r.training_records,
                r.competence_records,
            ),
        ],
        "7": _clause7(r, evidence),
        "8": _clause8(r, kpis, evidence, kpis.as_of),
    }
    clauses = tuple(
        ClauseAssessment(
            clause=c,
            title=_TITLES[c],
            items=tuple(items),
            status=_E
            if all(i.status is _E for i in items)
            else (_M if all(i.status is _M for i in items) else _P),
        )
        for c, items in by_clause.items()
    )
    return SelfAssessment(as_of=kpis.as_of, clauses=clauses)
