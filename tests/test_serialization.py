from __future__ import annotations

import contextlib
import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.errors import ValidationError
from iso10002.model import (
    MODEL_TYPES,
    Channel,
    Complainant,
    Complaint,
    ComplaintForm,
    HistoryEvent,
)
from iso10002.principles import OrganisationProfile
from iso10002.serialization import (
    from_dict,
    from_json,
    make_converter,
    to_dict,
    to_json,
)
from iso10002.testing import strategies as iso_st
from iso10002.testing.strategies import STRATEGIES

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def _complaint() -> Complaint:
    form = ComplaintForm(
        complainant=Complainant(name="Ada", email="ada@example.org"), description="x"
    )
    return Complaint.receive(
        form,
        id="c1",
        reference="CMP-1",
        received_at=T0,
        channel=Channel.EMAIL,
        received_by="mail",
    )


class TestRoundTrip:
    @pytest.mark.parametrize("cls", MODEL_TYPES, ids=lambda c: c.__name__)
    @given(data=st.data())
    def test_json_round_trip(self, cls, data):
        """from_json(to_json(x)) == x for every model type."""
        value = data.draw(STRATEGIES[cls]())
        assert from_json(cls, to_json(value)) == value

    @pytest.mark.parametrize("cls", MODEL_TYPES, ids=lambda c: c.__name__)
    @given(data=st.data())
    def test_dict_round_trip(self, cls, data):
        """from_dict(to_dict(x)) == x for every model type."""
        value = data.draw(STRATEGIES[cls]())
        assert from_dict(cls, to_dict(value)) == value

    @given(st.from_type(Complaint))
    def test_from_type_is_registered(self, complaint):
        """st.from_type(Complaint) uses the registered strategy."""
        assert isinstance(complaint, Complaint)
        assert complaint.version == len(complaint.history)

    def test_every_model_type_has_a_strategy(self):
        """Adding a model type without a strategy fails here."""
        assert set(STRATEGIES) == set(MODEL_TYPES)


class TestDocumentShape:
    def test_plain_json_types(self):
        """Datetimes are ISO 8601 with offset, enums are values, tuples are lists."""
        data = to_dict(_complaint())
        assert data["received_at"] == "2026-03-02T09:30:00+00:00"
        assert data["channel"] == "email"
        assert type(data["channel"]) is str
        assert data["history"][0]["at"] == "2026-03-02T09:30:00+00:00"
        assert data["attachments"] == []
        assert json.loads(to_json(_complaint())) == data

    def test_event_data_is_copied_as_json(self):
        """Event data comes out as a deep copy, tuples as lists, never aliased."""
        data = {"a": (1, {"b": (2, [3])}), "c": [{"d": None}], "e": 1.5}
        event = HistoryEvent(
            sequence=1,
            name="ComplaintReceived",
            at=datetime(2026, 3, 2, tzinfo=timezone.utc),
            actor="web",
            data=data,
        )
        out = to_dict(event)["data"]
        assert out == {"a": [1, {"b": [2, [3]]}], "c": [{"d": None}], "e": 1.5}
        out["c"][0]["d"] = "changed"
        out["a"][1]["b"].append(4)
        assert event.data == data

    @given(st.from_type(Complaint))
    def test_optional_values_unstructure_like_their_own_type(self, complaint):
        """An optional model value or enum unstructures as the value alone would."""
        data = to_dict(complaint)
        for name in ("classification", "decision", "root_cause", "satisfaction"):
            value = getattr(complaint, name)
            assert data[name] == (None if value is None else to_dict(value))
        outcome = complaint.outcome
        assert data["outcome"] == (None if outcome is None else outcome.value)

    def test_indent(self):
        """to_json(indent=2) pretty-prints."""
        assert "\n  " in to_json(_complaint(), indent=2)

    def test_not_a_model_object(self):
        """Serialising something that is not a model object is a ValidationError."""
        with pytest.raises(ValidationError):
            to_dict(object())

    def test_not_a_model_class(self):
        """Deserialising into a non-model class is a ValidationError."""
        with pytest.raises(ValidationError):
            from_dict(dict, {})

    def test_make_converter_returns_independent_converters(self):
        """Each make_converter() call returns a new converter."""
        assert make_converter() is not make_converter()


