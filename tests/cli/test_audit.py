"""``iso10002 audit``: evidence per step and principle, and the self-assessment."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from datetime import datetime, timezone

import pytest

from iso10002.analysis import (
    KpiSpec,
    Period,
    collect_evidence,
    compute_kpis,
    self_assess,
)
from iso10002.analysis.evidence import (
    EVIDENCE_CHECKS,
    IntegrityEvidence,
    OrganisationRecords,
)
from iso10002.calendars import WeekdayCalendar
from iso10002.principles import PolicyContext, policies_for
from iso10002.serialization import to_dict

END_OF_2025 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _json_data(value):
    return json.loads(json.dumps(value))


def _expected(complaints, period: Period):
    """Compute what the command should report, with the library directly."""
    received = [c for c in complaints if c.received_at in period]
    evidence = collect_evidence(
        received,
        as_of=END_OF_2025,
        policies=policies_for("iso10002:2018"),
        context=PolicyContext(now=END_OF_2025, calendar=WeekdayCalendar(zone="UTC")),
    )
    kpis = compute_kpis(complaints, KpiSpec(as_of=END_OF_2025, period=period))
    # The demo store verifies: every complaint, nothing found.
    integrity = IntegrityEvidence(checked=True, complaints=len(complaints))
    return evidence, self_assess(OrganisationRecords(), kpis, evidence, integrity)


@pytest.fixture(scope="module")
def audit_h2(invoke, demo_db):
    """Run ``audit --period 2025-H2 --json -`` once and return the document."""
    result = invoke("audit", "--db", str(demo_db), "--period", "2025-H2", "--json", "-")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


class TestAudit:
    def test_json_equals_the_library(self, audit_h2, demo_complaints):
        """Evidence and self-assessment are the library's over the period."""
        period = Period.parse("2025-H2")
        evidence, assessment = _expected(demo_complaints, period)
        assert audit_h2["period"]["label"] == "2025-H2"
        assert audit_h2["policies"] == "iso10002:2018"
        assert audit_h2["evidence"] == _json_data(to_dict(evidence))
        assert audit_h2["self_assessment"] == _json_data(to_dict(assessment))
        assert [c["clause"] for c in audit_h2["self_assessment"]["clauses"]] == [
            "4",
            "5",
            "6",
            "7",
            "8",
        ]

    def test_every_step_and_principle_with_ids_only(self, audit_h2, demo_complaints):
        """Each check and principle is listed; gaps name stored complaint ids only."""
        ids = {c.id for c in demo_complaints}
        evidence = audit_h2["evidence"]
        assert [c["id"] for c in evidence["checks"]] == [c[0] for c in EVIDENCE_CHECKS]
        assert len(evidence["principles"]) == 14
        for item in (*evidence["checks"], *evidence["principles"]):
            assert set(item["nonconforming_ids"]) <= ids
            assert item["conforming"] + len(item["nonconforming_ids"]) == item.get(
                "applicable", item.get("evaluated")
            )
        assert any(item["nonconforming_ids"] for item in evidence["principles"])

    def test_text_lists_steps_principles_and_clauses(self, invoke, demo_db):
        """Without --json it prints the evidence and the self-assessment as text."""
        result = invoke("audit", "--db", str(demo_db), "--period", "2025")
        assert result.exit_code == 0, result.stderr
        out = result.stdout
        assert out.startswith("Audit evidence for 2025, as of 2026-01-01 00:00 UTC")
        for check_id, *_ in EVIDENCE_CHECKS:
            assert f" {check_id} " in out
        for clause in ("4 Guiding principles", "5 Complaints-handling framework"):
            assert f"\n  {clause}: " in out
        assert "commitment" in out

    def test_profile_and_records_are_used(self, invoke, demo_db, tmp_path):
        """A profile silences 'profile missing'; records evidence clause 5."""
        profile = tmp_path / "profile.json"
        profile.write_text(
            json.dumps(
                {
                    "complaints_policy": "https://example.org/complaints",
                    "accountable_manager": "Head of Customer Care",
                }
            ),
            encoding="utf-8",
        )
        records = tmp_path / "records.toml"
        records.write_text(
            "commitment_statement = true\n"
            "complaints_policy_published = true\n"
            'accountable_manager = "Head of Customer Care"\n'
            "roles_and_authorities_defined = true\n",
            encoding="utf-8",
        )
        result = invoke(
            "audit",
            "--db",
            str(demo_db),
            "--period",
            "2025",
            "--profile",
            str(profile),
            "--organisation",
            str(records),
            "--json",
            "-",
        )
        assert result.exit_code == 0, result.stderr
        document = json.loads(result.stdout)
        codes = {f["code"] for f in document["evidence"]["findings"]}
        assert "profile-missing" not in codes
        clauses = {c["clause"]: c for c in document["self_assessment"]["clauses"]}
        assert clauses["5"]["status"] == "evidenced"

    def test_json_file_and_no_personal_data(
        self, invoke, demo_db, tmp_path, no_personal_data
    ):
        """The JSON file and the text name no complainant."""
        out = tmp_path / "audit.json"
        result = invoke("audit", "--db", str(demo_db), "--json", str(out))
        assert result.exit_code == 0, result.stderr
        assert f"written to {out}" in result.stderr
        no_personal_data(out.read_text(encoding="utf-8"))
        text = invoke("audit", "--db", str(demo_db))
        assert text.exit_code == 0, text.stderr
        no_personal_data(text.stdout)


