from __future__ import annotations

import gc
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import tracemalloc
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iso10002.errors import (
    DuplicateError,
    IntegrityError,
    RepositoryError,
    ValidationError,
)
from iso10002.integrity.documents import is_whole
from iso10002.model import Complainant, DueDate, HistoryEvent
from iso10002.repositories import Query, SearchQuery, iter_complaints
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.repositories.sqlite import _write as _sqlite_write
from iso10002.repositories.sqlite._schema import MIGRATIONS, SCHEMA_VERSION
from iso10002.repositories.sqlite._sql import select_sql
from iso10002.testing.contract import make_complaint, next_version

T = make_complaint(1).received_at

_WRITER = textwrap.dedent(
    """
    import sys, time
    import attrs
    from iso10002.model import HistoryEvent
    from iso10002.repositories.sqlite import _repository as module
    from iso10002.repositories.sqlite import _rows as rows_module

    def next_version(complaint, data):
        event = HistoryEvent(
            sequence=complaint.version + 1, name="InvestigationStarted",
            at=complaint.history[-1].at, actor="writer", data=data,
        )
        return attrs.evolve(
            complaint, version=complaint.version + 1,
            history=(*complaint.history, event),
        )

    path, mode = sys.argv[1], sys.argv[2]
    repository = module.SQLiteComplaintRepository(path)
    if mode == "pause":
        original = rows_module.update_version

        def paused(*args, **kwargs):
            original(*args, **kwargs)
            print("inside", flush=True)
            time.sleep(60)

        rows_module.update_version = paused
    complaint = repository.get("C-000001")
    while True:
        following = next_version(complaint, data={"pad": "x" * 20000})
        repository.save(following, expected_version=complaint.version)
        complaint = following
        print(complaint.version, flush=True)
    """
)


@pytest.fixture
def path(tmp_path):
    return tmp_path / "complaints.db"


@pytest.fixture
def repository(path):
    repository = SQLiteComplaintRepository(path)
    yield repository
    repository.close()


@pytest.fixture
def writer():
    started = []

    def start(path, mode):
        process = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), mode],
            stdout=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        process.stdout.close()


def _raw(path):
    return sqlite3.connect(path, isolation_level=None)


class TestSQLiteCrashSafety:
    def test_a_writer_killed_inside_a_save_leaves_the_old_version(
        self, repository, path, writer
    ):
        """SIGKILL between update and commit leaves the old version, a usable file."""
        original = repository.add(make_complaint(1))
        process = writer(path, "pause")
        assert process.stdout.readline().strip() == "inside"
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=10) == -signal.SIGKILL
        reopened = SQLiteComplaintRepository(path)
        try:
            assert reopened.get(original.id) == original
            assert len(reopened.events(limit=100)) == 1
            assert reopened.verify_integrity().ok
            following = next_version(original)
            reopened.save(following, expected_version=1)
            assert reopened.get(original.id) == following
        finally:
            reopened.close()

    @pytest.mark.parametrize("saves", [3, 11])
    def test_a_writer_killed_while_saving_leaves_a_whole_version(
        self, repository, path, saves, writer
    ):
        """SIGKILL at any moment of a saving loop leaves a whole, verifying version."""
        repository.add(make_complaint(1))
        process = writer(path, "loop")
        for _ in range(saves):
            assert process.stdout.readline()
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=10) == -signal.SIGKILL
        reopened = SQLiteComplaintRepository(path)
        try:
            complaint = reopened.get("C-000001")
            assert complaint.version >= saves
            assert len(reopened.events(limit=10_000)) == complaint.version
            report = reopened.verify_integrity()
            assert report.ok, report.problems
        finally:
            reopened.close()