class TestMalformedInput:
    def test_every_problem_is_listed_with_its_path(self):
        """A document with several problems reports each one with its field path."""
        doc = to_dict(_complaint())
        doc["version"] = "1"
        doc["channel"] = "pigeon"
        doc["complainant"]["email"] = 5
        doc["history"][0]["at"] = "2026-03-02T09:30:00"
        doc["surprise"] = True
        del doc["status"]
        with pytest.raises(ValidationError) as info:
            from_dict(Complaint, doc)
        paths = {path for path, _ in info.value.problems}
        assert paths == {
            "version",
            "channel",
            "complainant.email",
            "history[0].at",
            "surprise",
            "status",
        }

    def test_model_validation_inside_structure_gets_its_path(self):
        """An attrs validator failing in a nested value is reported under its parent."""
        doc = to_dict(_complaint())
        doc["complainant"]["email"] = "no-at-sign"
        with pytest.raises(ValidationError) as info:
            from_dict(Complaint, doc)
        assert info.value.problems == (
            ("complainant.email", "must be an e-mail address"),
        )

    @pytest.mark.parametrize("text", ["{", "", "[1,", "nul", "\x00"])
    def test_broken_json(self, text):
        """Text that is not JSON is a ValidationError."""
        with pytest.raises(ValidationError, match="not valid JSON"):
            from_json(Complaint, text)

    @pytest.mark.parametrize("value", [None, 3, [], "x"])
    def test_non_object_document(self, value):
        """A document that is not an object is refused."""
        with pytest.raises(ValidationError, match="must be an object"):
            from_dict(ComplaintForm, value)

    def test_string_is_not_a_list(self):
        """A string where a list is expected is refused, not split into characters."""
        doc = {"name": "Ada", "accessibility_needs": "large print"}
        with pytest.raises(ValidationError) as info:
            from_dict(Complainant, doc)
        assert info.value.problems == (
            ("accessibility_needs", "must be a list, not str"),
        )

    def test_list_items_are_named_by_index(self):
        """A bad item in a list is reported with its index."""
        doc = to_dict(_complaint())
        doc["history"][0]["sequence"] = "one"
        with pytest.raises(ValidationError) as info:
            from_dict(Complaint, doc)
        assert info.value.problems == (
            ("history[0].sequence", "must be an integer, not str"),
        )

    def test_partial_documents_use_field_defaults(self):
        """Optional fields may be left out of a document; their defaults apply."""
        form = from_dict(
            ComplaintForm, {"complainant": {"name": "Ada"}, "description": "x"}
        )
        assert form.desired_outcome is None
        assert form.complainant.language == "en"

    def test_non_text_json(self):
        """from_json refuses non-text input."""
        with pytest.raises(ValidationError):
            from_json(Complaint, 42)  # type: ignore[arg-type]

    @given(
        st.recursive(
            st.none()
            | st.booleans()
            | st.integers()
            | st.floats()
            | st.text(max_size=10),
            lambda kids: (
                st.lists(kids, max_size=4)
                | st.dictionaries(st.text(max_size=10), kids, max_size=4)
            ),
            max_leaves=20,
        )
    )
    def test_arbitrary_json_raises_only_validation_error(self, document):
        """Arbitrary JSON documents parse or raise ValidationError, nothing else."""
        for cls in (Complaint, ComplaintForm, Complainant):
            with contextlib.suppress(ValidationError):
                from_json(cls, json.dumps(document))

    @given(iso_st.complaints(max_events=3), st.data())
    def test_mutated_documents_raise_only_validation_error(self, complaint, data):
        """Valid documents with one value replaced parse or raise ValidationError."""
        doc = to_dict(complaint)
        target = doc
        path = []
        while isinstance(target, dict) and target:
            key = data.draw(st.sampled_from(sorted(target)))
            path.append(key)
            if not isinstance(target[key], dict) or data.draw(st.booleans()):
                target[key] = data.draw(
                    st.none()
                    | st.integers()
                    | st.text(max_size=30)
                    | st.lists(st.integers(), max_size=2)
                    | st.just("2026-01-01T00:00:00")
                    | st.just({})
                    | st.floats()
                )
                break
            target = target[key]
        outcome: object
        try:
            outcome = from_json(Complaint, json.dumps(doc))
        except ValidationError as exc:
            outcome = exc.problems
        assert isinstance(outcome, Complaint) or len(outcome) > 0


