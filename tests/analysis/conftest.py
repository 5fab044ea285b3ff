"""Builders of small, hand-checkable complaints for the analysis tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import attrs
import pytest
from hypothesis import strategies as st

from iso10002.analysis import Granularity, KpiSpec, Period
from iso10002.calendars import WeekdayCalendar
from iso10002.model import (
    Channel,
    Classification,
    Complainant,
    Complaint,
    Decision,
    DueDate,
    HistoryEvent,
    Outcome,
    Remedy,
    RemedyKind,
    RootCause,
    SatisfactionFeedback,
    Subject,
)
from iso10002.testing.contract import next_version
from iso10002.testing.strategies import complaints, utc_datetimes

SECRET_NAME = "Zebedee Quuxworth"
SECRET_TEXT = "My neighbour Xylophonia saw everything"


def at(text: str) -> datetime:
    """Parse ``YYYY-MM-DDTHH:MM`` as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def build(
    id="C1",  # noqa: A002 - mirrors Complaint.id
    received="2026-01-05T10:00",
    events=(),
    *,
    channel=Channel.WEB,
    category="billing",
    product="current account",
    outcome=None,
    remedies=(),
    escalation_route="Financial Ombudsman Service",
    assignee="agent-1",
    deadlines=(),
    root_cause=None,
    satisfaction=None,
    status=None,
    workflow=None,
):
    """Build a complaint whose history is ``events``: ``(name, when[, data])``."""
    received_at = at(received)
    history = [
        HistoryEvent(
            sequence=1,
            name="ComplaintReceived",
            at=received_at,
            actor="web",
            to_state="received",
        )
    ]
    communicated = None
    for i, event in enumerate(events, start=2):
        name, when = event[0], at(event[1])
        data = event[2] if len(event) > 2 else {}
        history.append(
            HistoryEvent(sequence=i, name=name, at=when, actor="agent-1", data=data)
        )
        if name == "DecisionCommunicated" and communicated is None:
            communicated = when
    decision = None
    if outcome is not None:
        decided_at = communicated or history[-1].at
        decision = Decision(
            outcome=outcome,
            summary="decided",
            decided_by="agent-1",
            decided_at=decided_at,
            remedies=tuple(
                Remedy(kind=RemedyKind.COMPENSATION, amount=Decimal(a), currency=c)
                if a is not None
                else Remedy(kind=RemedyKind.APOLOGY)
                for a, c in remedies
            ),
            escalation_route=escalation_route,
            communicated_at=communicated,
        )
    kwargs = {}
    if workflow is not None:
        from iso10002.model import WorkflowRef  # noqa: PLC0415

        kwargs["workflow"] = WorkflowRef(name=workflow)
    return Complaint(
        id=id,
        reference=f"REF-{id}",
        received_at=received_at,
        channel=channel,
        received_by="web",
        complainant=Complainant(name=SECRET_NAME, email="z@q.example"),
        subject=Subject(product=product),
        description=SECRET_TEXT,
        desired_outcome="Money back, says " + SECRET_NAME,
        classification=None if category is None else Classification(category=category),
        status=status or "received",
        assignee=assignee,
        deadlines=tuple(
            DueDate(step=s, due_at=at(d), met_at=None if m is None else at(m))
            for s, d, m in deadlines
        ),
        decision=decision,
        outcome=outcome,
        root_cause=None if root_cause is None else RootCause(category=root_cause),
        satisfaction=None
        if satisfaction is None
        else SatisfactionFeedback(
            score=satisfaction[0], received_at=at(satisfaction[1]), comment=SECRET_TEXT
        ),
        version=len(history),
        history=tuple(history),
        **kwargs,
    )


@pytest.fixture
def make():
    """Return the complaint builder."""
    return build


@pytest.fixture
def secrets():
    """Return personal strings that must never appear in outputs."""
    return (SECRET_NAME, SECRET_TEXT, "z@q.example", "Xylophonia")


@pytest.fixture
def sample(make):
    """A small fixed data set with hand-computed expectations (see test_kpis)."""
    return [
        # C1: acknowledged after 2 h, final after 4 days (Mon->Fri = 4 bd), upheld,
        # GBP 50,
        # closed, satisfaction 4.
        make(
            "C1",
            "2026-01-05T10:00",
            [
                ("ComplaintAcknowledged", "2026-01-05T12:00"),
                ("ComplaintAssessed", "2026-01-05T13:00"),
                ("DecisionCommunicated", "2026-01-09T10:00"),
                ("ComplaintClosed", "2026-01-10T10:00"),
            ],
            outcome=Outcome.UPHELD,
            remedies=[("50.00", "GBP")],
            root_cause="system error",
            deadlines=[("acknowledge", "2026-01-06T10:00", "2026-01-05T12:00")],
            satisfaction=(4, "2026-01-12T10:00"),
        ),
        # C2: ack after 26 h (Tue, 1 bd), final after 2 weeks, not upheld,
        # reopened, appealed.
        make(
            "C2",
            "2026-01-05T10:00",
            [
                ("ComplaintAcknowledged", "2026-01-06T12:00"),
                ("DecisionCommunicated", "2026-01-19T10:00"),
                ("ComplainantRejected", "2026-01-20T10:00"),
                ("ComplaintClosed", "2026-01-25T10:00"),
                ("ComplaintReopened", "2026-01-26T10:00"),
            ],
            outcome=Outcome.NOT_UPHELD,
            channel=Channel.PHONE,
            category="service",
            deadlines=[("acknowledge", "2026-01-06T10:00", "2026-01-06T12:00")],
            assignee="agent-2",
        ),
        # C3: February, partially upheld, EUR 10 and GBP 5, closed, satisfaction 2.
        make(
            "C3",
            "2026-02-02T09:00",
            [
                ("ComplaintAcknowledged", "2026-02-02T10:00"),
                ("DecisionCommunicated", "2026-02-03T09:00"),
                ("ComplaintClosed", "2026-02-03T10:00"),
            ],
            outcome=Outcome.PARTIALLY_UPHELD,
            remedies=[("10", "EUR"), ("5", "GBP")],
            satisfaction=(2, "2026-02-05T10:00"),
            root_cause="system error",
        ),
        # C4: February, still open, nothing done, no category, overdue acknowledgement.
        make(
            "C4",
            "2026-02-10T09:00",
            [],
            category=None,
            product=None,
            assignee=None,
            deadlines=[("acknowledge", "2026-02-11T09:00", None)],
        ),
    ]


