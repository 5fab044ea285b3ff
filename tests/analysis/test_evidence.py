from __future__ import annotations

from datetime import datetime, timezone

import attrs
import pytest

from iso10002.analysis import collect_evidence
from iso10002.analysis.evidence import EVIDENCE_CHECKS, EvidenceAccumulator
from iso10002.errors import ValidationError
from iso10002.principles import Finding, FindingSeverity, PolicyRegistry

AS_OF = datetime(2026, 3, 1, tzinfo=timezone.utc)


@attrs.frozen
class NeedsCategory:
    """Warn when no category was recorded (objectivity)."""

    id: str = "test.objectivity.category"
    principle: str = "objectivity"

    def evaluate(self, complaint, context):
        if complaint.classification is not None:
            return ()
        return (
            Finding(
                policy_id=self.id,
                principle="objectivity",
                clause="4.7",
                code="category-missing",
                severity=FindingSeverity.WARNING,
                message=f"no category on {complaint.id}",
            ),
        )


@attrs.frozen
class AlwaysInfo:
    """Report an informational finding on every complaint (improvement)."""

    id: str = "test.improvement.note"
    principle: str = "improvement"

    def evaluate(self, complaint, context):
        return (
            Finding(
                policy_id=self.id,
                principle="improvement",
                clause="4.13",
                code="note",
                severity="info",
                message="noted",
            ),
        )


def by_id(report):
    return {c.id: c for c in report.checks}


class TestCollectEvidence:
    def test_hand_computed_checks(self, sample):
        """Each clause-7 check counts complaints as worked out by hand."""
        checks = by_id(collect_evidence(sample, as_of=AS_OF))
        expected = {
            "owner-assigned": (4, 3, ("C4",)),
            "acknowledged-in-time": (4, 2, ("C2", "C4")),
            "assessment-recorded": (3, 1, ("C2", "C3")),
            "root-cause-for-upheld": (2, 2, ()),
            "final-response-in-time": (0, 0, ()),
            "decision-recorded": (3, 3, ()),
            "decision-communicated-before-closing": (3, 3, ()),
            "escalation-route-stated": (3, 3, ()),
            "outcome-recorded": (3, 3, ()),
        }
        assert {
            k: (c.applicable, c.conforming, c.nonconforming_ids)
            for k, c in checks.items()
        } == expected
        assert checks["final-response-in-time"].proportion is None
        assert checks["acknowledged-in-time"].proportion == 0.5

    def test_every_documented_check_is_reported(self, sample):
        """The report has one entry per documented check, in order."""
        report = collect_evidence(sample, as_of=AS_OF)
        assert [c.id for c in report.checks] == [c[0] for c in EVIDENCE_CHECKS]

    def test_communicating_after_closing_is_a_gap(self, make):
        """A decision first communicated after the closure does not conform."""
        c = make(
            "late",
            "2026-01-05T10:00",
            [
                ("ComplaintClosed", "2026-01-06T10:00"),
                ("DecisionCommunicated", "2026-01-07T10:00"),
            ],
            outcome=None,
        )
        checks = by_id(collect_evidence([c], as_of=AS_OF))
        assert checks["decision-communicated-before-closing"].nonconforming_ids == (
            "late",
        )
        assert checks["decision-recorded"].nonconforming_ids == ("late",)

    def test_policy_findings_with_complaint_ids(self, sample):
        """Warnings make a principle non-conforming; info findings do not."""
        registry = PolicyRegistry([NeedsCategory(), AlwaysInfo()])
        report = collect_evidence(sample, as_of=AS_OF, policies=registry)
        principles = {p.principle: p for p in report.principles}
        assert principles["objectivity"].nonconforming_ids == ("C4",)
        assert principles["objectivity"].proportion == 0.75
        assert principles["improvement"].conforming == 4
        findings = {f.code: f for f in report.findings}
        assert findings["category-missing"].complaint_ids == ("C4",)
        assert findings["note"].count == 4

    def test_split_and_merge_equals_one_pass(self, sample):
        """Evidence accumulated in two halves and merged equals one pass."""
        registry = PolicyRegistry([NeedsCategory()])
        a = EvidenceAccumulator(AS_OF, registry).update(sample[:2])
        b = EvidenceAccumulator(AS_OF, registry).update(reversed(sample[2:]))
        a.merge(b)
        assert a.result() == collect_evidence(sample, as_of=AS_OF, policies=registry)

    def test_rejects_bad_arguments(self, sample):
        """A naive instant, a policy list or a foreign item are refused."""
        with pytest.raises(ValidationError):
            collect_evidence(sample, as_of=datetime(2026, 1, 1))
        with pytest.raises(ValidationError):
            collect_evidence(sample, as_of=AS_OF, policies=[NeedsCategory()])
        with pytest.raises(ValidationError):
            collect_evidence([1], as_of=AS_OF)
        with pytest.raises(ValidationError):
            EvidenceAccumulator(AS_OF).merge(
                EvidenceAccumulator(datetime.now(timezone.utc))
            )
