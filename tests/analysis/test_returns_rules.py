"""The FCA and ASIC returns, rule by rule (issue 15, items 2, 3, 4, 8)."""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.analysis.conftest import build

from iso10002.analysis import Period, asic_return, fca_return
from iso10002.analysis.returns import FCA_FIELDS, FcaFigures
from iso10002.calendars import MissingCalendarWarning, WeekdayCalendar
from iso10002.calendars.holidays import HolidaysCalendar
from iso10002.deadlines import compute_deadlines, get_pack
from iso10002.model import Outcome

LONDON = ZoneInfo("Europe/London")
UK = HolidaysCalendar("GB-ENG", zone="Europe/London")
H1 = Period.parse("2026-H1", LONDON)
H2 = Period.parse("2026-H2", LONDON)
COMM = "DecisionCommunicated"
COUNTS = [a.name for a in attrs.fields(FcaFigures) if a.name != "product_group"]


def _total(complaints, period=H1):
    return fca_return(complaints, period=period, calendar=UK).total


class TestFcaForm:
    def test_disp_1_annex_1r_outstanding_at_reporting_period_start_date(self):
        """Open when the period began: counted at its start, not as opened in it."""
        before = build("B", "2025-12-01T10:00")
        closed_before = build("C", "2025-12-01T10:00", [(COMM, "2025-12-03T10:00")])
        inside = build("I", "2026-02-02T10:00")
        total = _total([before, closed_before, inside])
        assert (total.outstanding_at_start, total.opened, total.outstanding_at_end) == (
            1,
            1,
            2,
        )

    def test_disp_1_annex_1r_lists_only_product_groups_with_figures(self):
        """A complaint closed before the period has no figure in it: no empty row."""
        closed_before = build("C", "2026-02-02T10:00", [(COMM, "2026-02-03T10:00")])
        outstanding = build("O", "2026-03-02T10:00")
        report = fca_return([closed_before], period=H2, calendar=UK)
        assert report.groups == ()
        assert all(getattr(report.total, name) == 0 for name in COUNTS)
        both = fca_return([closed_before, outstanding], period=H2, calendar=UK)
        assert [g.outstanding_at_start for g in both.groups] == [1]

    def test_disp_1_annex_1r_fields_carry_the_form_wording_and_a_citation(self):
        """Every figure has its form wording and a paragraph-level citation."""
        assert [f.name for f in FCA_FIELDS] == COUNTS
        wording = {f.name: f.form_wording for f in FCA_FIELDS}
        assert (
            wording["outstanding_at_start"]
            == "Complaints outstanding at reporting period start date"
        )
        assert all("DISP 1" in f.citation for f in FCA_FIELDS)


class TestFcaCounting:
    def test_disp_1_5_1r_closed_after_close_of_business_on_day_three_is_not_within(
        self,
    ):
        """Received Monday, closed Thursday 17:30 London: after close of business."""
        c = build("A", "2026-01-05T10:00", [(COMM, "2026-01-08T17:30")])
        total = _total([c])
        assert total.closed_within_3_business_days == 0
        assert total.closed_within_8_weeks == 1

    def test_disp_1_5_1r_saturday_receipt_counts_from_saturday(self):
        """Received Saturday, closed Wednesday 16:00: within three business days."""
        c = build("A", "2026-01-10T11:00", [(COMM, "2026-01-14T16:00")])
        assert _total([c]).closed_within_3_business_days == 1

    def test_disp_1_6_2r_eight_weeks_end_at_the_end_of_the_day(self):
        """Received 1 March 10:00, closed 26 April 22:00 London: within eight weeks,
        though more than 56 x 24 hours later (summer time began in between)."""
        c = build("A", "2026-03-01T10:00", [(COMM, "2026-04-26T21:00")])
        total = _total([c])
        assert (total.closed_within_8_weeks, total.closed_after_8_weeks) == (1, 0)

    @settings(max_examples=200, deadline=None)
    @given(
        received=st.datetimes(
            min_value=datetime(2026, 1, 1),
            max_value=datetime(2026, 4, 30),
            timezones=st.just(timezone.utc),
        ),
        after=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=80)),
    )
    def test_disp_1_6_2r_return_and_deadline_engine_agree(self, received, after):
        """The return's buckets are the engine's met-by-due answers, complaint by
        complaint (one counting code path)."""
        closed = received + after
        c = build(
            "A",
            received.strftime("%Y-%m-%dT%H:%M"),
            [(COMM, closed.strftime("%Y-%m-%dT%H:%M"))],
        )
        period = Period.parse("2026", LONDON)
        total = fca_return([c], period=period, calendar=UK).total
        met = {
            d.step: d.met_at is not None and d.met_at <= d.original_due_at
            for d in compute_deadlines(
                attrs.evolve(
                    c,
                    version=c.version + 1,
                    history=(
                        *c.history,
                        attrs.evolve(
                            c.history[-1],
                            sequence=len(c.history) + 1,
                            name="ComplainantAccepted",
                        ),
                    ),
                ),
                get_pack("uk.fca.disp"),
                UK,
            )
        }
        assert total.closed_within_3_business_days == int(met["summary_resolution"])
        assert total.closed_after_8_weeks == int(not met["final_response"])


