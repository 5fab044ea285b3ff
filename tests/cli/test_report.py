"""``iso10002 report``: KPIs as text, the management review pack as HTML and JSON."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone

import attrs
import html5lib
import pytest

from iso10002.analysis import KpiSpec, ManagementReview, Period, compute_kpis
from iso10002.analysis.review import SECTIONS
from iso10002.serialization import to_dict

END_OF_2025 = datetime(2026, 1, 1, tzinfo=timezone.utc)

ORGANISATION = """\
commitment_statement = true
complaints_policy_published = true
accountable_manager = "Head of Customer Care"
roles_and_authorities_defined = true
last_internal_audit = 2025-10-01

[[objectives]]
metric = "upheld_rate"
target = 0.5
direction = "at_most"
label = "Upheld at most half"

[[improvement_actions]]
id = "IA-1"
title = "Fix the billing batch"
owner = "Billing team"
status = "in_progress"
"""


def _kpis(complaints, period: str | None = "2025", as_of=END_OF_2025):
    spec = KpiSpec(as_of=as_of, period=None if period is None else Period.parse(period))
    return compute_kpis(complaints, spec)


def _json_data(value):
    return json.loads(json.dumps(value))


class TestReportSummary:
    def test_prints_the_kpis_of_the_period(self, invoke, demo_db, demo_complaints):
        """Without --html/--json it prints the KPIs computed over the database."""
        kpis = _kpis(demo_complaints)
        result = invoke("report", "--db", str(demo_db), "--period", "2025")
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == (
            "KPIs for 2025, as of 2026-01-01 00:00 UTC: "
            f"{kpis.complaints:,} complaints received"
        )
        assert f"closed:          {kpis.closed:,} (" in result.stdout
        assert f"open at as-of:   {kpis.backlog.open:,} (" in result.stdout
        assert "Objectives (defaults; set your own in --organisation):" in lines
        assert result.stderr == ""

    def test_as_of_limits_what_is_counted(self, invoke, demo_db, demo_complaints):
        """``--as-of`` without a period counts every complaint received by then."""
        as_of = datetime(2025, 7, 1, tzinfo=timezone.utc)
        kpis = _kpis(demo_complaints, period=None, as_of=as_of)
        result = invoke("report", "--db", str(demo_db), "--as-of", "2025-07-01")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith(
            "KPIs for all complaints, as of 2025-07-01 00:00 UTC: "
            f"{kpis.complaints:,} complaints received"
        )
        assert kpis.complaints < len(demo_complaints)

    @pytest.mark.parametrize(
        "as_of",
        ["2025-07-01T00:00:00Z", "2025-07-01T00:00:00", "2025-07-01T02:00+02:00"],
    )
    def test_as_of_datetimes(self, invoke, demo_db, as_of):
        """``--as-of`` takes ISO datetimes; without an offset it is in --zone."""
        result = invoke("report", "--db", str(demo_db), "--as-of", as_of)
        assert result.exit_code == 0, result.stderr
        assert "as of 2025-07-01 00:00 UTC" in result.stdout.splitlines()[0]

    def test_objectives_from_the_organisation_file(self, invoke, demo_db, tmp_path):
        """The organisation's objectives replace the defaults in the summary."""
        organisation = tmp_path / "organisation.toml"
        organisation.write_text(ORGANISATION, encoding="utf-8")
        result = invoke(
            "report",
            "--db",
            str(demo_db),
            "--period",
            "2025",
            "--organisation",
            str(organisation),
        )
        assert result.exit_code == 0, result.stderr
        assert "Objectives (yours):" in result.stdout
        assert "Upheld at most half <= 0.5" in result.stdout
        assert "(default objective)" not in result.stdout


