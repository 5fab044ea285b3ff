"""The ``iso10002`` entry points: console script, ``python -m``, help and version."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import iso10002
from iso10002.cli import main

COMMANDS = [
    ["demo"],
    ["export"],
    ["packs"],
    ["report"],
    ["audit"],
    ["return"],
    ["return", "fca"],
    ["return", "asic"],
    ["workflow"],
    ["workflow", "check"],
    ["workflow", "diagram"],
]


class TestEntryPoints:
    def test_console_script_is_installed(self, tmp_path):
        """The installed ``iso10002`` script sits next to the interpreter and runs."""
        script = Path(sys.executable).parent / (
            "iso10002.exe" if sys.platform == "win32" else "iso10002"
        )
        assert script.is_file()
        result = subprocess.run(
            [str(script), "--version"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert iso10002.__version__ in result.stdout

    def test_module_help_lists_every_command(self, cli):
        """``python -m iso10002 --help`` lists every command group."""
        result = cli("--help")
        assert result.returncode == 0, result.stderr
        for name in (
            "audit",
            "demo",
            "export",
            "packs",
            "report",
            "return",
            "workflow",
        ):
            assert f"  {name} " in result.stdout

    @pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
    def test_every_command_has_help(self, cli, command):
        """Every command and subcommand answers ``--help`` with its usage."""
        result = cli(*command, "--help")
        assert result.returncode == 0, result.stderr
        assert f"Usage: iso10002 {' '.join(command)}" in result.stdout

    def test_unknown_command_is_one_line(self, cli, one_line_error):
        """An unknown command exits 2 with one line naming it."""
        line = one_line_error(cli("frobnicate"), 2)
        assert "frobnicate" in line

    def test_unknown_option_is_one_line(self, cli, one_line_error):
        """An unknown option exits 2 with one line naming it."""
        line = one_line_error(cli("packs", "--colour"), 2)
        assert "--colour" in line


class TestMain:
    def test_returns_the_exit_status(self, capsys):
        """``main`` returns the status instead of exiting, for embedding and tests."""
        assert main(["--version"]) == 0
        assert iso10002.__version__ in capsys.readouterr().out
        assert main(["workflow", "check"]) == 2
        assert "Missing argument" in capsys.readouterr().err

    @pytest.mark.parametrize(
        "command",
        [["report"], ["audit"], ["export"], ["verify"], ["return", "fca"]],
        ids=" ".join,
    )
    def test_a_command_without_its_store_is_a_usage_error(self, capsys, command):
        """Leaving out ``--db`` exits 2 naming it, never a traceback."""
        extra = ["--period", "2025-H2"] if command[0] == "return" else []
        assert main([*command, *extra]) == 2
        assert "Missing option '--db'" in capsys.readouterr().err

    @pytest.mark.parametrize("group", ["workflow", "return"])
    def test_a_group_without_a_subcommand_shows_its_help(self, capsys, group):
        """A bare group prints its full help (not one squashed line) and exits 2."""
        assert main([group]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"Usage: iso10002 {group}")
        assert "\nCommands:\n" in err
