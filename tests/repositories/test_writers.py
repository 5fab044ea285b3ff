"""Stored texts are the one JSON writer over ``to_dict``, byte for byte as before."""

from __future__ import annotations

import json

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.errors import ValidationError
from iso10002.integrity import (
    GENESIS,
    canonical_json,
    chain_events,
    commit_personal_data,
    personal_data,
    personal_text,
    prepare,
    prepare_rows,
)
from iso10002.integrity.documents import (
    complaint_fields,
    document,
    document_text,
    event_json,
    head_text,
)
from iso10002.serialization import to_dict
from iso10002.testing import strategies as iso_st
from iso10002.testing.contract import make_complaint
from iso10002.testing.strategies import STRATEGIES

SALT = b"0123456789abcdef"

# Generating whole complaints is costly; a few dozen cover their shapes here.
_SOME = settings(max_examples=30)


def _at(data, path):
    """Follow a personal-data path (``a.b[2].c``) into ``to_dict`` output."""
    value = data
    for part in path.split("."):
        name, _, index = part.partition("[")
        value = value[name]
        if index:
            value = value[int(index.rstrip("]"))]
    return value


class TestToDictWithout:
    @pytest.mark.parametrize("cls", sorted(STRATEGIES, key=lambda c: c.__name__))
    @settings(max_examples=15)
    @given(data=st.data())
    def test_omitting_a_field_leaves_the_rest_alike(self, cls, data):
        """to_dict(omit=(name,)) is to_dict without that key, for every model class."""
        value = data.draw(st.from_type(cls))
        whole = to_dict(value)
        name = data.draw(st.sampled_from(sorted(whole)))
        del whole[name]
        assert to_dict(value, omit=(name,)) == whole

    def test_omitting_an_unknown_field_is_refused(self):
        """Naming a field the class lacks is a ValidationError naming omit."""
        complaint = make_complaint(1)
        with pytest.raises(ValidationError) as info:
            to_dict(complaint, omit=("colour",))
        assert info.value.field == "omit"


class TestDocument:
    @_SOME
    @given(iso_st.complaints(max_events=4))
    def test_every_stored_form_is_the_text_before_the_writers(self, complaint):
        """Document, PostgreSQL head and event rows: the same text as before.

        Before the generated writers (and again now) the document was
        ``json`` over ``to_dict`` with the events' canonical texts spliced in,
        the PostgreSQL document ``json.dumps`` of ``to_dict`` without
        history, and the rows came from :class:`ChainedEvent` objects.
        """
        data = to_dict(complaint)
        del data["history"]
        head = head_text(complaint)
        assert head == json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        pytest.importorskip("psycopg")
        from iso10002.repositories.postgres._codec import (  # noqa: PLC0415 - psycopg
            encode_document,
        )

        text, escaped = encode_document(complaint)
        assert escaped == ("\\u0000" in head or "\ue000" in head)
        if not escaped:
            assert text == head
        texts = [event_json(e) for e in complaint.history]
        expected = document(complaint_fields(complaint), texts)
        assert document_text(complaint, texts) == expected
        prepared = prepare(
            complaint, after_version=1, previous_link="1" * 64, salt=SALT
        )
        document_, rows = prepare_rows(
            complaint,
            after_version=1,
            previous_link="1" * 64,
            salt=SALT,
            row_id="row",
        )
        chained = chain_events(
            complaint, after_version=1, previous_link="1" * 64, salt=SALT
        )
        assert document_ == prepared.document == expected
        assert chained == prepared.events
        assert rows == [
            ("row", c.sequence, c.event_json, c.commitment, c.link) for c in chained
        ]


class TestPersonalData:
    @_SOME
    @given(iso_st.complaints(max_events=2))
    def test_personal_data_and_its_text_follow_the_dict_form(self, complaint):
        """Each personal path's value is its value in to_dict; the text is canonical."""
        data = to_dict(complaint)
        found = personal_data(complaint)
        assert found
        for path, value in found.items():
            assert value == _at(data, path)
        assert personal_text(complaint) == canonical_json(found)

    def test_commitments_and_links_are_pinned(self):
        """Chains stored by earlier releases keep verifying: the bytes are pinned.

        The values were computed by the release before the writers (objects
        to dicts to ``json``), for a complaint with non-ASCII text.
        """
        complaint = make_complaint(
            7, events=3, name="Zo\u00eb \U0001f600", category="billing"
        )
        # As that release recorded it: a receipt event without the facts.
        first = attrs.evolve(complaint.history[0], data={"channel": "web"})
        complaint = attrs.evolve(complaint, history=(first, *complaint.history[1:]))
        assert commit_personal_data(complaint, SALT) == (
            "0e2f6df60de9b9845b180f1003eef2d4a51191a46350f002d9d5e87d2670690c"
        )
        prepared = prepare(complaint, after_version=0, previous_link=GENESIS, salt=SALT)
        assert prepared.last_link == (
            "b8eaaea6e0204f8ed617532f3ba28b5ea13ed413a2372ddf8d7be1f64c60f0f0"
        )
