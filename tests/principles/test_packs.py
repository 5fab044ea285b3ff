from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.calendars import WeekdayCalendar
from iso10002.errors import ValidationError
from iso10002.model import (
    Channel,
    Complainant,
    Complaint,
    ComplaintForm,
    Decision,
    Outcome,
)
from iso10002.principles import PolicyContext, policies_for
from iso10002.principles.packs import SummaryResolutionCommunicated
from iso10002.testing.strategies import received_complaints

# A Monday, 10:00 in London (GMT).
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


def _received_monday(complaint):
    first = attrs.evolve(complaint.history[0], at=MONDAY)
    return attrs.evolve(complaint, received_at=MONDAY, history=(first,))


class TestSummaryResolutionCommunicated:
    @given(
        received_complaints(),
        st.sampled_from(["SummaryResolutionSent", "DecisionCommunicated"]),
    )
    def test_passes_when_a_communication_is_recorded(
        self, append, codes, complaint, sent
    ):
        """A quick resolution with a recorded communication passes."""
        c = append(
            _received_monday(complaint),
            {"name": sent, "at": MONDAY + timedelta(days=1)},
            {
                "name": "ComplaintClosed",
                "at": MONDAY + timedelta(days=1),
                "to_state": "closed",
            },
            status="closed",
        )
        ctx = PolicyContext(now=MONDAY + timedelta(days=9))
        assert codes(SummaryResolutionCommunicated(), c, ctx) == []

    @given(received_complaints(), st.integers(min_value=0, max_value=3))
    def test_fails_for_a_silent_quick_resolution(self, append, codes, complaint, days):
        """Resolved by close of business Thursday without a communication: reported."""
        resolved_at = MONDAY.replace(hour=16) + timedelta(days=days)
        c = append(
            _received_monday(complaint),
            {"name": "ComplaintClosed", "at": resolved_at, "to_state": "closed"},
            status="closed",
        )
        ctx = PolicyContext(now=MONDAY + timedelta(days=9))
        assert codes(SummaryResolutionCommunicated(), c, ctx) == [
            "summary-resolution-missing"
        ]

    @given(received_complaints())
    def test_resolution_after_the_window_is_not_judged(self, append, codes, complaint):
        """Resolved on Friday (after the third business day) the rule does not apply."""
        c = append(
            _received_monday(complaint),
            {
                "name": "ComplaintClosed",
                "at": MONDAY + timedelta(days=4),
                "to_state": "closed",
            },
            status="closed",
        )
        ctx = PolicyContext(now=MONDAY + timedelta(days=9))
        assert codes(SummaryResolutionCommunicated(), c, ctx) == []

    @given(received_complaints())
    def test_uses_the_context_calendar(self, append, codes, complaint):
        """A closure day in the context's calendar extends the window."""
        c = append(
            _received_monday(complaint),
            {
                "name": "ComplaintClosed",
                "at": MONDAY + timedelta(days=4),
                "to_state": "closed",
            },
            status="closed",
        )
        calendar = WeekdayCalendar(
            zone="Europe/London", closed=[MONDAY.date() + timedelta(1)]
        )
        ctx = PolicyContext(now=MONDAY + timedelta(days=9), calendar=calendar)
        assert codes(SummaryResolutionCommunicated(), c, ctx) == [
            "summary-resolution-missing"
        ]

    @pytest.mark.parametrize(
        ("field", "value"), [("zone", "Mars/Olympus"), ("business_days", -1)]
    )
    def test_bad_configuration_is_refused(self, field, value):
        """An unknown zone or a negative day count raises ValidationError."""
        with pytest.raises(ValidationError) as info:
            SummaryResolutionCommunicated(**{field: value})
        assert info.value.field == field


class TestPackWording:
    @pytest.mark.parametrize(
        ("pack", "good", "bad"),
        [
            (
                "uk.fca.disp",
                "Refer to the Financial Ombudsman Service within six months.",
                "Refer to the ombudsman.",
            ),
            (
                "uk.fca.disp.psd",
                "The ombudsman, within 6 months.",
                "Write to us again.",
            ),
            (
                "eu.psd2",
                "You may refer the dispute to our ADR entity.",
                "Our address is below.",
            ),
            ("au.asic.rg271", "You may complain to AFCA.", "You may complain to ASIC."),
            (
                "us.cfpb",
                "Contact the Consumer Financial Protection Bureau.",
                "Call us.",
            ),
            (
                "ca.bank",
                "Escalate to OBSI, our external complaints body.",
                "Escalate internally.",
            ),
        ],
    )
    def test_each_pack_checks_its_escalation_wording(self, now, pack, good, bad):
        """Each pack passes its regulator's wording and blocks other text."""
        policy = policies_for(pack)[f"{pack}.escalation-route-wording"]
        assert pack in policy.id
        assert _evaluate(policy, good, now) == []
        [finding] = _evaluate(policy, bad, now)
        assert finding.blocking


def _evaluate(policy, route, now):
    form = ComplaintForm(complainant=Complainant(name="A"), description="d")
    c = Complaint.receive(
        form,
        id="1",
        reference="R",
        received_at=now,
        channel=Channel.WEB,
        received_by="w",
    )
    decision = Decision(
        outcome=Outcome.NOT_UPHELD,
        summary="s",
        reasons="r",
        decided_by="lead:1",
        decided_at=now,
        escalation_route=route,
    )
    return policy.evaluate(attrs.evolve(c, decision=decision), PolicyContext(now=now))


class TestDisp151RAgreement:
    @given(
        st.datetimes(
            min_value=datetime(2025, 1, 1),
            max_value=datetime(2027, 12, 31),
            timezones=st.just(timezone.utc),
        )
    )
    def test_disp_1_5_1r_policy_and_pack_close_the_window_together(self, received):
        """The policy's window ends exactly when the pack's window does."""
        from iso10002.deadlines import get_pack, limit_end  # noqa: PLC0415

        calendar = WeekdayCalendar(zone="Europe/London")
        rule = get_pack("uk.fca.disp").deadline("summary_resolution")
        policy = SummaryResolutionCommunicated()
        assert policy.window_end(received, calendar) == limit_end(
            rule, received, calendar
        )
        local = received.astimezone(calendar.zone).date()
        day = calendar.add_business_days(local, 3)
        assert policy.window_end(received, calendar) == calendar.close_of_business(day)
