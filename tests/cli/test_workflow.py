"""``iso10002 workflow check`` and ``iso10002 workflow diagram``."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from iso10002.errors import InvalidWorkflowDefinition
from iso10002.workflow import (
    WorkflowDefinition,
    check_conformance,
    standard_workflow,
    to_dot,
    to_mermaid,
)

_NEEDS_DOT = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's dot is not installed here (.ci/run installs it)",
)


def _broken() -> dict:
    """Return the standard workflow with several structural problems."""
    data = standard_workflow().to_dict()
    data["steps"][0]["destination"] = "nowhere"
    data["states"].append({"name": "limbo"})
    return data


def _with_gaps() -> dict:
    """Return a valid workflow that skips acknowledgement and names an unknown guard."""
    data = standard_workflow().to_dict()
    data["steps"][0]["clauses"] = []
    data["steps"][1]["guards"] = ["no.such.policy"]
    return data


class TestWorkflowCheck:
    @pytest.mark.parametrize("suffix", [".json", ".toml"])
    def test_standard_workflow_passes(self, cli, tmp_path, suffix):
        """The standard workflow, as JSON or TOML, conforms: exit 0 and one ok line."""
        definition = standard_workflow()
        path = tmp_path / f"standard{suffix}"
        text = definition.to_json() if suffix == ".json" else definition.to_toml()
        path.write_text(text, encoding="utf-8")
        result = cli("workflow", "check", str(path))
        assert result.returncode == 0, result.stdout + result.stderr
        assert "ok: iso10002.standard version 1" in result.stdout

    def test_invalid_definition_lists_every_problem(self, cli, tmp_path):
        """An invalid definition exits 1 and lists each problem the library finds."""
        path = tmp_path / "broken.json"
        path.write_text(json.dumps(_broken()), encoding="utf-8")
        with pytest.raises(InvalidWorkflowDefinition) as expected:
            WorkflowDefinition.from_dict(_broken())
        result = cli("workflow", "check", str(path))
        assert result.returncode == 1
        lines = result.stdout.strip().splitlines()
        assert len(lines) == len(expected.value.problems) > 1
        for (where, message), line in zip(expected.value.problems, lines, strict=True):
            assert line == f"{path}: {where}: {message}"
        assert f"{len(lines)} problems found" in result.stderr

    def test_guards_and_conformance_gaps_are_listed(self, cli, tmp_path):
        """Unknown guard policies and every clause-7 gap are reported together."""
        path = tmp_path / "gaps.json"
        path.write_text(json.dumps(_with_gaps()), encoding="utf-8")
        gaps = check_conformance(WorkflowDefinition.from_dict(_with_gaps()))
        result = cli("workflow", "check", str(path))
        assert result.returncode == 1
        assert "unknown policy 'no.such.policy'" in result.stdout
        for gap in gaps:
            assert f"clause {gap.clause} [{gap.code}]" in result.stdout
        assert len(result.stdout.strip().splitlines()) == len(gaps) + 1

    def test_ignored_gaps_are_accepted(self, cli, tmp_path):
        """``--ignore CODE`` accepts those gaps; the rest still fail the check."""
        path = tmp_path / "gaps.json"
        path.write_text(json.dumps(_with_gaps()), encoding="utf-8")
        codes = {
            g.code
            for g in check_conformance(WorkflowDefinition.from_dict(_with_gaps()))
        }
        ignores = [arg for code in sorted(codes) for arg in ("--ignore", code)]
        result = cli("workflow", "check", str(path), *ignores)
        assert result.returncode == 1
        assert result.stdout.strip().splitlines() == [
            f"{path}: steps[1].guards[0]: unknown policy 'no.such.policy'"
        ]

    def test_unparsable_toml_is_a_problem(self, cli, tmp_path):
        """A file that is not TOML exits 1 saying so."""
        path = tmp_path / "garbage.toml"
        path.write_text("name = [\n", encoding="utf-8")
        result = cli("workflow", "check", str(path))
        assert result.returncode == 1
        assert "not valid TOML" in result.stdout

    def test_missing_file_is_one_line(self, cli, one_line_error):
        """A missing file exits 2 with one line naming it."""
        line = one_line_error(cli("workflow", "check", "absent.json"), 2)
        assert "absent.json" in line


class TestWorkflowDiagram:
    def test_standard_workflow_by_default(self, cli):
        """Without FILE the standard workflow is drawn in Mermaid."""
        result = cli("workflow", "diagram")
        assert result.returncode == 0, result.stderr
        assert result.stdout == to_mermaid(standard_workflow())

    def test_dot_of_a_file_with_internal_steps(self, cli, tmp_path):
        """``--format dot --internal`` draws FILE as DOT with state-keeping steps."""
        path = tmp_path / "standard.json"
        path.write_text(standard_workflow().to_json(), encoding="utf-8")
        result = cli("workflow", "diagram", str(path), "--format", "dot", "--internal")
        assert result.returncode == 0, result.stderr
        assert result.stdout == to_dot(standard_workflow(), internal=True)

    def test_invalid_file_is_one_line(self, cli, tmp_path, one_line_error):
        """An invalid FILE exits 1 with one line pointing to ``workflow check``."""
        path = tmp_path / "broken.json"
        path.write_text(json.dumps(_broken()), encoding="utf-8")
        line = one_line_error(cli("workflow", "diagram", str(path)), 1)
        assert "workflow check" in line

    def test_bad_format_is_one_line(self, cli, one_line_error):
        """An unknown ``--format`` exits 2 with one line listing the choices."""
        line = one_line_error(cli("workflow", "diagram", "--format", "gif"), 2)
        assert "mermaid" in line
        assert "svg" in line

    @_NEEDS_DOT
    def test_svg_is_drawn_by_graphviz(self, invoke):
        """``--format svg`` prints an SVG picture with every state of the workflow."""
        result = invoke("workflow", "diagram", "--format", "svg")
        assert result.exit_code == 0, result.stderr
        assert "<svg" in result.stdout
        for state in standard_workflow().states:
            assert f">{state.name}</text>" in result.stdout

    @_NEEDS_DOT
    def test_png_of_a_file_is_written_to_output(self, cli, tmp_path):
        """``--format png -o FILE`` writes a PNG picture of FILE."""
        path = tmp_path / "standard.json"
        path.write_text(standard_workflow().to_json(), encoding="utf-8")
        picture = tmp_path / "standard.png"
        result = cli(
            "workflow", "diagram", str(path), "--format", "png", "-o", str(picture)
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout == ""
        assert picture.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")

    @pytest.mark.parametrize("fmt", ["svg", "png"])
    def test_without_graphviz_a_picture_is_one_line_naming_it(
        self, invoke, one_line_failure, monkeypatch, tmp_path, fmt
    ):
        """Without ``dot`` on PATH the picture formats say what to install."""
        monkeypatch.setenv("PATH", str(tmp_path))
        line = one_line_failure(invoke("workflow", "diagram", "--format", fmt), 1)
        assert "Graphviz" in line
        assert "install graphviz" in line
        assert "--format dot" in line

    @pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in")
    def test_a_failing_dot_is_one_line(
        self, invoke, one_line_failure, monkeypatch, tmp_path
    ):
        """A ``dot`` that fails is reported with its first line of stderr."""
        fake = tmp_path / "dot"
        fake.write_text("#!/bin/sh\necho 'Error: syntax error in line 1' >&2\nexit 1\n")
        fake.chmod(0o755)
        monkeypatch.setenv("PATH", str(tmp_path))
        line = one_line_failure(invoke("workflow", "diagram", "--format", "svg"), 1)
        assert "syntax error in line 1" in line
