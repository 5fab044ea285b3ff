"""Chain-head anchors: the record's state, kept where the database cannot reach.

A hash chain stored with the data it protects proves only that the rows
agree with each other: whoever can write to the database can roll a
complaint back, delete it, or rewrite an event and recompute every later
link with the library's own functions. An *anchor* closes that gap. It
states, for every complaint, how many events its history had and a digest
of them, and it is kept outside the database: signed with a key the
database does not hold, or appended to a sink the host chooses (a
write-once bucket, a ticket, a printed report, an e-mail to the auditor).

:func:`take_anchor` reads any repository through its public methods, so it
works with every adapter; :func:`verify_anchor` (or
``repository.verify_integrity(anchor=...)``) names every complaint that was
rolled back, truncated, deleted or rewritten since the anchor was taken.
Complaints received after the anchor are not covered by it: take anchors
regularly (for example daily) and keep them all.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import attrs

from iso10002.errors import IntegrityError, ValidationError
from iso10002.integrity import GENESIS, IntegrityProblem, IntegrityReport, dump_event
from iso10002.integrity.keys import RecordKey
from iso10002.model import HistoryEvent
from iso10002.repositories._protocol import ComplaintRepository
from iso10002.repositories._records import StoredEvent

__all__ = [
    "Anchor",
    "AnchorSink",
    "ChainHead",
    "JsonLinesAnchorSink",
    "take_anchor",
    "verify_anchor",
    "with_anchor",
]

_DOMAIN = b"iso10002/anchor/v1\n"
_FEED_PAGE = 1000


def _aware(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValidationError.single(
            attribute.name, "must be a timezone-aware datetime"
        )


@attrs.frozen(kw_only=True)
class ChainHead:
    """One complaint's place in an anchor: its event count and their digest.

    .. versionadded:: 0.2.0
    """

    complaint_id: str
    events: int
    digest: str


@attrs.frozen(kw_only=True)
class Anchor:
    """The state of every complaint's history at one instant.

    Args:
        taken_at: When it was taken.
        heads: One :class:`ChainHead` per complaint, by id.
        key_id: The :class:`~iso10002.integrity.keys.RecordKey` that
            signed it, if any.
        signature: HMAC-SHA256 of the anchor's content under that key.

    .. versionadded:: 0.2.0
    """

    taken_at: datetime = attrs.field(validator=_aware)
    heads: tuple[ChainHead, ...]
    key_id: str | None = None
    signature: str | None = None

    def content(self) -> bytes:
        """Return the canonical bytes the signature covers."""
        body = {
            "taken_at": self.taken_at.isoformat(),
            "heads": [[h.complaint_id, h.events, h.digest] for h in self.heads],
        }
        text = json.dumps(body, sort_keys=True, separators=(",", ":"))
        return _DOMAIN + text.encode("utf-8", "surrogatepass")

    def signed(self, key: RecordKey) -> Anchor:
        """Return this anchor signed with ``key``."""
        mac = hmac.new(key.secret, self.content(), hashlib.sha256).hexdigest()
        return attrs.evolve(self, key_id=key.key_id, signature=mac)

    def check_signature(self, keys: Mapping[str, RecordKey] | None) -> None:
        """Check the signature against ``keys`` (by key id).

        Raises:
            IntegrityError: if the anchor is unsigned while keys are given,
                names an unknown key, or its signature does not match.
        """
        if not keys:
            return
        if self.key_id is None or self.signature is None:
            msg = "the anchor is not signed"
            raise IntegrityError(msg)
        key = keys.get(self.key_id)
        if key is None:
            msg = f"the anchor is signed with an unknown key {self.key_id!r}"
            raise IntegrityError(msg)
        expected = hmac.new(key.secret, self.content(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, self.signature):
            msg = "the anchor's signature does not match its content"
            raise IntegrityError(msg)

    def to_json(self) -> str:
        """Serialise the anchor as one line of JSON."""
        return json.dumps(
            {
                "taken_at": self.taken_at.isoformat(),
                "heads": [[h.complaint_id, h.events, h.digest] for h in self.heads],
                "key_id": self.key_id,
                "signature": self.signature,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> Anchor:
        """Parse :meth:`to_json`'s output.

        Raises:
            ValidationError: if the text is not an anchor.
        """
        try:
            data = json.loads(text)
            heads = tuple(
                ChainHead(complaint_id=str(c), events=int(n), digest=str(d))
                for c, n, d in data["heads"]
            )
            return cls(
                taken_at=datetime.fromisoformat(data["taken_at"]),
                heads=heads,
                key_id=data.get("key_id"),
                signature=data.get("signature"),
            )
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            raise ValidationError.single(
                "anchor", f"is not an anchor ({exc})"
            ) from None


def _feed(repository: ComplaintRepository) -> Iterator[StoredEvent]:
    """Yield the whole event feed, page by page; refuse a feed that does not advance."""
    after = 0
    while True:
        batch = repository.events(after=after, limit=_FEED_PAGE)
        if not batch:
            return
        yield from batch
        if batch[-1].position <= after:
            msg = "the event feed did not advance"
            raise IntegrityError(msg)
        after = batch[-1].position


def _extended(head: tuple[int, str], event: HistoryEvent) -> tuple[int, str]:
    """Return a complaint's event count and digest with ``event`` added."""
    count, digest = head
    payload = (digest + "\n" + dump_event(event)).encode("utf-8", "surrogatepass")
    return count + 1, hashlib.sha256(payload).hexdigest()


