"""PostgreSQL reads of a long complaint skip its history only when it is known."""

from __future__ import annotations

import json
import os
import secrets

import pytest

from iso10002.errors import ConflictError
from iso10002.serialization import to_json
from iso10002.testing.contract import make_complaint, next_version

pytestmark = pytest.mark.postgres

try:
    import psycopg

    from iso10002.repositories.postgres import PostgresComplaintRepository
except ImportError as exc:  # pragma: no cover - the postgres extra is missing
    if os.environ.get("ISO10002_REQUIRE_POSTGRES") == "1":
        raise
    pytest.skip(f"psycopg is not installed ({exc})", allow_module_level=True)

LONG = 80  # events: above the adapter's threshold for remembering


@pytest.fixture
def dsn(iso10002_postgres_dsn):
    return iso10002_postgres_dsn


@pytest.fixture
def repository(dsn):
    schema = f"iso10002_k{secrets.token_hex(4)}"
    repo = PostgresComplaintRepository(dsn, schema=schema)
    yield repo
    repo.close()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _long(number: int = 1):
    complaint = make_complaint(number)
    for i in range(LONG - 1):
        complaint = next_version(complaint, assignee=f"agent:{i % 3}")
    return complaint


def _fresh(dsn, repository, complaint_id):
    other = PostgresComplaintRepository(dsn, schema=repository.schema)
    try:
        return other.get(complaint_id)
    finally:
        other.close()


def test_reads_and_saves_agree_with_a_fresh_read(dsn, repository):
    complaint = _long()
    repository.add(complaint)
    for i in range(4):
        current = repository.get(complaint.id)
        saved = next_version(current, assignee=f"lead:{i}")
        repository.save(saved, expected_version=current.version)
        got = repository.get(complaint.id)
        assert got is saved
        fresh = _fresh(dsn, repository, complaint.id)
        assert got == fresh
        assert json.loads(to_json(got)) == json.loads(to_json(fresh))
    assert repository.verify_integrity().ok


def test_a_write_by_another_repository_is_read(dsn, repository):
    complaint = _long()
    repository.add(complaint)
    current = repository.get(complaint.id)
    other = PostgresComplaintRepository(dsn, schema=repository.schema)
    try:
        other.save(next_version(current, assignee="lead:9"), expected_version=LONG)
    finally:
        other.close()
    got = repository.get(complaint.id)
    assert (got.version, got.assignee) == (LONG + 1, "lead:9")


def test_a_document_edited_behind_the_librarys_back_is_read_as_stored(dsn, repository):
    complaint = _long()
    repository.add(complaint)
    repository.get(complaint.id)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            f'UPDATE "{repository.schema}".complaints'
            " SET document = jsonb_set(document, '{assignee}', '\"intruder\"')"
            " WHERE id = %s",
            (complaint.id,),
        )
    got = repository.get(complaint.id)
    assert got.assignee == "intruder"
    assert got == _fresh(dsn, repository, complaint.id)
    assert got.history == complaint.history
    assert not repository.verify_integrity().ok


def test_a_save_over_an_added_history_is_remembered(dsn, repository):
    complaint = _long()
    repository.add(complaint)
    # Saved without reading first: the add wrote the history it chains to.
    saved = next_version(complaint, assignee="lead:1")
    repository.save(saved, expected_version=LONG)
    got = repository.get(complaint.id)
    assert got is saved
    assert got == _fresh(dsn, repository, complaint.id)


def test_a_save_over_an_unknown_history_is_not_remembered(dsn, repository):
    complaint = _long()
    other = PostgresComplaintRepository(dsn, schema=repository.schema)
    try:
        other.add(complaint)
    finally:
        other.close()
    # Saved without reading first: this repository does not know the history.
    saved = next_version(complaint, assignee="lead:1")
    repository.save(saved, expected_version=LONG)
    got = repository.get(complaint.id)
    assert got is not saved
    assert got == saved


def test_a_failed_save_forgets(dsn, repository):
    complaint = _long()
    repository.add(complaint)
    current = repository.get(complaint.id)
    with pytest.raises(ConflictError):
        repository.save(next_version(current), expected_version=LONG - 1)
    assert repository.get(complaint.id) == current


def test_erasure_forgets_the_remembered_complaint(dsn, repository):
    complaint = _long()
    repository.add(complaint)
    before = repository.get(complaint.id)
    assert repository._parsed.entry(complaint.id) is not None
    erased = repository.erase_personal_data(
        complaint.id, actor="dpo", at=before.history[-1].at
    )
    assert repository._parsed.entry(complaint.id) is None
    assert repository.get(complaint.id) == erased
