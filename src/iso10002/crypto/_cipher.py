"""AES-256-GCM over a mapping of personal values, one key per subject."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from iso10002.crypto._keys import KeyStore, check_subject
from iso10002.errors import IntegrityError, ValidationError
from iso10002.integrity import canonical_text

__all__ = ["TOKEN_PREFIX", "PersonalDataCipher"]

TOKEN_PREFIX = "v1."  # noqa: S105 - a format tag, not a secret
"""How every token starts: the format version (AES-256-GCM, 96-bit nonce)."""

_NONCE = 12


def _subkey(key: bytes, purpose: bytes) -> bytes:
    """Derive a key for one purpose, so encryption and references never share one."""
    return hmac.digest(key, b"iso10002/" + purpose, "sha256")


def _aad(subject: str, path: str) -> bytes:
    # Binds a token to its subject and field: moved elsewhere it does not decrypt.
    return b"iso10002/v1\x00" + subject.encode("utf-8") + b"\x00" + path.encode("utf-8")


def _encode(value: Any) -> bytes:
    return canonical_text(value).encode("utf-8", "surrogatepass")


class PersonalDataCipher:
    """Encrypt personal values with their subject's key; destroying the key shreds them.

    Values are given as a mapping ``path -> JSON value`` (the form of
    :func:`iso10002.integrity.personal_data`), so the same
    cipher serves a complaint's fields and any other personal section. Each
    value becomes a text token ``v1.<base64url(nonce | ciphertext | tag)>``,
    authenticated together with the subject and the path.

    Args:
        keys: Where the per-subject keys are kept.

    Raises:
        ValidationError: if ``keys`` is not a :class:`KeyStore`.

    .. versionadded:: 0.2.0
    """

    def __init__(self, keys: KeyStore) -> None:
        """Keep the key store."""
        if not isinstance(keys, KeyStore):
            raise ValidationError.single("keys", "must implement KeyStore")
        self._keys = keys

    @property
    def keys(self) -> KeyStore:
        """Return the key store."""
        return self._keys

    def encrypt(self, subject: str, values: Mapping[str, Any]) -> dict[str, str]:
        """Return a token per path, under the subject's key (created when missing).

        Args:
            subject: Whose data it is (a complaint id).
            values: ``path -> JSON value``.

        Returns:
            ``path -> token``.

        Raises:
            ValidationError: for a bad subject or a value that is not JSON.
        """
        subject = check_subject(subject)
        aead = AESGCM(_subkey(self._keys.create_key(subject), b"aead"))
        tokens: dict[str, str] = {}
        for path, value in values.items():
            try:
                plain = _encode(value)
            except (TypeError, ValueError) as exc:
                raise ValidationError.single(path, f"is not JSON: {exc}") from None
            nonce = os.urandom(_NONCE)
            sealed = aead.encrypt(nonce, plain, _aad(subject, path))
            text = base64.urlsafe_b64encode(nonce + sealed).decode("ascii")
            tokens[path] = TOKEN_PREFIX + text.rstrip("=")
        return tokens

    def decrypt(self, subject: str, tokens: Mapping[str, str]) -> dict[str, Any]:
        """Return the values the tokens hold.

        Args:
            subject: Whose data it is.
            tokens: ``path -> token`` as :meth:`encrypt` returned them.

        Returns:
            ``path -> JSON value``.

        Raises:
            IntegrityError: if the subject's key is gone (shredded) or a token
                was altered, moved to another subject or path, or is not one.
        """
        subject = check_subject(subject)
        key = self._keys.get_key(subject)
        if key is None:
            msg = f"the key of {subject!r} is destroyed: its sealed data is unreadable"
            raise IntegrityError(msg, complaint_id=subject)
        aead = AESGCM(_subkey(key, b"aead"))
        values: dict[str, Any] = {}
        for path, token in tokens.items():
            try:
                if not token.startswith(TOKEN_PREFIX):
                    raise ValueError(token[:8])  # noqa: TRY301 - one handler below
                body = token[len(TOKEN_PREFIX) :]
                raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
                plain = aead.decrypt(raw[:_NONCE], raw[_NONCE:], _aad(subject, path))
                values[path] = json.loads(plain.decode("utf-8", "surrogatepass"))
            except (InvalidTag, ValueError, binascii.Error, AttributeError) as exc:
                msg = f"sealed value {path!r} of {subject!r} does not decrypt"
                raise IntegrityError(msg, complaint_id=subject) from exc
        return values

    def reference(self, subject: str, values: Mapping[str, Any]) -> str:
        """Return a keyed digest of ``values`` (64 hex): equal values, equal reference.

        Lets a store keep one copy of unchanged values across versions while
        revealing nothing about them without the subject's key.

        Raises:
            ValidationError: for a bad subject.
            IntegrityError: if the subject has no key (encrypt first).
        """
        subject = check_subject(subject)
        key = self._keys.get_key(subject)
        if key is None:
            msg = f"the key of {subject!r} is destroyed: its sealed data is unreadable"
            raise IntegrityError(msg, complaint_id=subject)
        digest_key = _subkey(key, b"reference")
        return hmac.new(digest_key, _encode(dict(values)), hashlib.sha256).hexdigest()

    def shred(self, subject: str) -> None:
        """Destroy the subject's key: every token made for it becomes unreadable."""
        self._keys.destroy_key(check_subject(subject))
