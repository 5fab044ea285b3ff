"""Tamper evidence sits below the storage port: it never imports an adapter."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


class TestLayering:
    def test_integrity_does_not_import_the_repositories(self):
        """``iso10002.integrity`` loads without any repository or driver."""
        loaded = _loaded_after("import iso10002.integrity")
        assert not {m for m in loaded if m.startswith("iso10002.repositories")}
        assert "psycopg" not in loaded

    @pytest.mark.parametrize(
        "statement",
        [
            "from iso10002.repositories import InMemoryComplaintRepository",
            "from iso10002.repositories.sqlite import SQLiteComplaintRepository",
        ],
    )
    def test_the_embedded_adapters_do_not_load_psycopg(self, statement):
        """Only the PostgreSQL package imports the driver."""
        assert "psycopg" not in _loaded_after(statement)
