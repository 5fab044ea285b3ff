"""``iso10002 return fca`` and ``iso10002 return asic``: the library's returns."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from iso10002.analysis import Period, asic_return, fca_return
from iso10002.analysis.returns import ASIC_COLUMNS, AsicLayout
from iso10002.calendars.holidays import HolidaysCalendar
from iso10002.cli._fca_table import FCA_COLUMNS
from iso10002.serialization import to_dict

LONDON = HolidaysCalendar("GB-ENG")
SYDNEY = HolidaysCalendar("AU-NSW")
REPORTING_MD = Path(__file__).parents[2] / "docs" / "reporting.md"
COLUMNS_TOML = """\
# handbook v2
status = "Status"
complaint_id = "Reference, \\"IDR\\""
date_received = "Reçu\\nle"
"""
COLUMNS_JSON = json.dumps(
    {
        "status": "Status",
        "complaint_id": 'Reference, "IDR"',
        "date_received": "Reçu\nle",
    },
    ensure_ascii=False,
)


def _json_data(value):
    return json.loads(json.dumps(value))


def _fca(complaints, period="2025-H2", groups=None):
    return fca_return(
        complaints,
        period=Period.parse(period, LONDON.zone),
        calendar=LONDON,
        product_groups=groups,
    )


def _asic(complaints, period="2025-H2"):
    return asic_return(
        complaints, period=Period.parse(period, SYDNEY.zone), calendar=SYDNEY
    )


class TestFca:
    def test_json_equals_fca_return(self, invoke, demo_db, demo_complaints):
        """``--format json`` prints exactly fca_return over the same complaints."""
        result = invoke(
            "return",
            "fca",
            "--holidays",
            "GB-ENG",
            "--db",
            str(demo_db),
            "--period",
            "2025-H2",
            "--format",
            "json",
        )
        assert result.exit_code == 0, result.stderr
        expected = _fca(demo_complaints)
        assert expected.total.opened > 0
        assert json.loads(result.stdout) == _json_data(to_dict(expected))

    def test_text_table_shows_the_figures(
        self, invoke, demo_db, demo_complaints, tmp_path
    ):
        """The text table has one row per product group with figures, and the total,
        as computed."""
        h2 = Period.parse("2025-H2", LONDON.zone)
        product = next(
            c.subject.product
            for c in demo_complaints
            if c.subject.product and h2.start <= c.received_at < h2.end
        )
        groups = {product: "Insurance & pure protection"}
        mapping = tmp_path / "groups.json"
        mapping.write_text(json.dumps(groups), encoding="utf-8")
        result = invoke(
            "return",
            "fca",
            "--holidays",
            "GB-ENG",
            "--db",
            str(demo_db),
            "--period",
            "2025-H2",
            "--product-groups",
            str(mapping),
        )
        assert result.exit_code == 0, result.stderr
        expected = _fca(demo_complaints, groups=groups)
        assert len(expected.groups) == 2
        lines = result.stdout.splitlines()
        assert lines[0].startswith("FCA complaints return (DISP 1.10), period 2025-H2")
        assert lines[1].split()[:2] == ["product", "group"]
        for figures, line in zip(
            (*expected.groups, expected.total), lines[2:5], strict=True
        ):
            values = line.split()[-(len(FCA_COLUMNS) - 1) :]
            assert line.startswith(figures.product_group)
            assert values == [str(getattr(figures, n)) for n, _ in FCA_COLUMNS[1:]]
        assert "Counting rules:" in lines
        assert f"  - {expected.rules[0]}" in lines

    def test_csv_file(self, invoke, demo_db, demo_complaints, tmp_path):
        """``--out FILE.csv`` writes one CSV row per group and the total."""
        out = tmp_path / "fca.csv"
        result = invoke(
            "return",
            "fca",
            "--holidays",
            "GB-ENG",
            "--db",
            str(demo_db),
            "--period",
            "2025",
            "--out",
            str(out),
        )
        assert result.exit_code == 0, result.stderr
        assert result.stdout == ""
        assert f"FCA return written to {out}" in result.stderr
        rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
        expected = _fca(demo_complaints, period="2025")
        assert [r["product_group"] for r in rows] == [
            *(g.product_group for g in expected.groups),
            "total",
        ]
        assert rows[-1] == {
            "period": "2025",
            **{n: str(getattr(expected.total, n)) for n, _ in FCA_COLUMNS},
        }

    def test_holidays_close_business_days(self, invoke, demo_db, demo_complaints):
        """``--holidays GB-ENG`` counts business days without bank holidays."""
        from iso10002.calendars.holidays import HolidaysCalendar  # noqa: PLC0415

        calendar = HolidaysCalendar("GB-ENG", zone="Europe/London")
        result = invoke(
            "return",
            "fca",
            "--holidays",
            "GB-ENG",
            "--db",
            str(demo_db),
            "--period",
            "2025",
            "--holidays",
            "GB-ENG",
            "--format",
            "json",
        )
        assert result.exit_code == 0, result.stderr
        expected = fca_return(
            demo_complaints,
            period=Period.parse("2025", calendar.zone),
            calendar=calendar,
        )
        assert json.loads(result.stdout) == _json_data(to_dict(expected))

    def test_no_personal_data(self, invoke, demo_db, no_personal_data):
        """No output format names a complainant."""
        for fmt in ("text", "json", "csv"):
            result = invoke(
                "return",
                "fca",
                "--holidays",
                "GB-ENG",
                "--db",
                str(demo_db),
                "--period",
                "2025",
                "--format",
                fmt,
            )
            assert result.exit_code == 0, result.stderr
            no_personal_data(result.stdout)


class TestAsic:
    def test_csv_equals_asic_return(self, invoke, demo_db, demo_complaints):
        """The CSV is asic_return's, row for row."""
        result = invoke(
            "return",
            "asic",
            "--holidays",
            "AU-NSW",
            "--db",
            str(demo_db),
            "--period",
            "2025-H2",
        )
        assert result.exit_code == 0, result.stderr
        expected = _asic(demo_complaints)
        assert expected.rows
        assert result.stdout == expected.to_csv()
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert rows[0] == [c[0] for c in ASIC_COLUMNS]
        assert rows[1:] == [
            [getattr(row, c[0]) for c in ASIC_COLUMNS] for row in expected.rows
        ]

    def test_file_keeps_crlf_and_mappings_apply(
        self, invoke, demo_db, demo_complaints, tmp_path
    ):
        """``--out`` writes the CSV byte for byte; code tables map the values."""
        products = tmp_path / "products.json"
        products.write_text(json.dumps({"Broadband": "BB-01"}), encoding="utf-8")
        out = tmp_path / "idr.csv"
        result = invoke(
            "return",
            "asic",
            "--holidays",
            "AU-NSW",
            "--db",
            str(demo_db),
            "--period",
            "2025-H2",
            "--product-codes",
            str(products),
            "--out",
            str(out),
        )
        assert result.exit_code == 0, result.stderr
        expected = asic_return(
            demo_complaints,
            period=Period.parse("2025-H2", SYDNEY.zone),
            calendar=SYDNEY,
            product_codes={"Broadband": "BB-01"},
        )
        assert out.read_bytes() == expected.to_csv().encode("utf-8")

    @pytest.mark.parametrize(
        ("name", "text"),
        [("columns.toml", COLUMNS_TOML), ("columns.json", COLUMNS_JSON)],
    )
    def test_columns_file_sets_the_header(
        self, invoke, demo_db, demo_complaints, tmp_path, name, text
    ):
        """``--columns`` writes the file's fields, in its order, under its headings."""
        columns = tmp_path / name
        columns.write_text(text, encoding="utf-8")
        result = invoke(
            "return",
            "asic",
            "--holidays",
            "AU-NSW",
            "--db",
            str(demo_db),
            "--period",
            "2025-H2",
            "--columns",
            str(columns),
        )
        assert result.exit_code == 0, result.stderr
        expected = _asic(demo_complaints)
        layout = AsicLayout.from_mapping(
            {
                "status": "Status",
                "complaint_id": 'Reference, "IDR"',
                "date_received": "Reçu\nle",
            }
        )
        assert result.stdout == expected.to_csv(layout)
        rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
        assert rows[0] == ["Status", 'Reference, "IDR"', "Reçu\nle"]
        assert rows[1:] == [
            [row.status, row.complaint_id, row.date_received] for row in expected.rows
        ]

    def test_documented_columns_file_works(
        self, invoke, demo_db, demo_complaints, tmp_path
    ):
        """The ``--columns`` TOML example of docs/reporting.md is a working layout."""
        section = REPORTING_MD.read_text(encoding="utf-8").split(
            "## `iso10002 return asic`"
        )[1]
        (example,) = re.findall(r"```toml\n(.+?)```", section, flags=re.DOTALL)
        columns = tmp_path / "columns.toml"
        columns.write_text(example, encoding="utf-8")
        out = tmp_path / "idr.csv"
        result = invoke(
            "return",
            "asic",
            "--holidays",
            "AU-NSW",
            "--db",
            str(demo_db),
            "--period",
            "2025-H2",
            "--columns",
            str(columns),
            "--out",
            str(out),
        )
        assert result.exit_code == 0, result.stderr
        header, *rows = csv.reader(io.StringIO(out.read_text("utf-8"), newline=""))
        assert header[:2] == ["Complaint reference", "Date received"]
        expected = _asic(demo_complaints)
        assert [r[0] for r in rows] == [row.complaint_id for row in expected.rows]

    def test_no_personal_data(self, invoke, demo_db, no_personal_data):
        """The IDR data report names no complainant."""
        result = invoke(
            "return",
            "asic",
            "--holidays",
            "AU-NSW",
            "--db",
            str(demo_db),
            "--period",
            "2025",
        )
        assert result.exit_code == 0, result.stderr
        no_personal_data(result.stdout)


