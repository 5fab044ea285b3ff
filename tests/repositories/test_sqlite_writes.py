"""A SQLite save names only the indexed columns that changed, and queries follow."""

from __future__ import annotations

import json
import re
from contextlib import closing
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.integrity.documents import (
    document_text,
    event_json,
    head_text,
    is_whole,
    stored_history,
    whole_document,
)
from iso10002.model import Channel, Classification, DueDate
from iso10002.repositories import Query
from iso10002.repositories.rows import matches, sort_key
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.repositories.sqlite._sql import INDEXED_COLUMNS, update_sql
from iso10002.testing.contract import make_complaint, next_version

T = make_complaint(1).received_at


def _updates(repository: SQLiteComplaintRepository, run) -> list[str]:
    """Run ``run()`` and return the UPDATE statements it sent to SQLite."""
    statements: list[str] = []
    with repository._connection() as connection:
        connection.set_trace_callback(statements.append)
        try:
            run()
        finally:
            connection.set_trace_callback(None)
    return [s for s in statements if s.startswith("UPDATE complaints")]


def _named(update: str) -> set[str]:
    """Return the indexed columns an UPDATE's SET list names."""
    sets = update.split(" WHERE ", maxsplit=1)[0]
    return {c for c in INDEXED_COLUMNS if re.search(rf"[ ,]{c} = ", sets)}


@pytest.fixture
def repository(tmp_path):
    """A file store (one connection per thread), closed afterwards."""
    with closing(SQLiteComplaintRepository(tmp_path / "store.db")) as repo:
        yield repo


class TestChangedColumnsOnly:
    def test_a_status_change_names_status_and_no_other_index(self, repository):
        """SQLite rewrites every index named in SET, so unchanged ones are left out."""
        first = make_complaint(1, category="billing")
        repository.add(first)
        second = next_version(first, status="investigating")
        (update,) = _updates(
            repository, lambda: repository.save(second, expected_version=1)
        )
        assert _named(update) == {"status"}
        assert repository.get(first.id) == second

    def test_a_save_changing_nothing_indexed_names_no_index(self, repository):
        """A new event alone updates the document, chain head and version only."""
        first = make_complaint(1)
        repository.add(first)
        (update,) = _updates(
            repository,
            lambda: repository.save(next_version(first), expected_version=1),
        )
        assert _named(update) == set()

    def test_update_sql_refuses_columns_that_are_not_indexed(self):
        """Only the indexed columns can be named (the SQL is built from names)."""
        with pytest.raises(ValueError, match="document"):
            update_sql(("status", "document"))


_CHANGES = st.fixed_dictionaries(
    {},
    optional={
        "status": st.sampled_from(["received", "investigating", "closed"]),
        "assignee": st.sampled_from([None, "agent:1", "agent:2"]),
        "classification": st.sampled_from(
            [None, Classification(category="billing"), Classification(category="x")]
        ),
        "channel": st.sampled_from([Channel.WEB, Channel.PHONE]),
        "reference": st.sampled_from(["R-1", "R-2"]),
        "received_at": st.sampled_from([T - timedelta(days=3), T]),
        "deadlines": st.sampled_from(
            [
                (),
                (DueDate(step="respond", due_at=T + timedelta(days=1)),),
                (DueDate(step="respond", due_at=T + timedelta(days=9)),),
            ]
        ),
    },
)


def _queries(complaints) -> list[Query]:
    """Queries on every indexed field, for every value the complaints hold."""
    found = [Query()]
    for c in complaints:
        found += [
            Query(status_in=(c.status,)),
            Query(assignee=c.assignee) if c.assignee else Query(),
            Query(channel=c.channel),
            Query(reference=c.reference),
            Query(received_before=c.received_at + timedelta(seconds=1)),
            Query(due_before=T + timedelta(days=2)),
            Query(breached=True, as_of=T + timedelta(days=30)),
        ]
        if c.classification is not None:
            found.append(Query(category=c.classification.category))
    return found


class TestQueriesFollowSaves:
    @settings(max_examples=25, deadline=None)
    @given(changes=st.lists(_CHANGES, min_size=1, max_size=4))
    def test_find_matches_the_reference_predicate_after_saves(self, changes):
        """After saves changing indexed fields, find returns what matches says."""
        with closing(SQLiteComplaintRepository(":memory:")) as repository:
            stored = [make_complaint(n) for n in range(1, len(changes) + 1)]
            repository.add_many(stored)
            current = []
            for before, change in zip(stored, changes, strict=True):
                after = next_version(before, **change)
                repository.save(after, expected_version=before.version)
                current.append(after)
            for query in _queries([*stored, *current]):
                expected = sorted(
                    (c for c in current if matches(query, c)), key=sort_key
                )
                page = repository.find(query, limit=100)
                assert [c.id for c in page.items] == [c.id for c in expected]
                assert repository.count(query) == len(expected)


