"""Secrets held outside the database: keyed chains and signed anchors.

A hash chain stored with its data can be recomputed by anyone who can write
to the database. With a :class:`RecordKey` the chain's links are HMAC-SHA256
under a secret the database does not hold (:class:`ChainKeys`, given to an
adapter), and anchors are signed with one
(:mod:`iso10002.repositories.anchors`). Each key has an id recorded with what
it protects, so keys can be rotated: write with the current key, keep the
previous ones for verifying.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from typing import Any

import attrs

from iso10002.errors import ValidationError

__all__ = ["ChainKeys", "RecordKey", "checked_keys"]

_MIN_SECRET = 16
_MAX_KEY_ID = 100


def _key_id(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if (
        not isinstance(value, str)
        or not value.isprintable()
        or not value.isascii()
        or not 0 < len(value) <= _MAX_KEY_ID
        or ":" in value
    ):
        raise ValidationError.single(
            attribute.name, "must be 1 to 100 printable ASCII characters without ':'"
        )


def _secret(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, bytes) or len(value) < _MIN_SECRET:
        raise ValidationError.single(attribute.name, "must be at least 16 bytes")


@attrs.frozen(kw_only=True)
class RecordKey:
    """A secret held outside the database, named by an id.

    Args:
        key_id: Recorded with what the key protects, so keys can be rotated.
        secret: At least 16 random bytes (e.g. ``secrets.token_bytes(32)``).

    .. versionadded:: 0.2.0
    """

    key_id: str = attrs.field(validator=_key_id)
    secret: bytes = attrs.field(validator=_secret, repr=False)


def _keys(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not all(isinstance(k, RecordKey) for k in value):
        raise ValidationError.single(attribute.name, "must be RecordKey values")


@attrs.frozen(kw_only=True)
class ChainKeys:
    """The keys an adapter chains with: the current one and those retired.

    Args:
        current: Keys every new link.
        previous: Retired keys, still used to verify older links.
        keyed_only: Report every link that is not keyed. Leave it on for a
            store keyed from the start; turn it off for a store that had
            links before keys were given (and anchor those, see
            :mod:`iso10002.repositories.anchors`).

    Raises:
        ValidationError: if a key is not a :class:`RecordKey` or two keys
            share an id.

    .. versionadded:: 0.2.0
    """

    current: RecordKey = attrs.field(validator=attrs.validators.instance_of(RecordKey))
    previous: tuple[RecordKey, ...] = attrs.field(
        default=(), converter=tuple, validator=_keys
    )
    keyed_only: bool = True

    def __attrs_post_init__(self) -> None:
        """Check that every key id is used once."""
        ids = [k.key_id for k in (self.current, *self.previous)]
        if len(set(ids)) != len(ids):
            raise ValidationError.single("previous", "key ids must be unique")

    def get(self, key_id: str) -> RecordKey | None:
        """Return the key with this id, if held."""
        for key in (self.current, *self.previous):
            if key.key_id == key_id:
                return key
        return None


def checked_keys(keys: object) -> ChainKeys | None:
    """Return ``keys`` if it is ``None`` or :class:`ChainKeys`; refuse anything else.

    Raises:
        ValidationError: naming ``chain_keys``.

    .. versionadded:: 0.2.0
    """
    if keys is None or isinstance(keys, ChainKeys):
        return keys
    raise ValidationError.single("chain_keys", "must be a ChainKeys")
