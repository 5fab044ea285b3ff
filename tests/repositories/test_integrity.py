from __future__ import annotations

import hashlib
import json

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.errors import IntegrityError, ValidationError
from iso10002.integrity import (
    GENESIS,
    StoredLink,
    canonical_json,
    chain_events,
    chain_link,
    commit_personal_data,
    compact_json,
    dump_document,
    dump_event,
    load_document,
    new_salt,
    personal_data,
    prepare,
    verify_complaint,
)
from iso10002.integrity.documents import event_json
from iso10002.model import Complaint, HistoryEvent
from iso10002.serialization import to_dict
from iso10002.testing import strategies as iso_st
from iso10002.testing.contract import make_complaint, next_version

SALT = b"0123456789abcdef"


def _stored(complaint, salt=SALT):
    chained = chain_events(complaint, after_version=0, previous_link=GENESIS, salt=salt)
    return [
        StoredLink(
            sequence=c.sequence,
            event=c.event_json,
            commitment=c.commitment,
            link=c.link,
        )
        for c in chained
    ]


# Generating whole complaints is costly; a few dozen cover their shapes here.
_FEW = settings(max_examples=20)


class TestHashChain:
    @_FEW
    @given(iso_st.complaints(max_events=6))
    def test_a_fresh_chain_verifies(self, complaint):
        """What chain_events produced verifies against the document without problems."""
        links = _stored(complaint)
        assert (
            verify_complaint(
                complaint.id, document=dump_document(complaint), links=links, salt=SALT
            )
            == ()
        )

    @_FEW
    @given(iso_st.complaints(max_events=6), st.data())
    def test_editing_any_event_breaks_the_chain_there(self, complaint, data):
        """Changing one stored event is reported at that event's sequence."""
        links = _stored(complaint)
        index = data.draw(st.integers(0, len(links) - 1))
        event = json.loads(links[index].event)
        event["actor"] = event["actor"] + "!"
        links[index] = attrs.evolve(links[index], event=json.dumps(event))
        problems = verify_complaint(
            complaint.id, document=dump_document(complaint), links=links, salt=SALT
        )
        assert problems
        assert problems[0].sequence == index + 1
        assert {p.complaint_id for p in problems} == {complaint.id}

    def test_saving_in_steps_gives_the_same_chain_as_all_at_once(self):
        """Chaining after version v continues exactly where the stored chain ends."""
        complaint = next_version(next_version(make_complaint(1, events=2)))
        whole = chain_events(
            complaint, after_version=0, previous_link=GENESIS, salt=SALT
        )
        first = chain_events(
            make_complaint(1, events=2),
            after_version=0,
            previous_link=GENESIS,
            salt=SALT,
        )
        rest = chain_events(
            complaint, after_version=2, previous_link=first[-1].link, salt=SALT
        )
        assert [c.link for c in first[:2]] == [c.link for c in whole[:2]]
        assert [c.event for c in rest] == list(complaint.history[2:])

    def test_link_format_is_stable(self):
        """A link is SHA-256 over the domain and length-prefixed UTF-8 parts.

        Stored chains must keep verifying after an upgrade, so the format is
        pinned here independently of the implementation.
        """
        parts = ("0" * 64, "C-\u00e9\ud800", "ab" * 32, '{"a":"\U0001f600"}')
        payload = b"iso10002/chain/v1\n"
        for part in parts:
            encoded = part.encode("utf-8", "surrogatepass")
            payload += len(encoded).to_bytes(8, "big") + encoded
        assert chain_link(*parts) == hashlib.sha256(payload).hexdigest()

    def test_links_bind_the_complaint_id_and_commitment(self):
        """The same event under another id or commitment gets another link."""
        event = dump_event(make_complaint(1).history[0])
        base = chain_link(GENESIS, "C-1", "a" * 64, event)
        assert base != chain_link(GENESIS, "C-2", "a" * 64, event)
        assert base != chain_link(GENESIS, "C-1", "b" * 64, event)
        assert base != chain_link("1" * 64, "C-1", "a" * 64, event)

    def test_removed_and_misnumbered_events_are_reported(self):
        """A gap in sequences and a document longer than the log are both problems."""
        complaint = make_complaint(1, events=3)
        links = _stored(complaint)
        problems = verify_complaint(
            complaint.id,
            document=dump_document(complaint),
            links=[links[0], links[2]],
            salt=SALT,
        )
        messages = " ".join(p.message for p in problems)
        assert "sequence 3 where 2 belongs" in messages
        assert "document has 3 events, the event log 2" in messages

    def test_changed_personal_data_is_caught_by_the_commitment(self):
        """Edited personal data no longer matches the last commitment."""
        complaint = make_complaint(1)
        links = _stored(complaint)
        edited = attrs.evolve(
            complaint,
            complainant=attrs.evolve(complaint.complainant, name="Someone Else"),
        )
        problems = verify_complaint(
            complaint.id, document=dump_document(edited), links=links, salt=SALT
        )
        assert [p.message for p in problems] == [
            "personal data differs from its last recorded commitment"
        ]

    def test_a_document_diverging_from_the_log_is_reported(self):
        """A document whose history was rewritten differs from the event log."""
        complaint = make_complaint(1, events=2)
        links = _stored(complaint)
        changed = attrs.evolve(
            complaint,
            history=(
                complaint.history[0],
                attrs.evolve(complaint.history[1], actor="forger"),
            ),
        )
        problems = verify_complaint(
            complaint.id, document=dump_document(changed), links=links, salt=None
        )
        assert [p.sequence for p in problems] == [2]


