"""Returns restricted to one regime: ``regimes=`` of fca_return and asic_return
(issue 15, item 9)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs
import pytest

from iso10002.analysis import Period, asic_return, fca_return
from iso10002.calendars.holidays import HolidaysCalendar
from iso10002.clock import FixedClock
from iso10002.deadlines import ClassificationMatch, PackRule, PackSelection
from iso10002.errors import ValidationError
from iso10002.handler import Actor, ComplaintsHandler
from iso10002.model import Complainant, ComplaintForm, Subject
from iso10002.repositories import InMemoryComplaintRepository, iter_complaints

SYDNEY = HolidaysCalendar("AU-NSW")
LONDON = HolidaysCalendar("GB-ENG")
INTAKE = Actor("web-form", roles={"intake"})
AGENT = Actor("agent:1", roles={"complaints-handler"})
START = datetime(2026, 3, 2, 0, 0, tzinfo=timezone.utc)  # Monday, 11:00 in Sydney
AU_FIRM = PackSelection(
    default="au.asic.rg271",
    rules=(
        PackRule(when=ClassificationMatch(products=("gift card",)), pack="iso10002"),
        PackRule(
            when=ClassificationMatch(categories=("outside_idr",)), pack="iso10002"
        ),
    ),
)
UK_BANK = PackSelection(
    default="uk.fca.disp",
    rules=(
        PackRule(
            when=ClassificationMatch(products=("payments",)), pack="uk.fca.disp.psd"
        ),
    ),
)
FORM = ComplaintForm(
    complainant=Complainant(name="Pat Example"), description="It went wrong."
)


def _receive(selection, calendar, products, *, clock=None):
    clock = clock or FixedClock(START)
    handler = ComplaintsHandler(
        repository=InMemoryComplaintRepository(),
        clock=clock,
        calendar=calendar,
        pack=selection,
    )
    for product in products:
        handler.receive(
            attrs.evolve(FORM, subject=Subject(product=product)),
            actor=INTAKE,
            channel="web",
        )
        clock.advance(timedelta(hours=1))
    return handler, clock


def _rows(report):
    return sorted(row.product for row in report.rows)


class TestAsicRegimes:
    def test_asic_return_reports_one_regime(self):
        """Gift cards run on the firm's own pack and stay out of the RG 271 rows."""
        handler, _ = _receive(AU_FIRM, SYDNEY, ("home loan", "gift card", "super"))
        complaints = list(iter_complaints(handler.repository))
        period = Period.parse("2026-H1", SYDNEY.zone)
        every = asic_return(complaints, period=period, calendar=SYDNEY)
        rg271 = asic_return(
            complaints, period=period, calendar=SYDNEY, regimes={"au.asic.rg271"}
        )
        own = asic_return(
            complaints, period=period, calendar=SYDNEY, regimes="iso10002"
        )
        assert _rows(every) == ["gift card", "home loan", "super"]
        assert _rows(rg271) == ["home loan", "super"]
        assert _rows(own) == ["gift card"]

    def test_asic_regime_is_the_one_recorded_by_the_period_end(self):
        """Classified out of IDR after the period: still reported under RG 271."""
        handler, clock = _receive(AU_FIRM, SYDNEY, ("home loan",))
        (complaint,) = iter_complaints(handler.repository)
        clock.advance(timedelta(days=200))  # into 2026-H2
        handler.acknowledge(complaint.id, actor=AGENT)
        handler.assess(complaint.id, actor=AGENT, category="outside_idr")
        complaints = list(iter_complaints(handler.repository))
        h1 = Period.parse("2026-H1", SYDNEY.zone)
        h2 = Period.parse("2026-H2", SYDNEY.zone)
        chosen = {"au.asic.rg271"}
        assert _rows(
            asic_return(complaints, period=h1, calendar=SYDNEY, regimes=chosen)
        ) == ["home loan"]
        assert not asic_return(
            complaints, period=h2, calendar=SYDNEY, regimes=chosen
        ).rows

    def test_a_complaint_without_a_recorded_regime_is_left_out(self):
        """A handler run on one pack records none: a filtered return is empty."""
        handler, _ = _receive("au.asic.rg271", SYDNEY, ("home loan",))
        complaints = list(iter_complaints(handler.repository))
        period = Period.parse("2026-H1", SYDNEY.zone)
        assert asic_return(complaints, period=period, calendar=SYDNEY).rows
        assert not asic_return(
            complaints, period=period, calendar=SYDNEY, regimes={"au.asic.rg271"}
        ).rows


class TestBothReturnsAgree:
    def test_fca_and_asic_count_the_same_complaints_of_a_regime(self):
        """One selection, both returns: the same complaints pass the filter."""
        handler, _ = _receive(UK_BANK, LONDON, ("payments", "mortgage", "mortgage"))
        complaints = list(iter_complaints(handler.repository))
        period = Period.parse("2026-H1", LONDON.zone)
        for regime, count in (("uk.fca.disp", 2), ("uk.fca.disp.psd", 1)):
            fca = fca_return(complaints, period=period, calendar=LONDON, regimes=regime)
            asic = asic_return(
                complaints, period=period, calendar=LONDON, regimes=[regime]
            )
            assert fca.total.opened == len(asic.rows) == count

    @pytest.mark.parametrize("build", [fca_return, asic_return])
    @pytest.mark.parametrize(
        ("regimes", "field"),
        [
            ((), "regimes"),
            ("", "regimes[0]"),
            (["uk.fca.disp", " "], "regimes[1]"),
            ([3], "regimes[0]"),
            ({"uk.fca.disp": 1}, "regimes"),
            (42, "regimes"),
        ],
    )
    def test_bad_regimes_are_refused_naming_the_field(self, build, regimes, field):
        """Empty, blank or non-string names, a mapping or a number."""
        period = Period.parse("2026-H1", LONDON.zone)
        with pytest.raises(ValidationError) as caught:
            build([], period=period, calendar=LONDON, regimes=regimes)
        assert caught.value.problems[0][0] == field
