from __future__ import annotations

import json
from datetime import date

import pytest

from iso10002.deadlines import (
    BUILTIN_PACKS,
    ClassificationMatch,
    Counting,
    Deadline,
    EventMatch,
    Measure,
    Pack,
    get_pack,
    list_packs,
    load_pack,
    register_pack,
)
from iso10002.errors import ValidationError
from iso10002.serialization import to_dict

CUSTOM = """
name = "test.custom"
version = 1
title = "A host application's own pack"
effective_from = "2024-01-01"

[[deadlines]]
step = "final_response"
measure = "business_days"
amount = 10
clock = "close_of_business"
citation = "House rule 1"
"""


class TestPacks:
    def test_every_builtin_pack_loads_with_citations(self):
        """Each shipped pack loads, is listed, and cites a rule for every deadline."""
        names = [p.name for p in list_packs()]
        for name in BUILTIN_PACKS:
            assert name in names
            pack = get_pack(name)
            assert pack.effective_from <= date(2026, 1, 1)
            assert all(d.citation and d.summary for d in pack.deadlines)
            assert pack.pausing_note

    def test_regulatory_facts(self):
        """The shipped packs encode the limits of their rulebooks."""
        assert (
            get_pack("uk.fca.disp").deadline("final_response").measure is Measure.WEEKS
        )
        assert get_pack("uk.fca.disp").deadline("final_response").amount == 8
        psd = get_pack("uk.fca.disp.psd").deadline("final_response")
        assert (psd.amount, psd.extension.amount) == (15, 35)
        assert get_pack("eu.psd2").deadline("final_response").extension.amount == 35
        asic = get_pack("au.asic.rg271").deadline("final_response")
        assert asic.amount == 30
        assert sorted({o.amount for o in asic.overrides}) == [21, 45, 90]
        assert get_pack("us.cfpb").deadline("final_response").extension.amount == 60
        assert get_pack("ca.bank").deadline("final_response").amount == 56
        assert not get_pack("uk.fca.disp").pausing_allowed

    def test_load_register_and_get_a_custom_pack(self):
        """A host app's TOML pack loads, registers once, and is found by name and
        date."""
        pack = load_pack(CUSTOM)
        register_pack(pack, replace=True)
        assert get_pack("test.custom") is pack
        with pytest.raises(ValidationError) as info:
            register_pack(pack)
        assert info.value.field == "version"
        newer = load_pack(
            CUSTOM.replace("version = 1", "version = 2").replace(
                '"2024-01-01"', '"2025-01-01"'
            )
        )
        register_pack(newer, replace=True)
        assert get_pack("test.custom", on=date(2024, 6, 1)).version == 1
        assert get_pack("test.custom").version == 2
        assert get_pack("test.custom", version=1) is pack

    def test_json_round_trip(self, tmp_path):
        """A pack written as JSON loads back equal, from text, bytes, a file or a
        mapping."""
        pack = get_pack("au.asic.rg271")
        text = json.dumps(to_dict(pack))
        assert load_pack(text) == pack
        assert load_pack(text.encode()) == pack
        path = tmp_path / "pack.json"
        path.write_text(text, encoding="utf-8")
        assert load_pack(path) == pack
        assert load_pack(json.loads(text)) == pack
        toml_path = tmp_path / "pack.toml"
        toml_path.write_text(CUSTOM, encoding="utf-8")
        assert load_pack(toml_path).name == "test.custom"

    @pytest.mark.parametrize(
        ("source", "field"),
        [
            (CUSTOM.replace("amount = 10", "amount = -3"), "deadlines[0].amount"),
            (CUSTOM.replace("amount = 10", "amount = 0"), "deadlines[0].amount"),
            (CUSTOM.replace('"business_days"', '"fortnights"'), "deadlines[0].measure"),
            (CUSTOM.replace('"2024-01-01"', '"soon"'), "effective_from"),
            (CUSTOM.replace('name = "test.custom"', 'name = "Bad Name"'), "name"),
            (
                CUSTOM + '\n[[deadlines]]\nstep = "final_response"\nmeasure = "weeks"\n'
                "amount = 1\n",
                "deadlines[1].step",
            ),
            (CUSTOM.replace("title", "titel"), "title"),
            ("not = [valid", "source"),
            ("{not json", "source"),
            ("[1, 2]", "source"),
            (42, "source"),
            (b"\xff\xfe", "source"),
        ],
    )
    def test_bad_packs_are_refused(self, source, field):
        """Negative amounts, unknown measures and other bad data raise
        ValidationError."""
        with pytest.raises(ValidationError) as info:
            load_pack(source, fmt="json" if source in ("{not json", "[1, 2]") else None)
        assert any(path == field for path, _ in info.value.problems), (
            info.value.problems
        )

    def test_bad_format_and_missing_file(self, tmp_path):
        """An unknown format or unreadable file raises ValidationError."""
        with pytest.raises(ValidationError):
            load_pack(CUSTOM, fmt="yaml")
        with pytest.raises(ValidationError):
            load_pack(tmp_path / "missing.toml")

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"name": "xx.unknown"}, "name"),
            ({"name": "iso10002", "version": 99}, "version"),
            ({"name": "iso10002", "on": date(1999, 1, 1)}, "on"),
            ({"name": "iso10002", "on": "2020-01-01"}, "on"),
        ],
    )
    def test_unknown_packs_are_refused(self, kwargs, field):
        """Unknown names, versions and dates before any version raise
        ValidationError."""
        with pytest.raises(ValidationError) as info:
            get_pack(**kwargs)
        assert info.value.field == field

    def test_register_refuses_non_packs(self):
        """Registering something that is not a Pack raises ValidationError."""
        with pytest.raises(ValidationError):
            register_pack({"name": "x"})

    def test_rule_validation(self):
        """Hours count from receipt only; a pack forbidding pauses refuses pausable
        deadlines."""
        with pytest.raises(ValidationError) as info:
            Deadline(
                step="x",
                measure=Measure.HOURS,
                amount=1,
                clock=Counting.CLOSE_OF_BUSINESS,
                met_by=[EventMatch(event="DecisionCommunicated")],
            )
        assert info.value.field == "clock"
        with pytest.raises(ValidationError) as info:
            Deadline(step="custom_step", measure=Measure.HOURS, amount=1)
        assert info.value.field == "met_by"
        deadline = Deadline(
            step="final_response", measure=Measure.WEEKS, amount=8, pausable=True
        )
        with pytest.raises(ValidationError) as info:
            Pack(
                name="x",
                title="x",
                effective_from=date(2024, 1, 1),
                pausing_allowed=False,
                deadlines=[deadline],
            )
        assert info.value.field == "deadlines[0].pausable"
        with pytest.raises(ValidationError):
            Pack(name="x", title="x", effective_from=date(2024, 1, 1), deadlines=[])
        with pytest.raises(ValidationError):
            ClassificationMatch()
        with pytest.raises(ValidationError) as info:
            get_pack("iso10002").deadline("nope")
        assert info.value.field == "step"
