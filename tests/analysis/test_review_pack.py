"""The review pack as a reader sees it: periods, limits, top N, remedies, appeals."""

from __future__ import annotations

import itertools
import subprocess
import sys
from datetime import date, datetime, timezone
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.analysis import (
    Granularity,
    KpiSpec,
    Period,
    build_management_review,
    compute_kpis,
    render_html,
)
from iso10002.analysis._review_parts import exposures
from iso10002.analysis._svg import require_report_extra
from iso10002.analysis.charts import RunRule, c_chart, p_chart, pareto, review_charts
from iso10002.analysis.kpis import granularity_for, period_labels
from iso10002.analysis.review import human_label, review_to_dict
from iso10002.errors import ValidationError
from iso10002.model import (
    Channel,
    Complainant,
    Complaint,
    HistoryEvent,
    Outcome,
    Remedy,
    RemedyKind,
)
from iso10002.principles import policies_for
from iso10002.testing.strategies import utc_datetimes

Q1 = Period.parse("2026-Q1")
END_Q1 = datetime(2026, 4, 1, tzinfo=timezone.utc)


def _decided(make, id, remedies, outcome=Outcome.UPHELD, events=()):  # noqa: A002
    complaint = make(id, "2026-01-05T10:00", events, outcome=outcome)
    return attrs.evolve(
        complaint, decision=attrs.evolve(complaint.decision, remedies=remedies)
    )


class TestSeriesRespectTime:
    def test_empty_months_are_zeros(self, make):
        """January 3, February none, March 3: February is a zero in the series."""
        data = [make(f"J{i}", "2026-01-10T10:00") for i in range(3)] + [
            make(f"M{i}", "2026-03-10T10:00") for i in range(3)
        ]
        kpis = compute_kpis(data, KpiSpec(as_of=END_Q1, period=Q1))
        assert [(s.period, s.received) for s in kpis.series] == [
            ("2026-01", 3),
            ("2026-02", 0),
            ("2026-03", 3),
        ]
        assert kpis.volumes.by_period == {"2026-01": 3, "2026-02": 0, "2026-03": 3}

    def test_c_chart_centre_is_over_every_period(self, make):
        """The centre line is 6 complaints / 3 months = 2, not 6 / 2 = 3."""
        data = [make(f"J{i}", "2026-01-10T10:00") for i in range(3)] + [
            make(f"M{i}", "2026-03-10T10:00") for i in range(3)
        ]
        review = build_management_review(data, KpiSpec(as_of=END_Q1, period=Q1))
        assert review.charts[0].centre == 2.0
        assert [p.value for p in review.charts[0].points] == [3.0, 0.0, 3.0]

    def test_weekly_quarter_shows_every_week(self, make):
        """2026-Q1 at weekly granularity has its 14 ISO weeks, W01 to W14."""
        spec = KpiSpec(as_of=END_Q1, period=Q1, granularity=Granularity.WEEK)
        kpis = compute_kpis([make("C1", "2026-02-10T10:00")], spec)
        labels = [s.period for s in kpis.series]
        assert labels == [f"2026-W{w:02d}" for w in range(1, 15)]
        assert sum(s.received for s in kpis.series) == 1

    def test_series_stops_at_as_of(self, make):
        """Months after the review date have not happened: they are not zeros."""
        as_of = datetime(2026, 2, 15, tzinfo=timezone.utc)
        kpis = compute_kpis(
            [make("C1", "2026-01-10T10:00")], KpiSpec(as_of=as_of, period=Q1)
        )
        assert [s.period for s in kpis.series] == ["2026-01", "2026-02"]

    def test_without_period_from_first_complaint_to_as_of(self, make):
        """With no period the series runs from the first complaint's month."""
        data = [make("A", "2025-11-03T10:00"), make("B", "2026-01-10T10:00")]
        kpis = compute_kpis(
            data, KpiSpec(as_of=datetime(2026, 1, 31, tzinfo=timezone.utc))
        )
        assert [(s.period, s.received) for s in kpis.series] == [
            ("2025-11", 1),
            ("2025-12", 0),
            ("2026-01", 1),
        ]

    def test_period_labels(self):
        """Every period overlapping the days, oldest first."""
        assert period_labels(date(2025, 11, 15), date(2026, 2, 1), "month") == (
            "2025-11",
            "2025-12",
            "2026-01",
        )
        assert period_labels(date(2026, 1, 1), date(2026, 1, 1), "day") == ()

    @pytest.mark.parametrize(
        ("start", "end", "expected"),
        [
            (date(2026, 3, 1), date(2026, 4, 1), Granularity.DAY),
            (date(2026, 1, 1), date(2026, 4, 1), Granularity.WEEK),
            (date(2025, 1, 1), date(2026, 1, 1), Granularity.MONTH),
            (date(2015, 1, 1), date(2026, 1, 1), Granularity.QUARTER),
        ],
    )
    def test_granularity_adapts_to_the_range(self, start, end, expected):
        """Days for a month, weeks for a quarter, months for a year, quarters beyond."""
        assert granularity_for(start, end) is expected

    def test_granularity_for_refuses_an_empty_range(self):
        """The end must come after the start."""
        with pytest.raises(ValidationError):
            granularity_for(date(2026, 1, 2), date(2026, 1, 1))


