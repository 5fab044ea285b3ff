from __future__ import annotations

import csv
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from iso10002.analysis import ASIC_COLUMNS, FCA_RULES, Period, asic_return, fca_return
from iso10002.calendars import WeekdayCalendar
from iso10002.errors import ValidationError
from iso10002.model import Channel, Outcome
from iso10002.serialization import to_dict

LONDON = ZoneInfo("Europe/London")
UK = WeekdayCalendar(zone="Europe/London")


@pytest.fixture
def book(make):
    """Complaints around 2026-H1, each probing one counting rule."""
    comm = "DecisionCommunicated"
    return [
        make(
            "A",
            "2026-01-05T10:00",
            [(comm, "2026-01-08T16:00")],
            product="card",
            outcome=Outcome.UPHELD,
            remedies=[("100", "GBP")],
        ),
        make(
            "B",
            "2026-01-09T10:00",
            [(comm, "2026-01-15T10:00")],
            outcome=Outcome.PARTIALLY_UPHELD,
            remedies=[("20", "AUD")],
        ),
        make(
            "C",
            "2026-01-05T10:00",
            [
                ("HoldingResponseSent", "2026-02-20T10:00", {"ombudsman_rights": True}),
                (comm, "2026-03-03T10:00"),
            ],
            outcome=Outcome.NOT_UPHELD,
        ),
        make(
            "D",
            "2025-12-01T10:00",
            [("HoldingResponseSent", "2026-01-20T10:00", {"ombudsman_rights": False})],
        ),
        make("E", "2026-06-30T23:30"),
        make("F", "2026-06-30T22:30"),
        make("G", "2026-02-01T10:00", [("ComplaintRejected", "2026-02-02T10:00")]),
        make("H", "2025-11-01T10:00", [("ComplaintClosed", "2026-01-02T10:00")]),
        make("I", "2026-02-02T10:00", [(comm, "2026-07-02T10:00")]),
    ]


def figures(f):
    return (
        f.opened,
        f.closed,
        f.closed_within_3_business_days,
        f.closed_within_8_weeks,
        f.closed_after_8_weeks,
        f.upheld,
        f.redress_paid,
        f.outstanding,
        f.eight_week_due,
        f.eight_week_met,
    )


class TestFcaReturn:
    def test_hand_computed_figures(self, book):
        """Each figure of 2026-H1 equals the count worked out by hand from the rules."""
        r = fca_return(
            book,
            period=Period.parse("2026-H1", LONDON),
            calendar=UK,
            product_groups={"card": "banking"},
        )
        groups = {g.product_group: figures(g) for g in r.groups}
        assert groups == {
            "banking": (1, 1, 1, 0, 0, 1, Decimal(100), 0, 1, 1),
            "other": (4, 3, 0, 1, 2, 1, Decimal(0), 3, 4, 2),
        }
        assert figures(r.total) == (5, 4, 1, 1, 2, 2, Decimal(100), 3, 5, 3)
        assert r.other_currency_redress == {"AUD": Decimal(20)}
        assert r.rules == FCA_RULES

    def test_local_midnight_bounds_the_period(self, make):
        """23:30 UTC on 30 June is July in London: counted in H2, not H1."""
        c = make("late", "2026-06-30T23:30")
        h1 = fca_return([c], period=Period.parse("2026-H1", LONDON))
        h2 = fca_return([c], period=Period.parse("2026-H2", LONDON))
        assert (h1.total.opened, h2.total.opened) == (0, 1)

    def test_third_business_day_spans_a_weekend(self, make):
        """Received Friday, answered Wednesday: Mon, Tue, Wed make three days."""
        c = make(
            "w", "2026-01-09T10:00", [("DecisionCommunicated", "2026-01-14T16:59")]
        )
        r = fca_return([c], period=Period.parse("2026-H1", LONDON), calendar=UK)
        assert r.total.closed_within_3_business_days == 1

    def test_serialises_and_rejects_bad_period(self, book):
        """The return goes through to_dict; a period label string is refused."""
        data = to_dict(fca_return(book, period=Period.parse("2026-H1", LONDON)))
        assert data["total"]["redress_paid"] == "100"
        with pytest.raises(ValidationError):
            fca_return(book, period="2026-H1")  # type: ignore[arg-type]


class TestAsicReturn:
    def test_rows_and_hand_computed_values(self, book):
        """Rows cover complaints received in or open at the start of the period."""
        r = asic_return(
            book, period=Period.parse("2026-H1"), product_codes={"card": "CC01"}
        )
        assert [row.complaint_id for row in r.rows] == [f"REF-{x}" for x in "ABCDEFHI"]
        a, b = r.rows[0], r.rows[1]
        assert (a.date_received, a.status, a.date_closed, a.days_to_close) == (
            "2026-01-05",
            "Closed",
            "2026-01-08",
            "3",
        )
        assert (a.closed_within_5_business_days, a.product, a.issue) == (
            "Y",
            "CC01",
            "billing",
        )
        assert a.financial_compensation == ""
        assert b.financial_compensation == "20"
        assert b.outcome == "Resolved partly in favour of the complainant"
        i = r.rows[-1]
        assert (i.status, i.date_closed, i.outcome) == ("Open", "", "")

    def test_csv_has_documented_header_and_no_personal_data(self, book, secrets):
        """The CSV has the documented header, one row each, nothing personal."""
        text = asic_return(book, period=Period.parse("2026-H1")).to_csv()
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == [c[0] for c in ASIC_COLUMNS]
        assert len(rows) == 9
        assert not any(s in text for s in secrets)

    def test_channel_mapping_can_be_overridden(self, make):
        """A host's own channel codes replace the defaults."""
        c = make("x", "2026-01-05T10:00", channel=Channel.PHONE)
        r = asic_return(
            [c], period=Period.parse("2026-H1"), channel_codes={Channel.PHONE: "TEL"}
        )
        assert r.rows[0].channel == "TEL"