def _digests(repository: ComplaintRepository) -> dict[str, tuple[int, str]]:
    """Return every complaint's event count and digest, from the event feed."""
    heads: dict[str, tuple[int, str]] = {}
    for stored in _feed(repository):
        cid = stored.complaint_id
        heads[cid] = _extended(heads.get(cid, (0, GENESIS)), stored.event)
    return heads


def take_anchor(
    repository: ComplaintRepository, *, at: datetime, key: RecordKey | None = None
) -> Anchor:
    """Take an anchor of every complaint's history in ``repository``.

    Take it while no one writes, or accept that events committed while it
    is read may or may not be covered (each complaint's head is consistent).

    Args:
        repository: Any repository.
        at: When (timezone-aware; from the host's clock).
        key: Signs the anchor when given.

    Returns:
        The anchor, signed when ``key`` is given.

    .. versionadded:: 0.2.0
    """
    heads = tuple(
        ChainHead(complaint_id=cid, events=count, digest=digest)
        for cid, (count, digest) in sorted(_digests(repository).items())
    )
    anchor = Anchor(taken_at=at, heads=heads)
    return anchor if key is None else anchor.signed(key)


def verify_anchor(
    repository: ComplaintRepository,
    anchor: Anchor,
    *,
    keys: Mapping[str, RecordKey] | None = None,
) -> tuple[IntegrityProblem, ...]:
    """Name every complaint whose history no longer extends the anchored one.

    A complaint is named when it is missing (deleted), has fewer events than
    anchored (rolled back or truncated), or its first anchored events differ
    from what was anchored (rewritten and re-linked).

    Args:
        repository: The repository the anchor was taken of.
        anchor: The anchor.
        keys: Keys by id; when given, the anchor's signature is checked first.

    Returns:
        The problems found (empty when every anchored history is intact).

    Raises:
        IntegrityError: if ``keys`` are given and the signature does not hold.

    .. versionadded:: 0.2.0
    """
    anchor.check_signature(keys)
    wanted = {h.complaint_id: h for h in anchor.heads}
    prefixes: dict[str, tuple[int, str]] = {}
    counts: dict[str, int] = {}
    for stored in _feed(repository):
        cid = stored.complaint_id
        counts[cid] = counts.get(cid, 0) + 1
        head = wanted.get(cid)
        if head is not None and counts[cid] <= head.events:
            prefixes[cid] = _extended(prefixes.get(cid, (0, GENESIS)), stored.event)
    return tuple(_problems(anchor, prefixes, counts))


def with_anchor(
    report: IntegrityReport,
    repository: ComplaintRepository,
    anchor: Anchor | None,
    keys: Mapping[str, RecordKey] | None = None,
) -> IntegrityReport:
    """Return ``report`` with the problems :func:`verify_anchor` finds added.

    Adapters call it at the end of ``verify_integrity(anchor=...)``; a bad
    signature is reported as a problem of the anchor (complaint id ``""``).

    .. versionadded:: 0.2.0
    """
    if anchor is None:
        return report
    try:
        found = verify_anchor(repository, anchor, keys=keys)
    except IntegrityError as exc:
        found = (IntegrityProblem(complaint_id="", message=f"anchor: {exc}"),)
    if not found:
        return report
    return attrs.evolve(report, problems=(*report.problems, *found))


def _problems(
    anchor: Anchor, prefixes: dict[str, tuple[int, str]], counts: dict[str, int]
) -> Iterator[IntegrityProblem]:
    when = anchor.taken_at.isoformat()
    for head in anchor.heads:
        count = counts.get(head.complaint_id, 0)
        if count == 0:
            yield IntegrityProblem(
                complaint_id=head.complaint_id,
                message=f"anchored on {when} with {head.events} events, now missing",
            )
        elif count < head.events:
            yield IntegrityProblem(
                complaint_id=head.complaint_id,
                message=f"anchored on {when} with {head.events} events, now "
                f"{count} (rolled back or truncated)",
            )
        elif prefixes.get(head.complaint_id, (0, ""))[1] != head.digest:
            yield IntegrityProblem(
                complaint_id=head.complaint_id,
                message=f"its first {head.events} events differ from those "
                f"anchored on {when} (rewritten)",
            )


@runtime_checkable
class AnchorSink(Protocol):
    """Somewhere append-only, outside the database, that keeps anchors.

    .. versionadded:: 0.2.0
    """

    def append(self, anchor: Anchor) -> None:
        """Keep ``anchor``; never change or remove earlier ones."""
        ...

    def latest(self) -> Anchor | None:
        """Return the most recent anchor kept, if any."""
        ...


@attrs.define
class JsonLinesAnchorSink:
    """Keep anchors as JSON lines appended to a file (point it at WORM storage).

    .. versionadded:: 0.2.0
    """

    path: Path = attrs.field(converter=Path)

    def append(self, anchor: Anchor) -> None:
        """Append ``anchor`` as one line and flush it to disk."""
        with self.path.open("a", encoding="utf-8") as out:
            out.write(anchor.to_json() + "\n")
            out.flush()

    def latest(self) -> Anchor | None:
        """Return the last anchor in the file (``None`` when there is none)."""
        if not self.path.exists():
            return None
        last = None
        with self.path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    last = line
        return None if last is None else Anchor.from_json(last)