class TestSQLiteStorageRules:
    def test_events_refuse_update_and_delete(self, repository, path):
        """The event table is append-only: the database refuses UPDATE and DELETE."""
        repository.add(make_complaint(1))
        connection = _raw(path)
        try:
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                connection.execute("UPDATE events SET link = 'x'")
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                connection.execute("DELETE FROM events")
        finally:
            connection.close()

    def test_wal_journal_and_configurable_synchronous(self, path):
        """The file uses WAL, and synchronous follows the constructor argument."""
        repository = SQLiteComplaintRepository(path, synchronous="full")
        try:
            with repository._connection() as connection:
                assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
                assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2
        finally:
            repository.close()
        repository = SQLiteComplaintRepository(path)
        try:
            with repository._connection() as connection:
                assert connection.execute("PRAGMA synchronous").fetchone()[0] == 1
        finally:
            repository.close()

    @pytest.mark.parametrize(
        ("arguments", "field"),
        [({"synchronous": "SOMETIMES"}, "synchronous"), ({"timeout": -1}, "timeout")],
    )
    def test_bad_options_raise_validation_errors(self, path, arguments, field):
        """Unknown synchronous modes and negative timeouts are refused by name."""
        with pytest.raises(ValidationError) as caught:
            SQLiteComplaintRepository(path, **arguments)
        assert caught.value.field == field

    def test_schema_version_is_recorded_once(self, repository, path):
        """A new file records the schema version; reopening does not migrate again."""
        SQLiteComplaintRepository(path).close()
        connection = _raw(path)
        try:
            versions = connection.execute(
                "SELECT version FROM iso10002_schema ORDER BY version"
            ).fetchall()
        finally:
            connection.close()
        assert versions == [(version,) for version, _ in MIGRATIONS]
        assert versions[-1] == (SCHEMA_VERSION,)

    def test_a_version_6_file_gains_the_search_index_of_stored_complaints(
        self, repository, path, downgrade_sqlite
    ):
        """The v7 step indexes every complaint already stored."""
        repository.add(make_complaint(1, description="Meter read twice"))
        repository.close()
        downgrade_sqlite(path, 6)
        reopened = SQLiteComplaintRepository(path)
        try:
            found = reopened.search(SearchQuery(text="meter TWICE"))
            assert [c.id for c in found] == [make_complaint(1).id]
            assert reopened.verify_integrity().ok
        finally:
            reopened.close()

    def test_version_4_documents_move_to_heads_and_edited_ones_stay_whole(
        self, repository, path, downgrade_sqlite
    ):
        """The v5 step keeps only heads, except where a history was edited."""
        for n in (1, 2):
            repository.add(make_complaint(n, events=3))
        repository.close()
        downgrade_sqlite(path, 4)
        connection = _raw(path)
        try:
            documents = dict(
                connection.execute("SELECT id, document FROM complaints").fetchall()
            )
            assert all(is_whole(d) for d in documents.values())  # really v4 files
            edited_id = make_complaint(2).id
            connection.execute(
                "UPDATE complaints SET document = ? WHERE id = ?",
                (
                    documents[edited_id].replace('"actor":"agent:1"', '"actor":"x"'),
                    edited_id,
                ),
            )
        finally:
            connection.close()
        reopened = SQLiteComplaintRepository(path)
        try:
            kept_id = make_complaint(1).id
            assert reopened.get(kept_id) == make_complaint(1, events=3)
            report = reopened.verify_integrity()
            assert {p.complaint_id for p in report.problems} == {edited_id}
            current = reopened.get(kept_id)
            reopened.save(next_version(current), expected_version=current.version)
            assert reopened.verify_integrity().complaints_checked == 2
        finally:
            reopened.close()
        connection = _raw(path)
        try:
            stored = dict(
                connection.execute("SELECT id, document FROM complaints").fetchall()
            )
        finally:
            connection.close()
        assert not is_whole(stored[kept_id])
        assert is_whole(stored[edited_id])

    def test_version_2_event_log_moves_to_version_3_whole(
        self, repository, path, downgrade_sqlite
    ):
        """The v3 rebuild keeps every event and position; new ones come after."""
        for n in (1, 2):
            repository.add(make_complaint(n, events=3))
        before = repository.events(limit=100)
        repository.close()
        downgrade_sqlite(path, 2)
        connection = _raw(path)
        try:
            (table,) = connection.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'events'"
            ).fetchone()
        finally:
            connection.close()
        assert "AUTOINCREMENT" in table  # really a version 2 file
        reopened = SQLiteComplaintRepository(path)
        try:
            assert reopened.events(limit=100) == before
            current = reopened.get(make_complaint(1).id)
            reopened.save(next_version(current), expected_version=current.version)
            (added,) = reopened.events(after=before[-1].position)
            assert added.position == before[-1].position + 1
            assert reopened.verify_integrity().ok
        finally:
            reopened.close()
        connection = _raw(path)
        try:
            (table,) = connection.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'events'"
            ).fetchone()
            assert "AUTOINCREMENT" not in table
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                connection.execute("DELETE FROM events")
        finally:
            connection.close()

    def test_a_newer_schema_is_refused(self, repository, path):
        """A database written by a newer library raises IntegrityError."""
        connection = _raw(path)
        connection.execute(
            "INSERT INTO iso10002_schema (version) VALUES (?)", (SCHEMA_VERSION + 1,)
        )
        connection.close()
        with pytest.raises(IntegrityError, match="newer"):
            SQLiteComplaintRepository(path)

    def test_a_file_that_is_not_a_database_raises_integrity_error(self, tmp_path):
        """Opening garbage raises IntegrityError, not a driver error."""
        garbage = tmp_path / "garbage.db"
        garbage.write_bytes(b"this is not a database" * 100)
        with pytest.raises(IntegrityError):
            SQLiteComplaintRepository(garbage)

    def test_an_unopenable_path_raises_repository_error(self, tmp_path):
        """A file in a missing folder raises RepositoryError, not a driver error."""
        with pytest.raises(RepositoryError, match="refused"):
            SQLiteComplaintRepository(tmp_path / "missing" / "complaints.db")

    def test_a_busy_database_raises_repository_error(self, repository, path):
        """A writer blocked beyond the timeout gets RepositoryError."""
        repository.add(make_complaint(1))
        impatient = SQLiteComplaintRepository(path, timeout=0.05)
        blocker = _raw(path)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(RepositoryError, match="busy"):
                impatient.add(make_complaint(2))
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
            impatient.close()
        assert repository.count(Query()) == 1

    def test_a_closed_repository_refuses_work(self, path):
        """After close every call raises RepositoryError."""
        repository = SQLiteComplaintRepository(path)
        repository.close()
        with pytest.raises(RepositoryError, match="closed"):
            repository.get("C-000001")

    def test_a_document_with_another_id_is_an_integrity_error(self, repository, path):
        """A document moved under another id is caught when read."""
        repository.add(make_complaint(1))
        repository.add(make_complaint(2))
        connection = _raw(path)
        connection.execute(
            "UPDATE complaints SET document = "
            "(SELECT document FROM complaints WHERE id = 'C-000002') "
            "WHERE id = 'C-000001'"
        )
        connection.close()
        with pytest.raises(IntegrityError) as caught:
            repository.get("C-000001")
        assert caught.value.complaint_id == "C-000001"
        assert repository.verify_integrity().broken_complaint_ids == ("C-000001",)

    def test_import_complaints_commits_batch_by_batch(self, repository):
        """A duplicate in the third batch keeps the first two and stores none of it."""
        repository.add(make_complaint(25))
        with pytest.raises(DuplicateError) as caught:
            repository.import_complaints(
                (make_complaint(n) for n in range(1, 31)), batch_size=10
            )
        assert caught.value.complaint_id == "C-000025"
        assert repository.count(Query()) == 21
        with pytest.raises(ValidationError) as refused:
            repository.import_complaints([], batch_size=0)
        assert refused.value.field == "batch_size"

    def test_add_many_stores_all_or_nothing(self, repository):
        """A bulk import with one duplicate stores none of the batch."""
        repository.add(make_complaint(5))
        with pytest.raises(DuplicateError) as caught:
            repository.add_many([make_complaint(n) for n in range(1, 8)])
        assert caught.value.complaint_id == "C-000005"
        assert repository.count(Query()) == 1
        assert (
            repository.add_many([make_complaint(n, events=6) for n in range(10, 20)])
            == 10
        )
        assert repository.count(Query()) == 11
        assert repository.verify_integrity().ok

    def test_add_many_across_chunks_is_still_all_or_nothing(
        self, repository, monkeypatch
    ):
        """Bulk imports write in chunks; a duplicate in a later chunk stores none."""
        monkeypatch.setattr(_sqlite_write, "_CHUNK", 4)
        batch = [make_complaint(n, events=3) for n in range(1, 11)]
        with pytest.raises(DuplicateError) as caught:
            repository.add_many([*batch, make_complaint(3)])  # 3rd chunk repeats C3
        assert caught.value.complaint_id == "C-000003"
        assert repository.count(Query()) == 0
        assert repository.add_many(batch) == len(batch)
        assert list(iter_complaints(repository)) == batch
        assert repository.verify_integrity().ok