class TestGapsAndStability:
    def test_signals_skip_gaps_and_name_original_indices(self):
        """Eight points above the centre around a gap still make a run, indices kept."""
        rows = [(f"a{i}", 0, 10) for i in range(8)]
        rows += [(f"b{i}", 5, 10) for i in range(4)]
        rows += [("gap", 0, 0)]
        rows += [(f"c{i}", 5, 10) for i in range(4)]
        chart = p_chart("upheld", rows)
        (run,) = [
            s
            for s in chart.signals
            if s.rule is RunRule.EIGHT_ON_ONE_SIDE and s.label == "c3"
        ]
        assert run.indices == (8, 9, 10, 11, 13, 14, 15, 16)

    def test_most_points_signalling_means_not_stable(self):
        """A steady climb: most points signal, so the chart says it once."""
        chart = c_chart("climb", [(f"m{i}", 10 * i) for i in range(12)])
        assert chart.unstable
        assert len(chart.flagged) * 2 > len(chart.points)

    def test_common_cause_is_stable(self):
        """A flat series signals nothing and is stable."""
        chart = c_chart("flat", [(f"m{i}", 10) for i in range(12)])
        assert (chart.flagged, chart.unstable) == ((), False)


class TestParetoTop:
    def test_rest_is_one_other_item(self):
        """Top 2 of 4 keeps a, b and one item holding c and d together."""
        chart = pareto("c", {"a": 5, "b": 3, "c": 1, "d": 1})
        shown, other = chart.top(2)
        assert [i.key for i in shown] == ["a", "b"]
        assert (other.key, other.count, other.share) == ("2 others", 2, 0.2)
        assert other.cumulative_share == 1.0

    def test_nothing_left_means_no_other(self):
        """When every item fits there is no 'other' item."""
        assert pareto("c", {"a": 1}).top(3)[1] is None

    def test_top_needs_a_positive_count(self):
        """Zero or a non-integer is refused."""
        with pytest.raises(ValidationError):
            pareto("c", {"a": 1}).top(0)


