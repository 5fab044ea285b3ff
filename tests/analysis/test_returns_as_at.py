"""Returns as at the period end: later events never change a closed period.

Issue 15 item 1: every figure of a period is a function of the history up to
the period's end (outcome, remedies, classification, scope), read from the
facts each event records (:mod:`iso10002.history`).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.analysis import Period, asic_return, fca_return
from iso10002.calendars.holidays import HolidaysCalendar
from iso10002.clock import FixedClock
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.model import ComplaintForm, Remedy, RemedyKind, RootCause
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.serialization import from_dict

LONDON = ZoneInfo("Europe/London")
UK = HolidaysCalendar("GB-ENG", zone="Europe/London")
H2 = Period.parse("2026-H2", LONDON)
AGENT = Actor("agent:1", roles={"complaints-handler", "complaints-manager"})
INTAKE = Actor("web-form", roles={"intake"})
FORM = {
    "complainant": {"name": "Sam Taylor", "email": "sam@example.org"},
    "description": "I was charged twice.",
    "subject": {"product": "card"},
}
ESCALATION = "You may refer this to the ombudsman within six months."


def _money(amount: int) -> tuple[Remedy, ...]:
    if not amount:
        return ()
    return (
        Remedy(
            kind=RemedyKind.COMPENSATION,
            amount=Decimal(amount),
            currency="GBP",
        ),
    )


def _handler(clock: FixedClock) -> ComplaintsHandler:
    return ComplaintsHandler(
        InMemoryComplaintRepository(),
        clock=clock,
        calendar=UK,
        pack="uk.fca.disp",
        store=InMemoryHandlerStore(),
    )


def _decide_and_close(handler, cid, clock, outcome, amount):
    handler.decide(
        cid,
        actor=AGENT,
        outcome=outcome,
        summary="Decided.",
        reasons="Because.",
        remedies=_money(amount),
        escalation_route=ESCALATION,
    )
    clock.advance(timedelta(hours=1))
    handler.communicate_decision(cid, actor=AGENT)
    clock.advance(timedelta(hours=1))
    handler.close(
        cid,
        actor=AGENT,
        root_cause=RootCause(category="billing run", corrective_action="CAPA-1"),
    )


def _investigating(handler: ComplaintsHandler) -> str:
    """Receive, acknowledge, assess and investigate one complaint; its id."""
    cid = handler.receive(
        from_dict(ComplaintForm, FORM), actor=INTAKE, channel="web"
    ).id
    handler.acknowledge(cid, actor=AGENT)
    handler.assess(cid, actor=AGENT, category="billing")
    handler.assign(cid, actor=AGENT, assignee=AGENT.name)
    handler.investigate(cid, actor=AGENT)
    return cid


_OUTCOMES = st.sampled_from(["upheld", "partially_upheld", "not_upheld"])
_PLANS = st.lists(
    st.tuples(
        st.integers(0, 170),  # day of H2 it arrives
        st.booleans(),  # decided and closed within H2
        _OUTCOMES,
        st.integers(0, 500),  # redress paid
        st.sampled_from(["none", "reopen", "reject"]),  # what happens in 2027
        _OUTCOMES,
        st.integers(0, 500),
    ),
    min_size=1,
    max_size=5,
)


def _returns(complaints):
    return (
        fca_return(complaints, period=H2, calendar=UK),
        asic_return(complaints, period=H2, calendar=UK),
    )


class TestClosedPeriods:
    @settings(max_examples=25, deadline=None)
    @given(_PLANS)
    def test_later_events_never_change_a_closed_period(self, plans):
        """Reopening, re-deciding and redress in 2027 leave 2026-H2 unchanged."""
        start = datetime(2026, 7, 1, 9, tzinfo=timezone.utc)
        clock = FixedClock(start)
        handler = _handler(clock)
        form = from_dict(ComplaintForm, FORM)
        ids = []
        for day, *_ in sorted(plans, key=lambda p: p[0]):
            target = start + timedelta(days=day)
            if target > clock.now():
                clock.advance(target - clock.now())
            cid = handler.receive(form, actor=INTAKE, channel="web").id
            ids.append(cid)
            clock.advance(timedelta(hours=1))
            handler.acknowledge(cid, actor=AGENT)
            handler.assess(cid, actor=AGENT, category="billing")
            handler.assign(cid, actor=AGENT, assignee=AGENT.name)
            handler.investigate(cid, actor=AGENT)
        # Decided and closed in the last days of H2, so a reopening early in
        # January is within the reopen window.
        clock.advance(datetime(2026, 12, 21, 9, tzinfo=timezone.utc) - clock.now())
        for cid, (_, closed, outcome, amount, *_) in zip(
            ids, sorted(plans, key=lambda p: p[0]), strict=True
        ):
            if closed:
                clock.advance(timedelta(hours=2))
                _decide_and_close(handler, cid, clock, outcome, amount)
        before = _returns([handler.repository.get(c) for c in ids])
        clock.advance(datetime(2027, 1, 4, 9, tzinfo=timezone.utc) - clock.now())
        for cid, (_, closed, _o, _a, later, outcome, amount) in zip(
            ids, sorted(plans, key=lambda p: p[0]), strict=True
        ):
            clock.advance(timedelta(hours=1))
            if later == "reopen" and closed:
                handler.reopen(cid, actor=AGENT)
                _decide_and_close(handler, cid, clock, outcome, amount)
            elif later == "reopen":
                _decide_and_close(handler, cid, clock, outcome, amount)
            elif later == "reject" and not closed:
                handler.decide(
                    cid,
                    actor=AGENT,
                    outcome="not_a_complaint",
                    summary="Not a complaint.",
                    reasons="A request for information.",
                    escalation_route=ESCALATION,
                )
        after = _returns([handler.repository.get(c) for c in ids])
        assert after == before

    def test_an_upheld_reopening_in_january_does_not_rewrite_h2(self):
        """The compliance officer's case: H2 says not upheld, no redress."""
        clock = FixedClock(datetime(2026, 12, 14, 9, tzinfo=timezone.utc))
        handler = _handler(clock)
        cid = _investigating(handler)
        _decide_and_close(handler, cid, clock, "not_upheld", 0)
        h2 = fca_return([handler.repository.get(cid)], period=H2, calendar=UK)
        assert (h2.total.closed, h2.total.upheld, h2.total.redress_paid) == (1, 0, 0)
        rows = asic_return([handler.repository.get(cid)], period=H2, calendar=UK).rows
        clock.advance(timedelta(days=22))  # January 2027
        handler.reopen(cid, actor=AGENT)
        _decide_and_close(handler, cid, clock, "upheld", 250)
        again = fca_return([handler.repository.get(cid)], period=H2, calendar=UK)
        assert again == h2
        later = asic_return([handler.repository.get(cid)], period=H2, calendar=UK)
        assert later.rows == rows


