from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from iso10002.calendars import WeekdayCalendar
from iso10002.calendars.holidays import HolidaysCalendar
from iso10002.deadlines import (
    ComputedDeadline,
    DeadlineKind,
    compute_deadlines,
    get_pack,
    project_due_dates,
    recompute_due_dates,
)
from iso10002.errors import ValidationError
from iso10002.model import DueDate

UTC = timezone.utc

# (pack, region, zone, received (local ISO), step, due (local ISO)): every date checked
# by hand.
TABLE = [
    # UK Christmas: 15 business days skip 25, 26 Dec, 1 Jan and weekends.
    (
        "uk.fca.disp.psd",
        "GB-ENG",
        "Europe/London",
        "2025-12-24T10:00",
        "final_response",
        "2026-01-19T23:59:59",
    ),
    # Easter: Good Friday and Easter Monday are skipped by the three-business-day
    # window.
    (
        "uk.fca.disp",
        "GB-ENG",
        "Europe/London",
        "2026-04-02T12:00",
        "summary_resolution",
        "2026-04-09T17:00",
    ),
    # Friday after close of business before the August bank holiday: the day of
    # receipt is still the Friday (DISP 1.5.1R; the deeming DISP 1.5.3G is deleted).
    (
        "uk.fca.disp",
        "GB-ENG",
        "Europe/London",
        "2025-08-22T18:30",
        "summary_resolution",
        "2025-08-28T17:00",
    ),
    # Same Friday before close: counting starts on the Friday itself.
    (
        "uk.fca.disp",
        "GB-ENG",
        "Europe/London",
        "2025-08-22T16:59",
        "summary_resolution",
        "2025-08-28T17:00",
    ),
    # Monday after close of business (no holiday): Tuesday to Thursday.
    (
        "uk.fca.disp",
        "GB-ENG",
        "Europe/London",
        "2025-06-02T17:30",
        "summary_resolution",
        "2025-06-05T17:00",
    ),
    # Eight weeks across the spring DST change; end of the local day.
    (
        "uk.fca.disp",
        "GB-ENG",
        "Europe/London",
        "2025-03-01T12:00",
        "final_response",
        "2025-04-26T23:59:59",
    ),
    # NSW Labour Day and the start of DST: one business day from Friday 14:00 is Tuesday
    # 14:00.
    (
        "au.asic.rg271",
        "AU-NSW",
        "Australia/Sydney",
        "2025-10-03T14:00",
        "acknowledge",
        "2025-10-07T14:00",
    ),
    # Victoria has no holiday that Monday.
    (
        "au.asic.rg271",
        "AU-VIC",
        "Australia/Melbourne",
        "2025-10-03T14:00",
        "acknowledge",
        "2025-10-06T14:00",
    ),
    # 30 calendar days ending on a leap day.
    (
        "au.asic.rg271",
        "AU-NSW",
        "Australia/Sydney",
        "2024-01-30T10:00",
        "final_response",
        "2024-02-29T23:59:59",
    ),
    # 56 days across February of a leap year and the North American DST change.
    (
        "ca.bank",
        "CA-ON",
        "America/Toronto",
        "2024-01-31T09:00",
        "final_response",
        "2024-03-27T23:59:59",
    ),
    # 15 calendar days across a month end and DST.
    (
        "us.cfpb",
        "US",
        "America/New_York",
        "2025-02-27T11:00",
        "final_response",
        "2025-03-14T23:59:59",
    ),
    # Received on a Saturday; Whit Monday is a holiday everywhere in Germany.
    (
        "eu.psd2",
        "DE",
        "Europe/Berlin",
        "2025-05-31T10:00",
        "final_response",
        "2025-06-23T23:59:59",
    ),
    # In Bavaria Corpus Christi (19 June) is a holiday too.
    (
        "eu.psd2",
        "DE-BY",
        "Europe/Berlin",
        "2025-05-31T10:00",
        "final_response",
        "2025-06-24T23:59:59",
    ),
]


