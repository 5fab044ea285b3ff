"""PersonalDataCipher: values round-trip, tokens are bound, shredding is final."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings

pytest.importorskip("cryptography")

from iso10002.crypto import (
    KEY_BYTES,
    TOKEN_PREFIX,
    InMemoryKeyStore,
    KeyStore,
    PersonalDataCipher,
    SQLiteKeyStore,
)
from iso10002.errors import IntegrityError, ValidationError
from iso10002.integrity import personal_data
from iso10002.testing.strategies import complaints

VALUES = {
    "complainant": {"name": "Ann Example", "email": "ann@example.org"},
    "description": "Zählerstand doppelt berechnet \u2014 \U0001f4a1",
    "subject.references": ["ACC-1", "ACC-2"],
    "desired_outcome": None,
}


@pytest.fixture
def cipher():
    return PersonalDataCipher(InMemoryKeyStore())


class TestPersonalDataCipher:
    def test_values_round_trip_as_text_tokens(self, cipher):
        """Each path gets a printable ASCII token that decrypts to its value."""
        tokens = cipher.encrypt("C-1", VALUES)
        assert set(tokens) == set(VALUES)
        for token in tokens.values():
            assert token.startswith(TOKEN_PREFIX)
            assert token.isascii()
            assert token.isprintable()
        # Whole values hold a space or an "@", which no token's alphabet has, so
        # unlike a short fragment ("Ann") they cannot occur in one by chance.
        joined = "".join(tokens.values())
        assert "Ann Example" not in joined
        assert "ann@example.org" not in joined
        assert cipher.decrypt("C-1", tokens) == VALUES

    def test_equal_values_encrypt_differently_but_share_a_reference(self, cipher):
        """Fresh nonces per token; the keyed reference depends on the values only."""
        first, second = cipher.encrypt("C-1", VALUES), cipher.encrypt("C-1", VALUES)
        assert first != second
        assert cipher.reference("C-1", VALUES) == cipher.reference("C-1", dict(VALUES))
        changed = {**VALUES, "description": "other"}
        assert cipher.reference("C-1", changed) != cipher.reference("C-1", VALUES)
        cipher.encrypt("C-2", VALUES)
        assert cipher.reference("C-2", VALUES) != cipher.reference("C-1", VALUES)

    @pytest.mark.parametrize("move", ["path", "subject", "edit", "garbage"])
    def test_a_token_moved_or_altered_does_not_decrypt(self, cipher, move):
        """Tokens are bound to their subject and path and authenticated."""
        token = cipher.encrypt("C-1", {"description": "secret"})["description"]
        cipher.encrypt("C-2", {"description": "other"})
        subject, path = "C-1", "description"
        if move == "path":
            path = "desired_outcome"
        elif move == "subject":
            subject = "C-2"
        elif move == "edit":
            token = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
        else:
            token = "not a token"
        with pytest.raises(IntegrityError, match="does not decrypt"):
            cipher.decrypt(subject, {path: token})

    def test_after_shredding_nothing_decrypts(self, cipher):
        """Destroying the key makes every token of the subject unreadable, for good."""
        tokens = cipher.encrypt("C-1", VALUES)
        cipher.shred("C-1")
        with pytest.raises(IntegrityError, match="destroyed") as caught:
            cipher.decrypt("C-1", tokens)
        assert caught.value.complaint_id == "C-1"
        with pytest.raises(IntegrityError, match="destroyed"):
            cipher.reference("C-1", VALUES)
        cipher.encrypt("C-1", {"x": 1})  # a new key is not the old one
        with pytest.raises(IntegrityError, match="does not decrypt"):
            cipher.decrypt("C-1", tokens)

    @pytest.mark.parametrize("subject", ["", " ", "x" * 201, "a\x00b", 7, None])
    def test_bad_subjects_are_refused_by_name(self, cipher, subject):
        """Subjects are 1 to 200 characters of text without NUL."""
        with pytest.raises(ValidationError) as caught:
            cipher.encrypt(subject, VALUES)
        assert caught.value.field == "subject"

    def test_a_value_that_is_not_json_is_refused_by_path(self, cipher):
        """Only JSON values can be sealed; the error names the path."""
        with pytest.raises(ValidationError) as caught:
            cipher.encrypt("C-1", {"complainant.name": object()})
        assert caught.value.field == "complainant.name"

    def test_the_key_store_must_be_one(self):
        """Anything without the KeyStore methods is refused."""
        with pytest.raises(ValidationError) as caught:
            PersonalDataCipher(object())
        assert caught.value.field == "keys"

    @settings(max_examples=25)
    @given(complaints())
    def test_any_complaints_personal_data_round_trips(self, complaint):
        """Every personal mapping the model can hold comes back exactly."""
        cipher = PersonalDataCipher(InMemoryKeyStore())
        values = personal_data(complaint)
        assert cipher.decrypt(complaint.id, cipher.encrypt(complaint.id, values)) == (
            values
        )


@pytest.fixture(params=["memory", "sqlite"])
def keys(request, tmp_path):
    if request.param == "memory":
        yield InMemoryKeyStore()
        return
    store = SQLiteKeyStore(tmp_path / "keys.db")
    yield store
    store.close()


class TestKeyStores:
    def test_keys_are_created_once_and_destroyed(self, keys):
        """create_key returns one key per subject; destroy_key forgets it."""
        assert isinstance(keys, KeyStore)
        assert keys.get_key("C-1") is None
        key = keys.create_key("C-1")
        assert len(key) == KEY_BYTES
        assert keys.create_key("C-1") == key == keys.get_key("C-1")
        assert keys.create_key("C-2") != key
        keys.destroy_key("C-1")
        keys.destroy_key("C-1")
        assert keys.get_key("C-1") is None
        assert keys.get_key("C-2") is not None

    def test_concurrent_creators_get_the_same_key(self, keys):
        """Threads creating one subject's key at once all receive the same key."""
        barrier = threading.Barrier(4)
        found = []

        def create():
            barrier.wait()
            found.append(keys.create_key("C-9"))

        threads = [threading.Thread(target=create) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(set(found)) == 1

    def test_a_destroyed_key_leaves_the_sqlite_file(self, tmp_path):
        """With secure_delete and a checkpoint, the key's bytes are gone from disk."""
        store = SQLiteKeyStore(tmp_path / "keys.db")
        try:
            key = store.create_key("C-1")
            store.create_key("C-2")
            store.destroy_key("C-1")
            raw = b"".join(p.read_bytes() for p in tmp_path.glob("keys.db*"))
            assert key not in raw
            assert store.get_key("C-2") is not None
        finally:
            store.close()

    def test_an_unopenable_key_file_is_a_repository_error(self, tmp_path):
        """A path in a missing folder raises RepositoryError, not a driver error."""
        from iso10002.errors import RepositoryError  # noqa: PLC0415

        with pytest.raises(RepositoryError, match="key store"):
            SQLiteKeyStore(tmp_path / "missing" / "keys.db")
