from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.errors import ValidationError
from iso10002.model import Outcome
from iso10002.principles import (
    POLICY_PACKS,
    AuditReport,
    Edition,
    FindingSeverity,
    OrganisationProfile,
    Policy,
    PolicyRegistry,
    Principle,
    coverage_table,
    evaluate_all,
    policies_for,
)
from iso10002.principles.accountability import OwnerAssigned
from iso10002.principles.confidentiality import NoPersonalDataInHistory
from iso10002.principles.improvement import RootCauseRecorded
from iso10002.testing.strategies import (
    complaints,
    organisation_profiles,
    received_complaints,
)


class TestPoliciesFor:
    def test_2018_covers_every_principle_with_stable_ids(self):
        """Every 2018 principle has at least one policy; ids are dotted and unique."""
        registry = policies_for("iso10002:2018")
        covered = {p.principle for p in registry.values()}
        assert covered == set(Principle.of_edition(Edition.ISO_10002_2018))
        assert all(pid.startswith("iso10002.") and " " not in pid for pid in registry)
        assert "iso10002.accountability.owner-assigned" in registry

    def test_2014_reports_under_the_nine_older_clauses(self):
        """The 2014 set covers its nine principles and reports their clauses."""
        registry = policies_for(Edition.ISO_10002_2014)
        covered = {p.principle for p in registry.values()}
        assert covered == set(Principle.of_edition("iso10002:2014"))
        visibility = registry["iso10002.transparency.complaints-policy-published"]
        assert (visibility.principle, visibility.clause) == (
            Principle.VISIBILITY,
            "4.2",
        )
        assert "iso10002.competence.handler-competent" not in registry
        assert policies_for("iso10002:2004").keys() == registry.keys()

    @pytest.mark.parametrize("pack", POLICY_PACKS)
    def test_packs_add_rules_to_the_2018_set(self, pack):
        """A pack name gives the 2018 set plus the pack's own policies."""
        base = policies_for("iso10002:2018")
        registry = policies_for(pack)
        assert set(base) < set(registry)
        assert f"{pack}.escalation-route-wording" in registry

    def test_fca_adds_summary_resolution(self):
        """The FCA pack adds the summary resolution communication rule."""
        assert "uk.fca.disp.summary-resolution" in policies_for("uk.fca.disp")

    def test_a_pack_object_is_looked_up_by_name(self):
        """Any object whose ``name`` is a pack name selects that pack."""

        @attrs.frozen
        class Pack:
            name: str

        assert policies_for(Pack("eu.psd2")).keys() == policies_for("eu.psd2").keys()

    @pytest.mark.parametrize("bad", ["uk.fca", "ISO10002:2018", "", 2018, None])
    def test_unknown_names_are_refused(self, bad):
        """Unknown names and non-names raise ValidationError on ``edition_or_pack``."""
        with pytest.raises(ValidationError) as info:
            policies_for(bad)
        assert info.value.field == "edition_or_pack"

    def test_every_policy_is_a_frozen_policy_with_metadata(self):
        """Built-in policies implement Policy, are frozen, have clause and summary."""
        for policy in policies_for("uk.fca.disp").values():
            assert isinstance(policy, Policy)
            assert policy.clause.startswith("4.")
            assert policy.summary.endswith(".")
            with pytest.raises(attrs.exceptions.FrozenInstanceError):
                policy.id = "x"  # type: ignore[misc]