class TestDurations:
    """``timedelta`` fields (profiles, policies) travel as ISO 8601 durations."""

    @given(
        st.timedeltas(
            min_value=timedelta(days=-10_000), max_value=timedelta(days=10_000)
        )
    )
    def test_any_duration_round_trips(self, value):
        """Writing then reading a duration gives it back exactly."""
        converter = make_converter()
        text = converter.unstructure(value)
        assert isinstance(text, str)
        assert converter.structure(text, timedelta) == value

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("P14D", timedelta(days=14)),
            ("PT36H", timedelta(hours=36)),
            ("P2W", timedelta(weeks=2)),
            ("P1DT2H3M4.5S", timedelta(days=1, hours=2, minutes=3, seconds=4.5)),
            ("-PT30M", timedelta(minutes=-30)),
            ("PT0S", timedelta(0)),
        ],
    )
    def test_iso_8601_durations_are_read(self, text, expected):
        """Weeks, days, hours, minutes and seconds are understood."""
        assert make_converter().structure(text, timedelta) == expected

    @pytest.mark.parametrize("bad", ["14 days", "P", "PT", "P1DT", "P1Y", 14, None])
    def test_other_values_name_the_field(self, bad):
        """Anything else is a ValidationError on the field, not a cattrs error."""
        with pytest.raises(ValidationError) as caught:
            from_dict(OrganisationProfile, {"keep_informed_interval": bad})
        assert caught.value.field == "keep_informed_interval"

    def test_a_profile_with_an_interval_round_trips(self):
        """A profile file can set the keep-informed interval."""
        profile = from_dict(OrganisationProfile, {"keep_informed_interval": "P10D"})
        assert profile.keep_informed_interval == timedelta(days=10)
        assert to_dict(profile)["keep_informed_interval"] == "P10D"


class TestEveryProblemAtOnce:
    def test_unknown_fields_are_named_beside_missing_defaults(self):
        """An unknown field is named even when defaults fill more fields than given."""
        bad = {"complainant": {"email": 5}, "description": "", "colour": "red"}
        with pytest.raises(ValidationError) as info:
            from_dict(ComplaintForm, bad)
        assert {path for path, _ in info.value.problems} == {
            "complainant.email",
            "complainant.name",
            "description",
            "colour",
        }

    def test_validator_problems_of_several_fields_are_all_listed(self):
        """Two fields refused by their validators are both reported, in field order."""
        with pytest.raises(ValidationError) as info:
            from_dict(Complainant, {"name": "", "email": "no-at-sign"})
        assert [path for path, _ in info.value.problems] == ["name", "email"]

    def test_a_cross_field_check_is_reported_once_the_fields_are_good(self):
        """The class's own invariants run on a document whose fields all pass."""
        doc = to_dict(_complaint())
        doc["version"] = 2
        with pytest.raises(ValidationError) as info:
            from_dict(Complaint, doc)
        assert info.value.problems == (
            ("version", "must equal the number of history events (1)"),
        )
