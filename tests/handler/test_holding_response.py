"""``record_holding_response`` records every fact the FCA eight-week rule needs
(DISP 1.6.2R(2), DISP 1 Annex 3R) and a policy checks them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from tests.handler.conftest import AGENT, INTAKE, START

from iso10002.calendars.holidays import HolidaysCalendar
from iso10002.clock import FixedClock
from iso10002.errors import ValidationError
from iso10002.handler import ComplaintsHandler
from iso10002.principles import PolicyContext
from iso10002.principles.packs import HoldingResponseContent
from iso10002.repositories import InMemoryComplaintRepository

UK = HolidaysCalendar("GB-ENG")


def _handler(clock):
    return ComplaintsHandler(
        repository=InMemoryComplaintRepository(),
        clock=clock,
        calendar=UK,
        pack="uk.fca.disp",
    )


def _open(handler, clock, form):
    c = handler.receive(form, actor=INTAKE, channel="email")
    clock.advance(timedelta(hours=1))
    handler.acknowledge(c.id, actor=AGENT)
    return c


def _final(complaint):
    return next(d for d in complaint.deadlines if d.step == "final_response")


class TestDisp162R2:
    def test_disp_1_6_2r_2_holding_response_with_ombudsman_rights_meets_eight_weeks(
        self, form
    ):
        """Through the named method, a holding response with the referral right meets
        the eight-week limit."""
        clock = FixedClock(START)
        handler = _handler(clock)
        c = _open(handler, clock, form)
        clock.advance(timedelta(weeks=7))
        done = handler.record_holding_response(
            c.id,
            actor=AGENT,
            reason="We are waiting for the card scheme's records.",
            expected_by=date(2026, 6, 1),
            ombudsman_rights=True,
            ombudsman_website="https://www.financial-ombudsman.org.uk",
            time_limit_notice=True,
        ).complaint
        assert _final(done).met_at == done.history[-1].at
        data = done.history[-1].data
        assert data["ombudsman_rights"] is True
        assert data["expected_by"] == "2026-06-01"
        assert HoldingResponseContent().evaluate(done, PolicyContext(now=START)) == []

    def test_disp_1_annex_3r_missing_facts_are_findings(self, form):
        """A holding response without the website and time limit gets a finding."""
        clock = FixedClock(START)
        handler = _handler(clock)
        c = _open(handler, clock, form)
        done = handler.record_holding_response(
            c.id, actor=AGENT, reason="Waiting.", ombudsman_rights=True
        ).complaint
        assert _final(done).met_at is not None
        findings = HoldingResponseContent().evaluate(done, PolicyContext(now=START))
        assert len(findings) == 1
        message = findings[0].message
        assert "website" in message
        assert "time limit" in message
        assert "expected" in message

    def test_without_ombudsman_rights_the_limit_is_not_met(self, form):
        """A delay letter that does not give the referral right does not meet it."""
        clock = FixedClock(START)
        handler = _handler(clock)
        c = _open(handler, clock, form)
        done = handler.record_holding_response(
            c.id, actor=AGENT, reason="Waiting."
        ).complaint
        assert _final(done).met_at is None

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"reason": " "}, "reason"),
            ({"reason": "x\x00y"}, "reason"),
            ({"reason": "x" * 5000}, "reason"),
            ({"expected_by": datetime(2026, 6, 1)}, "expected_by"),
            ({"expected_by": "2026-06-01"}, "expected_by"),
            ({"ombudsman_rights": "yes"}, "ombudsman_rights"),
            ({"ombudsman_website": ""}, "ombudsman_website"),
            ({"time_limit_notice": 1}, "time_limit_notice"),
        ],
    )
    def test_bad_facts_are_refused_naming_the_field(self, form, kwargs, field):
        """Hostile or wrong values raise ValidationError naming the field."""
        clock = FixedClock(START)
        handler = _handler(clock)
        c = _open(handler, clock, form)
        with pytest.raises(ValidationError) as caught:
            handler.record_holding_response(c.id, actor=AGENT, **kwargs)
        assert caught.value.field == field
        assert handler.get(c.id, actor=AGENT).version == c.version + 1

    def test_the_fca_policy_set_checks_holding_responses(self):
        """policies_for('uk.fca.disp') includes the holding-response check."""
        from iso10002.principles import policies_for  # noqa: PLC0415

        ids = set(policies_for("uk.fca.disp"))
        assert "uk.fca.disp.holding-response" in ids


class TestCalendarWarning:
    def test_a_handler_without_a_calendar_says_so(self):
        """No calendar: a MissingCalendarWarning naming the handler."""
        from iso10002.calendars import MissingCalendarWarning  # noqa: PLC0415

        with pytest.warns(MissingCalendarWarning, match="ComplaintsHandler"):
            ComplaintsHandler(InMemoryComplaintRepository())

    def test_a_handler_with_a_calendar_is_silent(self):
        """With a calendar nothing is warned."""
        import warnings  # noqa: PLC0415

        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ComplaintsHandler(InMemoryComplaintRepository(), calendar=UK)


class TestPaymentServicesHoldingReply:
    @pytest.mark.parametrize(
        ("pack", "policy_id"),
        [
            ("uk.fca.disp.psd", "uk.fca.disp.psd.holding-reply"),
            ("eu.psd2", "eu.psd2.holding-reply"),
        ],
    )
    def test_disp_1_6_2ar_2_holding_reply_gives_reasons_and_the_date(
        self, form, pack, policy_id
    ):
        """A payment-services holding reply without its date gets a finding."""
        from iso10002.principles import policies_for  # noqa: PLC0415

        clock = FixedClock(START)
        handler = ComplaintsHandler(
            repository=InMemoryComplaintRepository(),
            clock=clock,
            calendar=UK,
            pack=pack,
        )
        c = _open(handler, clock, form)
        done = handler.record_holding_response(
            c.id, actor=AGENT, reason="Waiting."
        ).complaint
        policy = policies_for(pack)[policy_id]
        (finding,) = policy.evaluate(done, PolicyContext(now=START))
        assert "expected" in finding.message
        assert "website" not in finding.message
        dated = handler.record_holding_response(
            c.id, actor=AGENT, reason="Waiting.", expected_by=date(2026, 4, 1)
        ).complaint
        assert len(policy.evaluate(dated, PolicyContext(now=START))) == 1

    def test_required_facts_must_be_known(self):
        """An unknown fact name is refused."""
        with pytest.raises(ValidationError):
            HoldingResponseContent(required=("colour",))
