from __future__ import annotations

import attrs
from hypothesis import assume, given
from hypothesis import strategies as st

from iso10002.principles import OrganisationProfile
from iso10002.principles.charges import NoChargeToComplainant
from iso10002.principles.objectivity import (
    ComplainantHeardBeforeDecision,
    HandlerNotConflicted,
)
from iso10002.testing.strategies import decisions, received_complaints, single_line_text


class TestHandlerNotConflicted:
    @given(received_complaints(), single_line_text(max_size=15))
    def test_passes_for_an_independent_handler(
        self, context, codes, complaint, handler
    ):
        """A handler not complained about, by name or team, and unconflicted passes."""
        concerning = {n.strip().casefold() for n in complaint.subject.concerning}
        assume(handler.strip().casefold() not in concerning)
        c = attrs.evolve(complaint, assignee=handler)
        assert codes(HandlerNotConflicted(), c, context()) == []

    @given(received_complaints(), st.sampled_from(["direct", "team", "declared"]))
    def test_fails_for_a_conflicted_handler(self, context, complaint, how):
        """The person or team complained about, or a declared conflict, blocks."""
        subject = attrs.evolve(complaint.subject, concerning=("Branch 12",))
        c = attrs.evolve(complaint, subject=subject, assignee="agent:1")
        profile = OrganisationProfile(
            teams={"agent:1": ["branch 12"]} if how == "team" else {},
            conflicts={"agent:1": ["BRANCH 12"]} if how == "declared" else {},
        )
        if how == "direct":
            c = attrs.evolve(c, assignee=" branch 12 ")
        [finding] = HandlerNotConflicted().evaluate(c, context(organisation=profile))
        assert finding.code == "conflicted-assignee"
        assert finding.blocking

    @given(received_complaints(), decisions())
    def test_fails_for_a_conflicted_decision_maker(
        self, context, codes, complaint, decision
    ):
        """A decision maker with a declared conflict with the customer is reported."""
        person = attrs.evolve(complaint.complainant, customer_reference="C-42")
        c = attrs.evolve(
            complaint,
            complainant=person,
            decision=attrs.evolve(decision, decided_by="lead:1"),
        )
        profile = OrganisationProfile(conflicts={"lead:1": ["c-42"]})
        [finding] = HandlerNotConflicted().evaluate(c, context(organisation=profile))
        assert finding.code == "conflicted-decided-by"
        assert finding.evidence["customer_conflict"] is True
        assert "C-42" not in str(finding.evidence)


class TestComplainantHeardBeforeDecision:
    @given(received_complaints())
    def test_passes_when_the_reply_came_first(self, append, context, codes, complaint):
        """A request answered before the decision gives no finding."""
        c = append(
            complaint,
            {"name": "InformationRequested"},
            {"name": "InformationReceived"},
            {"name": "DecisionMade"},
        )
        assert codes(ComplainantHeardBeforeDecision(), c, context()) == []

    @given(received_complaints())
    def test_fails_when_deciding_with_a_request_outstanding(
        self, append, context, codes, complaint
    ):
        """A decision while a request is unanswered is reported as a warning."""
        c = append(
            complaint, {"name": "InformationRequested"}, {"name": "DecisionMade"}
        )
        assert codes(ComplainantHeardBeforeDecision(), c, context()) == [
            "decided-before-complainant-replied"
        ]
        undecided = append(complaint, {"name": "InformationRequested"})
        assert codes(ComplainantHeardBeforeDecision(), undecided, context()) == []


class TestNoChargeToComplainant:
    @given(received_complaints(), st.sampled_from([0, "0", None, False, 0.0]))
    def test_passes_without_a_charge(self, append, context, codes, complaint, nil):
        """Zero or empty fee values and ordinary events are not charges."""
        c = append(complaint, {"name": "ComplaintAcknowledged", "data": {"fee": nil}})
        assert codes(NoChargeToComplainant(), c, context()) == []

    @given(
        received_complaints(),
        st.sampled_from(
            [
                {"name": "FeeCharged"},
                {"name": "HoldingResponseSent", "data": {"charge": 25}},
                {"name": "HoldingResponseSent", "data": {"handling_fee": "12.50"}},
                {"name": "HoldingResponseSent", "data": {"fee": "waived?"}},
            ]
        ),
    )
    def test_fails_when_a_charge_is_recorded(self, append, context, complaint, event):
        """A charge event or a non-zero fee in event data blocks."""
        c = append(complaint, event)
        [finding] = NoChargeToComplainant().evaluate(c, context())
        assert finding.code == "fee-recorded"
        assert finding.blocking
        assert finding.evidence["sequence"] == 2

    @given(received_complaints())
    def test_as_a_guard_only_the_steps_new_events_are_judged(
        self, append, context, complaint
    ):
        """An earlier charge is the audit's to report; a later step is not blocked."""
        charged = append(complaint, {"name": "FeeCharged"})
        later = append(charged, {"name": "InvestigationStarted"})
        policy = NoChargeToComplainant()
        assert policy.evaluate(later, context(previous=charged)) == []
        [finding] = policy.evaluate(later, context())  # the audit sees it
        assert finding.evidence["sequence"] == 2
        [blocked] = policy.evaluate(charged, context(previous=complaint))
        assert blocked.blocking
