"""``iso10002 packs``: the regulatory packs and their limits."""

from __future__ import annotations

from iso10002.deadlines import BUILTIN_PACKS, get_pack


class TestPacks:
    def test_lists_every_pack_with_its_limits(self, cli):
        """Every shipped pack is listed with each deadline's step and citation."""
        result = cli("packs")  # a fresh process: only the shipped packs exist
        assert result.returncode == 0, result.stderr
        for pack in map(get_pack, BUILTIN_PACKS):
            assert f"{pack.name} (version {pack.version}" in result.stdout
            for deadline in pack.deadlines:
                assert deadline.citation in result.stdout
        assert "8 weeks from the day after receipt" in result.stdout

    def test_markdown_for_named_packs(self, cli):
        """``--format markdown`` prints the documentation's table of the named packs."""
        result = cli("packs", "uk.fca.disp", "--format", "markdown")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("## `uk.fca.disp`")
        assert "| step | kind | limit |" in result.stdout
        assert "eu.psd2" not in result.stdout
        assert get_pack("uk.fca.disp").title in result.stdout

    def test_unknown_pack_is_one_line(self, cli, one_line_error):
        """An unknown pack name exits 1 with one line listing the known packs."""
        line = one_line_error(cli("packs", "xx.nowhere"), 1)
        assert "xx.nowhere" in line
        assert "uk.fca.disp" in line
