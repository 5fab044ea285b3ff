from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.analysis import Granularity, KpiSpec, Period, compute_kpis
from iso10002.analysis.kpis import KpiAccumulator, nearest_rank
from iso10002.calendars import WeekdayCalendar
from iso10002.errors import ValidationError
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
from iso10002.serialization import to_dict
from iso10002.testing.strategies import utc_datetimes

AS_OF = datetime(2026, 3, 1, tzinfo=timezone.utc)


class TestNearestRank:
    def test_median_and_p90_of_small_lists(self):
        """Nearest rank picks the ceil(q*n)-th value, like SQL percentile_disc."""
        assert nearest_rank([1, 2, 3, 4], 0.5) == 2
        assert nearest_rank([1, 2, 3, 4, 5], 0.5) == 3
        assert nearest_rank(list(range(1, 11)), 0.9) == 9
        assert nearest_rank([7], 0.9) == 7


class TestKpiSpec:
    def test_rejects_naive_as_of(self):
        """A naive instant is refused, naming the field."""
        with pytest.raises(ValidationError) as info:
            KpiSpec(as_of=datetime(2026, 1, 1))
        assert info.value.field == "as_of"

    @pytest.mark.parametrize("bad", [(), (7, 7), (14, 7), (-1,), (True,)])
    def test_rejects_bad_ageing_buckets(self, bad):
        """Age bounds must be a non-empty increasing tuple of non-negative integers."""
        with pytest.raises(ValidationError) as info:
            KpiSpec(as_of=AS_OF, ageing_days=bad)
        assert info.value.field == "ageing_days"