_TEXT_EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


class TestSQLiteText:
    @pytest.mark.parametrize(
        "bad", ["a\x00b", "nul\x00", "bell\x07", "esc\x1b[0m", "del\x7f"]
    )
    def test_the_model_refuses_control_characters(self, bad):
        """NUL and other control characters are refused at construction, by field."""
        with pytest.raises(ValidationError) as caught:
            Complainant(name=bad)
        assert caught.value.field == "name"
        with pytest.raises(ValidationError) as caught:
            HistoryEvent(sequence=1, name="ComplaintReceived", at=T, actor=bad)
        assert caught.value.field == "actor"

    def test_unusual_but_accepted_text_round_trips(self, repository):
        """C1 controls, non-characters and tabs round-trip."""
        odd = [
            "c1 \x85\x9f",
            "non \ufffe\U0010ffff",
        ]
        for n, text in enumerate(odd, start=1):
            complaint = make_complaint(
                n, name=text, description=f"{text}\ttab\r\nline", assignee=text
            )
            complaint = next_version(complaint, data={text: text})
            repository.add(complaint)
            assert repository.get(complaint.id) == complaint
            assert [
                c.id for c in iter_complaints(repository, Query(assignee=text))
            ] == [complaint.id]
        assert repository.verify_integrity().ok

    def test_whatever_the_model_accepts_round_trips(self, repository):
        """Any text the model accepts as name or description is read back equal."""
        numbers = iter(range(1, 10_000))

        @_TEXT_EXAMPLES
        @given(st.text(min_size=1, max_size=60))
        def check(text):
            refused = None
            try:
                complaint = make_complaint(
                    next(numbers), name=text.replace("\n", " "), description=text
                )
            except ValidationError as exc:
                refused = exc
            if refused is not None:
                assert refused.field in ("name", "description")
                return
            repository.add(complaint)
            assert repository.get(complaint.id) == complaint

        check()


