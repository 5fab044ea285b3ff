"""Stored findings: the rows a store keeps give what the policies find at any time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given, settings

from iso10002.analysis.pushdown import (
    STORED_POLICIES,
    StoredFinding,
    finding_holds,
    finding_message,
    is_organisation_policy,
    provenance_bits,
    stored_findings,
    stored_policies_apply,
)
from iso10002.errors import ValidationError
from iso10002.principles import OrganisationProfile, PolicyContext, policies_for
from iso10002.provenance import PROVENANCE_FLAGS, ProvenanceCounter
from iso10002.testing.strategies import complaints, utc_datetimes

UTC = timezone.utc
T0 = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def streamed(complaint: object, as_of: datetime) -> list[tuple[str, ...]]:
    """Return the complaint-level findings at ``as_of``, as sortable tuples."""
    context = PolicyContext(now=as_of)
    return sorted(
        (f.policy_id, f.principle, f.clause, f.code, f.severity.value, f.message)
        for policy in STORED_POLICIES.values()
        if not is_organisation_policy(policy)
        for f in policy.evaluate(complaint, context)  # type: ignore[arg-type]
    )


def replayed(rows: tuple[StoredFinding, ...], as_of: datetime) -> list[tuple[str, ...]]:
    """Return the stored rows that hold at ``as_of``, as sortable tuples."""
    return sorted(
        (*r[:5], finding_message(r, as_of)) for r in rows if finding_holds(r, as_of)
    )


def instants(complaint: object) -> list[datetime]:
    """Return review instants around every instant the complaint records."""
    found = {e.at for e in complaint.history}  # type: ignore[attr-defined]
    for due in complaint.deadlines:  # type: ignore[attr-defined]
        found.add(due.due_at)
    tick = timedelta(microseconds=1)
    out = {t + d for t in found for d in (-tick, timedelta(0), tick)}
    out |= {t + timedelta(days=k) for t in found for k in (14, 28, 29, 400)}
    return sorted(out)


class TestStoredFindings:
    """stored_findings and its two readers replace evaluating the policies."""

    @settings(max_examples=150, deadline=None)
    @given(complaint=complaints(), extra=utc_datetimes())
    def test_rows_give_the_findings_at_every_instant(
        self, complaint: object, extra: datetime
    ) -> None:
        """Around each instant the complaint records, the rows give the findings."""
        rows = stored_findings(complaint)  # type: ignore[arg-type]
        for as_of in [*instants(complaint), extra]:
            assert replayed(rows, as_of) == streamed(complaint, as_of), as_of

    def test_overdue_holds_only_after_the_due_instant(self) -> None:
        """A due date passed while open is found one microsecond after it."""
        row = StoredFinding(
            "p",
            "Responsiveness",
            "4.4",
            "acknowledgement-overdue",
            "warning",
            "m",
            holds_from=T0 + timedelta(microseconds=1),
        )
        assert not finding_holds(row, T0)
        assert finding_holds(row, T0 + timedelta(microseconds=1))

    def test_silence_message_counts_whole_days(self) -> None:
        """A silence row's number is the whole days since it began."""
        row = StoredFinding(
            "p",
            "x",
            "4",
            "c",
            "warning",
            "heard nothing for ",
            tail=" days.",
            since=T0,
        )
        at = T0 + timedelta(days=30, hours=23)
        assert finding_message(row, at) == "heard nothing for 30 days."

    def test_future_message_counts_later_instants(self) -> None:
        """A future-events row's number is how many instants are after the review."""
        row = StoredFinding(
            "p",
            "x",
            "4",
            "c",
            "warning",
            "",
            tail=" event(s).",
            instants=(T0, T0 + timedelta(days=1), T0 + timedelta(days=2)),
        )
        assert finding_message(row, T0) == "2 event(s)."

    def test_refuses_a_non_complaint(self) -> None:
        """Anything but a complaint is refused, naming the argument."""
        with pytest.raises(ValidationError, match="complaint"):
            stored_findings("C-1")  # type: ignore[arg-type]


class TestStoredPoliciesApply:
    """Only the 2018 set without profile, previous version or workload is stored."""

    def test_default_set_applies(self) -> None:
        """The 2018 set at the review instant applies."""
        assert stored_policies_apply(policies_for("iso10002:2018"), None, T0)
        assert stored_policies_apply(
            policies_for("iso10002:2018"), PolicyContext(now=T0), T0
        )

    @pytest.mark.parametrize("name", ["iso10002:2014", "uk.fca.disp"])
    def test_other_sets_do_not(self, name: str) -> None:
        """Another edition or a pack is evaluated per complaint."""
        assert not stored_policies_apply(policies_for(name), None, T0)

    def test_a_profile_or_another_instant_does_not(self) -> None:
        """A profile, or a context at another instant, is evaluated per complaint."""
        registry = policies_for("iso10002:2018")
        profile = OrganisationProfile()
        assert not stored_policies_apply(
            registry, PolicyContext(now=T0, organisation=profile), T0
        )
        assert not stored_policies_apply(
            registry, PolicyContext(now=T0 + timedelta(days=1)), T0
        )
        assert not stored_policies_apply(None, None, T0)


class TestProvenanceBits:
    """provenance_bits holds what ProvenanceCounter counts."""

    @settings(max_examples=100, deadline=None)
    @given(complaint=complaints())
    def test_bits_match_the_counter(self, complaint: object) -> None:
        """Each set bit is a count the counter adds one to."""
        counter = ProvenanceCounter()
        counter.add(complaint)  # type: ignore[arg-type]
        counts = attrs.asdict(counter.result())
        bits = provenance_bits(complaint)  # type: ignore[arg-type]
        assert {n: bool(bits & (1 << i)) for i, n in enumerate(PROVENANCE_FLAGS)} == {
            n: bool(counts[n]) for n in PROVENANCE_FLAGS
        }
