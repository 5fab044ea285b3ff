"""Turn every expected failure into one line on stderr and an exit status."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Sequence

import click

from iso10002.errors import Iso10002Error

__all__ = ["EXIT_FAILURE", "EXIT_USAGE", "CliError", "run"]

EXIT_FAILURE = 1
"""Exit status of a command that ran and found a problem (or failed)."""
EXIT_USAGE = 2
"""Exit status of a command line that could not be understood."""


class CliError(click.ClickException):
    """A failure the user can fix, reported as one line (exit status 1)."""

    exit_code = EXIT_FAILURE


def _line(text: str) -> str:
    return " ".join(str(text).split())


def _failure(exc: BaseException, prog_name: str) -> tuple[str, str, int] | None:
    """Return ``(where, message, exit status)`` for an expected failure."""
    if isinstance(exc, click.UsageError):
        where = exc.ctx.command_path if exc.ctx is not None else prog_name
        return where, f"{exc.format_message()} (see '{where} --help')", EXIT_USAGE
    if isinstance(exc, click.ClickException):
        return prog_name, exc.format_message(), exc.exit_code
    if isinstance(exc, click.Abort):
        return prog_name, "aborted", EXIT_FAILURE
    if isinstance(exc, (Iso10002Error, OSError, sqlite3.Error)):
        return prog_name, str(exc) or type(exc).__name__, EXIT_FAILURE
    return None


def run(command: click.Command, args: Sequence[str] | None, prog_name: str) -> int:
    """Run ``command`` and return its exit status, reporting user errors in one line.

    Usage errors (bad options, missing files) exit with 2, other expected
    failures (invalid input files, damaged databases, refused operations)
    with 1, each with one line on stderr naming the problem. Anything else
    is a bug and keeps its traceback.
    """
    try:
        result = command.main(
            args=list(args) if args is not None else None,
            prog_name=prog_name,
            standalone_mode=False,
        )
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE
    except click.exceptions.NoArgsIsHelpError as exc:
        # A group called without a subcommand: show its help, as click does.
        click.echo(exc.format_message(), err=True)
        return EXIT_USAGE
    except (
        click.ClickException,
        click.Abort,
        Iso10002Error,
        OSError,
        sqlite3.Error,
    ) as exc:
        where, message, status = _failure(exc, prog_name) or (prog_name, str(exc), 1)
        click.echo(f"{where}: error: {_line(message)}", err=True)
        return status
    if isinstance(result, bool) or not isinstance(result, int):
        return 0
    return result
