"""Saves leave stored findings stale; every read fills them first (SQLite, PostgreSQL).

The push-down of the policy findings must equal streaming whatever was saved
since the last fill, a fill must never store the findings of a version a
concurrent save has replaced, the checks must accept a stale complaint and
still name edited rows, and a change of the rules' stamp must refill all.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.analysis.conftest import _successor
from tests.analysis.test_policy_pushdown import AS_OF, REMEDY, pushed, streamed

from iso10002.model import Outcome
from iso10002.repositories.sqlite import SQLiteComplaintRepository

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("save"), st.integers(0, 50)),
        st.tuples(st.just("report"), st.integers(0, 3)),
    ),
    max_size=8,
)


class _Stores:
    """How a test opens stores and reads their tables (per engine)."""

    def new(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def again(self, repo: Any) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def sql(self, repo: Any, text: str) -> list[tuple[Any, ...]]:  # pragma: no cover
        raise NotImplementedError

    def marked(self, repo: Any) -> bool:
        """Tell whether ``kpi_flags`` has its ``stale_version`` column."""
        return bool(self.sql(repo, self.column)[0][0])

    column = ""


class _SQLiteStores(_Stores):
    column = (
        "SELECT count(*) FROM pragma_table_info('kpi_flags')"
        " WHERE name = 'stale_version'"
    )

    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0
        self.paths: dict[int, Path] = {}

    def new(self) -> Any:
        self.count += 1
        path = self.root / f"s{self.count}.db"
        repo = SQLiteComplaintRepository(path)
        self.paths[id(repo)] = path
        return repo

    def again(self, repo: Any) -> Any:
        other = SQLiteComplaintRepository(self.paths[id(repo)])
        self.paths[id(other)] = self.paths[id(repo)]
        return other

    def sql(self, repo: Any, text: str) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(self.paths[id(repo)])) as raw, raw:
            return raw.execute(text).fetchall()


class _PostgresStores(_Stores):
    column = (
        "SELECT count(*) FROM information_schema.columns WHERE table_schema ="
        " current_schema() AND table_name = 'kpi_flags'"
        " AND column_name = 'stale_version'"
    )

    def __init__(self, dsn: str, new_store: Any) -> None:
        self.dsn = dsn
        self.new_store = new_store

    def new(self) -> Any:
        from iso10002.repositories.postgres import (  # noqa: PLC0415
            PostgresComplaintRepository,
        )

        schema = self.new_store().schema
        # Two connections: a checkpoint fills and checks beside its lock.
        return PostgresComplaintRepository(self.dsn, schema=schema, pool_size=2)

    def again(self, repo: Any) -> Any:
        from iso10002.repositories.postgres import (  # noqa: PLC0415
            PostgresComplaintRepository,
        )

        return PostgresComplaintRepository(self.dsn, schema=repo.schema, pool_size=2)

    def sql(self, repo: Any, text: str) -> list[tuple[Any, ...]]:
        import psycopg  # noqa: PLC0415 - the postgres extra

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(f'SET search_path TO "{repo.schema}"')
            cur = conn.execute(text)
            return cur.fetchall() if cur.description else []


def _current(repo: Any, ids: list[str]) -> list[Any]:
    return [repo.get(cid) for cid in ids]


def _stale(stores: _Stores, repo: Any) -> int:
    ((n,),) = stores.sql(
        repo, "SELECT count(*) FROM kpi_flags WHERE stale_version IS NOT NULL"
    )
    return int(n)


def _rows(stores: _Stores, repo: Any, cid: str | None = None) -> int:
    where = "" if cid is None else f" WHERE complaint_id = '{cid}'"
    ((n,),) = stores.sql(repo, f"SELECT count(*) FROM kpi_findings{where}")
    return int(n)


def _report_equals_streaming(repo: Any, ids: list[str], as_of: Any) -> None:
    current = [c for c in _current(repo, ids) if c.received_at <= as_of]
    assert pushed(repo, as_of, None, None) == streamed(current, as_of, None, None)


_COPY_ROWS = (
    "INSERT INTO kpi_findings SELECT complaint_id, seq + 100,"
    " received_us, policy_id, principle, clause, code, severity,"
    " message, tail, from_us, until_us, since_us, instants"
    " FROM kpi_findings WHERE complaint_id = 'C1'"
)
_MARK_STALE = (
    "UPDATE kpi_flags SET stale_version = (SELECT version FROM"
    " complaints WHERE id = 'C1') WHERE complaint_id = 'C1'"
)


class StaleFindingsContract:
    """What both SQL engines guarantee about stale stored findings."""

    stores: _Stores

    def test_saves_evaluate_no_policy_and_a_report_fills(self, sample):
        """Added complaints are stale without rows; the report fills and is exact."""
        with closing(self.stores.new()) as repo:
            for complaint in sample:
                repo.add(complaint)
            assert _stale(self.stores, repo) == len(sample)
            assert _rows(self.stores, repo) == 0
            _report_equals_streaming(repo, [c.id for c in sample], AS_OF)
            assert _stale(self.stores, repo) == 0
            assert _rows(self.stores, repo) > 0

    def test_a_save_after_a_fill_is_stale_again(self, sample):
        """A complaint saved after a report is stale at its new version, rows gone."""
        with closing(self.stores.new()) as repo:
            repo.import_complaints(sample)
            assert _stale(self.stores, repo) == 0  # an import writes them at once
            first = sample[0]
            repo.save(
                _successor(first, 1, Outcome.UPHELD, REMEDY),
                expected_version=first.version,
            )
            assert _stale(self.stores, repo) == 1
            assert _rows(self.stores, repo, first.id) == 0
            _report_equals_streaming(repo, [c.id for c in sample], AS_OF)

    def interleaved(self, data: Any, complaints: Any, specs_of: Any) -> None:
        """After any interleaving of saves and reports, SQL equals streaming.

        (Each engine's class draws the examples: Hypothesis runs a test
        method from one class only.)
        """
        pushdown_specs = specs_of
        items = data.draw(complaints)
        ops = data.draw(OPS)
        specs = [data.draw(pushdown_specs)[0] for _ in range(4)]
        ids = [c.id for c in items]
        with closing(self.stores.new()) as repo:
            half = len(items) // 2
            repo.import_complaints(items[:half])
            for complaint in items[half:]:
                repo.add(complaint)
            for step, (op, n) in enumerate(ops):
                if op == "save" and items:
                    stored = repo.get(ids[n % len(ids)])
                    repo.save(
                        _successor(stored, step, Outcome.UPHELD, REMEDY),
                        expected_version=stored.version,
                    )
                elif op == "report":
                    spec = specs[n]
                    current = [
                        c for c in _current(repo, ids) if c.received_at <= spec.as_of
                    ]
                    assert pushed(repo, spec.as_of, spec.period, None) == streamed(
                        current, spec.as_of, spec.period, None
                    )
            # Saves after the last report (and past review instants) too.
            for spec in specs:
                current = [
                    c for c in _current(repo, ids) if c.received_at <= spec.as_of
                ]
                assert pushed(repo, spec.as_of, spec.period, 3) == streamed(
                    current, spec.as_of, spec.period, 3
                )

    def test_a_fill_keeps_no_rows_of_a_version_saved_meanwhile(
        self, sample, monkeypatch
    ):
        """A save between a fill's read and its write leaves the complaint stale."""
        with closing(self.stores.new()) as repo, closing(self.stores.again(repo)) as b:
            for complaint in sample:
                repo.add(complaint)
            first = sample[0]
            self.interleave(
                repo,
                monkeypatch,
                lambda: b.save(
                    _successor(first, 1, Outcome.UPHELD, REMEDY),
                    expected_version=first.version,
                ),
            )
            filled = repo.fill_stale_findings()
            assert filled == len(sample) - 1
            assert _stale(self.stores, repo) == 1
            assert _rows(self.stores, repo, first.id) == 0
            monkeypatch.undo()
            assert repo.verify_integrity().ok
            _report_equals_streaming(repo, [c.id for c in sample], AS_OF)

    def interleave(
        self, repo: Any, monkeypatch: Any, save: Any
    ) -> None:  # pragma: no cover
        """Make ``save`` run once after the fill's first read, before its write."""
        raise NotImplementedError

    def downgrade(self, repo: Any) -> None:  # pragma: no cover - overridden
        """Turn the closed store back into the previous schema version."""
        raise NotImplementedError

    def test_the_previous_version_migrates_with_nothing_stale(self, sample):
        """Rows stored before stale findings existed stay; the stamp is recorded."""
        repo = self.stores.new()
        for complaint in sample:
            repo.add(complaint)
        repo.fill_stale_findings()
        repo.close()
        self.downgrade(repo)
        assert not self.stores.marked(repo)  # really the previous layout
        rows = _rows(self.stores, repo)
        with closing(self.stores.again(repo)) as migrated:
            assert _stale(self.stores, migrated) == 0
            assert _rows(self.stores, migrated) == rows > 0
            assert self.stores.sql(
                migrated,
                "SELECT count(*) FROM iso10002_rules WHERE name = 'stored_findings'",
            ) == [(1,)]
            assert migrated.verify_integrity().ok
            _report_equals_streaming(migrated, [c.id for c in sample], AS_OF)

    streams_when_behind = False

    def test_fills_that_never_catch_up_omit_no_complaint(self, sample, monkeypatch):
        """If each fill leaves complaints stale, the count still includes them.

        SQLite fills the rest and counts in one write transaction; PostgreSQL
        answers ``None`` so the pack evaluates each complaint.
        """
        with closing(self.stores.new()) as repo:
            for complaint in sample:
                repo.add(complaint)
            monkeypatch.setattr(repo, "fill_stale_findings", lambda: 0)
            if self.streams_when_behind:
                assert repo.analytics_findings(AS_OF) is None
            else:
                _report_equals_streaming(repo, [c.id for c in sample], AS_OF)
                assert _stale(self.stores, repo) == 0

    def test_the_checks_accept_a_stale_complaint(self, sample):
        """Stale complaints without rows are sound, deeply and on a quick check."""
        with closing(self.stores.new()) as repo:
            for complaint in sample:
                repo.add(complaint)
            assert _stale(self.stores, repo) == len(sample)
            assert repo.verify_integrity().ok
            assert repo.verify_integrity(quick=True).ok

    @pytest.mark.parametrize(
        ("change", "table"),
        [
            ("DELETE FROM kpi_findings WHERE complaint_id = 'C1'", "kpi_findings"),
            (_COPY_ROWS, "kpi_findings"),
            (_MARK_STALE, "kpi_findings"),  # rows beside a stale mark
            (
                "UPDATE kpi_flags SET stale_version = 999 WHERE complaint_id = 'C1'",
                "kpi_flags",
            ),
        ],
    )
    def test_the_deep_check_names_tampered_findings(self, sample, change, table):
        """Deleted, added or stale-marked rows of a filled complaint are named."""
        with closing(self.stores.new()) as repo:
            for complaint in sample:
                repo.add(complaint)
            repo.fill_stale_findings()
            assert _rows(self.stores, repo, "C1") > 0
            self.stores.sql(repo, change)
            report = repo.verify_integrity()
        assert not report.ok
        assert {p.complaint_id for p in report.problems} == {"C1"}
        assert any(table in p.message for p in report.problems)

    def test_a_checkpoint_leaves_nothing_stale(self, sample):
        """A checkpoint fills first, so its seals cover filled complaints."""
        with closing(self.stores.new()) as repo:
            for complaint in sample:
                repo.add(complaint)
            assert repo.record_checkpoint().ok
            assert _stale(self.stores, repo) == 0
            assert _rows(self.stores, repo) > 0
            assert repo.verify_integrity(quick=True).ok

    def test_a_new_rules_stamp_marks_all_stale_and_the_report_refills(self, sample):
        """Opening a store stamped by other rules marks every complaint stale."""
        with closing(self.stores.new()) as repo:
            for complaint in sample:
                repo.add(complaint)
            assert repo.record_checkpoint().ok
            self.stores.sql(
                repo,
                "UPDATE iso10002_rules SET version = version + 100"
                " WHERE name = 'stored_findings'",
            )
            with closing(self.stores.again(repo)) as reopened:
                assert _stale(self.stores, reopened) == len(sample)
                assert _rows(self.stores, reopened) == 0
                assert reopened.verify_integrity(quick=True).ok
                _report_equals_streaming(reopened, [c.id for c in sample], AS_OF)
                assert _stale(self.stores, reopened) == 0
                assert reopened.verify_integrity().ok


