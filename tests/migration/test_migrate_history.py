"""Migrating histories recorded before facts were in events (issue 14 item 1)."""

from __future__ import annotations

import secrets
from contextlib import closing
from datetime import timedelta

import attrs
import pytest
from click.testing import CliRunner

from iso10002.cli import cli
from iso10002.errors import ValidationError
from iso10002.history import FACTS_RECORDED_EVENT, is_replayable, replay
from iso10002.migration import NOT_RECOVERED, migrate_history
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.testing.contract import make_complaint


def _legacy(number: int):
    """A complaint as 0.1 stored it: the receipt event without its facts."""
    complaint = make_complaint(number, events=3, assignee="agent:1", category="fees")
    first = attrs.evolve(complaint.history[0], data={"channel": "web"})
    return attrs.evolve(complaint, history=(first, *complaint.history[1:]))


def _store(repository):
    legacy = [_legacy(n) for n in (1, 2)]
    for complaint in (*legacy, make_complaint(3, events=2)):
        repository.add(complaint)
    return legacy


@pytest.mark.parametrize("dry_run", [False, True])
def test_legacy_histories_gain_their_facts_and_others_are_left(dry_run):
    repository = InMemoryComplaintRepository()
    legacy = _store(repository)
    at = legacy[0].history[-1].at + timedelta(days=30)
    report = migrate_history(repository, at=at, dry_run=dry_run)
    assert report.checked == 3
    assert set(report.migrated) == {c.id for c in legacy}
    assert report.not_recovered == NOT_RECOVERED
    assert report.complete is not dry_run
    for old in legacy:
        stored = repository.get(old.id)
        if dry_run:
            assert stored == old
            continue
        assert stored.version == old.version + 1
        assert stored.history[-1].name == FACTS_RECORDED_EVENT
        assert stored.history[-1].at == at
        assert is_replayable(stored.history)
        assert replay(stored) == stored
    again = migrate_history(repository, at=at)
    expected = {c.id for c in legacy} if dry_run else set()
    assert set(again.migrated) == expected


def test_the_migration_refuses_a_naive_instant():
    with pytest.raises(ValidationError) as caught:
        migrate_history(
            InMemoryComplaintRepository(),
            at=make_complaint(1).received_at.replace(tzinfo=None),
        )
    assert caught.value.field == "at"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    """Return ``(open_repository, --db/--schema arguments)`` of an empty store."""
    if request.param == "sqlite":
        path = tmp_path / "old.db"
        yield (lambda: SQLiteComplaintRepository(path)), ["--db", str(path)]
        return
    dsn = request.getfixturevalue("iso10002_postgres_dsn")
    psycopg = pytest.importorskip("psycopg")
    from iso10002.repositories.postgres import (  # noqa: PLC0415 - postgres extra
        PostgresComplaintRepository,
    )

    schema = f"migrate_{secrets.token_hex(5)}"
    yield (
        lambda: PostgresComplaintRepository(dsn, schema=schema),
        ["--db", dsn, "--schema", schema],
    )
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_the_cli_migrates_a_store_and_says_what_was_not_recovered(store):
    open_store, target = store
    with closing(open_store()) as repository:
        legacy = _store(repository)
        unreplayable = set(repository.verify_integrity().unreplayable)
        assert unreplayable == {c.id for c in legacy}
    runner = CliRunner()
    dry = runner.invoke(cli, ["migrate-history", *target, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would record the facts of 2" in dry.output
    result = runner.invoke(cli, ["migrate-history", *target])
    assert result.exit_code == 0, result.output
    assert "recorded the facts of 2" in result.output
    assert "1 already carried them" in result.output
    assert "not recovered: which earlier event set each fact" in result.output
    with closing(open_store()) as repository:
        report = repository.verify_integrity()
        assert report.ok
        assert report.unreplayable == ()