class TestAuditErrors:
    def test_help(self, invoke):
        """``--help`` describes the command and its options."""
        result = invoke("audit", "--help")
        assert result.exit_code == 0
        for option in ("--db", "--period", "--json", "--organisation", "--profile"):
            assert option in result.stdout

    def test_missing_database(self, invoke, tmp_path, one_line_failure):
        """A missing database exits 2 with one line naming it."""
        line = one_line_failure(invoke("audit", "--db", str(tmp_path / "gone.db")), 2)
        assert "gone.db" in line

    def test_bad_period(self, invoke, demo_db, one_line_failure):
        """A period that names none exits 2 with one line naming --period."""
        line = one_line_failure(
            invoke("audit", "--db", str(demo_db), "--period", "2025-Q5"), 2
        )
        assert "--period" in line

    def test_as_of_before_the_period(self, invoke, demo_db, one_line_failure):
        """An instant before the period starts exits 2 with one line."""
        line = one_line_failure(
            invoke(
                "audit",
                "--db",
                str(demo_db),
                "--period",
                "2025",
                "--as-of",
                "2024-06-01",
            ),
            2,
        )
        assert "--as-of" in line

    def test_unwritable_output(self, invoke, demo_db, tmp_path, one_line_failure):
        """An output in a missing directory exits 1 with one line."""
        out = tmp_path / "nowhere" / "audit.json"
        line = one_line_failure(
            invoke("audit", "--db", str(demo_db), "--json", str(out)), 1
        )
        assert "no such directory" in line

    def test_bad_profile(self, invoke, demo_db, tmp_path, one_line_failure):
        """A profile with a wrong value exits 1 naming the file and field."""
        profile = tmp_path / "profile.toml"
        profile.write_text('channels = ["carrier pigeon"]\n', encoding="utf-8")
        line = one_line_failure(
            invoke("audit", "--db", str(demo_db), "--profile", str(profile)), 1
        )
        assert "profile.toml: channels" in line