class TestRedressBookedOnce:
    """DISP 1 Annex 1R "total redress paid": redress is booked in the period of
    the communication that carries it, once. A re-decision states the whole
    remedy the complainant gets (our convention), so a later period books
    only what it adds to what was booked before."""

    @staticmethod
    def _reopened(restated: int) -> tuple[object, object]:
        clock = FixedClock(datetime(2026, 6, 8, 9, tzinfo=timezone.utc))
        handler = _handler(clock)
        cid = _investigating(handler)
        _decide_and_close(handler, cid, clock, "upheld", 100)
        clock.advance(timedelta(days=25))  # 3 July (H2), within 28 days
        handler.reopen(cid, actor=AGENT)
        _decide_and_close(handler, cid, clock, "upheld", restated)
        complaint = handler.repository.get(cid)
        h1 = fca_return(
            [complaint], period=Period.parse("2026-H1", LONDON), calendar=UK
        )
        h2 = fca_return([complaint], period=H2, calendar=UK)
        return h1, h2

    def test_a_restated_remedy_is_not_booked_again(self):
        """H1 paid 100; H2's re-decision restates it: H2 books nothing more."""
        h1, h2 = self._reopened(100)
        assert h1.total.redress_paid == Decimal(100)
        assert h2.total.closed == 1
        assert h2.total.redress_paid == Decimal(0)

    def test_a_larger_remedy_books_the_difference(self):
        """H1 paid 100; H2's re-decision gives 150 in all: H2 books 50."""
        h1, h2 = self._reopened(150)
        assert h1.total.redress_paid + h2.total.redress_paid == Decimal(150)
        assert h2.total.redress_paid == Decimal(50)


class TestSupersededForm:
    def test_fca_ps25_19_periods_from_2027_warn(self):
        """A 2027 period is computed on Annex 1R with a warning naming PS25/19."""
        import pytest  # noqa: PLC0415

        from iso10002.analysis.returns import SupersededReturnWarning  # noqa: PLC0415

        with pytest.warns(SupersededReturnWarning, match="PS25/19"):
            fca_return([], period=Period.parse("2027-H1", LONDON), calendar=UK)

    def test_2026_periods_do_not_warn(self):
        """2026-H2 is an Annex 1R period: no warning (warnings are errors here)."""
        assert fca_return([], period=H2, calendar=UK).total.opened == 0
