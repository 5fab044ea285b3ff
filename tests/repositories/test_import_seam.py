"""The stores reach analysis only through its public push-down seam, and lazily."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import iso10002.repositories

REPOSITORIES = Path(iso10002.repositories.__file__).parent


@pytest.mark.parametrize(
    "module", ["iso10002.repositories.sqlite", "iso10002.repositories.postgres"]
)
def test_importing_an_adapter_does_not_import_analysis(module):
    """A process that only stores complaints never loads the analysis package."""
    pytest.importorskip("psycopg")
    code = (
        f"import sys, {module}; "
        "print(sorted(m for m in sys.modules if m.startswith('iso10002.analysis')))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == "[]"


def test_no_module_of_repositories_imports_a_private_analysis_module():
    """Adapters use ``iso10002.analysis.pushdown``, not analysis' private modules."""
    offending = []
    for path in sorted(REPOSITORIES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            offending += [
                f"{path.name}: {name}"
                for name in names
                if name.startswith("iso10002.analysis.")
                and any(part.startswith("_") for part in name.split(".")[2:])
            ]
    assert offending == []
