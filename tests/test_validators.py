"""The event-data checks of iso10002.validators: sizes and the paths of refusals."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.errors import ValidationError
from iso10002.validators import MAX_JSON_INTEGER, check_json

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-MAX_JSON_INTEGER, MAX_JSON_INTEGER)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
)
_DATA = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


def _reference_size(value):
    """Measure as the checks define it: exact strings, fixed sizes of scalars."""
    if isinstance(value, str):
        return len(json.encoder.encode_basestring(value))
    if isinstance(value, bool) or value is None:
        return 5
    if isinstance(value, int):
        return 20
    if isinstance(value, float):
        return 24
    if isinstance(value, list):
        return 2 + sum(_reference_size(item) + 1 for item in value)
    return 2 + sum(
        _reference_size(key) + 2 + _reference_size(item) for key, item in value.items()
    )


def _posing(text, *, like):
    """Return a str subclass instance of ``text`` equal to ``like`` and hashed alike."""

    class Posing(str):
        __slots__ = ()

        def __eq__(self, other):
            return other == like

        def __hash__(self):
            return hash(like)

    return Posing(text)


class TestCheckJson:
    @given(st.dictionaries(st.text(max_size=6), _DATA, max_size=5))
    def test_measures_every_item_as_defined(self, data):
        """The size is the sum the definition gives, item by item."""
        assert check_json(data, "data") == _reference_size(data)

    @pytest.mark.parametrize(
        ("data", "path"),
        [
            ({"a": "\ud800"}, "data.a"),
            ({"a": [1, MAX_JSON_INTEGER + 1]}, "data.a[1]"),
            ({"a": {"b": math.nan}}, "data.a.b"),
            ({"a": [{"b": -MAX_JSON_INTEGER - 1}]}, "data.a[0].b"),
            ([1, "ok", "\udfff"], "data[2]"),
            ({"a": {1: "x"}}, "data.a"),
            ({"a": {"\ud800": "x"}}, "data.a"),
        ],
    )
    def test_a_bad_item_is_named_by_its_path(self, data, path):
        """A refused scalar or key in a container is named by its own path."""
        with pytest.raises(ValidationError) as info:
            check_json(data, "data")
        assert info.value.field == path

    def test_a_key_met_before_vouches_for_no_look_alike(self):
        """A str subclass posing as a key checked before is still checked."""
        check_json({"seen": 1}, "data")
        with pytest.raises(ValidationError) as info:
            check_json({_posing("\ud800", like="seen"): 1}, "data")
        assert info.value.field == "data"
