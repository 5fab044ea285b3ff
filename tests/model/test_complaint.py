from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.errors import ValidationError
from iso10002.model import (
    RECEIVED_EVENT,
    Channel,
    Complainant,
    Complaint,
    ComplaintForm,
    HistoryEvent,
    Remedy,
    RemedyKind,
    WorkflowRef,
    evolve,
    personal_fields,
)
from iso10002.testing import strategies as iso_st

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def _form(**overrides):
    values = {
        "complainant": Complainant(name="Ada Example"),
        "description": "Meter overcharged",
    }
    return ComplaintForm(**{**values, **overrides})


def _receive(**overrides):
    values = {
        "id": "01J0000000000000000000000A",
        "reference": "CMP-2026-000001",
        "received_at": T0,
        "channel": Channel.WEB,
        "received_by": "web-form",
    }
    return Complaint.receive(_form(), **{**values, **overrides})


class TestComplaintReceive:
    def test_creates_version_one_with_received_event(self):
        """A received complaint is at version 1 with one ComplaintReceived event."""
        complaint = _receive()
        assert complaint.version == 1
        assert [e.name for e in complaint.history] == [RECEIVED_EVENT]
        assert complaint.history[0].at == T0
        assert complaint.status == "received"
        assert complaint.workflow == WorkflowRef()

    def test_converts_offset_datetimes_to_utc(self):
        """An aware datetime in another zone is stored as the same instant in UTC."""
        local = T0.astimezone(timezone(timedelta(hours=10)))
        complaint = _receive(received_at=local)
        assert complaint.received_at.utcoffset() == timedelta(0)
        assert complaint.received_at == T0

    def test_refuses_naive_datetimes(self):
        """A naive receipt time is refused, naming the field."""
        with pytest.raises(ValidationError) as info:
            _receive(received_at=datetime(2026, 3, 2, 9, 30))
        assert info.value.field == "received_at"

    def test_refuses_something_other_than_a_form(self):
        """Passing anything but a ComplaintForm is a ValidationError."""
        with pytest.raises(ValidationError, match="form"):
            Complaint.receive({"description": "x"}, **_receive_args())  # type: ignore[arg-type]

    def test_last_event(self):
        """last_event is the newest history entry."""
        assert _receive().last_event == _receive().history[0]


def _receive_args():
    return {
        "id": "x",
        "reference": "CMP-1",
        "received_at": T0,
        "channel": Channel.WEB,
        "received_by": "web",
    }


class TestComplaintInvariants:
    def test_version_must_match_history(self):
        """A version that differs from the history length is refused."""
        complaint = _receive()
        with pytest.raises(ValidationError) as info:
            attrs.evolve(complaint, version=2)
        assert info.value.field == "version"

    def test_negative_version_is_refused(self):
        """A negative version is refused, naming the field."""
        with pytest.raises(ValidationError) as info:
            attrs.evolve(_receive(), version=-1, history=())
        assert info.value.field == "version"

    def test_sequences_must_be_contiguous(self):
        """A history whose sequence numbers skip is refused."""
        complaint = _receive()
        gap = HistoryEvent(sequence=3, name="ComplaintAcknowledged", at=T0, actor="a")
        with pytest.raises(ValidationError) as info:
            attrs.evolve(complaint, version=2, history=(*complaint.history, gap))
        assert info.value.field == "history[1].sequence"

    def test_timestamps_must_not_go_backwards(self):
        """An event earlier than the one before it is refused."""
        complaint = _receive()
        early = HistoryEvent(
            sequence=2,
            name="ComplaintAcknowledged",
            at=T0 - timedelta(seconds=1),
            actor="a",
        )
        with pytest.raises(ValidationError) as info:
            attrs.evolve(complaint, version=2, history=(*complaint.history, early))
        assert info.value.field == "history[1].at"

    def test_first_event_must_be_receipt(self):
        """The first history event must be ComplaintReceived."""
        other = HistoryEvent(sequence=1, name="ComplaintAcknowledged", at=T0, actor="a")
        with pytest.raises(ValidationError) as info:
            attrs.evolve(_receive(), history=(other,))
        assert info.value.field == "history[0].name"

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("description", ""),
            ("description", "   "),
            ("id", "a\x00b"),
            ("reference", "line\nbreak"),
            ("status", 5),
            ("channel", "web"),
            ("received_by", "x" * 201),
            ("assignee", ""),
        ],
    )
    def test_rejects_invalid_field_values(self, field, value):
        """Invalid values are refused with a ValidationError naming the field."""
        with pytest.raises(ValidationError) as info:
            attrs.evolve(_receive(), **{field: value})
        assert info.value.field == field
        assert isinstance(info.value, ValueError)

    @given(iso_st.complaints())
    def test_generated_complaints_hold_the_invariants(self, complaint):
        """Every generated complaint satisfies version == len(history) and ordering."""
        assert complaint.version == len(complaint.history)
        assert [e.sequence for e in complaint.history] == list(
            range(1, complaint.version + 1)
        )
        times = [e.at for e in complaint.history]
        assert times == sorted(times)