class TestComputeKpis:
    def test_hand_computed_figures(self, sample):
        """Every KPI of the fixed sample equals the value worked out by hand."""
        r = compute_kpis(sample, KpiSpec(as_of=AS_OF))
        assert r.complaints == 4
        assert r.volumes.by_period == {"2026-01": 2, "2026-02": 2}
        assert r.volumes.by_channel == {"phone": 1, "web": 3}
        assert r.volumes.by_category == {
            "(unclassified)": 1,
            "billing": 2,
            "service": 1,
        }
        assert r.volumes.by_product == {"(none)": 1, "current account": 3}
        assert r.volumes.by_root_cause == {"system error": 2}
        ack = r.time_to_acknowledge
        assert (ack.count, ack.median_hours, ack.p90_hours, ack.max_hours) == (
            3,
            2.0,
            26.0,
            26.0,
        )
        assert (
            ack.median_business_days,
            ack.p90_business_days,
            ack.max_business_days,
        ) == (0, 1, 1)
        final = r.time_to_final_response
        assert (final.median_hours, final.p90_hours, final.max_hours) == (
            96.0,
            336.0,
            336.0,
        )
        assert (final.median_business_days, final.p90_business_days) == (4, 10)
        (deadline,) = r.deadlines
        assert (deadline.step, deadline.met, deadline.missed, deadline.pending) == (
            "acknowledge",
            1,
            2,
            0,
        )
        assert deadline.met_share == pytest.approx(1 / 3)
        assert r.outcomes.decided == 3
        assert r.outcomes.counts == {
            "not_upheld": 1,
            "partially_upheld": 1,
            "upheld": 1,
        }
        assert r.outcomes.upheld_rate == pytest.approx(1 / 3)
        assert r.redress.totals == {"EUR": Decimal(10), "GBP": Decimal("55.00")}
        assert r.redress.complaints_with_redress == 2
        assert (r.closed, r.reopened, r.communicated, r.appealed) == (3, 1, 3, 1)
        assert r.backlog.open == 2
        assert [b.count for b in r.backlog.buckets] == [0, 0, 1, 1, 0]
        sat = r.satisfaction
        assert (sat.responses, sat.eligible, sat.mean) == (2, 3, 3.0)
        assert sat.distribution == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0}
        assert [(h.handler, h.assigned, h.open) for h in r.workload] == [
            ("(unassigned)", 1, 1),
            ("agent-1", 2, 0),
            ("agent-2", 1, 1),
        ]
        assert [
            (
                s.period,
                s.received,
                s.decided,
                s.upheld,
                s.deadlines_resolved,
                s.deadlines_missed,
            )
            for s in r.series
        ] == [("2026-01", 2, 2, 1, 2, 1), ("2026-02", 2, 1, 1, 1, 1)]

    def test_empty_input_gives_none_rates(self):
        """With no complaints, counts are 0 and rates and statistics are None."""
        r = compute_kpis(iter(()), KpiSpec(as_of=AS_OF))
        assert r.complaints == 0
        assert r.time_to_acknowledge.median_hours is None
        assert r.outcomes.upheld_rate is None
        assert r.satisfaction.mean is None

    def test_events_after_as_of_are_ignored(self, sample):
        """At an earlier instant, later acknowledgements and closures do not count."""
        r = compute_kpis(
            sample, KpiSpec(as_of=datetime(2026, 1, 5, 12, 30, tzinfo=timezone.utc))
        )
        assert r.complaints == 2
        assert r.time_to_acknowledge.count == 1
        assert r.closed == 0
        assert r.backlog.open == 2

    def test_period_restricts_flow_but_not_backlog(self, sample):
        """Flow measures count February only; the backlog still sees January's."""
        spec = KpiSpec(as_of=AS_OF, period=Period.parse("2026-02"))
        r = compute_kpis(sample, spec)
        assert r.complaints == 2
        assert r.period == "2026-02"
        assert r.backlog.open == 2

    def test_business_days_follow_the_calendar(self, make):
        """A closure day between receipt and acknowledgement is not a business day."""
        c = make(
            "X", "2026-01-05T10:00", [("ComplaintAcknowledged", "2026-01-07T10:00")]
        )
        closed = WeekdayCalendar(closed=[datetime(2026, 1, 6).date()])
        plain = compute_kpis([c], KpiSpec(as_of=AS_OF))
        fewer = compute_kpis([c], KpiSpec(as_of=AS_OF), calendar=closed)
        assert plain.time_to_acknowledge.max_business_days == 2
        assert fewer.time_to_acknowledge.max_business_days == 1

    def test_years_apart_in_either_order(self, make):
        """Business days agree whether a far older complaint comes first or last."""
        old = make(
            "old", "2019-03-01T10:00", [("ComplaintAcknowledged", "2019-03-05T10:00")]
        )
        new = make(
            "new", "2026-01-05T10:00", [("ComplaintAcknowledged", "2026-01-12T10:00")]
        )
        forward = compute_kpis([new, old], KpiSpec(as_of=AS_OF))
        assert forward == compute_kpis([old, new], KpiSpec(as_of=AS_OF))
        assert forward.time_to_acknowledge.max_business_days == 5

    def test_rejects_a_calendar_without_business_days(self, sample):
        """A calendar must tell business days and its zone."""
        with pytest.raises(ValidationError) as info:
            compute_kpis(sample, KpiSpec(as_of=AS_OF), calendar=object())
        assert info.value.field == "calendar"

    def test_granularity_changes_period_labels(self, sample):
        """Quarterly series put January and February in one period."""
        r = compute_kpis(sample, KpiSpec(as_of=AS_OF, granularity=Granularity.QUARTER))
        assert r.volumes.by_period == {"2026-Q1": 4}

    def test_rejects_non_complaints(self):
        """An item that is not a Complaint is refused with a ValidationError."""
        with pytest.raises(ValidationError, match="Complaint"):
            compute_kpis([object()], KpiSpec(as_of=AS_OF))  # type: ignore[list-item]

    def test_result_serialises_to_json_data(self, sample):
        """The report goes through the project's serialiser."""
        data = to_dict(compute_kpis(sample, KpiSpec(as_of=AS_OF)))
        assert data["redress"]["totals"] == {"EUR": "10", "GBP": "55.00"}
        assert data["granularity"] == "month"

    def test_consumes_a_generator_once(self, sample):
        """A one-shot generator is enough: the input is streamed."""
        r = compute_kpis((c for c in sample), KpiSpec(as_of=AS_OF))
        assert r == compute_kpis(sample, KpiSpec(as_of=AS_OF))


_EVENTS = [
    "ComplaintAcknowledged",
    "ComplaintAssessed",
    "DecisionCommunicated",
    "ComplaintClosed",
    "ComplaintReopened",
    "ComplainantRejected",
    "ComplaintWithdrawn",
    "HoldingResponseSent",
]


_WHEN = utc_datetimes(min_value=datetime(2025, 6, 1), max_value=datetime(2026, 6, 1))
_REMEDY = st.builds(
    lambda kind, money: Remedy(
        kind=kind, amount=money and Decimal(money[0]), currency=money and money[1]
    ),
    st.sampled_from(RemedyKind),
    st.none() | st.tuples(st.integers(0, 500), st.sampled_from(["GBP", "EUR"])),
)


