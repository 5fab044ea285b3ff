"""``iso10002 export``: JSON lines, redacted unless personal data is asked for."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

from iso10002.model import Complaint
from iso10002.repositories import Query
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.serialization import from_dict


def _stored(path) -> list[Complaint]:
    repository = SQLiteComplaintRepository(path)
    try:
        return list(repository.find(Query(), limit=1000).items)
    finally:
        repository.close()


class TestExport:
    def test_redacted_by_default(self, cli, demo_db):
        """Every complaint is exported once, in order, with no personal data left."""
        stored = _stored(demo_db)
        result = cli("export", "--db", str(demo_db), "--format", "jsonl")
        assert result.returncode == 0, result.stderr
        documents = [json.loads(line) for line in result.stdout.splitlines()]
        assert [d["id"] for d in documents] == [c.id for c in stored]
        for complaint in stored:
            assert complaint.complainant.name not in result.stdout
            assert complaint.description not in result.stdout
            if complaint.complainant.email:
                assert complaint.complainant.email not in result.stdout
        exported = from_dict(Complaint, documents[0])
        assert exported.history == stored[0].history
        assert exported.status == stored[0].status

    def test_personal_data_on_request(self, cli, demo_db, tmp_path):
        """``--include-personal-data -o FILE`` writes the complaints as stored."""
        out = tmp_path / "all.jsonl"
        result = cli(
            "export", "--db", str(demo_db), "--include-personal-data", "-o", str(out)
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout == ""
        lines = out.read_text(encoding="utf-8").splitlines()
        assert [from_dict(Complaint, json.loads(x)) for x in lines] == _stored(demo_db)
        assert f"{len(lines)} complaints written" in result.stderr

    def test_missing_database_is_one_line(self, cli, one_line_error):
        """A missing ``--db`` file exits 2 with one line naming it."""
        line = one_line_error(cli("export", "--db", "absent.db"), 2)
        assert "absent.db" in line

    def test_corrupt_database_is_one_line(self, cli, tmp_path, one_line_error):
        """A file that is not a database exits 1 with one line."""
        path = tmp_path / "corrupt.db"
        path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
        line = one_line_error(cli("export", "--db", str(path)), 1)
        assert "corrupt.db" in line

    def test_foreign_sqlite_file_is_left_alone(self, cli, tmp_path, one_line_error):
        """A SQLite file of another application is refused and not modified."""
        path = tmp_path / "other.db"
        with closing(sqlite3.connect(path)) as connection, connection:
            connection.execute("CREATE TABLE notes (text TEXT)")
        before = path.read_bytes()
        line = one_line_error(cli("export", "--db", str(path)), 1)
        assert "not an iso10002 database" in line
        assert path.read_bytes() == before


class TestStepNotes:
    def test_reasons_leave_only_with_personal_data(self, invoke, tmp_path):
        """A step reason naming a person is absent from a default export and
        present with ``--include-personal-data`` (issue 14: one rule for free text)."""
        from datetime import datetime, timezone  # noqa: PLC0415

        from iso10002.calendars import WeekdayCalendar  # noqa: PLC0415
        from iso10002.clock import FixedClock  # noqa: PLC0415
        from iso10002.handler import Actor, ComplaintsHandler  # noqa: PLC0415
        from iso10002.model import ComplaintForm  # noqa: PLC0415

        reason = "Spoke to Jordan Pryce-Whitaker on +44 7700 900 123."
        path = tmp_path / "notes.db"
        repository = SQLiteComplaintRepository(path)
        try:
            handler = ComplaintsHandler(
                repository,
                clock=FixedClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc)),
                calendar=WeekdayCalendar(),
            )
            form = from_dict(
                ComplaintForm,
                {"complainant": {"name": "A. Person"}, "description": "Billed twice."},
            )
            agent = Actor("agent:1", roles={"complaints-handler"})
            c = handler.receive(form, actor=agent, channel="email")
            handler.withdraw(c.id, actor=agent, reason=reason, reason_code="by-phone")
            handler.shutdown()
        finally:
            repository.close()
        redacted = invoke("export", "--db", str(path))
        assert redacted.exit_code == 0, redacted.stderr
        assert "Pryce-Whitaker" not in redacted.stdout
        assert "7700" not in redacted.stdout
        assert '"reason_code": "by-phone"' in redacted.stdout.replace('":"', '": "')
        full = invoke("export", "--db", str(path), "--include-personal-data")
        assert full.exit_code == 0, full.stderr
        assert "Pryce-Whitaker" in full.stdout
