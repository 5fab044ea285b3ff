"""Ciphertext stores keep tokens by subject and reference, and name their failures."""

from __future__ import annotations

import secrets
import sqlite3
from contextlib import closing

import attrs
import pytest

pytest.importorskip("cryptography")

from iso10002.crypto import (
    CiphertextStore,
    InMemoryCiphertextStore,
    InMemoryKeyStore,
    PersonalDataCipher,
    SQLiteCiphertextStore,
    SQLiteKeyStore,
)
from iso10002.crypto._seal import seal, unseal
from iso10002.errors import IntegrityError, RepositoryError
from iso10002.integrity import erase
from iso10002.testing.contract import make_complaint


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    if request.param == "memory":
        yield InMemoryCiphertextStore()
        return
    sqlite_store = SQLiteCiphertextStore(tmp_path / "sealed.db")
    yield sqlite_store
    sqlite_store.close()


class TestCiphertextStores:
    def test_tokens_are_kept_once_per_reference_and_deleted_by_subject(self, store):
        """The first tokens under a reference stay; delete drops every reference."""
        assert isinstance(store, CiphertextStore)
        store.put("C-1", "r1", {"description": "v1.a"})
        store.put("C-1", "r1", {"description": "v1.b"})
        store.put("C-1", "r2", {"description": "v1.c"})
        store.put("C-2", "r1", {"description": "v1.d"})
        assert store.get("C-1", "r1") == {"description": "v1.a"}
        assert store.get("C-1", "r9") is None
        store.delete("C-1")
        assert store.get("C-1", "r1") is None
        assert store.get("C-1", "r2") is None
        assert store.get("C-2", "r1") == {"description": "v1.d"}

    @pytest.mark.parametrize("text", ["not json", '["a"]', '{"a": 1}'])
    def test_malformed_rows_are_integrity_errors(self, tmp_path, text):
        """A row edited behind the store's back is named, not returned."""
        path = tmp_path / "sealed.db"
        with closing(SQLiteCiphertextStore(path)) as store:
            store.put("C-1", "r1", {"a": "v1.x"})
            with closing(sqlite3.connect(path, isolation_level=None)) as raw:
                raw.execute("UPDATE iso10002_sealed SET tokens = ?", (text,))
            with pytest.raises(IntegrityError) as caught:
                store.get("C-1", "r1")
            assert caught.value.complaint_id == "C-1"

    def test_an_unopenable_file_and_a_closed_store_are_repository_errors(
        self, tmp_path
    ):
        """Driver errors become RepositoryError, for both SQLite stores."""
        with pytest.raises(RepositoryError, match="ciphertext store"):
            SQLiteCiphertextStore(tmp_path / "missing" / "sealed.db")
        store = SQLiteCiphertextStore(tmp_path / "sealed.db")
        store.close()
        with pytest.raises(RepositoryError):
            store.get("C-1", "r1")
        keys = SQLiteKeyStore(tmp_path / "keys.db")
        keys.close()
        with pytest.raises(RepositoryError, match="key store failed"):
            keys.get_key("C-1")


class TestSealing:
    def test_an_erased_complaint_has_nothing_to_seal(self):
        """Sealing an erased complaint stores it as it is, without tokens."""
        complaint = make_complaint(1)
        erased = erase(complaint, actor="dpo", at=complaint.history[-1].at)
        cipher = PersonalDataCipher(InMemoryKeyStore())
        assert seal(erased, cipher) == (erased, None, {})
        assert cipher.keys.get_key(erased.id) is None

    def test_values_that_do_not_fit_the_complaint_are_an_integrity_error(self):
        """Tokens for a path the complaint lacks fail the read by name."""
        cipher = PersonalDataCipher(InMemoryKeyStore())
        store = InMemoryCiphertextStore()
        shape, reference, tokens = seal(make_complaint(1), cipher)
        values = cipher.decrypt(shape.id, tokens)
        values["nowhere.deep"] = "x"
        forged = cipher.encrypt(shape.id, values)
        forged_reference = cipher.reference(shape.id, values)
        store.put(shape.id, forged_reference, forged)
        pointed = attrs.evolve(shape, description=f"[sealed:{forged_reference}]")
        with pytest.raises(IntegrityError, match="does not fit"):
            unseal(pointed, cipher, store)
        assert reference != forged_reference


@pytest.mark.postgres
class TestPostgresCiphertextStore:
    def test_tokens_round_trip_and_malformed_rows_are_named(
        self, iso10002_postgres_dsn
    ):
        """The PostgreSQL store keeps tokens like the others and names bad rows."""
        psycopg = pytest.importorskip("psycopg")
        from iso10002.crypto.postgres import PostgresCiphertextStore  # noqa: PLC0415

        schema = f"sealed_{secrets.token_hex(5)}"
        store = PostgresCiphertextStore(iso10002_postgres_dsn, schema=schema)
        try:
            assert isinstance(store, CiphertextStore)
            store.put("C-1", "r1", {"a": "v1.x"})
            store.put("C-1", "r1", {"a": "v1.y"})
            assert store.get("C-1", "r1") == {"a": "v1.x"}
            assert store.get("C-1", "r2") is None
            with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
                conn.execute(
                    f"UPDATE \"{schema}\".sealed_values SET tokens = '[1]'::jsonb"
                )
            with pytest.raises(IntegrityError):
                store.get("C-1", "r1")
            store.delete("C-1")
            assert store.get("C-1", "r1") is None
            with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
                conn.execute(f'DROP TABLE "{schema}".sealed_values')
            with pytest.raises(RepositoryError, match="ciphertext store failed"):
                store.get("C-1", "r1")
        finally:
            store.close()
            with psycopg.connect(iso10002_postgres_dsn, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    def test_an_unreachable_server_is_a_repository_error(self):
        """A DSN nobody answers raises RepositoryError naming the store."""
        pytest.importorskip("psycopg")
        from iso10002.crypto.postgres import PostgresCiphertextStore  # noqa: PLC0415

        with pytest.raises(RepositoryError, match="ciphertext store"):
            PostgresCiphertextStore(
                "postgresql://nobody@127.0.0.1:1/x?connect_timeout=1"
            )
