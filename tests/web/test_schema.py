"""Schemas and forms read off the model: they match what the converter writes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jsonschema_rs
import pytest
from hypothesis import given, settings

from iso10002.errors import ValidationError
from iso10002.handler import Actor, redact
from iso10002.model import DueDate
from iso10002.serialization import to_dict
from iso10002.testing import strategies
from iso10002.web._forms import form_data
from iso10002.web._schema import FormField, component_schemas, form_fields
from iso10002.web._words import deadline_words, duration_words

SCHEMAS = component_schemas()
COMPLAINT = jsonschema_rs.validator_for(
    {"$ref": "#/components/schemas/Complaint", "components": {"schemas": SCHEMAS}}
)
NOW = datetime(2026, 3, 2, 12, tzinfo=timezone.utc)


class TestComponentSchemas:
    @given(strategies.complaints())
    @settings(max_examples=20)
    def test_every_complaint_matches_the_complaint_schema(self, complaint):
        """Whatever the model can hold, ``to_dict`` writes what the schema describes."""
        COMPLAINT.validate(to_dict(complaint))

    @given(strategies.complaints())
    @settings(max_examples=20)
    def test_redacted_views_match_too(self, complaint):
        """A view without personal data still matches the schema."""
        COMPLAINT.validate(
            to_dict(redact(complaint, Actor("auditor", roles={"auditor"})))
        )

    def test_the_schema_refuses_a_wrong_document(self):
        """A document missing a field, or with a wrong enum value, fails."""
        assert not COMPLAINT.is_valid({"id": "x"})


class TestFormFields:
    @given(strategies.complaints())
    @settings(max_examples=20)
    def test_decision_fields(self, complaint):
        """The decision form never asks who decided or when; outcome is a select."""
        fields = {
            f.name: f for f in form_fields(("decision",), complaint, {"decision"})
        }
        optional = {f.name: f for f in form_fields(("decision",), complaint)}
        assert not any(n.endswith(("_by", "_at")) for n in fields)
        if complaint.decision is None:
            assert fields["decision.outcome"].kind == "select"
            assert fields["decision.summary"].required
            assert not optional["decision.summary"].required

    def test_form_data_nests_parses_and_splits(self):
        """Dotted names nest, numbers parse, lists split at commas, blanks drop."""
        fields = [
            FormField(
                name="satisfaction.score", label="Score", kind="number", required=True
            ),
            FormField(
                name="classification.tags", label="Tags", kind="list", required=False
            ),
            FormField(name="assignee", label="Assignee", kind="text", required=False),
            FormField(name="x.flag", label="Flag", kind="checkbox", required=False),
        ]
        data = form_data(
            fields,
            {
                "satisfaction.score": " 4 ",
                "classification.tags": "a, b,,",
                "assignee": " ",
            },
        )
        assert data == {
            "satisfaction": {"score": 4},
            "classification": {"tags": ["a", "b"]},
            "x": {"flag": False},
        }

    def test_form_data_names_a_bad_number(self):
        """A number that is not one is a ValidationError naming the input."""
        field = FormField(
            name="satisfaction.score", label="S", kind="number", required=True
        )
        with pytest.raises(ValidationError) as caught:
            form_data([field], {"satisfaction.score": "five"})
        assert caught.value.field == "satisfaction.score"


class TestWords:
    @pytest.mark.parametrize(
        ("due", "state", "words"),
        [
            (
                DueDate(step="final_response", due_at=NOW + timedelta(days=3)),
                "pending",
                "Final response: due in 3 days",
            ),
            (
                DueDate(step="acknowledge", due_at=NOW - timedelta(hours=5)),
                "breached",
                "Acknowledge: overdue by 5 hours",
            ),
            (
                DueDate(
                    step="acknowledge", due_at=NOW, met_at=NOW - timedelta(hours=1)
                ),
                "met",
                "Acknowledge: done Mon 2 Mar 2026, 11:00 UTC, on time.",
            ),
            (
                DueDate(step="acknowledge", due_at=NOW, met_at=NOW + timedelta(days=1)),
                "met_late",
                "Acknowledge: done Tue 3 Mar 2026, 12:00 UTC, 1 day late.",
            ),
        ],
    )
    def test_deadlines_in_words(self, due, state, words):
        """Each state reads as a sentence."""
        assert deadline_words(due, state, NOW).startswith(words)

    def test_short_durations(self):
        """Under a minute is said so."""
        assert duration_words(timedelta(seconds=5)) == "less than a minute"
