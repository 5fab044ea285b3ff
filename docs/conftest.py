"""Run every Python snippet in the docs as a test (Sybil)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sybil import Sybil
from sybil.parsers.myst import DocTestDirectiveParser, PythonCodeBlockParser, SkipParser

EXAMPLES = Path(__file__).parent.parent / "examples"


def _setup(namespace: dict[str, Any]) -> None:
    """Give the snippets ``EXAMPLES``: the examples/ folder of the checkout."""
    namespace["EXAMPLES"] = EXAMPLES


pytest_collect_file = Sybil(
    parsers=[DocTestDirectiveParser(), PythonCodeBlockParser(), SkipParser()],
    patterns=["*.md"],
    excludes=["_build/*"],
    setup=_setup,
).pytest()
