"""The encrypting wrapper is a full repository, and erasure shreds what it sealed."""

from __future__ import annotations

import itertools
import shutil
from contextlib import closing
from datetime import datetime, timedelta, timezone

import pytest

pytest.importorskip("cryptography")

from iso10002.clock import FixedClock
from iso10002.crypto import (
    EncryptedComplaintRepository,
    InMemoryCiphertextStore,
    InMemoryKeyStore,
    PersonalDataCipher,
    SQLiteCiphertextStore,
    SQLiteKeyStore,
    sealed_reference,
)
from iso10002.errors import IntegrityError, ValidationError
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.model import ComplaintForm
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.serialization import from_dict
from iso10002.testing.contract import (
    Capability,
    RepositoryContract,
    make_complaint,
)

NAME = "Zebulon Quixotewright"
EMAIL = "zq.shred@example.org"
SYSTEM = Actor("system:test", roles={"system"})


def _encrypted(inner, keys=None, ciphertexts=None):
    return EncryptedComplaintRepository(
        inner,
        cipher=PersonalDataCipher(keys or InMemoryKeyStore()),
        ciphertexts=ciphertexts or InMemoryCiphertextStore(),
    )


class TestEncryptedOverMemory(RepositoryContract):
    capabilities = frozenset({Capability.CLAIM_NEXT})

    @pytest.fixture
    def repository_factory(self):
        return lambda: _encrypted(InMemoryComplaintRepository())


class TestEncryptedOverSQLite(RepositoryContract):
    capabilities = frozenset({Capability.CLAIM_NEXT})

    @pytest.fixture
    def repository_factory(self, tmp_path):
        numbers = itertools.count()
        opened = []  # the key and ciphertext stores are the caller's to close

        def make():
            path = tmp_path / f"store-{next(numbers)}.db"
            keys = SQLiteKeyStore(tmp_path / f"keys-{next(numbers)}.db")
            ciphertexts = SQLiteCiphertextStore(path)
            opened.extend((keys, ciphertexts))
            return _encrypted(
                SQLiteComplaintRepository(path), keys=keys, ciphertexts=ciphertexts
            )

        yield make
        for store in opened:
            store.close()


def _handler(repository):
    clock = FixedClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    return ComplaintsHandler(repository, clock=clock, store=InMemoryHandlerStore())


def _form():
    return from_dict(
        ComplaintForm,
        {
            "complainant": {"name": NAME, "email": EMAIL},
            "description": "Billed twice for the same meter reading.",
        },
    )


def _raw_bytes(directory, prefix):
    return b"".join(p.read_bytes() for p in sorted(directory.glob(f"{prefix}*")))