class TestEvaluateAll:
    # complaints() is costly per example; a few varied histories suffice here.
    @settings(max_examples=15)
    @given(st.lists(complaints(max_events=4), max_size=2), organisation_profiles())
    def test_never_raises_and_groups_by_complaint(self, context, complaints_, profile):
        """Any complaints and profile give a report, findings under their complaint."""
        report = evaluate_all(
            complaints_, policies_for("uk.fca.disp"), context(organisation=profile)
        )
        assert report.audited == len(complaints_)
        assert set(report.findings) <= {c.id for c in complaints_}
        assert all(report.findings.values())
        organisation_level = {
            "iso10002.commitment.accountable-manager",
            "iso10002.transparency.complaints-policy-published",
        }
        assert {f.policy_id for f in report.organisation} <= organisation_level
        assert len(report.organisation) == len(
            {(f.policy_id, f.code) for f in report.organisation}
        )
        assert sum(report.count_by_principle().values()) == len(list(report))

    @given(received_complaints(statuses=("investigating",)))
    def test_computes_workload_from_the_complaints(self, context, complaint):
        """Open complaints per assignee are counted when the context has no counts."""
        many = [
            attrs.evolve(complaint, id=f"C{i}", assignee="agent:1") for i in range(3)
        ]
        profile = OrganisationProfile(workload_limit=2)
        report = evaluate_all(
            many,
            [*policies_for("iso10002:2018").values()],
            context(organisation=profile),
        )
        codes = report.count_by_code()
        assert codes["iso10002.capability.workload-limit/workload-over-limit"] == 3
        quiet = evaluate_all(
            many,
            policies_for("iso10002:2018"),
            context(organisation=profile, workload={"agent:1": 1}),
        )
        assert (
            "iso10002.capability.workload-limit/workload-over-limit"
            not in quiet.count_by_code()
        )

    @given(received_complaints(statuses=("closed",)))
    def test_blocking_findings_are_reported_not_raised(self, context, complaint):
        """An upheld complaint closed without a root cause shows up as blocking."""
        report = evaluate_all(
            [attrs.evolve(complaint, outcome=Outcome.UPHELD)],
            policies_for("iso10002:2018"),
            context(),
        )
        assert report.blocking

    def test_bad_arguments_are_refused(self, context):
        """Non-complaints, non-policies and a wrong context raise ValidationError."""
        registry = policies_for("iso10002:2018")
        with pytest.raises(ValidationError, match=r"complaints\[0\]"):
            evaluate_all(["x"], registry, context())
        with pytest.raises(ValidationError, match="policies"):
            evaluate_all([], 3, context())
        with pytest.raises(ValidationError, match="context"):
            evaluate_all([], registry, None)

    def test_empty_audit(self, context):
        """No complaints give an empty, non-blocking report."""
        report = evaluate_all([], PolicyRegistry(), context())
        assert report == AuditReport(audited=0)
        assert not report.blocking


class TestCoverageTable:
    @pytest.mark.parametrize("edition", list(Edition))
    def test_one_row_per_principle_naming_every_policy(self, edition):
        """The table has a row per principle of the edition and names every policy."""
        registry = policies_for(edition)
        table = coverage_table(edition, registry.values())
        rows = table.strip().splitlines()[2:]
        assert len(rows) == len(Principle.of_edition(edition))
        assert all(f"`{pid}`" in table for pid in registry)

    def test_foreign_policies_fall_back_gracefully(self):
        """A host policy without metadata lands in no row and breaks nothing."""

        class Bare:
            id = "host.bare"

            def evaluate(self, complaint, context):
                return ()

        table = coverage_table("iso10002:2018", [Bare()])
        assert "host.bare" not in table
        assert table.count("| none |") == 14


class TestPolicyConfiguration:
    @pytest.mark.parametrize(
        ("make", "field"),
        [
            (lambda: OwnerAssigned(id="has space"), "id"),
            (lambda: OwnerAssigned(id=""), "id"),
            (lambda: OwnerAssigned(severity="fatal"), "severity"),
            (lambda: OwnerAssigned(edition="iso10002:1999"), "edition"),
            (lambda: OwnerAssigned(states="investigating"), "states"),
            (lambda: OwnerAssigned(events=[""]), "events"),
            (
                lambda: RootCauseRecorded(blocking_outcomes=["lost"]),
                "blocking_outcomes",
            ),
            (lambda: NoPersonalDataInHistory(min_length=0), "min_length"),
        ],
    )
    def test_bad_configuration_raises_naming_the_field(self, make, field):
        """Malformed thresholds, names or severities raise ValidationError."""
        with pytest.raises(ValidationError) as info:
            make()
        assert info.value.field == field

    def test_configuration_is_converted(self):
        """Lists become frozensets and severity names become FindingSeverity."""
        policy = OwnerAssigned(
            states=["investigating", "escalated"], severity="warning"
        )
        assert policy.states == frozenset({"investigating", "escalated"})
        assert policy.severity is FindingSeverity.WARNING
        assert RootCauseRecorded(blocking_outcomes=["upheld"]).blocking_outcomes == {
            Outcome.UPHELD
        }
