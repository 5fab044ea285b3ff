"""The seam storage adapters implement to compute analysis in SQL (push-down).

Analysis owns this module: a store that can answer without loading
complaints into Python implements :class:`KpiPushDown` (the KPIs),
:class:`EvidencePushDown` (the audit evidence checks) and
:class:`PolicyPushDown` (the default policies' findings, from the rows of
:func:`stored_findings`, and the provenance share, from
:func:`provenance_bits`), and builds its answer
from the names here only: an adapter imports no private module of
:mod:`iso10002.analysis`. Callers use :func:`kpis_from` and
:func:`evidence_checks_from`, :func:`policy_evidence_from` and
:func:`provenance_from`, which fall back to streaming (or to ``None``)
when a store cannot answer.

A push-down answer must equal what streaming gives over the same complaints;
the adapters' test suites check that with Hypothesis.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from iso10002._publish import publish
from iso10002.analysis._calendar import DayCalendar, DayCounter
from iso10002.analysis._evidence import EVIDENCE_CHECKS, EvidenceCheck
from iso10002.analysis._kpis import KpiAccumulator, KpiSpec
from iso10002.analysis._periods import Period, period_label
from iso10002.analysis._policy_pushdown import (
    FindingCount,
    PolicyEvidence,
    PolicyPushDown,
    PrincipleGaps,
    StoredPolicyCounts,
    policy_evidence_from,
    provenance_from,
    stored_policies_apply,
)
from iso10002.analysis._protocol import KpiPushDown, kpis_from
from iso10002.analysis._results import DurationStats, KpiReport
from iso10002.analysis._review_parts import (
    MONETARY_REMEDIES,
    RemedySummary,
    summarise_remedies,
)
from iso10002.analysis._stored_findings import (
    STORED_FINDINGS_RULES,
    STORED_POLICIES,
    StoredFinding,
    finding_holds,
    finding_message,
    is_organisation_policy,
    stored_findings,
)
from iso10002.errors import ValidationError
from iso10002.facts import MERITS, NO_CLASS, UPHELD_ANY, subcategory_key
from iso10002.provenance import PROVENANCE_FLAGS, ImportedShare, provenance_bits

__all__ = [
    "EVIDENCE_CHECKS",
    "MERITS",
    "MONETARY_REMEDIES",
    "NO_CLASS",
    "PROVENANCE_FLAGS",
    "STORED_FINDINGS_RULES",
    "STORED_POLICIES",
    "UPHELD_ANY",
    "DayCalendar",
    "DayCounter",
    "DurationStats",
    "EvidenceCheck",
    "EvidencePushDown",
    "FindingCount",
    "ImportedShare",
    "KpiAccumulator",
    "KpiPushDown",
    "KpiReport",
    "KpiSpec",
    "Period",
    "PolicyEvidence",
    "PolicyPushDown",
    "PrincipleGaps",
    "RemedyPushDown",
    "RemedySummary",
    "StoredFinding",
    "StoredPolicyCounts",
    "check_evidence_scope",
    "evidence_check",
    "evidence_checks_from",
    "finding_holds",
    "finding_message",
    "is_organisation_policy",
    "kpis_from",
    "period_label",
    "policy_evidence_from",
    "provenance_bits",
    "provenance_from",
    "remedies_from",
    "stored_findings",
    "stored_policies_apply",
    "subcategory_key",
    "summarise_remedies",
]


@runtime_checkable
class EvidencePushDown(Protocol):
    """A store that can count the audit evidence checks itself (SQL push-down).

    ``analytics_evidence`` returns the nine checks of :data:`EVIDENCE_CHECKS`,
    in that order, over the complaints received by ``as_of`` (and in
    ``period`` when given), exactly as
    :class:`~iso10002.analysis.evidence.EvidenceAccumulator` counts them, each naming
    the first ``ids_shown`` gaps in id order (all when ``None``); or ``None``
    when it cannot answer.

    .. versionadded:: 0.2.0
    """

    def analytics_evidence(
        self,
        as_of: datetime,
        period: Period | None = None,
        ids_shown: int | None = 20,
    ) -> tuple[EvidenceCheck, ...] | None:
        """Count the evidence checks without loading complaints."""
        ...


def check_evidence_scope(
    as_of: object, period: object, ids_shown: object
) -> tuple[datetime, Period | None, int | None]:
    """Check the arguments of ``analytics_evidence`` and return them typed.

    Raises:
        ValidationError: naming the argument that is wrong.

    .. versionadded:: 0.2.0
    """
    if not isinstance(as_of, datetime) or as_of.utcoffset() is None:
        raise ValidationError.single("as_of", "must be a timezone-aware datetime")
    if period is not None and not isinstance(period, Period):
        raise ValidationError.single("period", "must be a Period or None")
    if ids_shown is not None and (
        isinstance(ids_shown, bool) or not isinstance(ids_shown, int) or ids_shown < 0
    ):
        raise ValidationError.single(
            "ids_shown", "must be a non-negative integer or None"
        )
    return as_of, period, ids_shown


def evidence_check(
    check_id: str, applicable: int, conforming: int, ids: Sequence[str]
) -> EvidenceCheck:
    """Build the :class:`EvidenceCheck` of ``check_id`` from an adapter's counts.

    Args:
        check_id: One id of :data:`EVIDENCE_CHECKS`.
        applicable: Complaints the check applied to.
        conforming: Those that passed it.
        ids: The first ids of those that did not, in id order.

    Raises:
        ValidationError: for an unknown ``check_id``.

    .. versionadded:: 0.2.0
    """
    for known, clause, step, principle, description in EVIDENCE_CHECKS:
        if known == check_id:
            return EvidenceCheck(
                id=known,
                clause=clause,
                step=step,
                principle=principle,
                description=description,
                applicable=applicable,
                conforming=conforming,
                proportion=conforming / applicable if applicable else None,
                nonconforming_ids=tuple(ids),
            )
    raise ValidationError.single("check_id", f"unknown evidence check {check_id!r}")


def evidence_checks_from(
    source: object,
    as_of: datetime,
    *,
    period: Period | None = None,
    ids_shown: int | None = 20,
) -> tuple[EvidenceCheck, ...] | None:
    """Count the evidence checks in the store when it can, else return ``None``.

    Pass the result to :func:`~iso10002.analysis.build_management_review` as
    ``checks``: the pass over the complaints then evaluates only the policies.

    Args:
        source: A store, :class:`EvidencePushDown` or not.
        as_of: The audit instant.
        period: Count only complaints received in it.
        ids_shown: How many gap ids each check names (all when ``None``).

    Returns:
        The nine checks, or ``None`` when ``source`` cannot count them.

    Raises:
        ValidationError: for a wrong argument.
        IntegrityError: for a stored complaint that cannot be read.

    .. versionadded:: 0.2.0
    """
    as_of, period, ids_shown = check_evidence_scope(as_of, period, ids_shown)
    if isinstance(source, EvidencePushDown):
        return source.analytics_evidence(as_of, period, ids_shown)
    return None


@runtime_checkable
class RemedyPushDown(Protocol):
    """A store that can count the review's remedies itself (SQL push-down).

    ``analytics_remedies`` returns what the management review's remedies
    section counts over the complaints of ``spec`` (received by its
    ``as_of``, in its period when given): the decision in force at ``as_of``
    of each, duplicates left out, built with :func:`summarise_remedies`; or
    ``None`` when it cannot answer.

    .. versionadded:: 0.3.0
    """

    def analytics_remedies(self, spec: KpiSpec) -> RemedySummary | None:
        """Count the remedies without loading complaints."""
        ...


def remedies_from(source: object, spec: KpiSpec) -> RemedySummary | None:
    """Count the review's remedies in the store when it can, else return ``None``.

    Pass the result to :func:`~iso10002.analysis.build_management_review` as
    ``remedies``: the pass over the complaints then skips the remedies tally.

    Args:
        source: A store, or any iterable of complaints (``None`` is returned).
        spec: The review's instant and period.

    Raises:
        ValidationError: for a ``spec`` that is not a :class:`KpiSpec`.

    .. versionadded:: 0.3.0
    """
    if not isinstance(spec, KpiSpec):
        raise ValidationError.single("spec", "must be a KpiSpec")
    if isinstance(source, RemedyPushDown):
        return source.analytics_remedies(spec)
    return None


publish(globals())
