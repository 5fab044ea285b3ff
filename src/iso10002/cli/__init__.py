"""The ``iso10002`` command line (the ``cli`` extra: click and tqdm).

``iso10002 demo`` runs a simulated year of complaints into a SQLite file,
``iso10002 workflow check`` and ``iso10002 workflow diagram`` validate and
draw workflow definitions, ``iso10002 export`` writes stored complaints as
JSON lines, JSON or CSV (without personal data unless asked), ``iso10002
import`` reads an organisation's records through a mapping file (or an
export back), ``iso10002 packs``
lists the regulatory deadline packs, ``iso10002 report`` prints KPIs or
writes the management review pack (HTML, JSON), ``iso10002 audit`` gives
audit evidence and the self-assessment per clause, and ``iso10002 return
fca`` and ``iso10002 return asic`` produce regulatory complaints returns, and
``iso10002 serve`` runs the web desk (the ``web`` extra), and ``iso10002
verify`` checks a store deeply (``--checkpoint`` seals it for the quick check
every command opens a store with); the
analysis commands output no personal data. ``python -m iso10002`` is the same
program. Every command has ``--help``; user errors give one line on stderr
and a non-zero exit status. ``--db`` takes a SQLite file or a PostgreSQL URI
(``postgresql://…``, with ``--schema``) in every command.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import click

from iso10002 import __version__
from iso10002.cli._errors import run

__all__ = ["cli", "main"]

# name -> "module:attribute"; commands load only when used, so ``--help`` stays fast.
_COMMANDS: dict[str, str] = {
    "audit": "iso10002.cli._audit:audit",
    "demo": "iso10002.cli._demo:demo",
    "export": "iso10002.cli._export:export",
    "import": "iso10002.cli._import:import_command",
    "migrate-history": "iso10002.cli._migrate:migrate_history_command",
    "packs": "iso10002.cli._packs:packs",
    "report": "iso10002.cli._report:report",
    "return": "iso10002.cli._returns:returns",
    "serve": "iso10002.cli._serve:serve",
    "verify": "iso10002.cli._verify:verify",
    "workflow": "iso10002.cli._workflow:workflow",
}


class _LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in _COMMANDS:
            return found
        module_name, _, attribute = _COMMANDS[cmd_name].partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):  # pragma: no cover - a wiring bug
            msg = f"{_COMMANDS[cmd_name]} is not a click command"
            raise TypeError(msg)
        return command


@click.group(
    cls=_LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "-V", "--version", prog_name="iso10002")
def cli() -> None:
    """Embed an ISO 10002 complaints-handling process: demo data, workflows, reports.

    Start with `iso10002 demo`, which writes a simulated year of complaints
    to ./iso10002-demo.db and tells you what it did; then `iso10002 report`,
    `iso10002 audit` and `iso10002 return fca|asic` analyse it (no personal
    data in their output).
    """


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``iso10002`` command line and return its exit status.

    Args:
        argv: The arguments after the program name (``sys.argv[1:]`` when
            ``None``).

    Returns:
        0 on success, 1 when a command found a problem or failed, 2 for a
        command line that could not be understood. Errors are reported as
        one line on stderr, never as a traceback.

    .. versionadded:: 0.1.0
    """
    return run(cli, argv, "iso10002")
