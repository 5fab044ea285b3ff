from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from iso10002.analysis import KpiSpec, collect_evidence, compute_kpis, self_assess
from iso10002.analysis.evidence import EvidenceStatus, OrganisationRecords
from iso10002.errors import ValidationError

AS_OF = datetime(2026, 3, 1, tzinfo=timezone.utc)


def assess(complaints, records):
    complaints = list(complaints)
    kpis = compute_kpis(complaints, KpiSpec(as_of=AS_OF))
    return self_assess(records, kpis, collect_evidence(complaints, as_of=AS_OF))


def items(result):
    return {(i.clause, i.requirement): i for c in result.clauses for i in c.items}


class TestSelfAssess:
    def test_nothing_recorded_is_missing_everywhere(self):
        """With no records and no complaints, every clause is missing."""
        result = assess([], OrganisationRecords())
        assert {c.status for c in result.clauses} == {EvidenceStatus.MISSING}

    def test_one_of_two_facts_is_partly_evidenced(self):
        """An accountable manager without defined roles partly evidences 5.3."""
        result = assess([], OrganisationRecords(accountable_manager="Head of Care"))
        item = next(i for i in items(result).values() if i.clause == "5.3")
        assert item.status is EvidenceStatus.PARTLY_EVIDENCED
        assert item.source == "organisation"

    def test_data_items_follow_evidence_proportions(self, sample):
        """Checks at 100 % are evidenced and partial ones partly evidenced."""
        result = assess(sample, OrganisationRecords())
        seven = {
            i.requirement: i.status
            for c in result.clauses
            if c.clause == "7"
            for i in c.items
        }
        assert EvidenceStatus.EVIDENCED in seven.values()
        assert EvidenceStatus.PARTLY_EVIDENCED in seven.values()
        by_clause = {i.clause: i for i in items(result).values() if i.source == "data"}
        assert by_clause["8.1"].status is EvidenceStatus.EVIDENCED
        assert by_clause["8.3"].status is EvidenceStatus.EVIDENCED

    def test_old_audit_is_only_partly_evidenced(self):
        """An audit over a year old partly evidences 8.5; a recent one fully."""
        old = assess([], OrganisationRecords(last_internal_audit=date(2024, 1, 1)))
        new = assess([], OrganisationRecords(last_internal_audit=date(2026, 1, 1)))
        pick = lambda r: next(i for i in items(r).values() if i.clause == "8.5")  # noqa: E731
        assert pick(old).status is EvidenceStatus.PARTLY_EVIDENCED
        assert pick(new).status is EvidenceStatus.EVIDENCED

    def test_rejects_wrong_types(self):
        """Each argument must be of its documented type."""
        kpis = compute_kpis([], KpiSpec(as_of=AS_OF))
        with pytest.raises(ValidationError) as info:
            self_assess({}, kpis, collect_evidence([], as_of=AS_OF))  # type: ignore[arg-type]
        assert info.value.field == "records"
        with pytest.raises(ValidationError):
            OrganisationRecords(commitment_statement="yes")  # type: ignore[arg-type]
