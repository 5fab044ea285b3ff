"""import_records through a mapping: conversion, dry run, chunks, resumption."""

from __future__ import annotations

import io
import string
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iso10002.errors import ValidationError
from iso10002.interchange import (
    ALREADY_IMPORTED,
    IMPORT_EVENTS,
    IMPORT_FIELDS,
    INVALID,
    REPEATED_KEY,
    ImportMapping,
    import_records,
    load_mapping,
    read_rows,
)
from iso10002.model import Outcome
from iso10002.repositories import Query
from iso10002.repositories.sqlite import SQLiteComplaintRepository

EXAMPLES = Path(__file__).parents[2] / "examples" / "import"

HEADER = "id,when,via,what,outcome,answered\n"
MAPPING = {
    "name": "desk",
    "key": "id",
    "zone": "Europe/London",
    "columns": {
        "received_at": "when",
        "channel": "via",
        "description": "what",
        "outcome": "outcome",
    },
    "defaults": {"complainant.name": "(anonymous)"},
    "values": {"channel": {"Fax": "other", "Post": "letter"}},
    "events": {"closed": "answered"},
}


def rows(text: str, fmt: str = "csv"):
    """Read the records of an inline source."""
    return read_rows(io.StringIO(text, newline=""), format=fmt)


@pytest.fixture
def store(tmp_path):
    """An empty SQLite store."""
    repository = SQLiteComplaintRepository(tmp_path / "c.db")
    yield repository
    repository.close()


def csv_of(*lines: str) -> str:
    """Return a small helpdesk CSV."""
    return HEADER + "".join(f"{line}\n" for line in lines)


GOOD = (
    "T-1,2025-01-06 09:30,Fax,Billed twice,upheld,2025-01-20",
    "T-2,2025-01-07,Post,Late delivery,,",
)


class TestMapping:
    def test_every_problem_at_once(self):
        """A mapping with several mistakes names each of them."""
        with pytest.raises(ValidationError) as info:
            ImportMapping.from_dict(
                {
                    "name": "Bad Name",
                    "zone": "Mars/Base",
                    "columns": {"nonsense": "x"},
                    "events": {"exploded": "y"},
                    "surprise": 1,
                }
            )
        fields = {path for path, _ in info.value.problems}
        assert {
            "name",
            "zone",
            "columns.nonsense",
            "events.exploded",
            "surprise",
        } <= fields
        assert "columns.received_at" in fields

    def test_examples_load(self):
        """The shipped mapping files are valid."""
        for path in EXAMPLES.glob("*.toml"):
            assert load_mapping(path).name


class TestConversion:
    def test_rows_become_complaints_with_attested_history(self, store):
        """Columns fill fields; value maps apply; only attested events are made."""
        summary = import_records(
            store, rows(csv_of(*GOOD)), ImportMapping.from_dict(MAPPING)
        )
        assert (summary.rows_read, summary.imported, summary.skipped) == (2, 2, {})
        first, second = store.find(Query()).items
        assert first.reference == "T-1"
        assert first.channel.value == "other"
        assert first.status == "closed"
        assert first.outcome is Outcome.UPHELD
        assert [e.name for e in first.history] == [
            "ComplaintReceived",
            "ComplaintClosed",
        ]
        # 09:30 London in January is 09:30 UTC; a date alone is its day's start.
        assert first.received_at.isoformat() == "2025-01-06T09:30:00+00:00"
        assert second.history[0].data["precision"] == "day"
        assert second.status == "received"
        assert (
            summary.assumptions["complainant.name: empty, the mapping's default used"]
            == 2
        )
        assert store.verify_integrity().ok

    def test_contradictory_dates_refused_or_kept_in_order(self, store):
        """An answer before receipt is a problem, or kept and recorded as asked."""
        bad = csv_of("T-9,2025-02-10,Fax,x,upheld,2025-02-01")
        mapping = ImportMapping.from_dict(MAPPING)
        summary = import_records(store, rows(bad), mapping, dry_run=True)
        problem = summary.problems[0]
        assert (problem.row, problem.column) == (1, "answered")
        assert "before received" in problem.message
        kept = ImportMapping.from_dict(
            {**MAPPING, "contradictions": "keep-source-order"}
        )
        import_records(store, rows(bad), kept)
        (complaint,) = store.find(Query()).items
        closed = complaint.history[-1]
        assert closed.at == complaint.received_at
        assert closed.data["anomaly"] == "out_of_order"
        assert closed.data["source_at"].startswith("2025-02-01")

    def test_unknown_value_names_row_and_column(self, store):
        """A value outside the vocabulary stops the run naming row and column."""
        text = csv_of(GOOD[0], "T-3,2025-01-08,Pigeon,x,,")
        with pytest.raises(ValidationError) as info:
            import_records(store, rows(text), ImportMapping.from_dict(MAPPING))
        assert info.value.field == "row 2, column 'via'"
        assert store.count(Query()) == 0  # its chunk, holding row 1, is not written