def _plan(repository, query):
    sql, params = select_sql(query, after=None, columns="id, document", limit=101)
    with repository._connection() as connection:
        rows = connection.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    return " | ".join(row[3] for row in rows)


class TestSQLiteScale:
    def test_status_and_due_queries_use_an_index(self, repository):
        """EXPLAIN QUERY PLAN shows index searches for status and due-before."""
        repository.add_many(
            make_complaint(
                n,
                status=("received", "closed")[n % 2],
                deadlines=(
                    DueDate(step="final_response", due_at=T + timedelta(days=n % 50)),
                ),
            )
            for n in range(1, 2001)
        )
        cut = T + timedelta(days=2)
        for analysed in (False, True):
            if analysed:
                with repository._connection() as connection:
                    connection.execute("ANALYZE")
            status_plan = _plan(repository, Query(status_in=("received",)))
            due_plan = _plan(repository, Query(due_before=cut))
            both_plan = _plan(
                repository, Query(status_in=("received",), due_before=cut)
            )
            assert "SEARCH complaints USING INDEX complaints_status" in status_plan
            assert "SEARCH complaints USING INDEX complaints_due" in due_plan
            assert "SEARCH complaints USING INDEX complaints_due" in both_plan
            assert "SCAN" not in status_plan + due_plan + both_plan

    @pytest.mark.slow
    def test_iterating_every_complaint_uses_bounded_memory(self, repository):
        """Peak memory while iterating 2 000 complaints stays near that of 200."""
        repository.add_many(make_complaint(n) for n in range(1, 2_001))

        def peak(count):
            query = Query(received_before=T + timedelta(minutes=count))
            gc.collect()
            tracemalloc.start()
            try:
                seen = sum(1 for _ in iter_complaints(repository, query, page_size=100))
                return seen, tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

        small_count, small = peak(200)
        large_count, large = peak(2_000)
        assert (small_count, large_count) == (200, 2_000)
        # Holding every complaint would cost about ten times the small peak.
        assert large < small * 1.5, (small, large)
