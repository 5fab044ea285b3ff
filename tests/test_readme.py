"""The README's commands are the ones CI and the project actually use."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", readme, flags=re.DOTALL)


class TestReadme:
    def test_ci_runs_the_readme_test_command(self):
        """.ci/run runs the README's test command verbatim."""
        test_command = _commands()[1]
        assert "nox -s tests" in test_command
        assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")

    def test_demo_command_runs_the_installed_cli(self):
        """The first command installs the cli extra and runs the demo."""
        demo = _commands()[0]
        assert "-e '.[cli]'" in demo
        assert demo.endswith("iso10002 demo")
