"""Policy findings and provenance pushed down to SQL equal streaming (SQLite)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.analysis import KpiSpec, build_management_review
from iso10002.analysis.evidence import EvidenceAccumulator
from iso10002.analysis.pushdown import (
    PolicyPushDown,
    evidence_checks_from,
    kpis_from,
    policy_evidence_from,
    provenance_from,
    remedies_from,
)
from iso10002.errors import ValidationError
from iso10002.model import Outcome, Remedy, RemedyKind
from iso10002.principles import OrganisationProfile, PolicyContext, policies_for
from iso10002.provenance import imported_share
from iso10002.repositories.sqlite import SQLiteComplaintRepository

AS_OF = datetime(2026, 3, 1, tzinfo=timezone.utc)
OUTCOME = Outcome.UPHELD
REMEDY = Remedy(kind=RemedyKind.REFUND, amount=Decimal("1.5"), currency="GBP")
IDS = st.sampled_from([None, 0, 1, 3])
POLICIES = policies_for("iso10002:2018")


def streamed(complaints, as_of, period, ids_shown):
    """The policy part of the evidence streaming gives, ids capped."""
    acc = EvidenceAccumulator(as_of, POLICIES, checks=False, ids_kept=ids_shown)
    for c in complaints:
        if period is None or c.received_at in period:
            acc.add(c)
    report = acc.result()
    return report.complaints, report.principles, report.findings


def pushed(store, as_of, period, ids_shown):
    """The policy part of the evidence a store counts."""
    found = policy_evidence_from(
        store, as_of, policies=POLICIES, period=period, ids_shown=ids_shown
    )
    assert found is not None
    return found.complaints, found.principles, found.findings


def share(complaints, as_of, period):
    """The provenance share streaming gives over the complaints in scope."""
    return imported_share(
        c
        for c in complaints
        if c.received_at <= as_of and (period is None or c.received_at in period)
    )


@pytest.fixture
def repository():
    """A private in-memory SQLite store, closed afterwards."""
    repo = SQLiteComplaintRepository(":memory:")
    yield repo
    repo.close()


class TestSQLitePolicyPushDown:
    """The SQLite adapter counts the stored findings and provenance as streaming."""

    def test_is_a_policy_push_down(self, repository):
        """The adapter offers the optional policy protocol."""
        assert isinstance(repository, PolicyPushDown)

    def test_hand_computed_sample(self, repository, sample):
        """Without a profile every complaint lacks it: two findings each."""
        repository.add_many(sample)
        complaints, principles, findings = pushed(repository, AS_OF, None, 20)
        assert complaints == len(sample)
        missing = [f for f in findings if f.code == "profile-missing"]
        assert [f.count for f in missing] == [len(sample), len(sample)]
        assert missing[0].complaint_ids == tuple(sorted(c.id for c in sample))
        commitment = {p.principle: p for p in principles}["commitment"]
        assert commitment.conforming == 0
        assert (complaints, principles, findings) == streamed(sample, AS_OF, None, 20)
        assert repository.analytics_provenance(AS_OF) == share(sample, AS_OF, None)

    def test_ids_are_capped_counts_kept(self, repository, sample):
        """With one id shown, each list names its first id; counts stay."""
        repository.add_many(sample)
        assert pushed(repository, AS_OF, None, 1) == streamed(sample, AS_OF, None, 1)

    @settings(max_examples=30, deadline=None)
    @given(data=st.data())
    def test_random_stores_equal_streaming(
        self, data, pushdown_complaints, pushdown_specs
    ):
        """For random complaints, instants, periods and caps, SQL equals streaming."""
        items = data.draw(pushdown_complaints)
        spec, _ = data.draw(pushdown_specs)
        ids = data.draw(IDS)
        with closing(SQLiteComplaintRepository(":memory:")) as repo:
            repo.add_many(items)
            assert pushed(repo, spec.as_of, spec.period, ids) == streamed(
                [c for c in items if c.received_at <= spec.as_of],
                spec.as_of,
                spec.period,
                ids,
            )
            assert repo.analytics_provenance(spec.as_of, spec.period) == share(
                items, spec.as_of, spec.period
            )

    @settings(max_examples=10, deadline=None)
    @given(data=st.data())
    def test_equal_after_save_erase_and_import(
        self, data, pushdown_complaints, pushdown_specs, churn
    ):
        """Saves, erasures and imports keep the stored findings in step."""
        items = data.draw(pushdown_complaints)
        spec, _ = data.draw(pushdown_specs)
        with closing(SQLiteComplaintRepository(":memory:")) as repo:
            current = churn(repo, items, OUTCOME, REMEDY)
            assert pushed(repo, spec.as_of, spec.period, None) == streamed(
                [c for c in current if c.received_at <= spec.as_of],
                spec.as_of,
                spec.period,
                None,
            )

    def test_a_version_9_file_gains_the_stored_findings(
        self, tmp_path, sample, downgrade_sqlite
    ):
        """Opening an older database fills the new tables from the documents."""
        path = tmp_path / "v9.db"
        with closing(SQLiteComplaintRepository(path)) as repo:
            repo.add_many(sample)
        downgrade_sqlite(path, 9)
        with closing(sqlite3.connect(path)) as raw:
            tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
        assert "kpi_findings" not in tables
        with closing(SQLiteComplaintRepository(path)) as repo:
            assert pushed(repo, AS_OF, None, 20) == streamed(sample, AS_OF, None, 20)
            assert repo.verify_integrity().ok

    @pytest.mark.parametrize(
        ("table", "change"),
        [
            ("kpi_findings", "message = CAST('edited' AS BLOB)"),
            ("kpi_findings", "until_us = 1"),
            ("kpi_flags", "provenance = provenance + 64"),
        ],
    )
    def test_the_deep_check_names_an_edited_row(self, tmp_path, sample, table, change):
        """An edit of a stored finding or flag is found by the deep check."""
        path = tmp_path / "edited.db"
        with closing(SQLiteComplaintRepository(path)) as repo:
            repo.add_many(sample)
            assert repo.fill_stale_findings() == len(sample)  # rows to edit
        with closing(sqlite3.connect(path)) as raw, raw:
            raw.execute(
                f"UPDATE {table} SET {change} WHERE rowid IN "
                f"(SELECT rowid FROM {table} LIMIT 1)"
                if table == "kpi_flags"
                else f"UPDATE {table} SET {change} WHERE (complaint_id, seq) IN "
                f"(SELECT complaint_id, seq FROM {table} LIMIT 1)"
            )
        with closing(SQLiteComplaintRepository(path)) as repo:
            report = repo.verify_integrity()
        assert not report.ok
        assert any(table in p.message for p in report.problems)


# The model refuses lone surrogates and C0 controls in ids and step names;
# what it accepts must still order by code point (UTF-16 would put U+FFFF
# after U+1F600) and round-trip.
HOSTILE_STEPS = ("ack\u202e", "ack\x85\u2028x", "\U0001f600step", "\uffffz")


def hostile(make):
    """Complaints whose finding messages and ids hold surrogates and controls."""
    return [
        make(
            id=cid,
            deadlines=[(step, "2026-01-06T10:00", "2026-01-07T12:00")],
            events=[("ComplaintAcknowledged", "2026-01-07T12:00")],
        )
        for cid, step in zip(
            ("H\uffff", "H\u2028", "Ha", "H\U0001f600"), HOSTILE_STEPS, strict=True
        )
    ]


class TestHostileText:
    """Unusual text round-trips and orders as in Python."""

    def test_messages_and_ids_round_trip(self, repository, make):
        """Late steps named with hostile text give the streamed messages and ids."""
        items = hostile(make)
        repository.add_many(items)
        for ids in (None, 1, 2):
            assert pushed(repository, AS_OF, None, ids) == streamed(
                items, AS_OF, None, ids
            )
        late = [f for f in pushed(repository, AS_OF, None, None)[2] if "late" in f.code]
        assert [f.message for f in late] == [
            min(
                f"The step {s!r} is late: it was due at 2026-01-06T10:00:00+00:00."
                for s in HOSTILE_STEPS
            )
        ]


class TestQuickCheck:
    """The seal of a checkpoint covers the stored findings and flags."""

    @pytest.mark.parametrize(
        ("table", "change"),
        [
            ("kpi_findings", "message = CAST('edited' AS BLOB)"),
            ("kpi_flags", "provenance = provenance + 64"),
        ],
    )
    def test_the_quick_check_names_an_edited_sealed_row(
        self, tmp_path, sample, table, change
    ):
        """After a checkpoint, an edit of a stored row breaks its complaint's seal."""
        path = tmp_path / "sealed.db"
        with closing(SQLiteComplaintRepository(path)) as repo:
            repo.add_many(sample)
            assert repo.record_checkpoint().ok
            assert repo.verify_integrity(quick=True).ok
        with closing(sqlite3.connect(path)) as raw, raw:
            raw.execute(f"UPDATE {table} SET {change} WHERE complaint_id = 'C1'")
        with closing(SQLiteComplaintRepository(path)) as repo:
            report = repo.verify_integrity(quick=True)
        assert not report.ok
        assert {p.complaint_id for p in report.problems} == {"C1"}


