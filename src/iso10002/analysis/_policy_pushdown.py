"""The policy findings and the provenance share of the review pack, from a store."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple, Protocol, runtime_checkable

import attrs

from iso10002.analysis._evidence import FindingSummary, PrincipleEvidence
from iso10002.analysis._periods import Period
from iso10002.analysis._stored_findings import (
    STORED_POLICIES,
    is_organisation_policy,
)
from iso10002.errors import ValidationError
from iso10002.principles import FindingSeverity, PolicyContext, PolicyRegistry
from iso10002.provenance import ImportedShare

__all__ = [
    "FindingCount",
    "PolicyEvidence",
    "PolicyPushDown",
    "PrincipleGaps",
    "StoredPolicyCounts",
    "policy_evidence_from",
    "provenance_from",
    "stored_policies_apply",
]


class FindingCount(NamedTuple):
    """One kind of stored finding over the complaints in scope (from a store).

    ``found`` counts the findings (a complaint may have several),
    ``message`` is the least of their messages (code point order) and
    ``ids`` names the first complaints in id order.

    .. versionadded:: 0.3.0
    """

    policy_id: str
    principle: str
    clause: str
    code: str
    severity: str
    found: int
    message: str
    ids: tuple[str, ...]


class PrincipleGaps(NamedTuple):
    """Complaints in scope with a warning or blocking stored finding of a principle.

    .. versionadded:: 0.3.0
    """

    principle: str
    complaints: int
    ids: tuple[str, ...]


class StoredPolicyCounts(NamedTuple):
    """What a store counts of the stored findings (see :class:`PolicyPushDown`).

    ``complaints`` counts the complaints in scope, ``first_ids`` names the
    first of them in id order.

    .. versionadded:: 0.3.0
    """

    complaints: int
    first_ids: tuple[str, ...]
    findings: tuple[FindingCount, ...]
    gaps: tuple[PrincipleGaps, ...]


@attrs.frozen(kw_only=True)
class PolicyEvidence:
    """The policy part of the audit evidence, counted by a store.

    .. versionadded:: 0.3.0
    """

    complaints: int
    principles: tuple[PrincipleEvidence, ...]
    findings: tuple[FindingSummary, ...]


@runtime_checkable
class PolicyPushDown(Protocol):
    """A store that counts the default policies' findings and the provenance itself.

    Both count the complaints received by ``as_of`` (and in ``period`` when
    given). ``analytics_findings`` counts the rows of
    :func:`~iso10002.analysis.pushdown.stored_findings` that hold at
    ``as_of``, naming the first ``ids_shown`` complaints of each list in id
    order (all when ``None``); ``analytics_provenance`` counts what
    :class:`~iso10002.provenance.ProvenanceCounter` counts. Either returns
    ``None`` when it cannot answer.

    .. versionadded:: 0.3.0
    """

    def analytics_findings(
        self,
        as_of: datetime,
        period: Period | None = None,
        ids_shown: int | None = 20,
    ) -> StoredPolicyCounts | None:
        """Count the stored findings without loading complaints."""
        ...

    def analytics_provenance(
        self, as_of: datetime, period: Period | None = None
    ) -> ImportedShare | None:
        """Count the provenance share without loading complaints."""
        ...


def stored_policies_apply(
    policies: PolicyRegistry | None, context: PolicyContext | None, as_of: datetime
) -> bool:
    """Tell whether stored findings give what ``policies`` find in ``context``.

    True for :data:`~iso10002.analysis.pushdown.STORED_POLICIES` (the
    ISO 10002:2018 set) evaluated at ``as_of`` without an organisation
    profile, a previous version or workload counts; any other set or
    context is evaluated on each complaint.

    .. versionadded:: 0.3.0
    """
    if not isinstance(policies, PolicyRegistry) or set(policies) != set(
        STORED_POLICIES
    ):
        return False
    if any(policies[k] != STORED_POLICIES[k] for k in STORED_POLICIES):
        return False
    return context is None or (
        context.now == as_of
        and context.organisation is None
        and context.previous is None
        and not context.workload
    )


def _principle_of(policy: object) -> str | None:
    value = getattr(policy, "principle", None)
    return None if value is None else str(getattr(value, "value", value))


def _organisation(
    context: PolicyContext,
    complaints: int,
    first: tuple[str, ...],
    gaps: dict[str, tuple[int, tuple[str, ...]]],
) -> list[FindingSummary]:
    """Return the organisation-level findings, the same for every complaint.

    Marks their principle's every complaint as a gap when one is not info.
    """
    found = []
    nobody: Any = None  # organisation-level policies do not read the complaint
    for policy in STORED_POLICIES.values():
        if not is_organisation_policy(policy):
            continue
        for finding in policy.evaluate(nobody, context):
            found.append(
                FindingSummary(
                    policy_id=finding.policy_id,
                    principle=finding.principle,
                    clause=finding.clause,
                    code=finding.code,
                    severity=finding.severity,
                    message=finding.message,
                    count=complaints,
                    complaint_ids=first,
                )
            )
            if finding.severity is not FindingSeverity.INFO:
                gaps[finding.principle] = (complaints, first)
    return found


def policy_evidence_from(  # noqa: PLR0913 - the scope, the set and the cap
    source: object,
    as_of: datetime,
    *,
    policies: PolicyRegistry | None,
    context: PolicyContext | None = None,
    period: Period | None = None,
    ids_shown: int | None = 20,
) -> PolicyEvidence | None:
    """Count the policy findings in the store when it can, else return ``None``.

    Pass the result to :func:`~iso10002.analysis.build_management_review` as
    ``policy_evidence``: the policies are then not evaluated per complaint.
    ``None`` when ``source`` is not a :class:`PolicyPushDown` or when the
    policies or context are not those stores keep findings for (see
    :func:`stored_policies_apply`).

    Raises:
        ValidationError: for a wrong argument.

    .. versionadded:: 0.3.0
    """
    from iso10002.analysis.pushdown import check_evidence_scope  # noqa: PLC0415

    as_of, period, ids_shown = check_evidence_scope(as_of, period, ids_shown)
    if not isinstance(source, PolicyPushDown) or not stored_policies_apply(
        policies, context, as_of
    ):
        return None
    counts = source.analytics_findings(as_of, period, ids_shown)
    if counts is None:
        return None
    ctx = context or PolicyContext(now=as_of)
    complaints, first = counts.complaints, counts.first_ids
    gaps: dict[str, tuple[int, tuple[str, ...]]] = {}
    for policy in STORED_POLICIES.values():
        name = _principle_of(policy)
        if name is not None:
            gaps.setdefault(name, (0, ()))
    for gap in counts.gaps:
        gaps[gap.principle] = (gap.complaints, gap.ids)
    findings = [
        FindingSummary(
            policy_id=f.policy_id,
            principle=f.principle,
            clause=f.clause,
            code=f.code,
            severity=FindingSeverity(f.severity),
            message=f.message,
            count=f.found,
            complaint_ids=f.ids,
        )
        for f in counts.findings
    ]
    if complaints:
        findings.extend(_organisation(ctx, complaints, first, gaps))
    principles = tuple(
        PrincipleEvidence(
            principle=name,
            evaluated=complaints,
            conforming=complaints - count,
            proportion=(complaints - count) / complaints if complaints else None,
            nonconforming_ids=ids,
        )
        for name, (count, ids) in sorted(gaps.items())
    )
    findings.sort(
        key=lambda f: (f.policy_id, f.principle, f.clause, f.code, f.severity.value)
    )
    return PolicyEvidence(
        complaints=complaints, principles=principles, findings=tuple(findings)
    )


def provenance_from(
    source: object, as_of: datetime, *, period: Period | None = None
) -> ImportedShare | None:
    """Count the provenance share in the store when it can, else return ``None``.

    Raises:
        ValidationError: for a wrong argument.

    .. versionadded:: 0.3.0
    """
    from iso10002.analysis.pushdown import check_evidence_scope  # noqa: PLC0415

    as_of, period, _ = check_evidence_scope(as_of, period, None)
    if not isinstance(source, PolicyPushDown):
        return None
    share = source.analytics_provenance(as_of, period)
    if share is not None and not isinstance(share, ImportedShare):
        raise ValidationError.single("source", "must count an ImportedShare")
    return share