class TestPersonalFields:
    def test_complaint_personal_fields(self):
        """The complaint marks the complainant and free text as personal data."""
        assert personal_fields(Complaint) == (
            "complainant",
            "description",
            "desired_outcome",
            "attachments",
            "notes",
        )

    def test_complainant_personal_fields_exclude_preferences(self):
        """Contact details are personal data; preferences and language are not."""
        fields = personal_fields(Complainant)
        assert "name" in fields
        assert "email" in fields
        assert "language" not in fields
        assert "preferred_contact" not in fields


class TestComplaintForm:
    @given(iso_st.complaint_forms())
    def test_generated_forms_are_valid(self, form):
        """Generated forms construct and keep their description."""
        assert form.description.strip()

    def test_lists_become_tuples(self):
        """Sequences given as lists are stored as tuples."""
        form = _form(attachments=[])
        assert form.attachments == ()

    @given(st.text(max_size=5).filter(lambda s: not s.strip()))
    def test_blank_description_is_refused(self, text):
        """A blank description is refused."""
        with pytest.raises(ValidationError) as info:
            _form(description=text)
        assert info.value.field == "description"


def _event(sequence, at=T0, name="ComplaintAcknowledged"):
    return HistoryEvent(sequence=sequence, name=name, at=at, actor="agent:1")


class TestNextVersion:
    def test_appends_event_and_applies_changes(self):
        """next_version equals the fully validated evolve of the same change."""
        complaint = _receive()
        event = _event(2)
        new = complaint.next_version(event, status="acknowledged", assignee="agent:1")
        expected = attrs.evolve(
            complaint,
            status="acknowledged",
            assignee="agent:1",
            version=2,
            history=(
                *complaint.history,
                attrs.evolve(event, data={**event.data, "assignee": "agent:1"}),
            ),
        )
        assert new == expected
        assert complaint.version == 1

    def test_validates_changed_fields(self):
        """An invalid change is refused, naming the field."""
        with pytest.raises(ValidationError) as info:
            _receive().next_version(_event(2), assignee="")
        assert info.value.field == "assignee"

    @pytest.mark.parametrize("field", ["version", "history", "colour"])
    def test_refuses_fields_a_step_cannot_change(self, field):
        """version and history move only through the event; unknown fields fail."""
        with pytest.raises(ValidationError) as info:
            _receive().next_version(_event(2), **{field: 3})
        assert info.value.field == field

    def test_event_sequence_must_be_next(self):
        """An event that is not version + 1 is refused."""
        with pytest.raises(ValidationError) as info:
            _receive().next_version(_event(3))
        assert info.value.field == "event.sequence"

    def test_event_must_not_go_back_in_time(self):
        """An event earlier than the last one is refused."""
        with pytest.raises(ValidationError) as info:
            _receive().next_version(_event(2, at=T0 - timedelta(minutes=1)))
        assert info.value.field == "event.at"

    def test_event_must_be_a_history_event(self):
        """Anything but a HistoryEvent is refused."""
        with pytest.raises(ValidationError) as info:
            _receive().next_version("ComplaintAcknowledged")  # type: ignore[arg-type]
        assert info.value.field == "event"

    @given(iso_st.complaints(max_events=4), st.timedeltas(min_value=timedelta(0)))
    def test_result_always_satisfies_the_invariants(self, complaint, delay):
        """Whatever the complaint, the next version re-validates cleanly as a whole."""
        at = complaint.history[-1].at
        try:
            at += delay
        except OverflowError:
            return
        new = complaint.next_version(_event(complaint.version + 1, at=at))
        rebuilt = Complaint(
            **{a.name: getattr(new, a.name) for a in attrs.fields(Complaint)}
        )
        assert rebuilt == new


class TestEvolve:
    def test_validates_only_and_all_changed_fields(self):
        """A bad change is refused; a good one gives the attrs.evolve result."""
        event = _event(2)
        assert evolve(event, actor="agent:2") == attrs.evolve(event, actor="agent:2")
        with pytest.raises(ValidationError) as info:
            evolve(event, actor="")
        assert info.value.field == "actor"

    def test_runs_cross_field_checks(self):
        """Class-level checks run after the change (money needs its currency)."""
        remedy = Remedy(kind=RemedyKind.REFUND, amount=Decimal(5), currency="GBP")
        with pytest.raises(ValidationError, match="currency"):
            evolve(remedy, currency=None)

    def test_unknown_field(self):
        """An unknown field name is refused."""
        with pytest.raises(ValidationError) as info:
            evolve(_event(2), colour="blue")
        assert info.value.field == "colour"

    def test_not_a_model_value(self):
        """Only attrs model values can be evolved."""
        with pytest.raises(ValidationError):
            evolve(object())

    def test_receive_matches_full_validation(self):
        """Complaint.receive builds exactly what the validating constructor builds."""
        complaint = _receive()
        fields = {a.name: getattr(complaint, a.name) for a in attrs.fields(Complaint)}
        assert Complaint(**fields) == complaint
