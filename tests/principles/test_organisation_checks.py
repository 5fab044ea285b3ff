"""Commitment, transparency, capability and competence: checks against the profile."""

from __future__ import annotations

import attrs
from hypothesis import given

from iso10002.principles import FindingSeverity, OrganisationProfile
from iso10002.principles.capability import WorkloadWithinLimit
from iso10002.principles.commitment import AccountableManagerNamed
from iso10002.principles.competence import HandlerCompetent
from iso10002.principles.transparency import ComplaintsPolicyPublished
from iso10002.testing.strategies import classifications, received_complaints

OPEN = ("investigating", "decided")


class TestAccountableManagerNamed:
    @given(received_complaints())
    def test_passes_with_a_named_manager(self, context, codes, complaint):
        """A profile naming a manager gives no finding."""
        ctx = context(
            organisation=OrganisationProfile(accountable_manager="Head of CX")
        )
        assert codes(AccountableManagerNamed(), complaint, ctx) == []

    @given(received_complaints())
    def test_fails_without_manager_or_profile(self, context, codes, complaint):
        """A profile without a manager, or no profile, gives a warning."""
        policy = AccountableManagerNamed()
        missing = context(organisation=OrganisationProfile())
        assert codes(policy, complaint, missing) == ["accountable-manager-missing"]
        assert codes(policy, complaint, context()) == ["profile-missing"]
        assert not policy.evaluate(complaint, missing)[0].blocking


class TestComplaintsPolicyPublished:
    @given(received_complaints())
    def test_passes_when_published(self, context, codes, complaint):
        """A profile saying where the policy is published gives no finding."""
        ctx = context(organisation=OrganisationProfile(complaints_policy="/complaints"))
        assert codes(ComplaintsPolicyPublished(), complaint, ctx) == []

    @given(received_complaints())
    def test_fails_when_unpublished(self, context, codes, complaint):
        """Without a published policy the finding is a warning under clause 4.4."""
        [finding] = ComplaintsPolicyPublished().evaluate(
            complaint, context(organisation=OrganisationProfile())
        )
        assert finding.code == "complaints-policy-unpublished"
        assert (finding.clause, finding.severity) == ("4.4", FindingSeverity.WARNING)
        assert codes(ComplaintsPolicyPublished(), complaint, context()) == [
            "profile-missing"
        ]


class TestWorkloadWithinLimit:
    @given(received_complaints(statuses=OPEN))
    def test_passes_at_the_limit(self, context, codes, complaint):
        """A handler holding exactly the limit is fine."""
        c = attrs.evolve(complaint, assignee="agent:1")
        ctx = context(
            organisation=OrganisationProfile(workload_limit=3), workload={"agent:1": 3}
        )
        assert codes(WorkloadWithinLimit(), c, ctx) == []

    @given(received_complaints(statuses=OPEN))
    def test_fails_over_the_limit(self, context, codes, complaint):
        """A handler over the limit is reported; without counts nothing is."""
        c = attrs.evolve(complaint, assignee="agent:1")
        profile = OrganisationProfile(workload_limit=3)
        ctx = context(organisation=profile, workload={"agent:1": 4})
        assert codes(WorkloadWithinLimit(), c, ctx) == ["workload-over-limit"]
        assert codes(WorkloadWithinLimit(), c, context(organisation=profile)) == []


class TestHandlerCompetent:
    @given(received_complaints(), classifications())
    def test_passes_with_the_competence(self, context, codes, complaint, cls):
        """A handler competent for the category gives no finding."""
        c = attrs.evolve(complaint, assignee="agent:1", classification=cls)
        profile = OrganisationProfile(competences={"agent:1": [cls.category]})
        assert codes(HandlerCompetent(), c, context(organisation=profile)) == []

    @given(received_complaints(), classifications())
    def test_fails_without_the_competence(self, context, codes, complaint, cls):
        """A handler lacking the category is reported; unclassified is not judged."""
        c = attrs.evolve(complaint, assignee="agent:1", classification=cls)
        profile = OrganisationProfile(competences={"agent:2": ["*"]})
        ctx = context(organisation=profile)
        assert codes(HandlerCompetent(), c, ctx) == ["handler-not-competent"]
        unclassified = attrs.evolve(c, classification=None)
        assert codes(HandlerCompetent(), unclassified, ctx) == []
