"""External identifiers: what the model accepts, and that the history records them."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.errors import ValidationError
from iso10002.history import replay
from iso10002.model import Complaint, ExternalId
from iso10002.serialization import from_json, to_json
from iso10002.testing.contract import make_complaint, next_version
from iso10002.testing.strategies import single_line_text

systems = st.from_regex(r"[a-z0-9](?:[a-z0-9._-]{0,10}[a-z0-9])?", fullmatch=True)
values = single_line_text(max_size=40)


@pytest.mark.parametrize(
    ("system", "value", "field"),
    [
        ("CFPB", "1", "system"),
        ("cfpb desk", "1", "system"),
        ("-cfpb", "1", "system"),
        ("cfpb", "", "value"),
        ("cfpb", "a\nb", "value"),
        ("cfpb", "x" * 201, "value"),
        ("x" * 65, "1", "system"),
    ],
)
def test_bad_identifiers_name_their_field(system, value, field):
    with pytest.raises(ValidationError) as caught:
        ExternalId(system=system, value=value)
    assert caught.value.field == field


def test_a_complaint_refuses_repeats_and_too_many():
    one = ExternalId(system="cfpb", value="1")
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(make_complaint(1), external_ids=(one, one))
    assert caught.value.field == "external_ids[1]"
    many = tuple(ExternalId(system="desk", value=str(n)) for n in range(21))
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(make_complaint(1), external_ids=many)
    assert caught.value.field == "external_ids"


@given(
    st.lists(st.builds(ExternalId, system=systems, value=values), max_size=5).map(
        lambda ids: tuple({(e.system, e.value): e for e in ids}.values())
    )
)
def test_any_identifiers_round_trip_and_are_recorded_facts(external_ids):
    complaint = make_complaint(1, external_ids=external_ids)
    assert from_json(Complaint, to_json(complaint)) == complaint
    assert replay(complaint) == complaint
    changed = next_version(complaint, external_ids=external_ids[:1])
    assert changed.history[-1].data["external_ids"] == [
        {"system": e.system, "value": e.value} for e in external_ids[:1]
    ]
    assert replay(changed) == changed
