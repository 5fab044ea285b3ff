"""Audit evidence (ISO 10002 8.4 to 8.6) and the self-assessment against the standard.

:func:`collect_evidence` checks the complaint records principle by principle
(:data:`EVIDENCE_CHECKS`) and summarises the policies' findings into an
:class:`EvidenceReport`; :func:`self_assess` combines it with the KPIs and
the organisation's own :class:`OrganisationRecords` into a clause-by-clause
:class:`SelfAssessment`.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.analysis._evidence import (
    EVIDENCE_CHECKS,
    EvidenceAccumulator,
    EvidenceCheck,
    EvidenceReport,
    FindingSummary,
    PrincipleEvidence,
    collect_evidence,
)
from iso10002.analysis._self_assessment import (
    AssessmentItem,
    ClauseAssessment,
    EvidenceStatus,
    IntegrityEvidence,
    OrganisationRecords,
    SelfAssessment,
    self_assess,
)

__all__ = [
    "EVIDENCE_CHECKS",
    "AssessmentItem",
    "ClauseAssessment",
    "EvidenceAccumulator",
    "EvidenceCheck",
    "EvidenceReport",
    "EvidenceStatus",
    "FindingSummary",
    "IntegrityEvidence",
    "OrganisationRecords",
    "PrincipleEvidence",
    "SelfAssessment",
    "collect_evidence",
    "self_assess",
]

publish(globals())
