from __future__ import annotations

from pathlib import Path

import pytest

from iso10002.deadlines import get_pack, pack_table, packs_markdown
from iso10002.errors import ValidationError

PAGE = Path(__file__).parents[2] / "docs" / "packs.md"
START = "<!-- packs:start -->"
END = "<!-- packs:end -->"


class TestPackTables:
    def test_docs_page_matches_the_pack_data(self):
        """docs/packs.md holds exactly the tables generated from the shipped pack
        data."""
        text = PAGE.read_text(encoding="utf-8")
        generated = text.split(START, 1)[1].split(END, 1)[0].strip()
        assert generated == packs_markdown().strip(), (
            "docs/packs.md is out of date: run "
            "python -m iso10002.deadlines._docs docs/packs.md"
        )

    def test_table_lists_every_step_with_its_citation(self):
        """A pack's table has one row per deadline, with its citation."""
        pack = get_pack("au.asic.rg271")
        table = pack_table(pack)
        for deadline in pack.deadlines:
            assert f"| {deadline.step} |" in table
            assert deadline.citation in table
        assert (
            "90 calendar days for tags: au.asic.super.death_benefit_objection" in table
        )

    def test_non_pack_is_refused(self):
        """Rendering something that is not a pack raises ValidationError."""
        with pytest.raises(ValidationError):
            pack_table("uk.fca.disp")
