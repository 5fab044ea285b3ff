"""The management review pack (ISO 10002 8.6): one pass, then HTML or JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from typing import Any

import attrs

from iso10002.analysis._calendar import DayCalendar, DayCounter
from iso10002.analysis._charts import ControlChart, c_chart, p_chart, u_chart
from iso10002.analysis._evidence import (
    EVIDENCE_CHECKS,
    EvidenceAccumulator,
    EvidenceCheck,
    EvidenceReport,
)
from iso10002.analysis._kpis import KpiAccumulator, KpiSpec
from iso10002.analysis._objectives import (
    ImprovementAction,
    Objective,
    ObjectiveResult,
    evaluate_objectives,
)
from iso10002.analysis._pareto import Pareto, pareto
from iso10002.analysis._policy_pushdown import PolicyEvidence
from iso10002.analysis._results import KpiReport
from iso10002.analysis._review_parts import (
    AppealStats,
    RemedySummary,
    ReviewTally,
    appeal_stats,
    exposures,
    highlights,
)
from iso10002.analysis._self_assessment import (
    OrganisationRecords,
    SelfAssessment,
    self_assess,
)
from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.principles import PolicyContext, PolicyRegistry
from iso10002.provenance import ImportedShare, ProvenanceCounter
from iso10002.serialization import to_dict

__all__ = [
    "ManagementReview",
    "build_management_review",
    "review_to_dict",
    "review_to_json",
]


@attrs.frozen(kw_only=True)
class ManagementReview:
    """Everything top management reviews, as data (render with :func:`render_html`).

    Holds no personal data: only counts, durations, categories, complaint ids
    and references, handler names and the organisation's own records.
    ``highlights`` is the executive summary in sentences; the id lists of the
    audit evidence (checks, principles, findings) hold at most ``ids_shown``
    ids each, the first in id order (all when ``None``; the counts are
    complete: ``applicable - conforming``, ``evaluated - conforming`` and
    ``count``); the full lists come from ``iso10002 audit`` or
    :func:`collect_evidence`.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Added ``highlights``, ``remedies``, ``appeals``, ``ids_shown`` and
       ``assumptions``.
    """

    title: str
    as_of: datetime
    kpis: KpiReport
    highlights: tuple[str, ...]
    remedies: RemedySummary
    appeals: AppealStats
    ids_shown: int | None
    objectives: tuple[ObjectiveResult, ...]
    charts: tuple[ControlChart, ...]
    categories: Pareto
    root_causes: Pareto
    evidence: EvidenceReport
    actions: tuple[ImprovementAction, ...]
    self_assessment: SelfAssessment | None
    assumptions: ImportedShare = attrs.field(factory=ImportedShare)
    """How many of the period's complaints were imported, and what their
    figures rest on (see :mod:`iso10002.provenance`)."""


def _charts(kpis: KpiReport, zone: tzinfo) -> tuple[ControlChart, ...]:
    series = kpis.series
    if not series:
        return ()
    unit = kpis.granularity.value
    seen = exposures([s.period for s in series], kpis.period, kpis.as_of, zone)
    if all(share > 1 - 1e-9 for share in seen):
        charts = [
            c_chart(
                f"Complaints received per {unit} (c-chart)",
                [(s.period, s.received) for s in series],
            )
        ]
    else:
        # A period observed in part (the edge weeks of a quarter, a month
        # still running) has less opportunity: a u-chart scales it to a
        # whole period and widens its limits instead of flagging it as low.
        charts = [
            u_chart(
                f"Complaints received per {unit} (u-chart, periods observed in "
                "part scaled to a whole one)",
                [
                    (s.period, s.received, share)
                    for s, share in zip(series, seen, strict=True)
                    if share > 0
                ],
            )
        ]
    if any(s.decided for s in series):
        charts.append(
            p_chart(
                "Share upheld in whole or in part (p-chart)",
                [(s.period, s.upheld, s.decided) for s in series],
            )
        )
    if any(s.deadlines_resolved for s in series):
        charts.append(
            p_chart(
                "Share of deadlines missed (p-chart)",
                [(s.period, s.deadlines_missed, s.deadlines_resolved) for s in series],
            )
        )
    return tuple(charts)


def _capped(evidence: EvidenceReport, limit: int) -> EvidenceReport:
    """Keep the first ``limit`` ids of each list; the counts say how many there are."""
    return attrs.evolve(
        evidence,
        checks=tuple(
            attrs.evolve(c, nonconforming_ids=c.nonconforming_ids[:limit])
            for c in evidence.checks
        ),
        principles=tuple(
            attrs.evolve(p, nonconforming_ids=p.nonconforming_ids[:limit])
            for p in evidence.principles
        ),
        findings=tuple(
            attrs.evolve(f, complaint_ids=f.complaint_ids[:limit])
            for f in evidence.findings
        ),
    )


def _checked(
    checks: Sequence[EvidenceCheck] | None,
) -> tuple[EvidenceCheck, ...] | None:
    if checks is None:
        return None
    found = tuple(checks)
    if [c.id if isinstance(c, EvidenceCheck) else None for c in found] != [
        c[0] for c in EVIDENCE_CHECKS
    ]:
        raise ValidationError.single(
            "checks", "must be the EvidenceCheck of every check, in order"
        )
    return found


def _check_counted(
    policy_evidence: object, assumptions: object, remedies: object
) -> None:
    """Check the parts a store counted, if given."""
    if policy_evidence is not None and not isinstance(policy_evidence, PolicyEvidence):
        raise ValidationError.single("policy_evidence", "must be a PolicyEvidence")
    if assumptions is not None and not isinstance(assumptions, ImportedShare):
        raise ValidationError.single("assumptions", "must be an ImportedShare")
    if remedies is not None and not isinstance(remedies, RemedySummary):
        raise ValidationError.single("remedies", "must be a RemedySummary")


def build_management_review(  # noqa: C901, PLR0912, PLR0913 - each input is one part of the pack
    complaints: Iterable[Complaint],
    spec: KpiSpec,
    *,
    title: str = "Complaints handling: management review",
    calendar: DayCalendar | None = None,
    policies: PolicyRegistry | None = None,
    context: PolicyContext | None = None,
    objectives: Iterable[Objective] = (),
    actions: Iterable[ImprovementAction] = (),
    records: OrganisationRecords | None = None,
    kpis: KpiReport | None = None,
    ids_shown: int | None = 20,
    checks: Sequence[EvidenceCheck] | None = None,
    policy_evidence: PolicyEvidence | None = None,
    assumptions: ImportedShare | None = None,
    remedies: RemedySummary | None = None,
) -> ManagementReview:
    """Build the management review pack in one pass over ``complaints``.

    The charts cover every period of the range (see :class:`KpiSpec`), empty
    ones as zeros; pass a store's push-down KPIs as ``kpis`` (see
    :func:`kpis_from`) and the pass over ``complaints`` only gathers the audit
    evidence, remedies and appeals.

    Args:
        complaints: Any iterable of complaints (consumed once).
        spec: The KPI spec (instant, period, granularity).
        title: The pack's title.
        calendar: Business calendar (weekdays in UTC when ``None``).
        policies: Policy set whose findings the audit section shows.
        context: Context for the policies (``now=spec.as_of`` by default).
        objectives: Objectives to measure (those of ``records`` when empty).
        actions: Improvement actions to list (those of ``records`` when empty).
        records: The organisation's records; adds the self-assessment.
        kpis: KPIs already computed for ``spec`` (e.g. by SQL push-down).
        ids_shown: How many complaint ids each evidence check and finding
            lists at most (the counts stay complete, and memory bounded);
            ``None`` lists them all.
        checks: The evidence checks already counted for ``spec``'s instant
            and period (e.g. by SQL push-down, see
            :func:`~iso10002.analysis.pushdown.evidence_checks_from`); the
            pass then evaluates only the policies.
        policy_evidence: The policy findings already counted for ``spec``'s
            instant and period with ``policies`` and ``context`` (see
            :func:`~iso10002.analysis.pushdown.policy_evidence_from`); the
            policies are then not evaluated per complaint.
        assumptions: The provenance share already counted for ``spec``'s
            instant and period (see
            :func:`~iso10002.analysis.pushdown.provenance_from`).
        remedies: The remedies already counted for ``spec`` (see
            :func:`~iso10002.analysis.pushdown.remedies_from`). With ``kpis``,
            ``checks``, ``policy_evidence``, ``assumptions`` and ``remedies``
            all given, nothing is left to read: pass ``()`` as
            ``complaints``.

    Returns:
        The review, ready for :func:`render_html` or :func:`review_to_json`.

    Raises:
        ValidationError: for a wrong argument or a non-complaint item.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Added ``checks``; ``ids_shown`` also bounds the ids held while reading.
    .. versionchanged:: 0.3.0
       Added ``policy_evidence``, ``assumptions`` and ``remedies``.
    """
    if not isinstance(spec, KpiSpec):
        raise ValidationError.single("spec", "must be a KpiSpec")
    if records is not None and not isinstance(records, OrganisationRecords):
        raise ValidationError.single("records", "must be OrganisationRecords")
    if kpis is not None and (
        not isinstance(kpis, KpiReport)
        or kpis.as_of != spec.as_of
        or kpis.granularity is not spec.granularity
        or kpis.period != (None if spec.period is None else spec.period.label)
    ):
        raise ValidationError.single("kpis", "must be a KpiReport for this spec")
    if ids_shown is not None and (
        isinstance(ids_shown, bool) or not isinstance(ids_shown, int) or ids_shown < 0
    ):
        raise ValidationError.single(
            "ids_shown", "must be a non-negative integer or None"
        )
    checks = _checked(checks)
    kpi_acc = None if kpis is not None else KpiAccumulator(spec, calendar)
    _check_counted(policy_evidence, assumptions, remedies)
    evidence_acc = EvidenceAccumulator(
        spec.as_of,
        policies if policy_evidence is None else None,
        context,
        checks=checks is None,
        ids_kept=ids_shown,
    )
    tally = ReviewTally(spec.as_of) if remedies is None else None
    provenance = ProvenanceCounter() if assumptions is None else None
    period = spec.period
    as_of = spec.as_of
    for complaint in complaints:
        if kpi_acc is not None:
            kpi_acc.add(complaint)
        elif not isinstance(complaint, Complaint):
            raise ValidationError.single(
                "complaints",
                f"must hold Complaint objects, not {type(complaint).__name__}",
            )
        received = complaint.received_at
        if received <= as_of and (period is None or received in period):
            evidence_acc.add(complaint)
            if tally is not None:
                tally.add(complaint)
            if provenance is not None:
                provenance.add(complaint)
    if kpi_acc is not None:
        kpis = kpi_acc.result()
    assert kpis is not None  # noqa: S101 - one of the branches above set it
    evidence = evidence_acc.result()
    if checks is not None:
        evidence = attrs.evolve(evidence, checks=checks)
    if policy_evidence is not None:
        evidence = attrs.evolve(
            evidence,
            complaints=policy_evidence.complaints,
            principles=policy_evidence.principles,
            findings=policy_evidence.findings,
        )
    if ids_shown is not None:
        evidence = _capped(evidence, ids_shown)
    goals = tuple(objectives) or (records.objectives if records else ())
    todo = tuple(actions) or (records.improvement_actions if records else ())
    for i, action in enumerate(todo):
        if not isinstance(action, ImprovementAction):
            raise ValidationError.single(
                f"actions[{i}]", "must be an ImprovementAction"
            )
    share = assumptions if provenance is None else provenance.result()
    summary = remedies if tally is None else tally.remedies()
    assert share is not None and summary is not None  # noqa: PT018, S101 - counted or given
    results = evaluate_objectives(kpis, goals)
    charts = _charts(kpis, DayCounter(calendar).zone)
    return ManagementReview(
        title=title,
        as_of=spec.as_of,
        kpis=kpis,
        highlights=highlights(kpis, charts, results),
        remedies=summary,
        appeals=appeal_stats(kpis),
        ids_shown=ids_shown,
        objectives=results,
        charts=charts,
        categories=pareto("Complaint categories", kpis.volumes.by_category),
        root_causes=pareto("Root causes", kpis.volumes.by_root_cause),
        evidence=evidence,
        actions=todo,
        self_assessment=None
        if records is None
        else self_assess(records, kpis, evidence),
        assumptions=share,
    )


def review_to_dict(review: ManagementReview) -> dict[str, Any]:
    """Return the review as JSON-ready data (the same content as the HTML page).

    Raises:
        ValidationError: if ``review`` is not a :class:`ManagementReview`.

    .. versionadded:: 0.1.0
    """
    if not isinstance(review, ManagementReview):
        raise ValidationError.single("review", "must be a ManagementReview")
    return to_dict(review)


def review_to_json(review: ManagementReview, *, indent: int | None = 2) -> str:
    """Serialise the review to JSON text.

    Args:
        review: The review.
        indent: Pretty-print indent (compact when ``None``).

    Returns:
        The JSON text.

    Raises:
        ValidationError: if ``review`` is not a :class:`ManagementReview`.

    .. versionadded:: 0.1.0
    """
    return json.dumps(
        review_to_dict(review), ensure_ascii=False, indent=indent, sort_keys=False
    )