# -- push-down: random stores, specs and calendars shared by the adapter tests ----

_RENAMES = (
    "ComplaintReopened",
    "ComplainantRejected",
    "ComplaintWithdrawn",
    "HoldingResponseSent",
)


@st.composite
def _varied(draw, complaint):
    """Rename some events to the ones analysis reads but the strategy never makes."""
    history = list(complaint.history)
    for i in range(1, len(history)):
        if draw(st.booleans()):
            history[i] = attrs.evolve(history[i], name=draw(st.sampled_from(_RENAMES)))
    return attrs.evolve(complaint, history=tuple(history))


@st.composite
def _specs(draw):
    as_of = draw(utc_datetimes(min_value=datetime(2000, 6, 1)))
    period = draw(
        st.none()
        | st.builds(
            lambda year, month: Period.parse(f"{year}-{month:02d}"),
            st.integers(2000, 2090),
            st.integers(1, 12),
        )
        | st.just(Period.parse("2000")),
    )
    return KpiSpec(
        as_of=as_of,
        period=period,
        granularity=draw(st.sampled_from(Granularity)),
        ageing_days=draw(st.sampled_from([(7, 14, 28, 56), (0,), (1, 400, 9000)])),
    )


_CALENDARS = st.sampled_from(
    [
        None,
        WeekdayCalendar(zone="UTC"),
        WeekdayCalendar(zone="Europe/London"),
        WeekdayCalendar(zone="Australia/Sydney", closed=[date(2026, 1, 26)]),
        WeekdayCalendar(zone=timezone(timedelta(hours=-5, minutes=-30))),
    ]
)


@pytest.fixture(scope="session")
def pushdown_complaints():
    """Strategy of lists of random complaints with distinct ids."""
    return st.lists(
        complaints(max_events=7).flatmap(_varied),
        max_size=6,
        unique_by=lambda c: c.id,
    )


@pytest.fixture(scope="session")
def pushdown_specs():
    """Strategy of ``(KpiSpec, calendar)`` pairs, zones with and without DST."""
    return st.tuples(_specs(), _CALENDARS)


def _successor(complaint, step, outcome, remedy):
    """Return a later version that changes what the KPIs read."""
    names = ["ComplaintClosed", "ComplaintReopened", "ComplaintAcknowledged"]
    decision = Decision(
        outcome=outcome,
        summary="s",
        decided_by="a",
        decided_at=complaint.history[-1].at,
        remedies=(remedy,),
    )
    # Every fourth save also moves the receipt (time and channel), which no
    # workflow step does but a save may: the stored facts must follow.
    moved = (
        {
            "received_at": complaint.received_at - timedelta(hours=1),
            "channel": Channel.PHONE
            if complaint.channel is not Channel.PHONE
            else Channel.EMAIL,
        }
        if step % 4 == 3
        else {}
    )
    return next_version(
        complaint,
        name=names[step % 3],
        assignee=f"agent-{step % 2}",
        decision=decision if step % 2 else complaint.decision,
        **moved,
    )


@pytest.fixture(scope="session")
def churn():
    """Return ``churn(repo, items, outcome, remedy) -> current complaints``.

    Adds half of ``items`` one by one and imports the rest, saves a later
    version of each (new event names, assignees and decisions), erases the
    personal data of every third, and returns what is stored now: the work
    the facts tables must keep in step with.
    """

    def run(repo, items, outcome, remedy):
        half = len(items) // 2
        for complaint in items[:half]:
            repo.add(complaint)
        repo.import_complaints(items[half:], batch_size=2)
        for step, complaint in enumerate(items):
            repo.save(
                _successor(complaint, step, outcome, remedy),
                expected_version=complaint.version,
            )
        for complaint in items[::3]:
            repo.erase_personal_data(
                complaint.id,
                actor="dpo",
                at=datetime(2099, 12, 31, tzinfo=timezone.utc),
            )
        return [repo.get(c.id) for c in items]

    return run
