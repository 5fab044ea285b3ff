"""Input files of the command line: JSON or TOML, told apart the same way everywhere."""

from __future__ import annotations

from pathlib import Path

__all__ = ["is_json"]


def is_json(path: Path, text: str) -> bool:
    """Tell whether ``text`` read from ``path`` is JSON (else TOML).

    By suffix (``.json`` or ``.toml``), else by its first character.
    """
    suffix = path.suffix.lower()
    return suffix == ".json" or (suffix != ".toml" and text.lstrip()[:1] in "{[")
