"""Every analysis command says how many figures rest on an import's assumptions.

Issue 18: records imported from an organisation's older systems carry what
the import had to assume (a receipt known only to the day, no description,
anonymous complainants); the report, the review pack, the audit and both
returns say so in one line, and stay silent for handled complaints.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parents[2] / "examples" / "import"


@pytest.fixture(scope="module")
def imported(tmp_path_factory, invoke):
    """A store holding the six CFPB example records (2024)."""
    db = tmp_path_factory.mktemp("assumptions") / "cfpb.db"
    result = invoke(
        "import",
        str(EXAMPLES / "cfpb_complaints.csv"),
        "--mapping",
        str(EXAMPLES / "cfpb.toml"),
        "--db",
        str(db),
    )
    assert result.exit_code == 0, result.stderr
    return db


EXPECTED = "6 of 6 complaints imported: 6 received on a known day only"


def test_audit_text_and_json(invoke, imported, tmp_path):
    result = invoke("audit", "--db", str(imported), "--period", "2024")
    assert result.exit_code == 0, result.stderr
    assert f"Assumptions: {EXPECTED}" in result.stdout
    out = tmp_path / "audit.json"
    result = invoke(
        "audit", "--db", str(imported), "--period", "2024", "--json", str(out)
    )
    assert result.exit_code == 0, result.stderr
    share = json.loads(out.read_text())["assumptions"]
    assert (share["imported"], share["day_only_receipt"], share["anonymous"]) == (
        6,
        6,
        6,
    )


@pytest.mark.parametrize("kind", ["fca", "asic"])
def test_returns_note_it_on_stderr(invoke, imported, tmp_path, kind):
    out = tmp_path / f"{kind}.txt"
    result = invoke(
        "return",
        kind,
        "--holidays",
        "GB-ENG" if kind == "fca" else "AU-NSW",
        "--db",
        str(imported),
        "--period",
        "2024-H1",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.stderr
    assert f"Note: of the complaints read for this return, {EXPECTED}" in result.stderr


def test_review_pack_html_and_json(invoke, imported, tmp_path):
    html, data = tmp_path / "review.html", tmp_path / "review.json"
    result = invoke(
        "report",
        "--db",
        str(imported),
        "--period",
        "2024",
        "--html",
        str(html),
        "--json",
        str(data),
    )
    assert result.exit_code == 0, result.stderr
    assert f"Figures resting on assumptions: {EXPECTED}" in html.read_text()
    assert json.loads(data.read_text())["assumptions"]["imported"] == 6


def test_handled_complaints_say_nothing(invoke, demo_db):
    result = invoke("audit", "--db", str(demo_db), "--period", "2025")
    assert result.exit_code == 0, result.stderr
    assert "Assumptions:" not in result.stdout