class TestCryptoShredding:
    def test_the_store_never_holds_a_personal_value_in_plain_text(self, tmp_path):
        """Only the sealed shape and ciphertext reach the complaint file and its log."""
        path = tmp_path / "complaints.db"
        keys = SQLiteKeyStore(tmp_path / "keys.db")
        with closing(
            _encrypted(
                SQLiteComplaintRepository(path), keys, SQLiteCiphertextStore(path)
            )
        ) as repository:
            handler = _handler(repository)
            complaint = handler.receive(_form(), actor=SYSTEM, channel="web")
            handler.acknowledge(complaint.id, actor=SYSTEM)
            assert handler.get(complaint.id, actor=SYSTEM).complainant.name == NAME
            stored = repository.inner.get(complaint.id)
            assert sealed_reference(stored) is not None
            assert stored.complainant.name != NAME
            raw = _raw_bytes(tmp_path, "complaints.db")
            assert NAME.encode() not in raw
            assert EMAIL.encode() not in raw
            assert b"meter reading" not in raw
            assert repository.verify_integrity().ok

    def test_step_notes_are_sealed_like_every_personal_field(self, tmp_path):
        """A step's free-text reason is a personal note: sealed, never in the file."""
        path = tmp_path / "complaints.db"
        keys = SQLiteKeyStore(tmp_path / "keys.db")
        reason = f"Rang {NAME} back about the meter."
        with closing(
            _encrypted(
                SQLiteComplaintRepository(path), keys, SQLiteCiphertextStore(path)
            )
        ) as repository:
            handler = _handler(repository)
            complaint = handler.receive(_form(), actor=SYSTEM, channel="web")
            handler.withdraw(complaint.id, actor=SYSTEM, reason=reason)
            assert handler.get(complaint.id, actor=SYSTEM).notes[0].text == reason
            assert repository.inner.get(complaint.id).notes == ()
            assert NAME.encode() not in _raw_bytes(tmp_path, "complaints.db")
            assert repository.verify_integrity().ok

    def test_after_erasure_a_backup_taken_before_it_is_unreadable(self, tmp_path):
        """A copy of the files from before erasure no longer opens: the key is gone."""
        path = tmp_path / "complaints.db"
        keys = SQLiteKeyStore(tmp_path / "keys.db")
        repository = _encrypted(
            SQLiteComplaintRepository(path), keys, SQLiteCiphertextStore(path)
        )
        handler = _handler(repository)
        complaint = handler.receive(_form(), actor=SYSTEM, channel="web")
        repository.inner.purge_erased()  # a consistent file to copy
        backup = tmp_path / "backup"
        backup.mkdir()
        for file in tmp_path.glob("complaints.db*"):
            shutil.copy(file, backup / file.name)
        erased = handler.erase_personal_data(complaint.id, actor=SYSTEM)
        assert erased.complainant.name != NAME
        assert keys.get_key(complaint.id) is None
        assert NAME.encode() not in (tmp_path / "keys.db").read_bytes()
        repository.close()
        restored = backup / "complaints.db"
        with closing(
            _encrypted(
                SQLiteComplaintRepository(restored),
                keys,
                SQLiteCiphertextStore(restored),
            )
        ) as old:
            with pytest.raises(IntegrityError, match="destroyed"):
                old.get(complaint.id)
            assert sealed_reference(old.inner.get(complaint.id)) is not None

    def test_erasure_is_recorded_and_the_erased_version_reads_back(self):
        """Erasure appends the usual event naming the fields; reads work afterwards."""
        repository = _encrypted(InMemoryComplaintRepository())
        handler = _handler(repository)
        complaint = handler.receive(_form(), actor=SYSTEM, channel="web")
        erased = handler.erase_personal_data(complaint.id, actor=SYSTEM)
        event = erased.history[-1]
        assert event.name == "PersonalDataErased"
        assert "complainant.name" in event.data["fields"]
        assert repository.get(complaint.id) == erased
        again = handler.erase_personal_data(complaint.id, actor=SYSTEM)
        assert again.version == erased.version
        assert repository.verify_integrity().ok

    def test_a_complaint_whose_key_is_already_gone_can_still_be_erased(self):
        """Erasure after the key was destroyed erases the sealed shape, recorded."""
        keys = InMemoryKeyStore()
        repository = _encrypted(InMemoryComplaintRepository(), keys)
        complaint = repository.add(make_complaint(1))
        keys.destroy_key(complaint.id)
        with pytest.raises(IntegrityError, match="destroyed"):
            repository.get(complaint.id)
        at = complaint.history[-1].at
        erased = repository.erase_personal_data(complaint.id, actor="dpo", at=at)
        assert erased.history[-1].name == "PersonalDataErased"
        assert sealed_reference(erased) is None
        assert repository.get(complaint.id) == erased
        assert repository.verify_integrity().ok

    def test_values_swapped_for_others_of_the_same_complaint_are_detected(self):
        """Tokens of an older version put under the current reference fail the read."""
        ciphertexts = InMemoryCiphertextStore()
        repository = _encrypted(InMemoryComplaintRepository(), None, ciphertexts)
        first = repository.add(make_complaint(1, name="Ann Old"))
        old_reference = sealed_reference(repository.inner.get(first.id))
        renamed = make_complaint(1, name="Ann New", events=2)
        repository.save(renamed, expected_version=1)
        current = sealed_reference(repository.inner.get(first.id))
        assert current != old_reference
        old_tokens = ciphertexts.get(first.id, old_reference)
        ciphertexts.delete(first.id)
        ciphertexts.put(first.id, current, old_tokens)
        with pytest.raises(IntegrityError, match="replaced"):
            repository.get(first.id)

    def test_missing_ciphertext_is_an_integrity_error(self):
        """A sealed shape whose tokens are gone is named, not read as empty."""
        ciphertexts = InMemoryCiphertextStore()
        repository = _encrypted(InMemoryComplaintRepository(), None, ciphertexts)
        complaint = repository.add(make_complaint(1))
        ciphertexts.delete(complaint.id)
        with pytest.raises(IntegrityError, match="missing"):
            repository.get(complaint.id)

    def test_plain_complaints_stored_before_read_as_they_are(self):
        """A complaint stored before wrapping reads unchanged and erases as usual."""
        inner = InMemoryComplaintRepository()
        plain = inner.add(make_complaint(1))
        repository = _encrypted(inner)
        assert repository.get(plain.id) == plain
        at = plain.history[-1].at
        erased = repository.erase_personal_data(plain.id, actor="dpo", at=at)
        assert "complainant.name" in erased.history[-1].data["fields"]
        assert inner.get(plain.id) == erased
        assert repository.verify_integrity().ok

    @pytest.mark.parametrize(
        ("argument", "value"),
        [("inner", object()), ("cipher", object()), ("ciphertexts", object())],
    )
    def test_wrong_collaborators_are_refused_by_name(self, argument, value):
        """Each collaborator of the wrong type raises ValidationError naming it."""
        arguments = {
            "inner": InMemoryComplaintRepository(),
            "cipher": PersonalDataCipher(InMemoryKeyStore()),
            "ciphertexts": InMemoryCiphertextStore(),
            argument: value,
        }
        inner = arguments.pop("inner")
        with pytest.raises(ValidationError) as caught:
            EncryptedComplaintRepository(inner, **arguments)
        assert caught.value.field == argument

    def test_claims_need_an_inner_store_that_claims(self):
        """A wrapper over a store without claims says so instead of failing oddly."""

        class NoClaims(InMemoryComplaintRepository):
            claim_next = None
            release_claim = None

        repository = _encrypted(NoClaims())
        with pytest.raises(Exception, match="cannot claim"):
            repository.claim_next(make_query(), worker="w", lease=timedelta(seconds=1))
        with pytest.raises(Exception, match="cannot claim"):
            repository.release_claim("C-1", worker="w")