class TestReturnErrors:
    @pytest.mark.parametrize(
        "args", [["return"], ["return", "fca"], ["return", "asic"]]
    )
    def test_help(self, invoke, args):
        """``--help`` works on the group and on each return."""
        result = invoke(*args, "--help")
        assert result.exit_code == 0
        assert "Usage: iso10002 " + " ".join(args) in result.stdout

    @pytest.mark.parametrize("kind", ["fca", "asic"])
    def test_period_is_required(self, invoke, demo_db, one_line_failure, kind):
        """Without --period it exits 2 with one line naming the option."""
        line = one_line_failure(invoke("return", kind, "--db", str(demo_db)), 2)
        assert "--period" in line

    @pytest.mark.parametrize("kind", ["fca", "asic"])
    def test_bad_period(self, invoke, demo_db, one_line_failure, kind):
        """A period that names none exits 2 with one line."""
        line = one_line_failure(
            invoke("return", kind, "--db", str(demo_db), "--period", "H1-2025"), 2
        )
        assert "--period" in line

    @pytest.mark.parametrize("kind", ["fca", "asic"])
    def test_disp_1_10_refuses_without_the_firms_calendar(
        self, invoke, demo_db, one_line_failure, kind
    ):
        """Without --holidays a return is refused: one line naming the option."""
        line = one_line_failure(
            invoke("return", kind, "--db", str(demo_db), "--period", "2026-H2"), 2
        )
        assert "--holidays" in line
        assert "business calendar" in line

    def test_a_region_spanning_zones_needs_a_zone(
        self, invoke, demo_db, one_line_failure
    ):
        """--holidays AU without --zone is refused; with --zone it runs."""
        args = ("return", "asic", "--db", str(demo_db), "--period", "2025-H2")
        line = one_line_failure(invoke(*args, "--holidays", "AU"), 2)
        assert "time zones" in line
        ok = invoke(*args, "--holidays", "AU", "--zone", "Australia/Sydney")
        assert ok.exit_code == 0, ok.stderr

    def test_missing_database(self, invoke, tmp_path, one_line_failure):
        """A missing database exits 2 with one line naming it."""
        line = one_line_failure(
            invoke(
                "return",
                "fca",
                "--holidays",
                "GB-ENG",
                "--db",
                str(tmp_path / "x.db"),
                "--period",
                "2025",
            ),
            2,
        )
        assert "x.db" in line

    def test_unwritable_output(self, invoke, demo_db, tmp_path, one_line_failure):
        """An output in a missing directory exits 1 with one line."""
        out = tmp_path / "none" / "idr.csv"
        line = one_line_failure(
            invoke(
                "return",
                "asic",
                "--holidays",
                "AU-NSW",
                "--db",
                str(demo_db),
                "--period",
                "2025",
                "--out",
                str(out),
            ),
            1,
        )
        assert "no such directory" in line

    def test_unknown_holiday_region(self, invoke, demo_db, one_line_failure):
        """An unknown --holidays region exits 2 with one line naming the option."""
        line = one_line_failure(
            invoke(
                "return",
                "asic",
                "--holidays",
                "AU-NSW",
                "--db",
                str(demo_db),
                "--period",
                "2025",
                "--holidays",
                "XX",
            ),
            2,
        )
        assert "--holidays" in line

    def test_mapping_must_be_a_table(self, invoke, demo_db, tmp_path, one_line_failure):
        """A mapping file holding a list exits 1 with one line."""
        mapping = tmp_path / "codes.json"
        mapping.write_text('["Gas"]', encoding="utf-8")
        line = one_line_failure(
            invoke(
                "return",
                "asic",
                "--holidays",
                "AU-NSW",
                "--db",
                str(demo_db),
                "--period",
                "2025",
                "--issue-codes",
                str(mapping),
            ),
            1,
        )
        assert "codes.json: must hold a table" in line

    def test_bad_mapping(self, invoke, demo_db, tmp_path, one_line_failure):
        """A mapping whose values are not text exits 1 naming the file and key."""
        mapping = tmp_path / "groups.json"
        mapping.write_text('{"Gas": 3}', encoding="utf-8")
        line = one_line_failure(
            invoke(
                "return",
                "fca",
                "--holidays",
                "GB-ENG",
                "--db",
                str(demo_db),
                "--period",
                "2025",
                "--product-groups",
                str(mapping),
            ),
            1,
        )
        assert "groups.json: Gas: must be text" in line

    @pytest.mark.parametrize(
        ("name", "text", "problem"),
        [
            (
                "cols.toml",
                'status = "Status"\nnope = "Nope"\n',
                "cols.toml: columns[1]: unknown field 'nope'; the fields are",
            ),
            (
                "cols.toml",
                'status = "Status"\nchannel = "Status"\n',
                "columns[1]: header 'Status' of 'channel' is already used by",
            ),
            (
                "cols.json",
                '{"status": "Status", "channel": "  "}',
                "cols.json: columns[1]: header of 'channel' must not be empty",
            ),
            (
                "cols.json",
                '{"status": "\\ud800"}',
                "cols.json: columns[0]: header of 'status' must not contain lone",
            ),
            ("cols.toml", "", "cols.toml: columns: must hold at least one"),
            ("cols.json", '["status"]', "cols.json: must hold a table"),
            ("cols.json", '{"status": 3}', "cols.json: status: must be text"),
            ("cols.toml", "[status]\nx = 1\n", "cols.toml: status: must be text"),
            ("cols.toml", "status = ", "cols.toml: not valid TOML"),
        ],
    )
    def test_bad_columns_file(
        self, invoke, demo_db, tmp_path, one_line_failure, name, text, problem
    ):
        """A --columns file with no layout in it exits 1 naming option and problem."""
        columns = tmp_path / name
        columns.write_text(text, encoding="utf-8")
        out = tmp_path / "idr.csv"
        args = ["--period", "2025", "--columns", str(columns), "--out", str(out)]
        line = one_line_failure(
            invoke(
                "return", "asic", "--holidays", "AU-NSW", "--db", str(demo_db), *args
            ),
            1,
        )
        assert "--columns: " in line
        assert problem in line
        assert not out.exists()

    def test_missing_columns_file(self, invoke, demo_db, tmp_path, one_line_failure):
        """A --columns file that does not exist exits 2 naming the option."""
        missing = str(tmp_path / "none.toml")
        line = one_line_failure(
            invoke(
                "return",
                "asic",
                "--holidays",
                "AU-NSW",
                "--db",
                str(demo_db),
                "--period",
                "2025",
                "--columns",
                missing,
            ),
            2,
        )
        assert "--columns" in line
        assert "none.toml" in line