class TestRuns:
    def test_dry_run_writes_nothing_and_reports_each_row(self, store):
        """A dry run reports per row and stores nothing."""
        seen = []
        text = csv_of(*GOOD, "T-3,not a date,Fax,x,,")
        summary = import_records(
            store, rows(text), ImportMapping.from_dict(MAPPING), dry_run=True,
            on_row=seen.append,
        )  # fmt: skip
        assert [r.row for r in seen] == [1, 2, 3]
        assert seen[0].complaint is not None
        assert seen[2].problems[0].column == "when"
        assert (summary.imported, summary.skipped) == (2, {INVALID: 1})
        assert store.count(Query()) == 0

    def test_rerun_skips_what_is_stored(self, store):
        """Running the same import twice stores each row once."""
        mapping = ImportMapping.from_dict(MAPPING)
        import_records(store, rows(csv_of(GOOD[0])), mapping)
        again = import_records(store, rows(csv_of(*GOOD)), mapping, chunk_size=1)
        assert again.imported == 1
        assert again.skipped == {ALREADY_IMPORTED: 1}
        assert store.count(Query()) == 2

    def test_repeated_key_is_skipped(self, store):
        """A key seen earlier in the same source is skipped with its reason."""
        text = csv_of(GOOD[0], GOOD[0])
        summary = import_records(store, rows(text), ImportMapping.from_dict(MAPPING))
        assert summary.skipped == {REPEATED_KEY: 1}

    def test_json_lines_and_json(self, store):
        """JSON Lines and JSON arrays are read like CSV."""
        mapping = ImportMapping.from_dict(MAPPING)
        line = '{"id": "J-1", "when": "2025-03-01T10:00:00Z", "what": "x"}'
        assert import_records(store, rows(line + "\n", "jsonl"), mapping).imported == 1
        array = '[{"id": "J-2", "when": "2025-03-02", "what": "y", "via": null}]'
        assert import_records(store, rows(array, "json"), mapping).imported == 1

    def test_nested_json_value_is_a_problem(self, store):
        """A JSON object where text is expected names row and column."""
        mapping = ImportMapping.from_dict(MAPPING)
        line = '{"id": "J-1", "when": "2025-03-01", "what": {"deep": [1]}}\n'
        summary = import_records(store, rows(line, "jsonl"), mapping, skip_invalid=True)
        assert summary.problems[0].path == "row 1, column 'what'"


# Python 3.10's csv module cannot write a NUL without an escape character, so
# the table written here has none there (NUL in a source is tested on its own).
_NUL = "\x00" if sys.version_info >= (3, 11) else ""
_CELLS = st.one_of(
    st.sampled_from(["", "2025-01-06", "2025-13-40", "Fax", "upheld", "yes", "1e999"]),
    st.text(string.printable + "\u00e9\ud83d\ude00" + _NUL, max_size=12),
)
_COLUMNS = ("a", "b", "c", "d")
_SOME = st.sampled_from(["", "*", "yes", "Fax", "fax", "upheld", "2025-01-06", "x"])


