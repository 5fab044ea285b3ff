"""Every file in examples/ runs to completion, as a user would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.py"))


class TestExamples:
    def test_there_are_examples(self):
        """The examples folder is not empty (the quickstart at least)."""
        assert "quickstart.py" in {p.name for p in EXAMPLES}

    @pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
    def test_example_runs(self, path, tmp_path):
        """The example exits 0 and prints something, run from an empty directory."""
        env = {**os.environ, "PYTHONWARNINGS": "error"}
        result = subprocess.run(
            [sys.executable, str(path)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip()
