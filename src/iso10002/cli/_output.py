"""Where ``report``, ``audit`` and ``return`` write: standard output or a file."""

from __future__ import annotations

from pathlib import Path

import click

from iso10002.cli._errors import CliError

__all__ = ["check_output", "write_text"]


def check_output(path: Path | None) -> None:
    """Refuse an output whose directory is missing, before any work is done.

    (The options refuse directories themselves: ``click.Path(dir_okay=False)``.)

    Raises:
        CliError: if the directory of ``path`` does not exist.
    """
    if path is None or str(path) == "-":
        return
    if not path.parent.is_dir():
        msg = f"{path.parent}: no such directory"
        raise CliError(msg)


def write_text(path: Path | None, text: str, *, what: str, newline: str = "\n") -> None:
    """Write ``text`` to ``path`` (stdout for ``None`` or ``-``) and say so on stderr.

    Raises:
        CliError: if the file cannot be written.
    """
    if not text.endswith("\n"):
        text += "\n"  # the same text on stdout and in a file
    if path is None or str(path) == "-":
        click.echo(text, nl=False)
        return
    try:
        with path.open("w", encoding="utf-8", newline=newline) as out:
            out.write(text)
    except OSError as exc:
        msg = f"{path}: cannot write ({exc.strerror or exc})"
        raise CliError(msg) from None
    click.echo(f"{what} written to {path}", err=True)