@st.composite
def light_complaints(draw):
    """Complaints varied in what analysis reads, cheap in everything else."""
    received = draw(_WHEN)
    history = [
        HistoryEvent(sequence=1, name="ComplaintReceived", at=received, actor="web")
    ]
    when = received
    for name in draw(st.lists(st.sampled_from(_EVENTS), max_size=5)):
        when += draw(
            st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40))
        )
        history.append(
            HistoryEvent(
                sequence=len(history) + 1,
                name=name,
                at=when,
                actor="a",
                data={"ombudsman_rights": draw(st.booleans())},
            )
        )
    outcome = draw(st.none() | st.sampled_from(Outcome))
    decision = (
        None
        if outcome is None
        else Decision(
            outcome=outcome,
            summary="s",
            decided_by="a",
            decided_at=when,
            remedies=tuple(draw(st.lists(_REMEDY, max_size=2))),
            escalation_route=draw(st.none() | st.just("ombudsman")),
        )
    )
    return Complaint(
        id=draw(st.uuids()).hex,
        reference="R",
        received_at=received,
        channel=draw(st.sampled_from(Channel)),
        received_by="web",
        complainant=Complainant(name="n"),
        description="d",
        subject=Subject(product=draw(st.none() | st.sampled_from(["card", "loan"]))),
        classification=draw(
            st.none()
            | st.sampled_from(["billing", "delay"]).map(
                lambda c: Classification(category=c)
            )
        ),
        status="received",
        assignee=draw(st.none() | st.sampled_from(["a1", "a2"])),
        deadlines=tuple(
            draw(
                st.lists(
                    st.builds(
                        DueDate,
                        step=st.sampled_from(["acknowledge", "final_response"]),
                        due_at=_WHEN,
                        met_at=st.none() | _WHEN,
                    ),
                    max_size=2,
                )
            )
        ),
        decision=decision,
        outcome=draw(st.none() | st.just(outcome)),
        root_cause=draw(st.none() | st.just(RootCause(category="process"))),
        satisfaction=draw(
            st.none()
            | st.builds(
                SatisfactionFeedback, score=st.integers(1, 5), received_at=_WHEN
            )
        ),
        version=len(history),
        history=tuple(history),
    )


_SPEC = KpiSpec(
    as_of=datetime(2100, 1, 1, tzinfo=timezone.utc), granularity=Granularity.YEAR
)


class TestKpiAccumulator:
    @given(st.lists(light_complaints(), max_size=6), st.randoms())
    def test_invariant_to_input_order(self, items, rnd):
        """Shuffling the complaints gives the same report."""
        shuffled = list(items)
        rnd.shuffle(shuffled)
        assert compute_kpis(items, _SPEC) == compute_kpis(shuffled, _SPEC)

    @given(st.lists(light_complaints(), max_size=6))
    def test_split_by_period_and_merge_gives_same_totals(self, items):
        """Accumulating each year apart and merging equals one pass over everything."""
        whole = compute_kpis(items, _SPEC)
        parts: dict[int, KpiAccumulator] = {}
        for c in items:
            parts.setdefault(c.received_at.year, KpiAccumulator(_SPEC)).add(c)
        merged = KpiAccumulator(_SPEC)
        for acc in parts.values():
            merged.merge(acc)
        assert merged.result() == whole

    def test_merge_refuses_a_different_spec(self):
        """Accumulators built for different specs cannot be merged."""
        with pytest.raises(ValidationError):
            KpiAccumulator(_SPEC).merge(KpiAccumulator(KpiSpec(as_of=AS_OF)))

    def test_rejects_a_wrong_spec(self):
        """The spec must be a KpiSpec."""
        with pytest.raises(ValidationError):
            KpiAccumulator({"as_of": AS_OF})  # type: ignore[arg-type]

    def test_random_merge_of_fixed_sample(self, sample):
        """Any two-way split of the sample merges back to the whole."""
        spec = KpiSpec(as_of=AS_OF)
        for seed in range(5):
            flags = [random.Random(seed).random() < 0.5 for _ in sample]
            a, b = KpiAccumulator(spec), KpiAccumulator(spec)
            for c, left in zip(sample, flags, strict=True):
                (a if left else b).add(c)
            a.merge(b)
            assert a.result() == compute_kpis(sample, spec)