def make_query():
    from iso10002.repositories import Query  # noqa: PLC0415

    return Query()


@pytest.mark.postgres
class TestCryptoShreddingOnPostgres:
    def test_the_table_files_never_hold_a_personal_value(self, iso10002_postgres_dsn):
        """Over PostgreSQL only ciphertext reaches the heap; erasure drops the key."""
        psycopg = pytest.importorskip("psycopg")
        from iso10002.crypto.postgres import PostgresCiphertextStore  # noqa: PLC0415
        from iso10002.repositories.postgres import (  # noqa: PLC0415
            PostgresComplaintRepository,
        )

        schema = f"shred_{datetime.now(timezone.utc).strftime('%H%M%S%f')}"
        keys = InMemoryKeyStore()
        ciphertexts = PostgresCiphertextStore(iso10002_postgres_dsn, schema=schema)
        repository = _encrypted(
            PostgresComplaintRepository(iso10002_postgres_dsn, schema=schema),
            keys,
            ciphertexts,
        )
        try:
            handler = _handler(repository)
            complaint = handler.receive(_form(), actor=SYSTEM, channel="web")
            handler.acknowledge(complaint.id, actor=SYSTEM)
            assert repository.get(complaint.id).complainant.email == EMAIL
            with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
                rows = conn.execute(
                    f'SELECT document::text FROM "{schema}".complaints'
                    f' UNION ALL SELECT tokens::text FROM "{schema}".sealed_values'
                ).fetchall()
            assert rows
            assert not any(NAME in row[0] or EMAIL in row[0] for row in rows)
            handler.erase_personal_data(complaint.id, actor=SYSTEM)
            assert keys.get_key(complaint.id) is None
            with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
                (left,) = conn.execute(
                    f'SELECT count(*) FROM "{schema}".sealed_values'
                ).fetchone()
            assert left == 0
            assert repository.verify_integrity().ok
        finally:
            repository.close()
            ciphertexts.close()
            with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