class TestCommitments:
    def test_salt_hides_the_data(self):
        """Different salts give unrelated commitments to the same personal data."""
        complaint = make_complaint(1)
        assert commit_personal_data(complaint, new_salt()) != commit_personal_data(
            complaint, new_salt()
        )

    def test_personal_data_lists_only_personal_paths(self):
        """The projection holds the personal fields and none of the statistics."""
        data = personal_data(make_complaint(1, category="billing"))
        assert "complainant" in data
        assert "description" in data
        assert "subject.references" in data
        assert "status" not in data
        assert "classification" not in data

    def test_commitment_ignores_non_personal_changes(self):
        """Changing the status keeps the commitment; changing the name does not."""
        complaint = make_complaint(1)
        moved = attrs.evolve(complaint, status="closed")
        renamed = attrs.evolve(
            complaint, complainant=attrs.evolve(complaint.complainant, name="Other")
        )
        assert commit_personal_data(moved, SALT) == commit_personal_data(
            complaint, SALT
        )
        assert commit_personal_data(renamed, SALT) != commit_personal_data(
            complaint, SALT
        )


class TestDocuments:
    def test_lone_surrogates_are_refused_by_the_model(self):
        """Text with a lone surrogate never reaches a document: the model refuses it."""
        with pytest.raises(ValidationError) as caught:
            make_complaint(1, name="x\ud800y")
        assert "surrogate" in str(caught.value)

    def test_documents_are_encodable(self):
        """A document with unusual but valid text is UTF-8 and loads back equal."""
        complaint = make_complaint(1, name="x\U0010ffff\x85y")
        text = dump_document(complaint)
        text.encode("utf-8")
        assert load_document(complaint.id, text) == complaint
        stored = prepare(
            complaint, after_version=0, previous_link=GENESIS, salt=SALT
        ).document
        stored.encode("utf-8")
        # The stored document holds each event's canonical (chained) text.
        assert json.loads(stored) == json.loads(text)
        assert load_document(complaint.id, stored) == complaint

    @pytest.mark.parametrize(
        "raw", ["{", "[]", '{"id": "C-000001"}', b"\xff", {"id": 3}]
    )
    def test_malformed_documents_raise_integrity_errors(self, raw):
        """Anything but a valid document raises IntegrityError naming the id."""
        with pytest.raises(IntegrityError) as caught:
            load_document("C-000001", raw)
        assert caught.value.complaint_id == "C-000001"

    def test_a_document_under_the_wrong_id_is_refused(self):
        """A valid document stored under another id raises IntegrityError."""
        with pytest.raises(IntegrityError, match="has id"):
            load_document("C-000002", dump_document(make_complaint(1)))


class TestMalformedEvents:
    def test_an_unreadable_stored_event_is_a_problem_not_a_crash(self):
        """A stored event that does not parse is reported at its sequence."""
        complaint = make_complaint(1, events=2)
        links = _stored(complaint)
        links[1] = attrs.evolve(links[1], event="{not json")
        problems = verify_complaint(
            complaint.id, document=dump_document(complaint), links=links, salt=SALT
        )
        assert problems[0].sequence == 2
        assert "malformed" in problems[0].message


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)


class TestStoredJson:
    @given(st.from_type(HistoryEvent))
    def test_event_text_is_its_canonical_json(self, event):
        """An event's text, written directly, is canonical_json of its to_dict."""
        assert event_json(event) == canonical_json(to_dict(event))
        event_json(event).encode("utf-8")

    @given(st.from_type(Complaint))
    def test_document_is_the_complaint(self, complaint):
        """The stored document parses to the complaint's to_dict."""
        prepared = prepare(complaint, after_version=0, previous_link=GENESIS, salt=SALT)
        assert json.loads(prepared.document) == to_dict(complaint)

    @given(_JSON)
    def test_matches_json_dumps(self, value):
        """The built-once encoders write exactly what json.dumps writes."""
        for sort_keys, encode in ((True, canonical_json), (False, compact_json)):
            expected = json.dumps(
                value, sort_keys=sort_keys, separators=(",", ":"), ensure_ascii=False
            )
            try:
                expected.encode("utf-8")
            except UnicodeEncodeError:
                expected = json.dumps(
                    value, sort_keys=sort_keys, separators=(",", ":"), ensure_ascii=True
                )
            assert encode(value) == expected