@st.composite
def _mappings(draw):
    fields = draw(st.lists(st.sampled_from(IMPORT_FIELDS), unique=True, max_size=8))
    columns = {f: draw(st.sampled_from(_COLUMNS)) for f in fields}
    columns["received_at"] = draw(st.sampled_from(_COLUMNS))
    chosen = draw(st.lists(st.sampled_from(IMPORT_EVENTS), unique=True, max_size=4))
    events = {}
    for event in chosen:
        if draw(st.booleans()):
            events[event] = draw(st.sampled_from(_COLUMNS))
        else:  # a flag taking another event's instant (possibly a missing one)
            events[event] = {
                "column": draw(st.sampled_from(_COLUMNS)),
                "when": draw(st.lists(_SOME, min_size=1, max_size=2)),
                "at": draw(st.sampled_from([e for e in IMPORT_EVENTS if e != event])),
            }
    values = {
        f: draw(st.dictionaries(_SOME, _SOME, max_size=3))
        for f in draw(st.lists(st.sampled_from(sorted(columns)), max_size=2))
    }
    defaults = draw(st.dictionaries(st.sampled_from(IMPORT_FIELDS), _SOME, max_size=2))
    return ImportMapping.from_dict(
        {"name": "fuzz", "key": "a", "columns": columns, "events": events,
         "defaults": defaults, "values": values,
         "contradictions": draw(st.sampled_from(["refuse", "keep-source-order"]))}
    )  # fmt: skip


class TestNeverCrashes:
    @settings(
        max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        mapping=_mappings(),
        table=st.lists(st.tuples(*[_CELLS] * len(_COLUMNS)), max_size=8),
        chunk=st.integers(1, 4),
    )
    def test_random_mappings_over_random_csv(
        self, tmp_path_factory, mapping, table, chunk
    ):
        """Every problem is a ValidationError naming a row; no chunk is half stored."""
        import csv  # noqa: PLC0415 - only here

        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow(_COLUMNS)
        writer.writerows(table)
        text = out.getvalue()
        repository = SQLiteComplaintRepository(tmp_path_factory.mktemp("f") / "f.db")
        try:
            problems: tuple = ()
            try:
                summary = import_records(
                    repository, rows(text), mapping, chunk_size=chunk
                )
            except ValidationError as exc:
                problems = exc.problems
                assert repository.count(Query()) % chunk == 0  # whole chunks only
            else:
                assert repository.count(Query()) == summary.imported
            assert all(path.startswith("row ") for path, _ in problems)
            assert repository.verify_integrity().ok
        finally:
            repository.close()


class TestHostileSources:
    def test_nul_byte_names_the_row(self, store):
        """A NUL byte in a CSV stops the read naming the row."""
        text = csv_of(GOOD[0]) + "T-2,2025-01-07,\x00,x,,\n"
        with pytest.raises(ValidationError) as info:
            import_records(store, rows(text), ImportMapping.from_dict(MAPPING))
        assert info.value.field.startswith("row 2")

    def test_bad_encoding_names_the_file(self, store, tmp_path):
        """Bytes that are not UTF-8 give a ValidationError naming the file."""
        path = tmp_path / "latin.csv"
        path.write_bytes(HEADER.encode() + b"T-1,2025-01-06,Fax,caf\xe9,,\n")
        with pytest.raises(ValidationError) as info:
            import_records(store, read_rows(path), ImportMapping.from_dict(MAPPING))
        assert "latin.csv" in info.value.field

    def test_deep_nesting_and_huge_numbers_are_row_problems(self, store):
        """Deeply nested JSON and overflowing values are problems of their row."""
        deep = (
            '{"id": "J", "when": "2025-01-01", "what": '
            + "[" * 100_000
            + "]" * 100_000
            + "}"
        )
        huge = '{"id": "K", "when": "9999-12-31T23:59:59-12:00", "what": "x"}'
        summary = import_records(
            store, rows(f"{deep}\n{huge}\n", "jsonl"), ImportMapping.from_dict(MAPPING),
            dry_run=True,
        )  # fmt: skip
        assert summary.skipped == {INVALID: 2}
        assert [p.row for p in summary.problems] == [1, 2]