class TestRemediesAndAppeals:
    def test_remedies_counted_with_and_without_amounts(self, make):
        """A refund without an amount is money; an apology alone is not."""
        data = [
            _decided(make, "R1", (Remedy(kind=RemedyKind.REFUND),)),
            _decided(
                make,
                "R2",
                (
                    Remedy(kind=RemedyKind.APOLOGY),
                    Remedy(
                        kind=RemedyKind.COMPENSATION,
                        amount=Decimal(20),
                        currency="GBP",
                    ),
                ),
            ),
            _decided(make, "R3", (Remedy(kind=RemedyKind.APOLOGY),)),
            _decided(make, "R4", (Remedy(kind=RemedyKind.NONE),)),
        ]
        review = build_management_review(data, KpiSpec(as_of=END_Q1, period=Q1))
        r = review.remedies
        assert (r.decided, r.with_remedy, r.monetary, r.with_amount) == (4, 3, 2, 1)
        assert r.non_monetary_only == 1
        kinds = {k.kind: (k.complaints, k.with_amount) for k in r.by_kind}
        assert kinds == {"apology": (2, 0), "refund": (1, 0), "compensation": (1, 1)}
        assert review.kpis.redress.complaints_with_redress == 1

    def test_appeal_rate_excludes_decisions_that_cannot_be_appealed(self, make):
        """One of two decisions on the merits appealed: 50 %, not 1 of 3."""
        sent = ("DecisionCommunicated", "2026-01-09T10:00")
        rejected = ("ComplainantRejected", "2026-01-10T10:00")
        data = [
            make("A1", "2026-01-05T10:00", [sent, rejected], outcome=Outcome.UPHELD),
            make("A2", "2026-01-05T10:00", [sent], outcome=Outcome.NOT_UPHELD),
            make("A3", "2026-01-05T10:00", [sent], outcome=Outcome.DUPLICATE),
        ]
        review = build_management_review(data, KpiSpec(as_of=END_Q1, period=Q1))
        assert (review.appeals.eligible, review.appeals.appealed) == (2, 1)
        assert review.appeals.rate == 0.5


class TestPack:
    def test_id_lists_are_capped_counts_kept(self, make):
        """Five overdue complaints: one id listed, the count still says five."""
        data = [
            make(
                f"C{i}",
                "2026-01-05T10:00",
                deadlines=[("acknowledge", "2026-01-06T10:00", None)],
            )
            for i in range(5)
        ]
        review = build_management_review(
            data, KpiSpec(as_of=END_Q1, period=Q1), ids_shown=1
        )
        checks = [c for c in review.evidence.checks if c.applicable > c.conforming]
        assert checks
        for check in checks:
            assert len(check.nonconforming_ids) <= 1
        assert max(c.applicable - c.conforming for c in checks) == 5
        assert review_to_dict(review)["ids_shown"] == 1
        everything = build_management_review(
            data, KpiSpec(as_of=END_Q1, period=Q1), ids_shown=None
        )
        assert max(len(c.nonconforming_ids) for c in everything.evidence.checks) == 5

    def test_every_id_list_is_capped(self, sample):
        """Checks, principles and findings alike list one id at most."""
        review = build_management_review(
            sample,
            KpiSpec(as_of=END_Q1),
            policies=policies_for("iso10002:2018"),
            ids_shown=1,
        )
        e = review.evidence
        assert any(p.evaluated - p.conforming > 1 for p in e.principles)
        assert any(f.count > 1 for f in e.findings)
        lists = [c.nonconforming_ids for c in e.checks]
        lists += [p.nonconforming_ids for p in e.principles]
        lists += [f.complaint_ids for f in e.findings]
        assert max(len(ids) for ids in lists) == 1

    def test_push_down_kpis_are_used_as_given(self, make, sample):
        """KPIs computed elsewhere for the same spec make the same pack."""
        spec = KpiSpec(as_of=END_Q1)
        streamed = build_management_review(sample, spec)
        given = build_management_review(sample, spec, kpis=compute_kpis(sample, spec))
        assert review_to_dict(given) == review_to_dict(streamed)

    def test_kpis_for_another_spec_are_refused(self, sample):
        """KPIs of another instant would mix two reviews: refused."""
        other = compute_kpis(
            sample, KpiSpec(as_of=datetime(2026, 2, 1, tzinfo=timezone.utc))
        )
        with pytest.raises(ValidationError) as info:
            build_management_review(sample, KpiSpec(as_of=END_Q1), kpis=other)
        assert info.value.field == "kpis"

    def test_page_charts_have_both_pareto_axes_and_other(self, make):
        """The Pareto shows a counts axis, a share axis and one bar for the rest."""
        data = [
            make(f"C{i}", "2026-01-05T10:00", category=f"category {i % 20}")
            for i in range(60)
        ]
        page = render_html(
            build_management_review(data, KpiSpec(as_of=END_Q1, period=Q1))
        )
        assert "Cumulative share" in page
        assert "8 others" in page
        assert "Complaints" in page

    def test_unstable_is_said_once(self, make):
        """A steady climb is described by one note, not a mark on every point."""
        data = [
            make(f"C{m}-{i}", f"2026-{m:02d}-10T10:00")
            for m in range(1, 13)
            for i in range(m * m)
        ]
        year = Period.parse("2026")
        review = build_management_review(
            data, KpiSpec(as_of=datetime(2027, 1, 1, tzinfo=timezone.utc), period=year)
        )
        assert review.charts[0].unstable
        page = render_html(review)
        assert page.count("The process is not stable") == 1
        assert len(review.charts) == 1  # nothing decided: no p-chart
        assert "beyond 3" not in page  # no point marked, no rule in a legend
        assert '<th scope="col">Rule</th>' not in page  # no table of signals

    def test_codes_read_as_words(self):
        """Codes become words; free text and dotted names stay as they are."""
        assert human_label("not_upheld") == "Not upheld"
        assert human_label("partially_upheld") == "Partly upheld"
        assert human_label("process_change") == "Process change"
        assert human_label("iso10002.standard") == "iso10002.standard"
        assert human_label("system error") == "system error"


