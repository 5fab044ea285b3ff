from __future__ import annotations

from datetime import datetime, timedelta

import attrs
import pytest
from hypothesis import given, settings

from iso10002.errors import ValidationError
from iso10002.integrity import ERASED, ERASURE_EVENT, erase, is_erased, personal_data
from iso10002.model import Complainant, Representative
from iso10002.serialization import to_dict
from iso10002.testing import strategies as iso_st
from iso10002.testing.contract import make_complaint

# Generating whole complaints is costly; a few dozen cover their shapes here.
_FEW = settings(max_examples=20)


def _at(document, path):
    for part in path.split("."):
        document = document[part]
    return document


def _non_personal(complaint):
    data = to_dict(complaint)
    for path in personal_data(complaint):
        node = data
        *parents, last = path.split(".")
        for part in parents:
            node = node[part]
        node.pop(last, None)
    data.pop("history")
    data.pop("version")
    data.pop("complainant", None)
    data.pop("notes", None)  # omitted from personal_data while empty
    return data


class TestErase:
    @_FEW
    @given(iso_st.complaints(max_events=4))
    def test_erasure_keeps_everything_but_personal_data(self, complaint):
        """Only personal fields change; one event naming the erased fields is added."""
        erased = erase(complaint, actor="dpo", at=complaint.history[-1].at)
        if erased is complaint:
            assert is_erased(complaint)
            return
        assert _non_personal(erased) == _non_personal(complaint)
        assert (
            erased.complainant.preferred_contact
            == complaint.complainant.preferred_contact
        )
        assert erased.complainant.language == complaint.complainant.language
        assert erased.history[:-1] == complaint.history
        event = erased.history[-1]
        assert (event.name, event.sequence) == (ERASURE_EVENT, complaint.version + 1)
        assert is_erased(erased)

    @_FEW
    @given(iso_st.complaints(max_events=2))
    def test_the_erasure_event_lists_exactly_the_changed_fields(self, complaint):
        """The event holds only field paths, each of a field really changed."""
        erased = erase(complaint, actor="dpo", at=complaint.history[-1].at)
        if erased is complaint:
            return
        data = erased.history[-1].data
        assert set(data) == {"fields"}
        before, after = to_dict(complaint), to_dict(erased)
        for path in data["fields"]:
            assert _at(before, path) != _at(after, path)

    def test_nested_personal_values_are_erased(self):
        """Representative, contact details, needs and vulnerability are all cleared."""
        complaint = make_complaint(1)
        complaint = attrs.evolve(
            complaint,
            complainant=Complainant(
                name="Ada",
                email="ada@example.org",
                representative=Representative(name="Bob", relationship="adviser"),
                accessibility_needs=("large print",),
                vulnerable=True,
            ),
        )
        erased = erase(complaint, actor="dpo", at=complaint.history[-1].at)
        assert erased.complainant == Complainant(
            name=ERASED, preferred_contact=complaint.complainant.preferred_contact
        )
        fields = erased.history[-1].data["fields"]
        assert "complainant.representative" in fields
        assert "complainant.vulnerable" in fields

    def test_erasing_an_erased_complaint_returns_it_unchanged(self):
        """Erasure is idempotent: nothing left, no new event."""
        once = erase(
            make_complaint(1), actor="dpo", at=make_complaint(1).history[-1].at
        )
        assert erase(once, actor="dpo", at=once.history[-1].at) is once

    @pytest.mark.parametrize(
        ("actor", "at", "field"),
        [
            ("", None, "actor"),
            ("dpo", datetime(2030, 1, 1), "at"),
            ("dpo", "soon", "at"),
            ("dpo", -1, "at"),
        ],
    )
    def test_bad_actor_or_time_raise_validation_errors(self, actor, at, field):
        """A blank actor, a naive or non-datetime time is refused, naming it."""
        complaint = make_complaint(1)
        with pytest.raises(ValidationError) as caught:
            erase(complaint, actor=actor, at=at or complaint.history[-1].at)
        assert caught.value.field == field

    def test_a_time_before_the_last_event_is_refused(self):
        """Erasure cannot be dated before what it follows."""
        complaint = make_complaint(1)
        with pytest.raises(ValidationError) as caught:
            erase(
                complaint,
                actor="dpo",
                at=complaint.history[-1].at - timedelta(seconds=1),
            )
        assert caught.value.field == "at"
