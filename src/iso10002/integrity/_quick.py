"""The quick check on opening: chains over stored bytes, and checkpoint seals.

The deep check (:func:`~iso10002.integrity.inspect_complaint`) loads every
document and event through the model and replays the history; its cost
grows with the store. What a store is opened with is cheaper and reads
stored bytes only:

* :func:`stored_chain_problems` recomputes each link from the stored event
  text, commitment and previous link, without parsing the event (the
  library stores exactly the canonical text it hashed).
* A *seal* (:func:`seal`) is recorded per complaint by a clean deep check
  (a checkpoint): a MAC, under the store's current chain key when it has
  one, over the complaint id, its chain head and a digest of every stored
  row derived from it (document, indexed columns, KPI fact rows, search
  digest). On opening, a complaint whose head is still the sealed one is
  checked by recomputing that digest (:func:`seal_verdict`); one written
  since the checkpoint, or never sealed, is checked deeply.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import struct

from iso10002.integrity._chain import GENESIS
from iso10002.integrity._report import IntegrityProblem
from iso10002.integrity._verify import StoredLink
from iso10002.integrity.keys import ChainKeys, RecordKey

__all__ = ["SealVerdict", "content_digest", "seal", "seal_verdict"]

_DOMAIN = b"iso10002/seal/v1\n"
_CHAIN = b"iso10002/chain/v1\n"  # as iso10002.integrity._chain
_LENGTH = struct.Struct(">Q").pack


class SealVerdict(enum.Enum):
    """What :func:`seal_verdict` found for one complaint.

    .. versionadded:: 0.3.0
    """

    SOUND = "sound"
    """The stored rows are the ones the checkpoint's deep check vouched for."""
    BROKEN = "broken"
    """The rows or the seal were changed since: the store was tampered with."""
    UNSEALED = "unsealed"
    """No seal applies (none, written since, or under a key not given): check deeply."""


def content_digest(parts: object, text: object = None) -> str:
    """Return the SHA-256 of the ``repr`` of a complaint's stored rows.

    ``parts`` holds plain values as read from the database (text, bytes,
    numbers, ``None``, tuples and lists of them), whose ``repr`` is stable;
    ``text``, a long stored text (the document), is hashed as its UTF-8.

    .. versionadded:: 0.3.0
    """
    digest = hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass"))
    if isinstance(text, str):
        digest.update(b"\ns" + _utf8(text))
    else:  # a value of another type, written behind the library's back
        digest.update(b"\nr" + repr(text).encode())
    return digest.hexdigest()


def _message(complaint_id: str, last_link: str, digest: str) -> bytes:
    named = complaint_id.encode("utf-8", "surrogatepass")
    head = last_link.encode("utf-8", "surrogatepass")
    hexed = digest.encode("ascii")
    return b"".join(
        (
            _DOMAIN,
            _LENGTH(len(named)),
            named,
            _LENGTH(len(head)),
            head,
            _LENGTH(len(hexed)),
            hexed,
        )
    )


def _mac(message: bytes, key: RecordKey | None) -> str:
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return f"{key.key_id}:{hmac.digest(key.secret, message, 'sha256').hex()}"


def seal(
    complaint_id: str, last_link: str, digest: str, key: RecordKey | None = None
) -> str:
    """Return the seal of one complaint's rows at chain head ``last_link``.

    With ``key``, the seal is ``"<key id>:<HMAC-SHA256>"``, which whoever
    writes to the database without the key cannot forge.

    .. versionadded:: 0.3.0
    """
    return _mac(_message(complaint_id, last_link, digest), key)


def seal_verdict(
    stored: str | None,
    *,
    complaint_id: str,
    last_link: str,
    digest: str,
    keys: ChainKeys | None,
) -> SealVerdict:
    """Check a stored seal against the complaint's rows as read now.

    Args:
        stored: The recorded seal (``None`` when there is none for this head).
        complaint_id: The complaint's id.
        last_link: Its chain head as stored now.
        digest: :func:`content_digest` of its rows as read now.
        keys: The store's chain keys; a keyed seal under a key not among
            them, or an unkeyed one in a keyed-only store, does not apply.

    .. versionadded:: 0.3.0
    """
    if not isinstance(stored, str):
        return SealVerdict.UNSEALED
    key: RecordKey | None = None
    if ":" in stored:
        key = None if keys is None else keys.get(stored.rpartition(":")[0])
        if key is None:
            return SealVerdict.UNSEALED
    elif keys is not None and keys.keyed_only:
        return SealVerdict.UNSEALED
    expected = seal(complaint_id, last_link, digest, key)
    if hmac.compare_digest(expected, stored):
        return SealVerdict.SOUND
    return SealVerdict.BROKEN


def _key(link: str, keys: ChainKeys | None) -> tuple[bool, RecordKey | None]:
    """Return whether ``link`` can be checked, and the key it was made with."""
    if ":" not in link:
        return not (keys is not None and keys.keyed_only), None
    key = None if keys is None else keys.get(link.rpartition(":")[0])
    return key is not None, key


def _utf8(text: str) -> bytes:
    try:
        return text.encode()
    except UnicodeEncodeError:  # lone surrogates: kept, as the chain keeps them
        return text.encode("utf-8", "surrogatepass")


def _link_of(
    previous: str, named: bytes, stored: StoredLink, key: RecordKey | None
) -> str:
    """Recompute one link as :func:`~iso10002.integrity.chain_link` does."""
    parts = (_utf8(previous), _utf8(str(stored.commitment)), _utf8(stored.event))
    message = b"".join(
        (
            _CHAIN,
            _LENGTH(len(parts[0])),
            parts[0],
            named,
            _LENGTH(len(parts[1])),
            parts[1],
            _LENGTH(len(parts[2])),
            parts[2],
        )
    )
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return _keyed(message, key)


def _keyed(message: bytes, key: RecordKey) -> str:
    return f"{key.key_id}:{hmac.new(key.secret, message, hashlib.sha256).hexdigest()}"


def stored_chain_problems(
    complaint_id: str, links: list[StoredLink], keys: ChainKeys | None = None
) -> list[IntegrityProblem]:
    """Recompute a complaint's chain from its stored bytes; name the first break.

    Each link is recomputed from the stored event *text* (not parsed), the
    stored commitment and the previous stored link, and sequences must run
    1, 2, 3 … . It catches any edit of a stored event, commitment or link;
    it does not read the document (see the seals for that).

    .. versionadded:: 0.3.0
    """
    previous = GENESIS
    encoded = _utf8(complaint_id)
    named = _LENGTH(len(encoded)) + encoded
    for expected, stored in enumerate(links, start=1):
        if stored.sequence != expected:
            message = (
                f"event log has sequence {stored.sequence} where {expected} belongs"
            )
        elif not isinstance(stored.link, str) or not isinstance(stored.event, str):
            message = f"hash chain broken at event {expected}"
        else:
            checkable, key = _key(stored.link, keys)
            if not checkable:
                message = f"event {expected} is keyed with a key not given, or unkeyed"
            elif hmac.compare_digest(
                _link_of(previous, named, stored, key), stored.link
            ):
                previous = stored.link
                continue
            else:
                message = f"hash chain broken at event {expected}"
        return [
            IntegrityProblem(
                complaint_id=complaint_id, sequence=stored.sequence, message=message
            )
        ]
    return []