def _document(repository: SQLiteComplaintRepository, complaint_id: str) -> str:
    with repository._connection() as connection:
        (text,) = connection.execute(
            "SELECT document FROM complaints WHERE id = ?", (complaint_id,)
        ).fetchone()
    return str(text)


def _set_document(repository, complaint_id: str, text: str) -> None:
    with repository._connection() as connection:
        connection.execute(
            "UPDATE complaints SET document = ? WHERE id = ?", (text, complaint_id)
        )


class TestSavesWriteTheHeadOnly:
    @settings(max_examples=10, deadline=None)
    @given(steps=st.integers(1, 4), events=st.integers(1, 5))
    def test_saved_rows_hold_the_head_and_the_log_the_history(self, steps, events):
        """Each save stores the document without its history; reads join the log."""
        with closing(SQLiteComplaintRepository(":memory:")) as repository:
            complaint = make_complaint(1, events=events)
            repository.add(complaint)
            assert _document(repository, complaint.id) == head_text(complaint)
            for _ in range(steps):
                after = next_version(complaint, status="investigating")
                repository.save(after, expected_version=complaint.version)
                complaint = after
                stored = _document(repository, complaint.id)
                assert stored == head_text(complaint)
                assert not is_whole(stored)
                texts = [event_json(e) for e in complaint.history]
                assert whole_document(stored, ",".join(texts)) == document_text(
                    complaint, texts
                )
            assert repository.get(complaint.id) == complaint
            assert repository.verify_integrity().ok

    def test_a_save_writes_no_more_than_the_head_and_the_new_events(self, repository):
        """The bytes a save sends do not grow with the history (issue 14 item 8)."""
        first = make_complaint(1, events=200)
        repository.add(first)
        statements: list[str] = []
        with repository._connection() as connection:
            connection.set_trace_callback(statements.append)
            try:
                repository.save(next_version(first), expected_version=200)
            finally:
                connection.set_trace_callback(None)
        update = next(s for s in statements if s.startswith("UPDATE complaints"))
        assert '"history"' not in update
        assert len(update) < 4 * len(head_text(first))

    def test_a_whole_document_keeps_its_history_text_and_evidence(self, repository):
        """An event edited in a whole stored document stays edited: the save appends.

        A document stored whole (before schema version 5, or left so by the
        migration) is not rewritten from the caller's objects, so an edit made
        behind the library's back is still reported after the save.
        """
        first = make_complaint(1, events=2)
        repository.add(first)
        texts = [event_json(e) for e in first.history]
        edited = document_text(first, texts).replace(
            '"actor":"agent:1"', '"actor":"agent:9"'
        )
        assert '"actor":"agent:9"' in edited
        _set_document(repository, first.id, edited)
        repository.save(next_version(first), expected_version=2)
        after = _document(repository, first.id)
        assert is_whole(after)
        assert '"actor":"agent:9"' in after
        problems = repository.verify_integrity().problems
        assert first.id in {p.complaint_id for p in problems}

    def test_a_whole_document_written_otherwise_is_rewritten_whole(self, repository):
        """A whole document not ending with its history is rewritten whole."""
        first = make_complaint(1, events=2)
        repository.add(first)
        texts = [event_json(e) for e in first.history]
        reformatted = json.dumps(json.loads(document_text(first, texts)), indent=1)
        _set_document(repository, first.id, reformatted)
        assert repository.get(first.id) == first
        second = next_version(first)
        repository.save(second, expected_version=2)
        texts = [event_json(e) for e in second.history]
        assert _document(repository, first.id) == document_text(second, texts)
        assert repository.verify_integrity().ok


class TestStoredHistory:
    @settings(max_examples=20)
    @given(events=st.integers(1, 6))
    def test_finds_the_history_of_a_written_document(self, events):
        """The history text of a document we wrote is its events' texts, joined."""
        complaint = make_complaint(3, events=events, name='He said ,"history":[ x')
        texts = [event_json(e) for e in complaint.history]
        assert stored_history(document_text(complaint, texts)) == ",".join(texts)

    @pytest.mark.parametrize(
        "document", [None, b"{}", "{}", '{"id":"x"}', '{"history":[]}', "]}"]
    )
    def test_anything_else_has_none(self, document):
        """Bytes, documents without history or not ending with it give None."""
        assert stored_history(document) is None
