from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from hypothesis import assume, given

from iso10002.errors import ValidationError
from iso10002.principles import OrganisationProfile
from iso10002.principles.confidentiality import NeedToKnow, NoPersonalDataInHistory
from iso10002.principles.information_integrity import HistoryConsistent
from iso10002.testing.strategies import received_complaints


def _chain(append, complaint):
    return append(
        complaint,
        {
            "name": "ComplaintAcknowledged",
            "from_state": "received",
            "to_state": "acknowledged",
        },
        {
            "name": "ComplaintAssigned",
            "from_state": "acknowledged",
            "to_state": "acknowledged",
        },
        {"name": "SatisfactionRecorded"},
        status="acknowledged",
    )


class TestHistoryConsistent:
    @given(received_complaints())
    def test_passes_for_a_consistent_history(self, append, context, codes, complaint):
        """A chained history ending in the status, not in the future, passes."""
        c = _chain(append, complaint)
        ctx = context(now=c.history[-1].at, previous=complaint)
        assert codes(HistoryConsistent(), c, ctx) == []

    @given(received_complaints())
    def test_fails_for_broken_chain_and_status(self, append, context, codes, complaint):
        """A transition from the wrong state and a wrong status are both reported."""
        c = append(
            complaint,
            {
                "name": "DecisionMade",
                "from_state": "investigating",
                "to_state": "decided",
            },
            status="closed",
        )
        found = codes(HistoryConsistent(), c, context(now=c.history[-1].at))
        assert found == ["state-chain-broken", "status-mismatch"]

    @given(received_complaints())
    def test_fails_for_future_events_and_receipt_mismatch(
        self, append, context, codes, complaint
    ):
        """Events after now and a first event off the receipt time are reported."""
        c = attrs.evolve(
            _chain(append, complaint), received_at=complaint.received_at - timedelta(1)
        )
        found = codes(
            HistoryConsistent(), c, context(now=c.history[0].at - timedelta(1))
        )
        assert found == ["receipt-time-mismatch", "events-in-future"]

    @given(received_complaints())
    def test_rewritten_history_blocks_as_a_guard(self, append, context, complaint):
        """A candidate that does not extend the previous version's history blocks."""
        before = _chain(append, complaint)
        other = append(
            complaint,
            {"name": "ComplaintWithdrawn", "to_state": "withdrawn"},
            status="withdrawn",
        )
        ctx = context(now=before.history[-1].at, previous=before)
        [finding] = HistoryConsistent().evaluate(other, ctx)
        assert (finding.code, finding.blocking) == ("history-rewritten", True)

    @given(received_complaints())
    def test_verifier_problems_block(self, context, complaint):
        """Each problem the hash-chain verifier reports is a blocking finding."""
        policy = HistoryConsistent(verifier=lambda c: [f"event 1 of {c.reference}"])
        [finding] = policy.evaluate(complaint, context(now=complaint.received_at))
        assert (finding.code, finding.blocking) == ("hash-chain-broken", True)
        ok = HistoryConsistent(verifier=lambda c: [])
        assert ok.evaluate(complaint, context(now=complaint.received_at)) == []

    def test_verifier_must_be_callable(self):
        """A non-callable verifier is refused at construction."""
        with pytest.raises(ValidationError) as info:
            HistoryConsistent(verifier="sha256")
        assert info.value.field == "verifier"


class TestNeedToKnow:
    @given(received_complaints())
    def test_passes_for_authorised_actors(self, append, context, codes, complaint):
        """Listed staff, the assignee and role holders acting as a guard pass."""
        c = append(
            complaint,
            {"name": "ComplaintAcknowledged", "actor": "agent:1"},
            {"name": "ComplaintAssigned", "actor": "lead:1"},
            {"name": "DecisionMade", "actor": "agent:9"},
            assignee="agent:9",
        )
        profile = OrganisationProfile(
            competences={"agent:1": ["*"]}, accountable_manager="lead:1"
        )
        ctx = context(
            organisation=profile,
            previous=complaint,
            actor="qa:1",
            roles={"complaints-manager"},
        )
        assert codes(NeedToKnow(), c, ctx) == []
        assert codes(NeedToKnow(), c, context()) == []

    @given(received_complaints())
    def test_fails_for_an_outsider(self, append, context, codes, complaint):
        """An actor outside the profile's staff is reported, also when acting."""
        c = append(complaint, {"name": "ComplaintAcknowledged", "actor": "intern:7"})
        profile = OrganisationProfile(authorised_actors=["agent:1"])
        ctx = context(organisation=profile, previous=complaint, actor="visitor")
        found = NeedToKnow().evaluate(c, ctx)
        assert [f.evidence["actor"] for f in found] == ["intern:7", "visitor"]


class TestNoPersonalDataInHistory:
    @given(received_complaints())
    def test_passes_for_ids_and_codes_only(self, append, context, codes, complaint):
        """Event data holding ids and codes only gives no finding."""
        # The receipt event records the facts of receipt (channel code,
        # reference, product ...): a complainant whose personal data is one of
        # those very words is rightly flagged, so such examples are skipped.
        assume(codes(NoPersonalDataInHistory(), complaint, context()) == [])
        c = append(
            complaint, {"name": "ComplaintAssessed", "data": {"n": 1, "ok": True}}
        )
        assert codes(NoPersonalDataInHistory(), c, context()) == []

    @given(received_complaints())
    def test_fails_when_the_name_leaks(self, append, context, complaint):
        """The complainant's name in event data is reported, without repeating it."""
        person = attrs.evolve(complaint.complainant, name="Ada Lovelace")
        c = append(
            attrs.evolve(complaint, complainant=person),
            {
                "name": "HoldingResponseSent",
                "data": {"note": {"to": ["Dear ada lovelace,"]}},
            },
        )
        [finding] = [
            f
            for f in NoPersonalDataInHistory().evaluate(c, context())
            if f.evidence["sequence"] == 2
        ]
        assert finding.evidence == {"sequence": 2, "path": "note.to[0]"}
        assert "Ada" not in finding.message
        assert not finding.blocking
