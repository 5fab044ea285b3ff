"""``iso10002 demo``: a simulated year in a SQLite file, safe to run anywhere."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing

from iso10002.repositories import Query
from iso10002.repositories.sqlite import SQLiteComplaintRepository


class TestDemo:
    def test_default_database_in_the_current_directory(self, cli, tmp_path):
        """Without ``--db`` it writes ./iso10002-demo.db and says where and how fast."""
        result = cli("demo", "--complaints", "30")
        assert result.returncode == 0, result.stderr
        path = tmp_path / "iso10002-demo.db"
        assert f"Data: {path}" in result.stdout
        assert re.search(r"\([\d,]+ complaints/s\)", result.stdout)
        assert "30 complaints through the ISO 10002 standard workflow" in result.stdout
        assert "refused" not in result.stdout
        repository = SQLiteComplaintRepository(path)
        try:
            assert repository.count(Query()) == 30
            assert repository.verify_integrity().ok
        finally:
            repository.close()

    def test_same_seed_same_data_and_reruns_replace_the_demo(self, cli, tmp_path):
        """A rerun replaces its own file; the same seed gives the same data."""
        first = cli("demo", "--db", "d.db", "--complaints", "25", "--seed", "7")
        assert first.returncode == 0, first.stderr
        exported = cli("export", "--db", "d.db").stdout
        again = cli("demo", "--db", "d.db", "--complaints", "25", "--seed", "7")
        assert again.returncode == 0, again.stderr
        assert cli("export", "--db", "d.db").stdout == exported
        other = cli("demo", "--db", "d.db", "--complaints", "25", "--seed", "8")
        assert other.returncode == 0, other.stderr
        assert cli("export", "--db", "d.db").stdout != exported

    def test_refuses_to_overwrite_other_files(self, cli, tmp_path, one_line_error):
        """A file the demo did not write is left untouched: one line, exit 1."""
        path = tmp_path / "precious.db"
        with closing(sqlite3.connect(path)) as connection, connection:
            connection.execute("CREATE TABLE accounts (id INTEGER)")
        before = path.read_bytes()
        line = one_line_error(cli("demo", "--db", str(path)), 1)
        assert "refusing to overwrite" in line
        assert path.read_bytes() == before

    def test_bad_count_is_one_line(self, cli, one_line_error):
        """A complaint count below 1 exits 2 with one line naming the option."""
        line = one_line_error(cli("demo", "--complaints", "0"), 2)
        assert "--complaints" in line

    def test_missing_directory_is_one_line(self, cli, one_line_error):
        """A ``--db`` in a directory that does not exist exits 1 with one line."""
        line = one_line_error(cli("demo", "--db", "no/such/dir/x.db"), 1)
        assert "no such directory" in line
