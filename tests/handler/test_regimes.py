"""One firm, several regimes: the pack chosen per complaint (issue 15, item 9)."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from tests.handler.conftest import AGENT, INTAKE, START

from iso10002.analysis import Period, fca_return
from iso10002.calendars.holidays import HolidaysCalendar
from iso10002.clock import FixedClock
from iso10002.deadlines import (
    REGIME_KEY,
    ClassificationMatch,
    Measure,
    PackRule,
    PackSelection,
    get_pack,
    recorded_pack,
    register_pack,
)
from iso10002.errors import ValidationError
from iso10002.handler import ComplaintsHandler
from iso10002.model import Subject
from iso10002.repositories import InMemoryComplaintRepository, iter_complaints

UK = HolidaysCalendar("GB-ENG")
BANK = PackSelection(
    default="uk.fca.disp",
    rules=(
        PackRule(
            when=ClassificationMatch(products=("payments",)), pack="uk.fca.disp.psd"
        ),
        PackRule(
            when=ClassificationMatch(categories=("payment_services",)),
            pack="uk.fca.disp.psd",
        ),
    ),
)


def _handler():
    clock = FixedClock(START)
    handler = ComplaintsHandler(
        repository=InMemoryComplaintRepository(), clock=clock, calendar=UK, pack=BANK
    )
    return handler, clock


def _final(complaint):
    return next(d for d in complaint.deadlines if d.step == "final_response")


class TestPackSelection:
    def test_disp_1_6_2ar_payments_run_on_15_business_days_others_on_8_weeks(
        self, form
    ):
        """Each complaint gets its regime's limit, and the regime is recorded."""
        handler, _ = _handler()
        payment = handler.receive(
            attrs.evolve(form, subject=Subject(product="payments")),
            actor=INTAKE,
            channel="web",
        )
        mortgage = handler.receive(
            attrs.evolve(form, subject=Subject(product="mortgage")),
            actor=INTAKE,
            channel="web",
        )
        assert recorded_pack(payment).name == "uk.fca.disp.psd"
        assert recorded_pack(mortgage).name == "uk.fca.disp"
        assert _final(payment).due_at - START < timedelta(days=25)
        assert _final(mortgage).due_at - START > timedelta(weeks=8)

    def test_classification_moves_a_complaint_to_another_regime(self, form):
        """Assessed as payment services: the pack changes and is recorded again."""
        handler, clock = _handler()
        c = handler.receive(form, actor=INTAKE, channel="web")
        clock.advance(timedelta(hours=1))
        handler.acknowledge(c.id, actor=AGENT)
        clock.advance(timedelta(hours=1))
        done = handler.assess(c.id, actor=AGENT, category="payment_services").complaint
        assert recorded_pack(done).name == "uk.fca.disp.psd"
        records = [e.data[REGIME_KEY] for e in done.history if REGIME_KEY in e.data]
        assert [r["pack"] for r in records] == ["uk.fca.disp", "uk.fca.disp.psd"]

    def test_a_new_pack_version_does_not_move_recorded_deadlines(self, form):
        """The recorded version keeps counting after a newer version is registered."""
        base = attrs.evolve(get_pack("uk.fca.disp"), name="test.regimes", version=1)
        register_pack(base, replace=True)
        clock = FixedClock(START)
        handler = ComplaintsHandler(
            repository=InMemoryComplaintRepository(),
            clock=clock,
            calendar=UK,
            pack=PackSelection(default="test.regimes"),
        )
        c = handler.receive(form, actor=INTAKE, channel="web")
        before = _final(c).due_at
        newer = attrs.evolve(
            base,
            version=2,
            deadlines=tuple(
                attrs.evolve(d, measure=Measure.CALENDAR_DAYS, amount=10)
                if d.step == "final_response"
                else d
                for d in base.deadlines
            ),
        )
        register_pack(newer, replace=True)
        clock.advance(timedelta(hours=1))
        later = handler.acknowledge(c.id, actor=AGENT).complaint
        assert _final(later).due_at == before
        assert recorded_pack(later).version == 1
        fresh = handler.receive(form, actor=INTAKE, channel="web")
        assert recorded_pack(fresh).version == 2

    def test_fca_return_counts_one_regime(self, form):
        """regimes= keeps the payment-services complaints out of the DISP return."""
        handler, _ = _handler()
        for product in ("payments", "mortgage", "mortgage"):
            handler.receive(
                attrs.evolve(form, subject=Subject(product=product)),
                actor=INTAKE,
                channel="web",
            )
        complaints = list(iter_complaints(handler.repository))
        period = Period.parse("2026-H1", UK.zone)
        disp = fca_return(
            complaints, period=period, calendar=UK, regimes={"uk.fca.disp"}
        )
        psd = fca_return(
            complaints, period=period, calendar=UK, regimes={"uk.fca.disp.psd"}
        )
        every = fca_return(complaints, period=period, calendar=UK)
        assert (disp.total.opened, psd.total.opened, every.total.opened) == (2, 1, 3)

    def test_unknown_pack_is_refused(self):
        """A rule naming an unregistered pack is refused, naming the field."""
        with pytest.raises(ValidationError):
            PackSelection(default="no.such.pack")
