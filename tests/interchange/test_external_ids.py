"""External identifiers from a mapping: indexed, searchable, checked (issue 18)."""

from __future__ import annotations

import io

import pytest

from iso10002.errors import ValidationError
from iso10002.history import replay
from iso10002.interchange import ImportMapping, import_records, read_rows
from iso10002.model import ExternalId
from iso10002.repositories import Query
from iso10002.repositories.sqlite import SQLiteComplaintRepository

MAPPING = {
    "name": "desk",
    "key": "id",
    "columns": {
        "received_at": "when",
        "description": "what",
        "external_ids.helpdesk": "id",
        "external_ids.fos": "ombudsman",
    },
    "defaults": {"complainant.name": "(anonymous)"},
}
CSV = (
    "id,when,what,ombudsman\n"
    "T-1,2025-01-06 09:30,Billed twice,PNX-1\n"
    "T-2,2025-01-07,Late,\n"
)


def _rows(text: str):
    return read_rows(io.StringIO(text, newline=""), format="csv")


@pytest.fixture
def store(tmp_path):
    repository = SQLiteComplaintRepository(tmp_path / "c.db")
    yield repository
    repository.close()


def test_columns_become_indexed_external_ids_in_the_record(store):
    summary = import_records(store, _rows(CSV), ImportMapping.from_dict(MAPPING))
    assert summary.imported == 2
    ombudsman = ExternalId(system="fos", value="PNX-1")
    (first,) = store.find(Query(external_id=ombudsman)).items
    assert first.external_ids == (ombudsman, ExternalId(system="helpdesk", value="T-1"))
    (second,) = store.find(
        Query(external_id=ExternalId(system="helpdesk", value="T-2"))
    ).items
    assert second.external_ids == (ExternalId(system="helpdesk", value="T-2"),)
    # A fact of receipt: the history records them, and the fold gives them.
    assert first.history[0].data["external_ids"][0] == {
        "system": "fos",
        "value": "PNX-1",
    }
    assert replay(first) == first
    assert store.verify_integrity().ok


def test_a_bad_system_code_is_a_mapping_problem_naming_the_field():
    bad = {**MAPPING, "columns": {**MAPPING["columns"], "external_ids.Big Desk": "id"}}
    with pytest.raises(ValidationError) as caught:
        ImportMapping.from_dict(bad)
    assert any("external_ids.Big Desk" in path for path, _ in caught.value.problems)


def test_a_value_the_model_refuses_is_a_row_problem_naming_the_column(store):
    long = "x" * 201
    text = f"id,when,what,ombudsman\nT-1,2025-01-06 09:30,Billed twice,{long}\n"
    summary = import_records(
        store, _rows(text), ImportMapping.from_dict(MAPPING), dry_run=True
    )
    (problem,) = summary.problems
    assert (problem.row, problem.column, problem.field) == (
        1,
        "ombudsman",
        "external_ids.fos",
    )
    assert store.count(Query()) == 0
