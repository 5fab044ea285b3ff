"""Turn DOT text into a picture with Graphviz's ``dot`` program."""

from __future__ import annotations

import shutil
import subprocess

from iso10002.cli._errors import CliError

__all__ = ["IMAGE_FORMATS", "render_image"]

IMAGE_FORMATS = ("svg", "png")
"""The picture formats ``dot`` is asked for."""

_TIMEOUT = 60  # seconds; a workflow of a few dozen states renders in well under 1


def render_image(dot_text: str, fmt: str, *, program: str = "dot") -> bytes:
    """Return ``dot_text`` drawn as ``fmt`` (``svg`` or ``png``) by Graphviz.

    Raises:
        CliError: when ``dot`` is not installed, fails or takes too long.
    """
    found = shutil.which(program)
    if found is None:
        msg = (
            f"--format {fmt} needs Graphviz's '{program}' program, which is not "
            "installed (install graphviz, e.g. 'apt-get install graphviz' or "
            "'brew install graphviz'), or use --format dot and render it elsewhere"
        )
        raise CliError(msg)
    try:
        done = subprocess.run(  # noqa: S603 - a fixed program, no shell
            [found, f"-T{fmt}"],
            input=dot_text.encode("utf-8"),
            capture_output=True,
            timeout=_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        msg = f"'{program}' did not finish within {_TIMEOUT} s"
        raise CliError(msg) from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        msg = f"'{program}' failed ({reason[0] if reason else done.returncode})"
        raise CliError(msg)
    return done.stdout
