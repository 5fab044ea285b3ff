"""Crypto shredding: personal data encrypted under a key per complaint.

Erasing a value from a database does not erase it from the database's past:
write-ahead logs, dead rows not yet vacuumed, replicas and backups keep the
old versions for as long as they live. Encrypting the personal fields under
a key that belongs to one complaint, and destroying that key on erasure,
makes every such copy unreadable at once (*crypto shredding*).

Needs the ``crypto`` extra (``pip install iso10002[crypto]``, the
``cryptography`` package). The pieces:

* :class:`PersonalDataCipher` encrypts a mapping ``path -> value`` with
  AES-256-GCM, each token bound to its subject and path;
* a :class:`KeyStore` keeps one key per complaint (:class:`InMemoryKeyStore`,
  :class:`SQLiteKeyStore`; a key management service in production);
* a :class:`CiphertextStore` keeps the tokens (:class:`InMemoryCiphertextStore`,
  :class:`SQLiteCiphertextStore`);
* :class:`EncryptedComplaintRepository` wraps any repository so that only
  sealed shapes reach it, and erasure destroys the key.

See :doc:`/confidentiality` for what it protects and what it does not.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.crypto._cipher import TOKEN_PREFIX, PersonalDataCipher
from iso10002.crypto._ciphertexts import (
    CiphertextStore,
    InMemoryCiphertextStore,
    SQLiteCiphertextStore,
)
from iso10002.crypto._keys import KEY_BYTES, InMemoryKeyStore, KeyStore, SQLiteKeyStore
from iso10002.crypto._repository import EncryptedComplaintRepository
from iso10002.crypto._seal import sealed_reference

__all__ = [
    "KEY_BYTES",
    "TOKEN_PREFIX",
    "CiphertextStore",
    "EncryptedComplaintRepository",
    "InMemoryCiphertextStore",
    "InMemoryKeyStore",
    "KeyStore",
    "PersonalDataCipher",
    "SQLiteCiphertextStore",
    "SQLiteKeyStore",
    "sealed_reference",
]

publish(globals())