class TestCountedOnce:
    def test_disp_1_10_1r_duplicate_is_counted_once(self):
        """A duplicate (withdrawn with outcome duplicate) is not counted again."""
        original = build("O", "2026-01-05T10:00")
        duplicate = build(
            "D",
            "2026-01-06T10:00",
            [("ComplaintWithdrawn", "2026-01-06T11:00")],
            outcome=Outcome.DUPLICATE,
        )
        total = _total([original, duplicate])
        assert (total.opened, total.closed) == (1, 0)

    def test_reopened_complaint_is_counted_in_the_period_it_reopens(self):
        """Closed in H1, reopened and closed again in H2: opened and closed in both."""
        c = build(
            "R",
            "2026-03-02T10:00",
            [
                (COMM, "2026-03-04T10:00"),
                ("ComplaintReopened", "2026-08-03T09:00"),
                (COMM, "2026-08-20T10:00"),
            ],
            outcome=Outcome.UPHELD,
        )
        first, second = _total([c], H1), _total([c], H2)
        assert (first.opened, first.closed) == (1, 1)
        assert (second.opened, second.closed, second.upheld) == (1, 1, 1)
        assert second.outstanding_at_start == 0

    def test_reopened_and_still_open_is_outstanding(self):
        """Reopened in H2 and not closed again: outstanding at H2's end."""
        c = build(
            "R",
            "2026-03-02T10:00",
            [(COMM, "2026-03-04T10:00"), ("ComplaintReopened", "2026-08-03T09:00")],
        )
        assert _total([c], H2).outstanding_at_end == 1
        row = asic_return([c], period=H2, calendar=UK).rows[0]
        assert row.status == "Open"


_EVENTS = st.lists(
    st.tuples(
        st.sampled_from(
            [COMM, "ComplaintClosed", "ComplaintReopened", "HoldingResponseSent"]
        ),
        st.integers(0, 400),
    ),
    max_size=5,
)


@st.composite
def populations(draw):
    """Draw complaints around 2026-H1 with closures, reopenings and products."""
    found = []
    for i in range(draw(st.integers(0, 12))):
        received = datetime(2025, 10, 1, 9, tzinfo=timezone.utc) + timedelta(
            hours=draw(st.integers(0, 24 * 300))
        )
        offsets = sorted(draw(_EVENTS), key=lambda e: e[1])
        events = [
            (name, (received + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M"))
            for name, h in offsets
        ]
        found.append(
            build(
                f"P{i}",
                received.strftime("%Y-%m-%dT%H:%M"),
                events,
                product=draw(st.sampled_from(["card", "loan", "mortgage", None])),
                outcome=draw(st.sampled_from([None, *Outcome])),
            )
        )
    return found


class TestFcaProperties:
    @settings(max_examples=80, deadline=None)
    @given(populations(), st.randoms(use_true_random=False))
    def test_groups_sum_to_the_total_and_order_does_not_matter(self, people, rnd):
        """Summing the product groups gives the total; shuffling changes nothing."""
        groups = {"card": "banking", "loan": "credit"}
        r = fca_return(people, period=H1, calendar=UK, product_groups=groups)
        for name in COUNTS:
            assert sum(getattr(g, name) for g in r.groups) == getattr(r.total, name)
        assert sum(g.redress_paid for g in r.groups) == r.total.redress_paid
        shuffled = list(people)
        rnd.shuffle(shuffled)
        again = fca_return(shuffled, period=H1, calendar=UK, product_groups=groups)
        assert again == r

    @settings(max_examples=80, deadline=None)
    @given(populations())
    def test_start_plus_opened_minus_closed_is_the_end(self, people):
        """Outstanding at start + opened - closed = outstanding at end, per group."""
        r = fca_return(people, period=H1, calendar=UK)
        for g in (*r.groups, r.total):
            assert g.outstanding_at_start + g.opened - g.closed == g.outstanding_at_end
            assert g.closed == (
                g.closed_within_3_business_days
                + g.closed_within_8_weeks
                + g.closed_after_8_weeks
            )


class TestCalendarWarnings:
    @pytest.mark.parametrize("report", [fca_return, asic_return])
    def test_a_return_without_a_calendar_says_so(self, report):
        """No calendar: a MissingCalendarWarning, and weekdays in UTC are used."""
        c = build("A", "2026-01-05T10:00")
        with pytest.warns(MissingCalendarWarning, match="no business calendar"):
            report([c], period=H1)

    def test_a_return_with_a_calendar_is_silent(self):
        """With a calendar nothing is warned."""
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fca_return([], period=H1, calendar=WeekdayCalendar(zone="Europe/London"))


class TestAsicWindow:
    def test_rg_271_closed_in_the_evening_of_day_five_is_within_five_days(self):
        """Closed at 20:00 Sydney on the fifth business day: 'Y' (end of that day)."""
        sydney = HolidaysCalendar("AU-NSW", zone="Australia/Sydney")
        c = build("A", "2026-03-02T00:00", [(COMM, "2026-03-09T09:00")])
        row = asic_return(
            [c], period=Period.parse("2026-H1", sydney.zone), calendar=sydney
        ).rows[0]
        assert row.closed_within_5_business_days == "Y"


class TestKpisCountOnce:
    def test_disp_1_10_1r_kpis_count_a_duplicate_once(self):
        """The KPIs' flow measures leave out a duplicate, as the returns do."""
        from iso10002.analysis import KpiSpec, compute_kpis  # noqa: PLC0415

        original = build("O", "2026-01-05T10:00")
        duplicate = build(
            "D",
            "2026-01-06T10:00",
            [("ComplaintWithdrawn", "2026-01-06T11:00")],
            outcome=Outcome.DUPLICATE,
        )
        spec = KpiSpec(as_of=datetime(2026, 3, 1, tzinfo=timezone.utc), period=H1)
        report = compute_kpis([original, duplicate], spec, calendar=UK)
        assert report.complaints == 1
        assert "duplicate" not in dict(report.outcomes.counts)
