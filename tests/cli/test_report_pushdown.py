"""``iso10002 report`` reads no complaint when the store counts everything in SQL."""

from __future__ import annotations

import pytest


def _no_stream(*_args, **_kwargs):
    msg = "the pack must not read complaints"
    raise AssertionError(msg)


PACK = ("--period", "2025", "--json", "-")


class TestReportPushDown:
    """The pack and the summary from SQL equal those read from the complaints."""

    def test_the_pack_reads_no_complaint(self, invoke, demo_db, monkeypatch):
        """With the default policies and no profile, nothing is streamed."""
        monkeypatch.setattr("iso10002.cli._report.stream", _no_stream)
        result = invoke("report", "--db", str(demo_db), *PACK)
        assert result.exit_code == 0, result.stderr

    @pytest.mark.parametrize(
        "declined",
        ["policy_evidence_from", "provenance_from", "remedies_from"],
    )
    def test_the_pack_equals_the_streamed_one(
        self, invoke, demo_db, monkeypatch, declined
    ):
        """A part the store declines is read from the complaints, to the same pack."""
        counted = invoke("report", "--db", str(demo_db), *PACK)
        monkeypatch.setattr(f"iso10002.cli._report.{declined}", lambda *_a, **_k: None)
        streamed = invoke("report", "--db", str(demo_db), *PACK)
        assert streamed.exit_code == counted.exit_code == 0, streamed.stderr
        assert streamed.stdout == counted.stdout

    def test_the_summary_equals_the_streamed_one(self, invoke, demo_db, monkeypatch):
        """The summary's share of imported complaints is the same from SQL."""
        counted = invoke("report", "--db", str(demo_db))
        monkeypatch.setattr(
            "iso10002.cli._report.provenance_from", lambda *_a, **_k: None
        )
        streamed = invoke("report", "--db", str(demo_db))
        assert streamed.stdout == counted.stdout

    def test_a_profile_streams_the_policies(
        self, invoke, demo_db, monkeypatch, tmp_path
    ):
        """With --profile the policies are evaluated on each complaint."""
        profile = tmp_path / "profile.toml"
        profile.write_text('accountable_manager = "Head of complaints"\n')
        monkeypatch.setattr("iso10002.cli._report.stream", _no_stream)
        with pytest.raises(AssertionError, match="must not read complaints"):
            invoke("report", "--db", str(demo_db), "--profile", str(profile), *PACK)
