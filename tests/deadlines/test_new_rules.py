"""Rules the packs could not express before (issue 15, item 10), each cited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from iso10002.calendars.holidays import HolidaysCalendar
from iso10002.deadlines import compute_deadlines, get_pack
from iso10002.errors import ValidationError

SYDNEY = HolidaysCalendar("AU-NSW")
TORONTO = HolidaysCalendar("CA-ON")
NEW_YORK = HolidaysCalendar("US-NY")


def _final(complaint, pack, calendar):
    found = compute_deadlines(complaint, get_pack(pack), calendar)
    return next(d for d in found if d.step == "final_response")


class TestRg271:
    def test_rg_271_63_delay_notification_moves_the_limit_to_the_date_given(
        self, make_complaint, local
    ):
        """A delay notice with reasons and a date, sent in time, moves the limit."""
        received = local("2026-03-02T10:00", "Australia/Sydney")
        notice = (
            "HoldingResponseSent",
            received + timedelta(days=20),
            None,
            {"reason": "Waiting for the insurer's file.", "expected_by": "2026-04-15"},
        )
        d = _final(make_complaint(received, [notice]), "au.asic.rg271", SYDNEY)
        assert d.extended
        assert d.due_at == local("2026-04-15T23:59:59", "Australia/Sydney")

    def test_rg_271_63_delay_notification_needs_reasons(self, make_complaint, local):
        """Without reasons the notice does not extend the limit."""
        received = local("2026-03-02T10:00", "Australia/Sydney")
        notice = (
            "HoldingResponseSent",
            received + timedelta(days=20),
            None,
            {"expected_by": "2026-04-15"},
        )
        d = _final(make_complaint(received, [notice]), "au.asic.rg271", SYDNEY)
        assert not d.extended
        assert d.due_at == local("2026-04-01T23:59:59", "Australia/Sydney")

    def test_rg_271_63_late_delay_notification_does_not_extend(
        self, make_complaint, local
    ):
        """A notice sent after the limit has passed moves nothing."""
        received = local("2026-03-02T10:00", "Australia/Sydney")
        notice = (
            "HoldingResponseSent",
            received + timedelta(days=40),
            None,
            {"reason": "late", "expected_by": "2026-05-15"},
        )
        d = _final(make_complaint(received, [notice]), "au.asic.rg271", SYDNEY)
        assert not d.extended

    def test_rg_271_credit_hardship_restarts_when_information_arrives(
        self, make_complaint, classified, local
    ):
        """21 days for a credit hardship notice, counted afresh from the information."""
        received = local("2026-03-02T10:00", "Australia/Sydney")
        info = ("InformationReceived", local("2026-03-12T15:00", "Australia/Sydney"))
        c = make_complaint(
            received,
            [info],
            classification=classified(tags=["au.asic.credit.hardship"]),
        )
        d = _final(c, "au.asic.rg271", SYDNEY)
        assert d.due_at == local("2026-04-02T23:59:59", "Australia/Sydney")

    def test_rg_271_super_hardship_is_not_a_credit_hardship_notice(
        self, make_complaint, classified, local
    ):
        """A superannuation complaint tagged 'hardship' keeps the trustee's 45 days."""
        received = local("2026-03-02T10:00", "Australia/Sydney")
        c = make_complaint(
            received,
            classification=classified(tags=["au.asic.super.trustee", "hardship"]),
        )
        d = _final(c, "au.asic.rg271", SYDNEY)
        assert d.due_at == local("2026-04-16T23:59:59", "Australia/Sydney")

    def test_rg_271_death_benefit_objection_counts_from_the_objection_period_end(
        self, make_complaint, classified, local
    ):
        """90 days counted from the end of the 28-day objection period, not receipt."""
        received = local("2026-03-02T10:00", "Australia/Sydney")
        ended = ("ObjectionPeriodEnded", local("2026-03-30T00:00", "Australia/Sydney"))
        tags = ["au.asic.super.death_benefit_objection"]
        c = make_complaint(received, [ended], classification=classified(tags=tags))
        d = _final(c, "au.asic.rg271", SYDNEY)
        assert d.due_at == local("2026-06-28T23:59:59", "Australia/Sydney")
        before = make_complaint(received, classification=classified(tags=tags))
        assert _final(before, "au.asic.rg271", SYDNEY).due_at == local(
            "2026-05-31T23:59:59", "Australia/Sydney"
        )


class TestCfpbPortal:
    def test_cfpb_portal_clock_starts_when_sent_to_company(self, make_complaint, local):
        """Filed 1 March, sent to the company 10 March: due 25 March, not 16 March."""
        received = local("2026-03-01T10:00", "America/New_York")
        sent = ("ComplaintSentToCompany", local("2026-03-10T09:00", "America/New_York"))
        d = _final(make_complaint(received, [sent]), "us.cfpb", NEW_YORK)
        assert d.due_at == local("2026-03-25T23:59:59", "America/New_York")


class TestExtensionOfALimit:
    def test_deadline_extended_refused_for_a_limit_without_an_extension_provision(
        self, make_complaint, local
    ):
        """The FCPF 56 days provide no extension: a DeadlineExtended is refused."""
        received = local("2026-03-02T10:00", "America/Toronto")
        data = {
            "step": "final_response",
            "reason": "complex",
            "until": local("2026-06-01T17:00", "America/Toronto").isoformat(),
        }
        c = make_complaint(
            received, [("DeadlineExtended", received + timedelta(days=3), None, data)]
        )
        with pytest.raises(ValidationError, match="no extension of the regulatory"):
            compute_deadlines(c, get_pack("ca.bank"), TORONTO)

    def test_deadline_extended_still_moves_an_own_target(self, make_complaint, local):
        """An organisation's own target (iso10002 pack) may still be extended."""
        received = local("2026-03-02T10:00", "Europe/London")
        until = local("2026-06-01T17:00", "Europe/London")
        data = {
            "step": "final_response",
            "reason": "complex",
            "until": until.isoformat(),
        }
        c = make_complaint(
            received, [("DeadlineExtended", received + timedelta(days=3), None, data)]
        )
        d = _final(c, "iso10002", HolidaysCalendar("GB-ENG"))
        assert d.due_at == until