class TestReportExtra:
    def test_core_import_needs_neither_matplotlib_nor_jinja2(self):
        """Importing the package and its analysis loads no plotting or template code."""
        code = (
            "import sys, iso10002, iso10002.analysis, iso10002.cli;"
            "assert 'matplotlib' not in sys.modules, 'matplotlib';"
            "assert 'jinja2' not in sys.modules, 'jinja2'"
        )
        subprocess.run([sys.executable, "-c", code], check=True)

    def test_missing_extra_is_named(self, monkeypatch):
        """Without matplotlib the error says which extra to install."""
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        with pytest.raises(ImportError, match=r"iso10002\[report\]"):
            require_report_extra()


class TestChartsAsPictures:
    def test_markup_in_a_category_stays_text(self, make):
        """A category named like markup is escaped in the charts and tables."""
        data = [make("C1", "2026-01-05T10:00", category="<script>x</script> & co")]
        page = render_html(
            build_management_review(data, KpiSpec(as_of=END_Q1, period=Q1))
        )
        assert "<script" not in page
        assert "&lt;script&gt;x&lt;/script&gt; &amp; co" in page

    def test_review_charts_are_png(self, sample):
        """Every chart of the page comes out as PNG, named as documented."""
        review = build_management_review(sample, KpiSpec(as_of=END_Q1))
        pictures = review_charts(review, dpi=40)
        assert list(pictures) == [
            "c-chart",
            "p-chart-upheld",
            "p-chart-deadlines",
            "pareto-categories",
            "pareto-root-causes",
            "channels",
            "satisfaction",
        ]
        assert all(png.startswith(b"\x89PNG\r\n\x1a\n") for png in pictures.values())

    def test_review_charts_refuse_other_objects(self):
        """Only a ManagementReview, and a sensible resolution."""
        with pytest.raises(ValidationError):
            review_charts({})  # type: ignore[arg-type]

    def test_chart_title_is_above_its_chart(self, sample):
        """Each figure opens with its title, then the picture."""
        page = render_html(build_management_review(sample, KpiSpec(as_of=END_Q1)))
        for figure in page.split("<figure>")[1:]:
            assert figure.lstrip().startswith("<h3>")
            assert figure.index("</h3>") < figure.index("<svg")