class TestComputeDeadlines:
    @pytest.mark.parametrize(
        ("pack", "region", "zone", "received", "step", "expected"), TABLE
    )
    def test_hand_checked_due_dates(
        self,
        make_complaint,
        due_of,
        local,
        pack,
        region,
        zone,
        received,
        step,
        expected,
    ):
        """Due dates match hand-checked dates across holidays, weekends, month ends and
        DST."""
        calendar = HolidaysCalendar(region, zone=zone)
        complaint = make_complaint(local(received, zone))
        computed = compute_deadlines(complaint, get_pack(pack), calendar)
        assert due_of(computed, step) == local(expected, zone).astimezone(UTC)

    def test_hours_and_original_due(self, make_complaint, local):
        """Without pauses or extensions the due date is the original one."""
        calendar = HolidaysCalendar("GB-ENG", zone="Europe/London")
        complaint = make_complaint(local("2025-08-22T18:30", "Europe/London"))
        for c in compute_deadlines(complaint, get_pack("uk.fca.disp"), calendar):
            assert isinstance(c, ComputedDeadline)
            assert c.due_at == c.original_due_at
            assert not c.extended
            assert not c.paused

    def test_acknowledgement_meets_the_step(self, make_complaint, due_of):
        """ComplaintAcknowledged meets the acknowledge step at its instant."""
        received = datetime(2025, 9, 1, 9, tzinfo=UTC)
        acked = received + timedelta(hours=3)
        complaint = make_complaint(
            received, [("ComplaintAcknowledged", acked, "acknowledged")]
        )
        computed = compute_deadlines(complaint, get_pack("iso10002"), WeekdayCalendar())
        ack = next(c for c in computed if c.step == "acknowledge")
        final = next(c for c in computed if c.step == "final_response")
        assert ack.met_at == acked
        assert final.met_at is None

    def test_fca_holding_response_with_ombudsman_rights_meets_eight_weeks(
        self, make_complaint
    ):
        """A holding response that gives ombudsman rights meets the FCA eight-week
        rule."""
        received = datetime(2025, 9, 1, 9, tzinfo=UTC)
        sent = received + timedelta(weeks=7)
        with_rights = make_complaint(
            received, [("HoldingResponseSent", sent, None, {"ombudsman_rights": True})]
        )
        without = make_complaint(received, [("HoldingResponseSent", sent)])
        cal = WeekdayCalendar(zone="Europe/London")
        pack = get_pack("uk.fca.disp")
        assert compute_deadlines(with_rights, pack, cal)[-1].met_at == sent
        assert compute_deadlines(without, pack, cal)[-1].met_at is None

    def test_psd_holding_reply_by_day_fifteen_extends_to_thirty_five(
        self, make_complaint, local
    ):
        """A holding reply by the 15th business day moves the PSD limit to 35 business
        days."""
        zone = "Europe/London"
        cal = HolidaysCalendar("GB-ENG", zone=zone)
        received = local("2025-09-01T10:00", zone)
        pack = get_pack("uk.fca.disp.psd")
        notice = {"reason": "Card scheme enquiry", "expected_by": "2025-10-17"}
        in_time = make_complaint(
            received,
            [("HoldingResponseSent", local("2025-09-22T16:00", zone), None, notice)],
        )
        late = make_complaint(
            received,
            [("HoldingResponseSent", local("2025-09-30T10:00", zone), None, notice)],
        )
        extended = compute_deadlines(in_time, pack, cal)[-1]
        assert extended.original_due_at == local("2025-09-22T23:59:59", zone)
        assert extended.due_at == local("2025-10-20T23:59:59", zone)
        assert extended.extended
        assert extended.extension_reasons == ("Card scheme enquiry",)
        not_extended = compute_deadlines(late, pack, cal)[-1]
        assert not_extended.due_at == local("2025-09-22T23:59:59", zone)
        assert not not_extended.extended

    def test_cfpb_in_progress_response_moves_final_to_sixty_days(
        self, make_complaint, local
    ):
        """An in-progress response within 15 days moves the CFPB final response to 60
        days."""
        zone = "America/New_York"
        received = local("2025-01-10T09:00", zone)
        complaint = make_complaint(
            received, [("HoldingResponseSent", local("2025-01-20T09:00", zone))]
        )
        computed = compute_deadlines(
            complaint, get_pack("us.cfpb"), WeekdayCalendar(zone=zone)
        )
        assert computed[0].due_at == local("2025-03-11T23:59:59", zone)

    def test_pause_adds_paused_days_back(self, make_complaint, due_of):
        """Waiting for the complainant adds the paused days to a pausable clock only."""
        received = datetime(2025, 1, 10, 10, tzinfo=UTC)
        complaint = make_complaint(
            received,
            [
                (
                    "InformationRequested",
                    datetime(2025, 1, 15, 9, tzinfo=UTC),
                    "awaiting_complainant",
                ),
                (
                    "InformationReceived",
                    datetime(2025, 1, 20, 15, tzinfo=UTC),
                    "investigating",
                ),
            ],
        )
        cal = WeekdayCalendar()
        computed = compute_deadlines(complaint, get_pack("iso10002"), cal)
        assert due_of(computed, "final_response") == datetime(
            2025, 2, 14, 23, 59, 59, tzinfo=UTC
        )
        assert due_of(computed, "acknowledge") == datetime(2025, 1, 14, 17, tzinfo=UTC)
        custom = compute_deadlines(
            complaint, get_pack("iso10002"), cal, paused_states=frozenset({"elsewhere"})
        )
        assert due_of(custom, "final_response") == datetime(
            2025, 2, 9, 23, 59, 59, tzinfo=UTC
        )

    def test_pack_forbidding_pauses_ignores_them(self, make_complaint, due_of):
        """A pack that forbids pausing keeps its clock running while the complaint
        waits."""
        received = datetime(2025, 1, 10, 10, tzinfo=UTC)
        complaint = make_complaint(
            received,
            [
                (
                    "InformationRequested",
                    datetime(2025, 1, 15, tzinfo=UTC),
                    "awaiting_complainant",
                ),
                (
                    "InformationReceived",
                    datetime(2025, 2, 20, tzinfo=UTC),
                    "investigating",
                ),
            ],
        )
        computed = compute_deadlines(
            complaint, get_pack("uk.fca.disp"), WeekdayCalendar()
        )
        assert due_of(computed, "final_response") == datetime(
            2025, 3, 7, 23, 59, 59, tzinfo=UTC
        )
        assert not any(c.paused for c in computed)

    def test_open_pause_is_reported(self, make_complaint):
        """A complaint still waiting for the complainant has its pausable clock
        paused."""
        received = datetime(2025, 1, 10, 10, tzinfo=UTC)
        complaint = make_complaint(
            received,
            [
                (
                    "InformationRequested",
                    datetime(2025, 1, 15, tzinfo=UTC),
                    "awaiting_complainant",
                )
            ],
        )
        cal = WeekdayCalendar()
        projected = project_due_dates(complaint, get_pack("iso10002"), cal)
        assert [d.paused for d in projected] == [False, True]
        later = compute_deadlines(
            complaint, get_pack("iso10002"), cal, now=datetime(2025, 1, 25, tzinfo=UTC)
        )
        assert later[1].due_at == datetime(2025, 2, 19, 23, 59, 59, tzinfo=UTC)

    def test_deadline_extended_with_reason_and_until(self, make_complaint):
        """A DeadlineExtended event with a reason and an 'until' instant moves the step
        later."""
        received = datetime(2025, 1, 10, 10, tzinfo=UTC)
        until = datetime(2025, 3, 1, 17, tzinfo=UTC)
        data = {
            "step": "final_response",
            "reason": "expert report",
            "until": until.isoformat(),
        }
        complaint = make_complaint(
            received,
            [("DeadlineExtended", datetime(2025, 1, 20, tzinfo=UTC), None, data)],
        )
        final = compute_deadlines(complaint, get_pack("iso10002"), WeekdayCalendar())[1]
        assert final.due_at == until
        assert final.extension_reasons == ("expert report",)

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"step": "final_response"}, "history[1].data.reason"),
            ({"step": "final_response", "reason": " "}, "history[1].data.reason"),
            (
                {"step": "final_response", "reason": "x", "until": "soon"},
                "history[1].data.until",
            ),
            (
                {"step": "final_response", "reason": "x", "until": "2025-03-01T10:00"},
                "history[1].data.until",
            ),
            ({"step": "final_response", "reason": "x"}, "history[1].data.until"),
        ],
    )
    def test_bad_extension_events_are_refused(self, make_complaint, data, field):
        """Extensions without a reason, or without a valid 'until' where needed, are
        refused."""
        received = datetime(2025, 1, 10, 10, tzinfo=UTC)
        complaint = make_complaint(
            received,
            [("DeadlineExtended", datetime(2025, 1, 20, tzinfo=UTC), None, data)],
        )
        with pytest.raises(ValidationError) as info:
            compute_deadlines(complaint, get_pack("iso10002"), WeekdayCalendar())
        assert info.value.field == field

    def test_deadline_extended_uses_the_pack_extension(self, make_complaint, local):
        """Without 'until', a recorded extension applies the pack's extended limit."""
        zone = "Europe/Berlin"
        data = {"step": "final_response", "reason": "exceptional"}
        complaint = make_complaint(
            local("2025-09-01T10:00", zone),
            [("DeadlineExtended", local("2025-09-05T10:00", zone), None, data)],
        )
        final = compute_deadlines(
            complaint, get_pack("eu.psd2"), WeekdayCalendar(zone=zone)
        )[0]
        assert final.due_at == local("2025-10-20T23:59:59", zone)
        assert final.extension_reasons == ("exceptional",)

    def test_classification_overrides(self, make_complaint, classified, due_of, local):
        """ASIC's 45, 21 and 90-day variants follow the complaint's classification."""
        zone = "Australia/Sydney"
        received = local("2025-03-03T10:00", zone)
        cal = WeekdayCalendar(zone=zone)
        pack = get_pack("au.asic.rg271")
        cases = [
            (None, "2025-04-02"),
            (classified("au.asic.super.trustee"), "2025-04-17"),
            (classified("lending", ["au.asic.credit.hardship"]), "2025-03-24"),
            (classified("au.asic.credit.default_notice"), "2025-03-24"),
            (
                classified("superannuation", ["au.asic.super.death_benefit_objection"]),
                "2025-06-01",
            ),
            # Unqualified names no longer choose a regime.
            (classified("superannuation", ["hardship"]), "2025-04-02"),
        ]
        for classification, expected in cases:
            complaint = make_complaint(received, classification=classification)
            assert due_of(
                compute_deadlines(complaint, pack, cal), "final_response"
            ) == local(f"{expected}T23:59:59", zone), classification

    def test_withdrawal_voids_unmet_steps(self, make_complaint):
        """A withdrawn complaint's unmet steps leave the projection; met ones stay."""
        received = datetime(2025, 1, 10, 10, tzinfo=UTC)
        complaint = make_complaint(
            received,
            [
                (
                    "ComplaintAcknowledged",
                    received + timedelta(hours=1),
                    "acknowledged",
                ),
                ("ComplaintWithdrawn", received + timedelta(days=2), "withdrawn"),
            ],
        )
        projected = project_due_dates(
            complaint, get_pack("iso10002"), WeekdayCalendar()
        )
        assert [d.step for d in projected] == ["acknowledge"]

    def test_projection_leaves_out_windows(self, make_complaint):
        """The stored projection holds binding steps only, as DueDate values."""
        complaint = make_complaint(datetime(2025, 1, 10, 10, tzinfo=UTC))
        projected = project_due_dates(
            complaint, get_pack("uk.fca.disp"), WeekdayCalendar()
        )
        assert all(isinstance(d, DueDate) for d in projected)
        assert [d.step for d in projected] == ["acknowledge", "final_response"]
        kinds = {
            c.kind
            for c in compute_deadlines(
                complaint, get_pack("uk.fca.disp"), WeekdayCalendar()
            )
        }
        assert DeadlineKind.WINDOW in kinds

    def test_recompute_after_a_new_holiday(self, make_complaint):
        """Recomputing after a newly announced closure yields only the complaints that
        moved."""
        import attrs  # noqa: PLC0415

        pack = get_pack("uk.fca.disp.psd")
        before = WeekdayCalendar(zone="Europe/London")
        stored = []
        for day in (1, 20):
            c = make_complaint(datetime(2025, 5, day, 10, tzinfo=UTC))
            stored.append(attrs.evolve(c, deadlines=project_due_dates(c, pack, before)))
        after = WeekdayCalendar(
            zone="Europe/London", closed=[datetime(2025, 5, 8).date()]
        )
        changed = list(recompute_due_dates(stored, pack, after))
        assert [c.received_at.day for c, _ in changed] == [1]
        assert changed[0][1][1].due_at > stored[0].deadlines[1].due_at
        assert list(recompute_due_dates(stored, pack, before)) == []

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"pack": "uk.fca.disp"}, "pack"),
            ({"calendar": "GB"}, "calendar"),
            ({"paused_states": {"awaiting_complainant"}}, "paused_states"),
            ({"now": datetime(2025, 1, 1)}, "now"),
            ({"complaint": {}}, "complaint"),
        ],
    )
    def test_bad_arguments_are_refused(self, make_complaint, kwargs, field):
        """Wrong argument types and naive datetimes raise ValidationError naming the
        argument."""
        args = {
            "complaint": make_complaint(datetime(2025, 1, 10, tzinfo=UTC)),
            "pack": get_pack("iso10002"),
            "calendar": WeekdayCalendar(),
        }
        args.update(kwargs)
        complaint, pack, calendar = (
            args.pop("complaint"),
            args.pop("pack"),
            args.pop("calendar"),
        )
        with pytest.raises(ValidationError) as info:
            compute_deadlines(complaint, pack, calendar, **args)
        assert info.value.field == field


