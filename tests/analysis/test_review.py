from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone

import html5lib
import pytest

from iso10002.analysis import KpiSpec, build_management_review, render_html
from iso10002.analysis.evidence import EvidenceStatus, OrganisationRecords
from iso10002.analysis.review import (
    SECTIONS,
    ActionStatus,
    Direction,
    ImprovementAction,
    Objective,
    review_to_json,
)
from iso10002.errors import ValidationError

AS_OF = datetime(2026, 3, 1, tzinfo=timezone.utc)


@pytest.fixture
def records():
    """Records of an organisation that has done most, but not all, of its homework."""
    return OrganisationRecords(
        commitment_statement=True,
        complaints_policy_published=True,
        accountable_manager="Head of Customer Care",
        roles_and_authorities_defined=True,
        process_documented=True,
        resources_allocated=True,
        training_records=True,
        competence_records=False,
        information_published=True,
        objectives=(
            Objective(metric="median_hours_to_acknowledge", target=24),
            Objective(metric="upheld_rate", target=0.5, direction="at_least"),
        ),
        last_internal_audit=date(2025, 10, 1),
        improvement_actions=(
            ImprovementAction(
                id="IA-1",
                title="Fix billing batch",
                owner="Billing team",
                cause="system error",
            ),
        ),
    )


@pytest.fixture
def review(sample, records):
    """A review of the fixed sample with the records above."""
    return build_management_review(sample, KpiSpec(as_of=AS_OF), records=records)


class TestBuildManagementReview:
    def test_objectives_are_measured(self, review):
        """A 2-hour median meets 24 hours; a third upheld misses 'at least half'."""
        (ack, upheld) = review.objectives
        assert (ack.actual, ack.met) == (2.0, True)
        assert upheld.direction is Direction.AT_LEAST
        assert upheld.met is False

    def test_charts_and_paretos(self, review):
        """The pack charts volumes, upheld share and breaches, and ranks causes."""
        assert [c.kind.value for c in review.charts] == ["c", "p", "p"]
        assert review.root_causes.vital_few == ("system error",)
        assert review.actions[0].status is ActionStatus.OPEN

    def test_self_assessment_per_clause(self, review):
        """Clause 5 is evidenced, 6 and 8 partly, 4 missing (no policy set)."""
        status = {c.clause: c.status for c in review.self_assessment.clauses}
        assert [*status] == ["4", "5", "6", "7", "8"]
        assert status["5"] is EvidenceStatus.EVIDENCED
        assert status["6"] is EvidenceStatus.PARTLY_EVIDENCED
        assert status["4"] is EvidenceStatus.MISSING
        assert status["8"] is EvidenceStatus.PARTLY_EVIDENCED

    def test_rejects_bad_arguments(self, sample):
        """A plain dict is neither a spec nor organisation records."""
        with pytest.raises(ValidationError):
            build_management_review(sample, {"as_of": AS_OF})  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            build_management_review(sample, KpiSpec(as_of=AS_OF), records={})  # type: ignore[arg-type]

    def test_unknown_metric_is_refused(self):
        """An objective on an unknown metric is refused, naming the field."""
        with pytest.raises(ValidationError) as info:
            Objective(metric="happiness", target=1)
        assert info.value.field == "metric"


class TestRenderHtml:
    def test_parses_as_valid_html_with_every_section(self, review):
        """html5lib parses the page strictly and finds every section by id."""
        page = render_html(review)
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        tree = parser.parse(page)
        ids = [s.get("id") for s in tree.iter("section")]
        assert ids == [i for i, _ in SECTIONS]
        assert len(list(tree.iter("{http://www.w3.org/2000/svg}svg"))) >= 6

    def test_references_nothing_outside_the_page(self, review):
        """No URL, no src or external href, no script, no @import: it opens offline.

        ``url(#id)`` (a chart's clip path) names a part of the page itself.
        """
        page = render_html(review)
        assert not re.search(
            r"(?i)(https?:|ftp:|//[a-z0-9]|src=|<script|@import|url\((?!#))", page
        )
        ids = set(re.findall(r' id="([^"]*)"', page))
        links = set(re.findall(r'href="([^"]*)"', page))
        assert {f"#{i}" for i, _ in SECTIONS} <= links
        assert all(link.startswith("#") and link[1:] in ids for link in links)

    def test_is_readable_in_print(self, review):
        """A print stylesheet hides navigation and keeps sections together."""
        page = render_html(review)
        assert "@media print" in page
        assert "nav{display:none}" in page

    def test_contains_no_personal_data(self, review, secrets):
        """Names, descriptions, contacts and comments never reach page or JSON."""
        page = render_html(review)
        text = review_to_json(review)
        for secret in secrets:
            assert secret not in page
            assert secret not in text

    def test_escapes_text_from_records(self, sample):
        """Markup in an action title is shown as text, not interpreted."""
        action = ImprovementAction(id="IA-9", title="<b>bold</b> & co", owner="Ops")
        page = render_html(
            build_management_review(sample, KpiSpec(as_of=AS_OF), actions=[action])
        )
        assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in page

    def test_rejects_other_objects(self):
        """Only a ManagementReview can be rendered."""
        with pytest.raises(ValidationError):
            render_html({})  # type: ignore[arg-type]


class TestReviewToJson:
    def test_same_content_as_the_page(self, review):
        """The JSON holds the KPIs, charts, evidence, actions and self-assessment."""
        data = json.loads(review_to_json(review))
        assert data["kpis"]["complaints"] == 4
        assert len(data["charts"]) == 3
        assert data["evidence"]["checks"][0]["id"] == "owner-assigned"
        assert data["actions"][0]["id"] == "IA-1"
        assert data["self_assessment"]["clauses"][0]["clause"] == "4"
        assert data["categories"]["items"][0]["key"] == "billing"