class TestPartialPeriods:
    def test_edge_weeks_of_a_quarter_are_scaled(self, make):
        """W01 of 2026-Q1 has 4 of its 7 days in the quarter: a u-chart scales it."""
        spec = KpiSpec(as_of=END_Q1, period=Q1, granularity=Granularity.WEEK)
        data = [make("C1", "2026-01-02T10:00"), make("C2", "2026-01-02T11:00")]
        review = build_management_review(data, spec)
        chart = review.charts[0]
        assert chart.kind.value == "u"
        first, last = chart.points[0], chart.points[-1]
        # 2026-W01 runs Mon 29 Dec to Sun 4 Jan: 1-4 Jan are in the quarter.
        assert (first.label, first.size) == ("2026-W01", 4 / 7)
        assert first.value == 2 / (4 / 7)
        # 2026-W14 runs Mon 30 Mar to Sun 5 Apr: 30 and 31 March are in it.
        assert (last.label, last.size) == ("2026-W14", 2 / 7)
        assert all(p.size == 1 for p in chart.points[1:-1])

    def test_month_still_running_is_scaled(self, make):
        """As of 15 February, February is seen for 14 of its 28 days."""
        as_of = datetime(2026, 2, 15, tzinfo=timezone.utc)
        data = [make("J", "2026-01-10T10:00"), make("F", "2026-02-10T10:00")]
        chart = build_management_review(data, KpiSpec(as_of=as_of)).charts[0]
        assert chart.kind.value == "u"
        assert [(p.label, p.size, p.value) for p in chart.points] == [
            ("2026-01", 1.0, 1.0),
            ("2026-02", 0.5, 2.0),
        ]

    def test_whole_periods_keep_the_c_chart(self, make):
        """Months seen whole are counted on a c-chart, as before."""
        data = [make("J", "2026-01-10T10:00")]
        chart = build_management_review(data, KpiSpec(as_of=END_Q1, period=Q1)).charts[
            0
        ]
        assert chart.kind.value == "c"

    def test_hostile_arguments_are_named(self, make, sample):
        """A bad id cap, a non-complaint with given KPIs or a bad dpi name the field."""
        spec = KpiSpec(as_of=END_Q1)
        for bad in (-1, True, "3"):
            with pytest.raises(ValidationError) as info:
                build_management_review(sample, spec, ids_shown=bad)
            assert info.value.field == "ids_shown"
        kpis = compute_kpis(sample, spec)
        with pytest.raises(ValidationError) as info:
            build_management_review([*sample, "C9"], spec, kpis=kpis)
        assert info.value.field == "complaints"
        review = build_management_review(sample, spec)
        for dpi in (0, 10_000, 7.5):
            with pytest.raises(ValidationError) as info:
                review_charts(review, dpi=dpi)
            assert info.value.field == "dpi"


def _received(at):
    """A complaint received at ``at`` and nothing else."""
    return Complaint(
        id=f"P{at.timestamp():.0f}",
        reference="R",
        received_at=at,
        channel=Channel.WEB,
        received_by="w",
        complainant=Complainant(name="n"),
        description="d",
        status="received",
        version=1,
        history=(HistoryEvent(sequence=1, name="ComplaintReceived", at=at, actor="w"),),
    )


class TestSeriesProperties:
    @given(
        st.lists(
            utc_datetimes(
                min_value=datetime(2024, 1, 1), max_value=datetime(2026, 6, 30)
            ),
            max_size=12,
        ),
        st.sampled_from([g for g in Granularity if g is not Granularity.DAY]),
        st.sampled_from([None, "2025", "2025-Q3", "2025-03", "2025-W10"]),
        utc_datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31)),
    )
    def test_series_is_every_period_in_order(self, times, granularity, label, as_of):
        """Labels follow each other without a hole; counts add up; none after as_of."""
        period = None if label is None else Period.parse(label)
        spec = KpiSpec(as_of=as_of, period=period, granularity=granularity)
        kpis = compute_kpis([_received(t) for t in times], spec)
        labels = [s.period for s in kpis.series]
        assert sum(s.received for s in kpis.series) == kpis.complaints
        assert list(kpis.volumes.by_period) == labels
        for before, after in itertools.pairwise(labels):
            assert Period.parse(before).end == Period.parse(after).start
        if labels:
            assert Period.parse(labels[-1]).start <= as_of
            if period is not None:
                assert Period.parse(labels[0]).start <= period.start
        seen = exposures(labels, kpis.period, as_of, timezone.utc)
        assert all(0 <= share <= 1 for share in seen)
        assert all(share == 1 for share in seen[1:-1])
