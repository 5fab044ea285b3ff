"""Exports read back: export then import into an empty store gives equal complaints."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iso10002.errors import ValidationError
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.interchange import FORMATS, import_records, read_rows, write_records
from iso10002.repositories import MAX_PAGE_SIZE, Query
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.testing.strategies import complaints

_DPO = Actor("test:export", roles={"data-protection-officer"})


def _unique(items):
    return list({c.id: c for c in items}.values())


class TestRoundTrip:
    @settings(
        max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        items=st.lists(complaints(max_events=4), max_size=4).map(_unique),
        fmt=st.sampled_from(FORMATS),
    )
    def test_export_then_import_gives_equal_complaints(
        self, tmp_path_factory, items, fmt
    ):
        """Ids, fields and histories survive every format; the chains verify."""
        where = tmp_path_factory.mktemp("rt")
        source = SQLiteComplaintRepository(where / "a.db")
        target = SQLiteComplaintRepository(where / "b.db")
        try:
            for complaint in items:
                source.add(complaint)
            handler = ComplaintsHandler(source, store=InMemoryHandlerStore())
            out = io.StringIO(newline="")
            documents = handler.export(actor=_DPO, include_personal_data=True)
            assert write_records(documents, out, format=fmt) == len(items)
            rows = read_rows(io.StringIO(out.getvalue(), newline=""), format=fmt)
            summary = import_records(target, rows)
            assert summary.imported == len(items)
            before = source.find(Query(), limit=MAX_PAGE_SIZE).items
            after = target.find(Query(), limit=MAX_PAGE_SIZE).items
            assert after == before
            assert target.verify_integrity().ok
            again = import_records(
                target, read_rows(io.StringIO(out.getvalue(), newline=""), format=fmt)
            )
            assert again.imported == 0
        finally:
            source.close()
            target.close()

    def test_broken_record_names_row_and_field(self, tmp_path):
        """A damaged exported record stops the import naming the record."""
        target = SQLiteComplaintRepository(tmp_path / "b.db")
        try:
            rows = read_rows(io.StringIO('{"id": "x"}\n'), format="jsonl")
            with pytest.raises(ValidationError) as info:
                import_records(target, rows)
            assert info.value.field.startswith("row 1")
        finally:
            target.close()