class TestCustomRules:
    def pack(self, deadline):
        from datetime import date  # noqa: PLC0415

        from iso10002.deadlines import Pack  # noqa: PLC0415

        return Pack(
            name="test.rules",
            title="Rules under test",
            effective_from=date(2000, 1, 1),
            deadlines=[deadline],
        )

    def test_product_and_severity_overrides(self, make_complaint):
        """Overrides can key on the product and the severity of a complaint."""
        from iso10002.deadlines import (  # noqa: PLC0415
            ClassificationMatch,
            Deadline,
            Measure,
            Override,
        )
        from iso10002.model import Classification, Severity  # noqa: PLC0415

        deadline = Deadline(
            step="final_response",
            measure=Measure.CALENDAR_DAYS,
            amount=30,
            overrides=[
                Override(when=ClassificationMatch(products=["mortgage"]), amount=10),
                Override(when=ClassificationMatch(severities=["critical"]), amount=2),
            ],
        )
        pack = self.pack(deadline)
        received = datetime(2025, 1, 10, 10, tzinfo=UTC)
        cal = WeekdayCalendar()
        mortgage = make_complaint(received, product="mortgage")
        critical = make_complaint(
            received,
            classification=Classification(category="x", severity=Severity.CRITICAL),
        )
        plain = make_complaint(received, product="card")
        assert compute_deadlines(mortgage, pack, cal)[0].due_at == received + timedelta(
            days=10
        )
        assert compute_deadlines(critical, pack, cal)[0].due_at == received + timedelta(
            days=2
        )
        assert compute_deadlines(plain, pack, cal)[0].due_at == received + timedelta(
            days=30
        )

    def test_hours_clock_gets_elapsed_pause_back(self, make_complaint):
        """An hours clock gets the exact paused time back, up to when it was met."""
        from iso10002.deadlines import Deadline, Measure  # noqa: PLC0415

        pack = self.pack(Deadline(step="acknowledge", measure=Measure.HOURS, amount=24))
        received = datetime(2025, 1, 10, 10, tzinfo=UTC)
        complaint = make_complaint(
            received,
            [
                (
                    "InformationRequested",
                    received + timedelta(hours=2),
                    "awaiting_complainant",
                ),
                ("InformationReceived", received + timedelta(hours=5), "investigating"),
                (
                    "ComplaintAcknowledged",
                    received + timedelta(hours=30),
                    "acknowledged",
                ),
            ],
        )
        result = compute_deadlines(complaint, pack, WeekdayCalendar())[0]
        assert result.due_at == received + timedelta(hours=27)
        assert result.met_at == received + timedelta(hours=30)
