"""Audit evidence (ISO 10002 8.5): per clause-7 step and per guiding principle."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from iso10002.analysis._evidence_rules import CHECKS, EVIDENCE_CHECKS
from iso10002.analysis._facts import facts_of
from iso10002.analysis._idlist import FirstIds
from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.principles import FindingSeverity, PolicyContext, PolicyRegistry

__all__ = [
    "EVIDENCE_CHECKS",
    "EvidenceAccumulator",
    "EvidenceCheck",
    "EvidenceReport",
    "FindingSummary",
    "PrincipleEvidence",
    "collect_evidence",
]


@attrs.frozen(kw_only=True)
class EvidenceCheck:
    """How many complaints show that one step was done right.

    ``proportion`` is ``conforming / applicable`` (``None`` when nothing
    applied); ``nonconforming_ids`` lists the complaints behind every gap.

    .. versionadded:: 0.1.0
    """

    id: str
    clause: str
    step: str
    principle: str
    description: str
    applicable: int
    conforming: int
    proportion: float | None
    nonconforming_ids: tuple[str, ...]


@attrs.frozen(kw_only=True)
class FindingSummary:
    """One kind of policy finding, how often it occurred and for which complaints.

    .. versionadded:: 0.1.0
    """

    policy_id: str
    principle: str
    clause: str
    code: str
    severity: FindingSeverity
    message: str
    count: int
    complaint_ids: tuple[str, ...]


@attrs.frozen(kw_only=True)
class PrincipleEvidence:
    """Per guiding principle: complaints without a warning or blocking finding.

    .. versionadded:: 0.1.0
    """

    principle: str
    evaluated: int
    conforming: int
    proportion: float | None
    nonconforming_ids: tuple[str, ...]


@attrs.frozen(kw_only=True)
class EvidenceReport:
    """Audit evidence: the step checks, the principles and the policy findings.

    .. versionadded:: 0.1.0
    """

    as_of: datetime
    complaints: int
    checks: tuple[EvidenceCheck, ...]
    principles: tuple[PrincipleEvidence, ...]
    findings: tuple[FindingSummary, ...]


def _principle_name(policy: object) -> str | None:
    value = getattr(policy, "principle", None)
    if value is None:
        return None
    return str(getattr(value, "value", value))


class EvidenceAccumulator:
    """Collect audit evidence one complaint at a time; mergeable like the KPIs.

    Args:
        as_of: The instant of the audit (history after it is ignored).
        policies: A policy set whose findings are collected (optional).
        context: The context policies are evaluated in (``now=as_of`` when ``None``).
        checks: Run the nine step checks; ``False`` when a store gives them
            (see :func:`~iso10002.analysis.pushdown.evidence_checks_from`)
            and only the policies are left.
        ids_kept: Keep at most this many complaint ids per check, principle
            and finding, the first in id order (all when ``None``); the
            counts stay complete and memory stays bounded.

    Raises:
        ValidationError: for a naive ``as_of``, a ``policies`` that is not a
            registry or a negative ``ids_kept``.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Added ``checks`` and ``ids_kept``.
    """

    def __init__(
        self,
        as_of: datetime,
        policies: PolicyRegistry | None = None,
        context: PolicyContext | None = None,
        *,
        checks: bool = True,
        ids_kept: int | None = None,
    ) -> None:
        """Start empty."""
        if not isinstance(as_of, datetime) or as_of.utcoffset() is None:
            raise ValidationError.single("as_of", "must be a timezone-aware datetime")
        if policies is not None and not isinstance(policies, PolicyRegistry):
            raise ValidationError.single("policies", "must be a PolicyRegistry")
        if ids_kept is not None and (
            isinstance(ids_kept, bool) or not isinstance(ids_kept, int) or ids_kept < 0
        ):
            raise ValidationError.single(
                "ids_kept", "must be a non-negative integer or None"
            )
        self.as_of = as_of
        self.policies = policies
        self.context = context or PolicyContext(now=as_of)
        self.ids_kept = ids_kept
        self._rules = CHECKS if checks else ()
        self.complaints = 0
        self.checks: dict[str, list[int]] = {c.id: [0, 0] for c in CHECKS}
        self.gaps: dict[str, FirstIds] = {c.id: FirstIds(ids_kept) for c in CHECKS}
        self.findings: dict[
            tuple[str, str, str, str, str], tuple[list[str], FirstIds, list[int]]
        ] = {}
        self.principle_gaps: dict[str, FirstIds] = {}
        if policies is not None:
            for policy in policies.values():
                name = _principle_name(policy)
                if name is not None:
                    self.principle_gaps.setdefault(name, FirstIds(ids_kept))

    def add(self, complaint: Complaint) -> None:
        """Check one complaint (ignored if received after ``as_of``).

        Raises:
            ValidationError: if ``complaint`` is not a :class:`Complaint`.
        """
        if not isinstance(complaint, Complaint):
            raise ValidationError.single(
                "complaints",
                f"must hold Complaint objects, not {type(complaint).__name__}",
            )
        if complaint.received_at > self.as_of:
            return
        self.complaints += 1
        if self._rules:
            facts = facts_of(complaint, self.as_of)
            for check in self._rules:
                verdict = check.rule(complaint, facts, self.as_of)
                if verdict is None:
                    continue
                counts = self.checks[check.id]
                counts[0] += 1
                if verdict:
                    counts[1] += 1
                else:
                    self.gaps[check.id].add(complaint.id)
        if self.policies is not None:
            self._policies(complaint)

    def _policies(self, complaint: Complaint) -> None:
        assert self.policies is not None  # noqa: S101 - the caller checked
        keys: set[tuple[str, str, str, str, str]] = set()
        gaps: set[str] = set()
        for finding in self.policies.evaluate(complaint, self.context):
            key = (
                finding.policy_id,
                finding.principle,
                finding.clause,
                finding.code,
                finding.severity.value,
            )
            entry = self.findings.get(key)
            if entry is None:
                entry = ([finding.message], FirstIds(self.ids_kept), [0])
                self.findings[key] = entry
            entry[0][0] = min(entry[0][0], finding.message)  # order-independent
            entry[2][0] += 1
            if key not in keys:
                keys.add(key)
                entry[1].add(complaint.id)
            self.principle_gaps.setdefault(finding.principle, FirstIds(self.ids_kept))
            if finding.severity is not FindingSeverity.INFO:
                gaps.add(finding.principle)
        for name in gaps:
            self.principle_gaps[name].add(complaint.id)

    def update(self, complaints: Iterable[Complaint]) -> EvidenceAccumulator:
        """Check every complaint of an iterable (consumed once) and return ``self``."""
        for complaint in complaints:
            self.add(complaint)
        return self

    def merge(self, other: EvidenceAccumulator) -> None:
        """Add what ``other`` collected (same ``as_of`` and policies, other complaints).

        Raises:
            ValidationError: if ``other`` is not a compatible accumulator.
        """
        if (
            not isinstance(other, EvidenceAccumulator)
            or other.as_of != self.as_of
            or other.policies is not self.policies
        ):
            raise ValidationError.single(
                "other", "must be an EvidenceAccumulator like this one"
            )
        self.complaints += other.complaints
        for key, (a, b) in other.checks.items():
            self.checks[key][0] += a
            self.checks[key][1] += b
            self.gaps[key].merge(other.gaps[key])
        for fkey, (message, ids, count) in other.findings.items():
            entry = self.findings.setdefault(
                fkey, (list(message), FirstIds(self.ids_kept), [0])
            )
            entry[0][0] = min(entry[0][0], message[0])
            entry[1].merge(ids)
            entry[2][0] += count[0]
        for name, gap_ids in other.principle_gaps.items():
            self.principle_gaps.setdefault(name, FirstIds(self.ids_kept)).merge(gap_ids)

    def result(self) -> EvidenceReport:
        """Return the evidence collected so far."""
        checks = []
        for check in CHECKS:
            applicable, conforming = self.checks[check.id]
            checks.append(
                EvidenceCheck(
                    id=check.id,
                    clause=check.clause,
                    step=check.step,
                    principle=check.principle,
                    description=check.description,
                    applicable=applicable,
                    conforming=conforming,
                    proportion=conforming / applicable if applicable else None,
                    nonconforming_ids=self.gaps[check.id].first(),
                )
            )
        principles = tuple(
            PrincipleEvidence(
                principle=name,
                evaluated=self.complaints,
                conforming=self.complaints - ids.count,
                proportion=(self.complaints - ids.count) / self.complaints
                if self.complaints
                else None,
                nonconforming_ids=ids.first(),
            )
            for name, ids in sorted(self.principle_gaps.items())
        )
        findings = tuple(
            FindingSummary(
                policy_id=key[0],
                principle=key[1],
                clause=key[2],
                code=key[3],
                severity=FindingSeverity(key[4]),
                message=message[0],
                count=count[0],
                complaint_ids=ids.first(),
            )
            for key, (message, ids, count) in sorted(self.findings.items())
        )
        return EvidenceReport(
            as_of=self.as_of,
            complaints=self.complaints,
            checks=tuple(checks),
            principles=principles,
            findings=findings,
        )


def collect_evidence(
    complaints: Iterable[Complaint],
    *,
    as_of: datetime,
    policies: PolicyRegistry | None = None,
    context: PolicyContext | None = None,
) -> EvidenceReport:
    """Collect audit evidence over ``complaints`` in one pass.

    Args:
        complaints: Any iterable of complaints (consumed once).
        as_of: The instant of the audit.
        policies: The policy set whose findings to include.
        context: Context for the policies (``PolicyContext(now=as_of)`` by default).

    Returns:
        The evidence report, with the complaint ids behind every gap.

    Raises:
        ValidationError: for a naive ``as_of``, a wrong ``policies`` or a
            non-complaint item.

    .. versionadded:: 0.1.0
    """
    return EvidenceAccumulator(as_of, policies, context).update(complaints).result()