class TestAuditIntegrity:
    """``iso10002 audit`` runs the integrity check and reports 4.9 from it."""

    def _damaged(self, demo_db, tmp_path):
        copy = tmp_path / "damaged.db"
        shutil.copy(demo_db, copy)
        with closing(sqlite3.connect(copy)) as connection, connection:
            (cid,) = connection.execute(
                "SELECT id FROM complaints ORDER BY id LIMIT 1"
            ).fetchone()
            # Only the indexed column: find() would now return wrong results.
            connection.execute(
                "UPDATE complaints SET status = 'withdrawn' WHERE id = ?", (cid,)
            )
        return copy, cid

    def test_a_clean_store_evidences_information_integrity(self, audit_h2):
        """On the untouched demo store the check runs, passes and evidences 4.9."""
        integrity = audit_h2["integrity"]
        assert integrity["checked"]
        assert integrity["ok"]
        assert integrity["complaints_checked"] > 0
        items = [
            i
            for c in audit_h2["self_assessment"]["clauses"]
            for i in c["items"]
            if i["clause"] == "4.9"
        ]
        assert [i["status"] for i in items] == ["evidenced"]

    def test_a_damaged_store_fails_and_names_the_complaint(
        self, invoke, demo_db, tmp_path
    ):
        """A tampered column exits 1, names the complaint and marks 4.9 missing."""
        damaged, cid = self._damaged(demo_db, tmp_path)
        result = invoke(
            "audit", "--db", str(damaged), "--period", "2025", "--json", "-"
        )
        assert result.exit_code == 1, result.stderr
        document = json.loads(result.stdout)
        assert not document["integrity"]["ok"]
        assert cid in {p["complaint_id"] for p in document["integrity"]["problems"]}
        items = {
            i["requirement"].split(":")[0] + ":" + i["requirement"].split(":")[1]
            if i["clause"] == "4"
            else i["requirement"].split(":")[0]: i["status"]
            for c in document["self_assessment"]["clauses"]
            for i in c["items"]
            if i["clause"] in {"4", "4.9"}
        }
        assert items["Information integrity"] == "missing"
        assert items["Guiding principle: information-integrity"] == "missing"
        text = invoke("audit", "--db", str(damaged), "--period", "2025")
        assert text.exit_code == 1
        assert f"  {cid}: indexed column 'status' differs" in text.stdout

    def test_skipping_the_check_is_stated(self, invoke, demo_db):
        """--skip-integrity says the check did not run, and 4.9 is not evidenced."""
        result = invoke(
            "audit", "--db", str(demo_db), "--period", "2025", "--skip-integrity"
        )
        assert result.exit_code == 0, result.stderr
        assert "Integrity check (4.9): not run (skipped with --skip-integrity)." in (
            result.stdout
        )
        assert "integrity check not run" in result.stdout


class TestWorkflowGuards:
    """The audit says which principle guards the workflow turned off."""

    def test_the_standard_workflow_has_every_guard_on(self, audit_h2):
        """By default the document names the standard workflow and no guard off."""
        assert audit_h2["workflow"] == {
            "name": "iso10002.standard",
            "version": 1,
            "guards_off": [],
        }

    def test_a_guard_turned_off_is_a_finding(self, invoke, demo_db, tmp_path):
        """--workflow with a guard off lists it in the text and in the JSON."""
        from iso10002.workflow import standard_workflow  # noqa: PLC0415

        guard = "iso10002.improvement.root-cause-recorded"
        lenient = standard_workflow(disabled_guards={guard})
        path = tmp_path / "lenient.json"
        path.write_text(lenient.to_json(), encoding="utf-8")
        args = ("audit", "--db", str(demo_db), "--period", "2025-H2")
        text = invoke(*args, "--workflow", str(path))
        assert text.exit_code == 0, text.stderr
        assert "Workflow guards (iso10002.standard version 1):" in text.stdout
        said = " ".join(text.stdout.split())
        assert "guard-off: Step 'close' of 'iso10002.standard'" in said
        assert f"does not run the guard {guard!r}" in said
        document = json.loads(
            invoke(*args, "--workflow", str(path), "--json", "-").stdout
        )
        [finding] = document["workflow"]["guards_off"]
        assert (finding["code"], finding["clause"], finding["evidence"]["guard"]) == (
            "guard-off",
            "4.13",
            guard,
        )

    def test_an_invalid_workflow_file_is_one_line(
        self, invoke, demo_db, tmp_path, one_line_failure
    ):
        """A definition that does not validate exits 1 naming the file."""
        path = tmp_path / "broken.json"
        path.write_text('{"name": "x"}', encoding="utf-8")
        line = one_line_failure(
            invoke("audit", "--db", str(demo_db), "--workflow", str(path)), 1
        )
        assert "broken.json" in line