class TestSQLiteStaleFindings(StaleFindingsContract):
    """SQLite keeps the guarantees of stale stored findings."""

    @pytest.fixture(autouse=True, scope="class")
    @classmethod
    def _stores(cls, tmp_path_factory):
        # pytest's own temporary folder, made when the class runs (not when
        # the module is imported) and cleaned by pytest.
        cls.stores = _SQLiteStores(tmp_path_factory.mktemp("stale"))

    @settings(max_examples=15, deadline=None)
    @given(data=st.data())
    def test_saves_and_reports_interleaved_equal_streaming(
        self, data, pushdown_complaints, pushdown_specs
    ):
        """After any interleaving of saves and reports, SQL equals streaming."""
        self.interleaved(data, pushdown_complaints, pushdown_specs)

    def interleave(self, repo: Any, monkeypatch: Any, save: Any) -> None:
        """Run ``save`` after the fill's first read (``stale_batch``)."""
        from iso10002.repositories.sqlite import _policy_pushdown  # noqa: PLC0415

        real = _policy_pushdown.stale_batch
        pending = [save]

        def read_then_save(*args: Any) -> Any:
            found = real(*args)
            while pending:
                pending.pop()()
            return found

        monkeypatch.setattr(_policy_pushdown, "stale_batch", read_then_save)

    def test_a_stale_complaint_that_cannot_be_read_makes_the_pack_stream(self, sample):
        """An unreadable stale document is not counted from SQL: ``None``."""
        with closing(self.stores.new()) as repo:
            for complaint in sample:
                repo.add(complaint)
            self.stores.sql(
                repo, "UPDATE complaints SET document = 'not json' WHERE id = 'C1'"
            )
            assert repo.analytics_findings(AS_OF) is None
            assert _stale(self.stores, repo) == 1  # the others were filled

    def downgrade(self, repo: Any) -> None:
        """Back to schema version 11 (the shared migration-test helper)."""
        from tests.conftest import _downgrade_sqlite  # noqa: PLC0415

        _downgrade_sqlite(self.stores.paths[id(repo)], 11)


