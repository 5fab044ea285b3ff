"""The "Guiding principles" page shows exactly what the code checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iso10002.principles import Edition, Principle, coverage_table, policies_for

PAGE = Path(__file__).resolve().parents[2] / "docs" / "principles.md"
BLOCK = re.compile(
    r"<!-- generated:(?P<key>[^ ]+) -->\n(?P<body>.*?)<!-- /generated -->", re.DOTALL
)


def _mapping_table():
    old = Edition.ISO_10002_2014
    rows = ["| 2018 | Clause | 2004/2014 | Clause |", "|---|---|---|---|"]
    for p in Principle.of_edition(Edition.ISO_10002_2018):
        q = p.counterpart(old)
        rows.append(
            f"| {p.label} | {p.clause(Edition.ISO_10002_2018)} | "
            f"{q.label if q else '(none)'} | {q.clause(old) if q else ''} |"
        )
    return "\n".join(rows) + "\n"


def _expected():
    parts = {"edition-mapping": _mapping_table()}
    for edition in Edition:
        parts[edition.value] = coverage_table(edition, policies_for(edition).values())
    return parts


class TestPrinciplesPage:
    def test_every_generated_block_is_present(self):
        """The page holds one generated block per edition and the edition mapping."""
        keys = [m["key"] for m in BLOCK.finditer(PAGE.read_text(encoding="utf-8"))]
        assert sorted(keys) == sorted(_expected())

    @pytest.mark.parametrize("key", sorted(_expected()))
    def test_block_matches_the_code(self, key):
        """Each generated block equals what the code produces now."""
        blocks = {
            m["key"]: m["body"]
            for m in BLOCK.finditer(PAGE.read_text(encoding="utf-8"))
        }
        assert blocks[key] == _expected()[key]
