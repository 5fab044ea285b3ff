"""Customer focus, accountability, improvement: what decisions and closings need."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.errors import ValidationError
from iso10002.model import Outcome, RootCause
from iso10002.principles.accountability import OwnerAssigned, StepsHaveNamedActors
from iso10002.principles.customer_focus import (
    DecisionGivesReasons,
    EscalationRouteMentions,
    EscalationRouteStated,
)
from iso10002.principles.improvement import RootCauseRecorded
from iso10002.testing.strategies import decisions, received_complaints

ANSWERED = st.sampled_from([o for o in Outcome if o is not Outcome.WITHDRAWN])


class TestDecisionGivesReasons:
    @given(received_complaints(), decisions())
    def test_passes_with_reasons(self, context, codes, complaint, decision):
        """A decision with reasons gives no finding."""
        c = attrs.evolve(complaint, decision=attrs.evolve(decision, reasons="Because."))
        assert codes(DecisionGivesReasons(), c, context()) == []

    @given(received_complaints(), decisions(), ANSWERED)
    def test_fails_without_reasons(self, context, complaint, decision, outcome):
        """A decision with blank reasons blocks, except for a withdrawal."""
        blank = attrs.evolve(decision, reasons=" ", outcome=outcome)
        [finding] = DecisionGivesReasons().evaluate(
            attrs.evolve(complaint, decision=blank), context()
        )
        assert (finding.code, finding.blocking) == ("decision-without-reasons", True)
        withdrawn = attrs.evolve(blank, outcome=Outcome.WITHDRAWN)
        assert (
            DecisionGivesReasons().evaluate(
                attrs.evolve(complaint, decision=withdrawn), context()
            )
            == []
        )


class TestEscalationRouteStated:
    @given(received_complaints(), decisions())
    def test_passes_with_a_route(self, context, codes, complaint, decision):
        """A decision naming the escalation route gives no finding."""
        routed = attrs.evolve(decision, escalation_route="The ombudsman.")
        c = attrs.evolve(complaint, decision=routed)
        assert codes(EscalationRouteStated(), c, context()) == []

    @given(received_complaints(), decisions(), ANSWERED)
    def test_fails_without_a_route(self, context, codes, complaint, decision, outcome):
        """A decision without a route blocks."""
        bare = attrs.evolve(decision, escalation_route=None, outcome=outcome)
        c = attrs.evolve(complaint, decision=bare)
        assert codes(EscalationRouteStated(), c, context()) == [
            "escalation-route-missing"
        ]

    def test_bad_exempt_outcomes_are_refused(self):
        """Exempt outcomes must be Outcome values."""
        with pytest.raises(ValidationError) as info:
            EscalationRouteStated(exempt_outcomes=["lost"])
        assert info.value.field == "exempt_outcomes"


class TestEscalationRouteMentions:
    POLICY = EscalationRouteMentions(
        id="x.wording", rule="R 1", required=[["ombudsman"], ["six months", "6 months"]]
    )

    @given(received_complaints(), decisions())
    def test_passes_when_every_group_matches(self, context, codes, complaint, decision):
        """Wording with a phrase of each group, in any case, passes."""
        route = "Refer to the OMBUDSMAN within 6 months."
        c = attrs.evolve(
            complaint, decision=attrs.evolve(decision, escalation_route=route)
        )
        assert codes(self.POLICY, c, context()) == []

    @given(received_complaints(), decisions())
    def test_fails_listing_the_missing_groups(self, context, complaint, decision):
        """Missing groups are listed; a phrase inside a longer word does not count."""
        route = "Contact the ombudsmanship office within 6 monthsly."
        routed = attrs.evolve(decision, escalation_route=route, outcome=Outcome.UPHELD)
        c = attrs.evolve(complaint, decision=routed)
        [finding] = self.POLICY.evaluate(c, context())
        assert finding.evidence["missing"] == [
            ["ombudsman"],
            ["six months", "6 months"],
        ]

    @pytest.mark.parametrize("required", [[], "ombudsman", [[]], [[""]], [["a"], 3]])
    def test_bad_wording_is_refused(self, required):
        """An empty or malformed list of phrase groups raises ValidationError."""
        with pytest.raises(ValidationError) as info:
            EscalationRouteMentions(id="x.y", rule="R", required=required)
        assert info.value.field == "required"


class TestOwnerAssigned:
    @given(received_complaints(statuses=("investigating",)))
    def test_passes_with_an_owner(self, context, codes, complaint):
        """An investigated complaint with an assignee passes."""
        c = attrs.evolve(complaint, assignee="agent:1")
        assert codes(OwnerAssigned(), c, context()) == []

    @given(received_complaints())
    def test_fails_when_investigated_without_owner(
        self, append, context, codes, complaint
    ):
        """No owner after an investigation started blocks; otherwise it warns."""
        c = append(
            complaint, {"name": "InvestigationStarted", "to_state": "investigating"}
        )
        later = append(
            c, {"name": "DecisionMade", "to_state": "decided"}, status="decided"
        )
        [finding] = OwnerAssigned().evaluate(later, context())
        assert (finding.code, finding.blocking) == ("owner-missing", True)
        replied = attrs.evolve(complaint, status="investigating")
        [finding] = OwnerAssigned().evaluate(replied, context())
        assert (finding.code, finding.blocking) == ("owner-missing", False)
        assert codes(OwnerAssigned(), complaint, context()) == []


class TestStepsHaveNamedActors:
    @given(received_complaints(), decisions())
    def test_passes_with_named_actors(
        self, append, context, codes, complaint, decision
    ):
        """Decisive steps by named people pass."""
        c = append(
            complaint,
            {"name": "DecisionMade", "actor": "lead:1"},
            {"name": "ComplaintAcknowledged", "actor": "system"},
            decision=attrs.evolve(decision, decided_by="lead:1"),
        )
        assert codes(StepsHaveNamedActors(), c, context()) == []

    @given(received_complaints(), decisions())
    def test_fails_with_placeholder_actors(
        self, append, context, codes, complaint, decision
    ):
        """A decisive step or decision by a placeholder is reported as a warning."""
        c = append(
            complaint,
            {"name": "ComplaintClosed", "actor": "System"},
            decision=attrs.evolve(decision, decided_by="unknown"),
        )
        assert codes(StepsHaveNamedActors(), c, context()) == [
            "step-without-named-actor",
            "decision-without-named-actor",
        ]


class TestRootCauseRecorded:
    @given(received_complaints(statuses=("closed",)), st.sampled_from(Outcome))
    def test_passes_with_cause_and_action(self, context, codes, complaint, outcome):
        """Any closed complaint with a root cause and corrective action passes."""
        cause = RootCause(category="process", corrective_action="CAPA-7")
        c = attrs.evolve(complaint, outcome=outcome, root_cause=cause)
        assert codes(RootCauseRecorded(), c, context()) == []

    @given(received_complaints(statuses=("closed",)))
    def test_fails_for_upheld_without_cause(self, context, complaint):
        """Upheld blocks without a cause or action; partially upheld only warns."""
        upheld = attrs.evolve(complaint, outcome=Outcome.UPHELD)
        [finding] = RootCauseRecorded().evaluate(upheld, context())
        assert (finding.code, finding.blocking) == ("root-cause-missing", True)
        no_action = attrs.evolve(
            upheld, outcome=Outcome.PARTIALLY_UPHELD, root_cause=RootCause(category="x")
        )
        [finding] = RootCauseRecorded().evaluate(no_action, context())
        assert (finding.code, finding.blocking) == ("corrective-action-missing", False)
        still_open = attrs.evolve(upheld, status="decided")
        assert RootCauseRecorded().evaluate(still_open, context()) == []