@pytest.mark.postgres
class TestPostgresStaleFindings(StaleFindingsContract):
    """PostgreSQL keeps the guarantees of stale stored findings."""

    @pytest.fixture(autouse=True, scope="class")
    @classmethod
    def _stores(cls, iso10002_postgres_dsn, new_store):
        cls.stores = _PostgresStores(iso10002_postgres_dsn, new_store)

    streams_when_behind = True

    @settings(max_examples=8, deadline=None)
    @given(data=st.data())
    def test_saves_and_reports_interleaved_equal_streaming(
        self, data, pushdown_complaints, pushdown_specs
    ):
        """After any interleaving of saves and reports, SQL equals streaming."""
        self.interleaved(data, pushdown_complaints, pushdown_specs)

    def interleave(self, repo: Any, monkeypatch: Any, save: Any) -> None:
        """Run ``save`` after the fill's first read (``stale_page``)."""
        flags = repo._sql.facts.flags.stale
        real = flags.stale_page
        pending = [save]

        def read_then_save(*args: Any) -> Any:
            found = real(*args)
            while pending:
                pending.pop()()
            return found

        monkeypatch.setattr(flags, "stale_page", read_then_save)

    def downgrade(self, repo: Any) -> None:
        """Back to schema version 9: no stale mark, no stamp."""
        self.stores.sql(
            repo,
            "ALTER TABLE kpi_flags DROP COLUMN stale_version;"
            " DROP TABLE iso10002_rules;"
            " DELETE FROM schema_version WHERE version >= 10",
        )

    def test_a_hosts_transaction_is_not_written_in(self, sample):
        """Inside a host's read-only transaction the pack streams; outside it fills."""
        import psycopg  # noqa: PLC0415 - the postgres extra

        from iso10002.repositories.postgres import (  # noqa: PLC0415
            PostgresComplaintRepository,
        )

        stores = self.stores
        assert isinstance(stores, _PostgresStores)
        with closing(stores.new()) as first:
            schema = first.schema
        with psycopg.connect(stores.dsn, autocommit=True) as conn:
            repo = PostgresComplaintRepository(conn, schema=schema)
            for complaint in sample:
                repo.add(complaint)
            with conn.transaction():
                conn.execute("SET TRANSACTION READ ONLY")
                # No figure from SQL: the pack evaluates each complaint.
                assert repo.analytics_findings(AS_OF) is None
            assert _stale(stores, repo) == len(sample)
            assert repo.analytics_findings(AS_OF) is not None
            assert _stale(stores, repo) == 0
