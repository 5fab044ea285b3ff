"""``iso10002 import`` and ``export`` formats on SQLite."""

from __future__ import annotations

import json
from pathlib import Path

from iso10002.cli._export import PERSONAL_DATA_WARNING
from iso10002.repositories import MAX_PAGE_SIZE, Query
from iso10002.repositories.sqlite import SQLiteComplaintRepository

EXAMPLES = Path(__file__).parents[2] / "examples" / "import"
CFPB = (str(EXAMPLES / "cfpb_complaints.csv"), "--mapping", str(EXAMPLES / "cfpb.toml"))


def _stored(path: Path):
    repository = SQLiteComplaintRepository(path)
    try:
        return repository.find(Query(), limit=MAX_PAGE_SIZE).items
    finally:
        repository.close()


class TestImport:
    def test_dry_run_reports_rows_and_writes_nothing(self, invoke, tmp_path):
        """A dry run prints each row and the summary, and creates no store."""
        db = tmp_path / "new.db"
        result = invoke("import", *CFPB, "--db", str(db), "--dry-run")
        assert result.exit_code == 0, result.stderr
        assert "row 1 (key 8100001)" in result.stdout
        assert "would import 6" in result.stdout
        assert "assumptions applied" in result.stdout
        assert not db.exists()

    def test_import_then_again_skips(self, invoke, tmp_path):
        """A second run of the same import stores nothing more."""
        db = str(tmp_path / "c.db")
        first = invoke("import", *CFPB, "--db", db)
        assert first.exit_code == 0, first.stderr
        assert "imported 6" in first.stdout
        again = invoke("import", *CFPB, "--db", db)
        assert "imported 0" in again.stdout
        assert "already imported 6" in again.stdout
        assert len(_stored(tmp_path / "c.db")) == 6

    def test_problem_is_one_line_naming_row_and_column(
        self, invoke, tmp_path, one_line_failure
    ):
        """An invalid row stops the import with one line naming row and column."""
        source = tmp_path / "s.csv"
        source.write_text("id,when\nA,2025-01-01\nB,yesterday\n", encoding="utf-8")
        mapping = tmp_path / "m.toml"
        mapping.write_text(
            'name = "t"\nkey = "id"\n[columns]\nreceived_at = "when"\n'
            '[defaults]\n"complainant.name" = "-"\ndescription = "-"\n',
            encoding="utf-8",
        )
        result = invoke(
            "import",
            str(source),
            "--mapping",
            str(mapping),
            "--db",
            str(tmp_path / "c.db"),
        )
        line = one_line_failure(result, 1)
        assert "row 2, column 'when'" in line

    def test_bad_mapping_is_one_line(self, invoke, tmp_path, one_line_failure):
        """A mapping with mistakes exits 1 with one line listing them."""
        mapping = tmp_path / "m.toml"
        mapping.write_text('name = "t"\n[columns]\nwhat = "x"\n', encoding="utf-8")
        result = invoke(
            "import",
            *CFPB[:1],
            "--mapping",
            str(mapping),
            "--db",
            str(tmp_path / "c.db"),
        )
        line = one_line_failure(result, 1)
        assert "columns.what" in line


class TestExportFormats:
    def test_csv_round_trips_and_warns_about_personal_data(
        self, invoke, demo_db, tmp_path
    ):
        """CSV with personal data warns on stderr and imports back equal."""
        out = tmp_path / "all.csv"
        result = invoke(
            "export", "--db", str(demo_db), "-o", str(out), "--include-personal-data"
        )
        assert result.exit_code == 0, result.stderr
        assert PERSONAL_DATA_WARNING in result.stderr
        back = tmp_path / "back.db"
        imported = invoke("import", str(out), "--db", str(back))
        assert imported.exit_code == 0, imported.stderr
        assert _stored(back) == _stored(demo_db)

    def test_json_without_personal_data_has_no_warning(
        self, invoke, demo_db, no_personal_data
    ):
        """A redacted JSON export prints no warning and no personal data."""
        result = invoke("export", "--db", str(demo_db), "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert "warning" not in result.stderr
        documents = json.loads(result.stdout)
        assert len(documents) == len(_stored(demo_db))
        no_personal_data(result.stdout)


class TestImportSeals:
    def test_an_imported_store_opens_without_a_deep_check(
        self, invoke, tmp_path, monkeypatch
    ):
        """``iso10002 import`` seals what it writes: no checkpoint is needed."""
        import iso10002.repositories.sqlite._verify_quick as quick  # noqa: PLC0415

        db = tmp_path / "c.db"
        assert invoke("import", *CFPB, "--db", str(db)).exit_code == 0
        deep: list[object] = []
        real = quick.verify_all

        def spy(*args: object, only: object = None, **kwargs: object) -> object:
            deep.append(only)
            return real(*args, only=only, **kwargs)

        monkeypatch.setattr(quick, "verify_all", spy)
        repository = SQLiteComplaintRepository(db)
        try:
            report = repository.verify_integrity(quick=True)
        finally:
            repository.close()
        assert report.ok
        assert report.complaints_checked == 6
        assert deep == []