@pytest.fixture(scope="module")
def pack(invoke, demo_db, tmp_path_factory):
    """Write the pack of 2025 once as HTML and JSON; return both texts."""
    where = tmp_path_factory.mktemp("pack")
    html, data = where / "review.html", where / "review.json"
    result = invoke(
        "report",
        "--db",
        str(demo_db),
        "--period",
        "2025",
        "--html",
        str(html),
        "--json",
        str(data),
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"written to {html}" in result.stderr
    assert f"written to {data}" in result.stderr
    return html.read_text(encoding="utf-8"), data.read_text(encoding="utf-8")


class TestReportPack:
    def test_html_parses_with_every_section(self, pack):
        """html5lib parses the page strictly and finds every section by id."""
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        tree = parser.parse(pack[0])
        assert [s.get("id") for s in tree.iter("section")] == [i for i, _ in SECTIONS]
        assert "management review, 2025" in pack[0]

    def test_json_has_every_section_and_the_library_kpis(self, pack, demo_complaints):
        """The JSON holds every part of the review; its KPIs are compute_kpis'."""
        document = json.loads(pack[1])
        assert list(document) == [f.name for f in attrs.fields(ManagementReview)]
        assert document["kpis"] == _json_data(to_dict(_kpis(demo_complaints)))
        assert document["self_assessment"]["clauses"]
        assert [o["label"] for o in document["objectives"]] == [
            "Share of deadlines met (default objective)",
            "Median hours to acknowledge (default objective)",
            "Share of closed complaints reopened (default objective)",
            "Mean satisfaction, 1 to 5 (default objective)",
        ]

    def test_audit_ids_are_complaint_ids(self, pack, demo_complaints):
        """Every id behind a non-conformity is the id of a stored complaint."""
        ids = {c.id for c in demo_complaints}
        evidence = json.loads(pack[1])["evidence"]
        behind = {i for check in evidence["checks"] for i in check["nonconforming_ids"]}
        assert behind <= ids

    def test_no_personal_data(self, invoke, demo_db, pack, no_personal_data):
        """Neither the page, the JSON nor the summary names a complainant."""
        for text in pack:
            no_personal_data(text)
        summary = invoke("report", "--db", str(demo_db))
        assert summary.exit_code == 0, summary.stderr
        no_personal_data(summary.stdout)

    def test_streams_page_by_page(self, invoke, demo_db, pack, monkeypatch):
        """Reading the database in small pages gives the same pack."""
        monkeypatch.setattr("iso10002.cli._analysis._PAGE", 7)
        result = invoke(
            "report", "--db", str(demo_db), "--period", "2025", "--json", "-"
        )
        assert result.exit_code == 0, result.stderr
        assert result.stdout == pack[1]

    def test_json_to_stdout(self, invoke, demo_db):
        """``--json -`` prints the pack on stdout."""
        result = invoke(
            "report", "--db", str(demo_db), "--period", "2025-H1", "--json", "-"
        )
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["kpis"]["period"] == "2025-H1"

    def test_organisation_records_feed_the_self_assessment(
        self, invoke, demo_db, tmp_path
    ):
        """The organisation file's objectives and actions are in the pack."""
        organisation = tmp_path / "organisation.toml"
        organisation.write_text(ORGANISATION, encoding="utf-8")
        result = invoke(
            "report",
            "--db",
            str(demo_db),
            "--period",
            "2025",
            "--organisation",
            str(organisation),
            "--json",
            "-",
        )
        assert result.exit_code == 0, result.stderr
        document = json.loads(result.stdout)
        assert [o["metric"] for o in document["objectives"]] == ["upheld_rate"]
        assert [a["id"] for a in document["actions"]] == ["IA-1"]
        clauses = {c["clause"]: c for c in document["self_assessment"]["clauses"]}
        assert clauses["5"]["status"] == "evidenced"


class TestReportErrors:
    def test_help(self, invoke):
        """``--help`` describes the command and its options."""
        result = invoke("report", "--help")
        assert result.exit_code == 0
        for option in ("--db", "--period", "--html", "--json", "--organisation"):
            assert option in result.stdout

    def test_missing_database(self, invoke, tmp_path, one_line_failure):
        """A missing database exits 2 with one line naming it."""
        line = one_line_failure(
            invoke("report", "--db", str(tmp_path / "absent.db")), 2
        )
        assert "absent.db" in line

    def test_not_a_database(self, invoke, tmp_path, one_line_failure):
        """A file that is not an iso10002 database exits 1 with one line."""
        path = tmp_path / "notes.txt"
        path.write_text("hello", encoding="utf-8")
        line = one_line_failure(invoke("report", "--db", str(path)), 1)
        assert "notes.txt" in line

    @pytest.mark.parametrize("period", ["2025-H3", "2025-13", "last year"])
    def test_bad_period(self, invoke, demo_db, one_line_failure, period):
        """A period that names none exits 2 with one line naming --period."""
        line = one_line_failure(
            invoke("report", "--db", str(demo_db), "--period", period), 2
        )
        assert "--period" in line

    @pytest.mark.parametrize(
        ("option", "value"),
        [("--as-of", "yesterday"), ("--zone", "Nowhere/City")],
    )
    def test_bad_option_values(self, invoke, demo_db, one_line_failure, option, value):
        """An unreadable instant or zone exits 2 with one line naming the option."""
        line = one_line_failure(
            invoke("report", "--db", str(demo_db), option, value), 2
        )
        assert option in line

    def test_unwritable_output(self, invoke, demo_db, tmp_path, one_line_failure):
        """An output in a missing directory exits 1 before any work is done."""
        out = tmp_path / "missing" / "review.html"
        line = one_line_failure(
            invoke("report", "--db", str(demo_db), "--html", str(out)), 1
        )
        assert "no such directory" in line
        assert not out.parent.exists()

    def test_bad_organisation_file(self, invoke, demo_db, tmp_path, one_line_failure):
        """Unknown fields in the organisation file exit 1 naming file and field."""
        organisation = tmp_path / "organisation.json"
        organisation.write_text('{"commitment": true}', encoding="utf-8")
        line = one_line_failure(
            invoke("report", "--db", str(demo_db), "--organisation", str(organisation)),
            1,
        )
        assert "organisation.json: commitment: unknown field" in line

    def test_not_utf8(self, invoke, demo_db, tmp_path, one_line_failure):
        """An organisation file that is not UTF-8 exits 1 with one line."""
        organisation = tmp_path / "organisation.toml"
        organisation.write_bytes(b"accountable_manager = '\xff'\n")
        line = one_line_failure(
            invoke("report", "--db", str(demo_db), "--organisation", str(organisation)),
            1,
        )
        assert "organisation.toml: not UTF-8 text" in line

    def test_same_file_twice(self, invoke, demo_db, one_line_failure):
        """``--html -`` with ``--json -`` exits 2: one output each."""
        line = one_line_failure(
            invoke("report", "--db", str(demo_db), "--html", "-", "--json", "-"), 2
        )
        assert "different files" in line

    def test_broken_toml(self, invoke, demo_db, tmp_path, one_line_failure):
        """A TOML syntax error exits 1 with one line naming the file."""
        organisation = tmp_path / "organisation.toml"
        organisation.write_text("objectives = [", encoding="utf-8")
        line = one_line_failure(
            invoke("report", "--db", str(demo_db), "--organisation", str(organisation)),
            1,
        )
        assert "organisation.toml: not valid TOML" in line


class TestReportGranularity:
    def test_auto_is_weekly_for_a_quarter(self, invoke, demo_db, tmp_path):
        """A quarter is charted week by week: its 14 ISO weeks, empty ones too."""
        out = tmp_path / "q1.json"
        result = invoke(
            "report", "--db", str(demo_db), "--period", "2025-Q1", "--json", str(out)
        )
        assert result.exit_code == 0, result.stderr
        kpis = json.loads(out.read_text(encoding="utf-8"))["kpis"]
        assert kpis["granularity"] == "week"
        weeks = [s["period"] for s in kpis["series"]]
        assert weeks == [f"2025-W{w:02d}" for w in range(1, 15)]

    def test_auto_is_monthly_for_a_year(self, invoke, demo_db, tmp_path):
        """A year is charted month by month, all twelve."""
        out = tmp_path / "y.json"
        result = invoke(
            "report", "--db", str(demo_db), "--period", "2025", "--json", str(out)
        )
        assert result.exit_code == 0, result.stderr
        kpis = json.loads(out.read_text(encoding="utf-8"))["kpis"]
        assert [s["period"] for s in kpis["series"]] == [
            f"2025-{m:02d}" for m in range(1, 13)
        ]

    def test_ids_are_capped(self, invoke, demo_db, tmp_path):
        """--ids 2 lists two ids at most per check; the counts stay complete."""
        out = tmp_path / "ids.json"
        result = invoke(
            "report", "--db", str(demo_db), "--ids", "2", "--json", str(out)
        )
        assert result.exit_code == 0, result.stderr
        data = json.loads(out.read_text(encoding="utf-8"))
        assert data["ids_shown"] == 2
        checks = data["evidence"]["checks"]
        assert all(len(c["nonconforming_ids"]) <= 2 for c in checks)
        assert any(c["applicable"] - c["conforming"] > 2 for c in checks)

    def test_missing_report_extra_is_named(
        self, invoke, demo_db, tmp_path, monkeypatch, one_line_failure
    ):
        """Without matplotlib, --html stops at once and names the extra."""
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        result = invoke(
            "report", "--db", str(demo_db), "--html", str(tmp_path / "r.html")
        )
        message = one_line_failure(result, 1)
        assert "iso10002[report]" in message
        assert not (tmp_path / "r.html").exists()