class TestPolicyEvidenceFrom:
    """policy_evidence_from pushes down only what the stored rows give."""

    def test_a_store_without_push_down_gives_none(self, sample):
        """A plain iterable cannot count in SQL: the caller streams instead."""
        assert policy_evidence_from(sample, AS_OF, policies=POLICIES) is None
        assert provenance_from(sample, AS_OF) is None

    def test_a_profile_or_another_set_gives_none(self, repository):
        """A profile or another policy set is evaluated on each complaint."""
        context = PolicyContext(now=AS_OF, organisation=OrganisationProfile())
        assert (
            policy_evidence_from(repository, AS_OF, policies=POLICIES, context=context)
            is None
        )
        other = policies_for("uk.fca.disp")
        assert policy_evidence_from(repository, AS_OF, policies=other) is None

    def test_rejects_a_naive_instant(self, repository):
        """The instant must carry its offset."""
        with pytest.raises(ValidationError):
            policy_evidence_from(repository, datetime(2026, 3, 1), policies=POLICIES)

    def test_the_pack_is_the_same_with_pushed_down_policies(self, repository, sample):
        """The pack with stored findings and provenance equals the streamed one."""
        repository.add_many(sample)
        spec = KpiSpec(as_of=AS_OF)
        streamed_pack = build_management_review(sample, spec, policies=POLICIES)
        pack = build_management_review(
            sample,
            spec,
            policies=POLICIES,
            policy_evidence=policy_evidence_from(repository, AS_OF, policies=POLICIES),
            assumptions=provenance_from(repository, AS_OF),
        )
        assert pack == streamed_pack

    def test_the_review_rejects_wrong_types(self, sample):
        """policy_evidence and assumptions must be what the seam returns."""
        spec = KpiSpec(as_of=AS_OF)
        with pytest.raises(ValidationError, match="policy_evidence"):
            build_management_review(sample, spec, policy_evidence="x")
        with pytest.raises(ValidationError, match="assumptions"):
            build_management_review(sample, spec, assumptions="x")
        with pytest.raises(ValidationError, match="remedies"):
            build_management_review(sample, spec, remedies="x")

    def test_the_pack_from_sql_alone_is_the_streamed_one(self, repository, sample):
        """With every part counted by the store, no complaint is needed."""
        repository.add_many(sample)
        spec = KpiSpec(as_of=AS_OF)
        pack = build_management_review(
            (),
            spec,
            policies=POLICIES,
            kpis=kpis_from(repository, spec),
            checks=evidence_checks_from(repository, AS_OF),
            policy_evidence=policy_evidence_from(repository, AS_OF, policies=POLICIES),
            assumptions=provenance_from(repository, AS_OF),
            remedies=remedies_from(repository, spec),
        )
        assert pack == build_management_review(sample, spec, policies=POLICIES)
