"""Tamper evidence for stored complaints, the same for every storage adapter.

What a store keeps and how it is proven, computed above the adapters so
every backend chains, verifies and erases the same way:

* Canonical JSON (:func:`canonical_json`, :func:`compact_json`): the exact
  text that is hashed and stored.
* The hash chain: :func:`prepare` serialises a version once and chains its
  new events (:class:`Prepared`, :class:`ChainedEvent`); each event's
  ``link`` is ``SHA-256`` (or, with :class:`~iso10002.integrity.keys.ChainKeys`,
  HMAC) over the previous link (:data:`GENESIS` before the first), the
  complaint id, the event and a commitment.
* Commitments to personal data: :func:`commit_personal_data`, HMAC under a
  per-complaint salt (:func:`new_salt`) that erasure replaces, so old
  commitments can no longer be tested against guesses.
* Erasure: :func:`erase` makes the erased next version, recorded by one
  :data:`ERASURE_EVENT` event.
* Verification: :func:`load_document` and :func:`load_event` read stored
  text or raise :class:`~iso10002.errors.IntegrityError`;
  :func:`inspect_complaint` checks one complaint's stored chain
  (:class:`StoredLink`) and document against the fold of its history; the
  ``*_problems`` functions check an adapter's own rows; everything found is an
  :class:`IntegrityProblem` in an :class:`IntegrityReport`.
* The quick check on opening: :func:`stored_chain_problems` recomputes a
  chain from stored bytes; a checkpoint :func:`seal` per complaint over the
  :func:`content_digest` of its rows is checked by :func:`seal_verdict`
  (a :class:`SealVerdict`).

Keys live in :mod:`iso10002.integrity.keys`, the stored document layout in
:mod:`iso10002.integrity.documents`; anchors, which read a repository, in
:mod:`iso10002.repositories.anchors`.

.. versionadded:: 0.2.0
   Replaces ``iso10002.repositories.adapter_kit``.
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.integrity._chain import (
    GENESIS,
    SALT_BYTES,
    ChainedEvent,
    Prepared,
    chain_events,
    chain_link,
    chain_rows,
    dump_document,
    dump_event,
    new_salt,
    new_salts,
    prepare,
    prepare_rows,
)
from iso10002.integrity._erasure import (
    ERASED,
    ERASURE_EVENT,
    erase,
    erased_fields,
    is_erased,
)
from iso10002.integrity._json import (
    canonical_json,
    canonical_text,
    compact_json,
    compact_text,
)
from iso10002.integrity._personal import (
    commit_personal_data,
    personal_data,
    personal_text,
)
from iso10002.integrity._quick import (
    SealVerdict,
    content_digest,
    seal,
    seal_verdict,
    stored_chain_problems,
)
from iso10002.integrity._report import IntegrityProblem, IntegrityReport
from iso10002.integrity._verify import (
    ComplaintCheck,
    StoredLink,
    inspect_complaint,
    load_document,
    load_event,
    verify_complaint,
)
from iso10002.integrity._verify_rows import (
    column_problems,
    gap_problems,
    head_problems,
    orphan_problems,
)

__all__ = [
    "ERASED",
    "ERASURE_EVENT",
    "GENESIS",
    "SALT_BYTES",
    "ChainedEvent",
    "ComplaintCheck",
    "IntegrityProblem",
    "IntegrityReport",
    "Prepared",
    "SealVerdict",
    "StoredLink",
    "canonical_json",
    "canonical_text",
    "chain_events",
    "chain_link",
    "chain_rows",
    "column_problems",
    "commit_personal_data",
    "compact_json",
    "compact_text",
    "content_digest",
    "dump_document",
    "dump_event",
    "erase",
    "erased_fields",
    "gap_problems",
    "head_problems",
    "inspect_complaint",
    "is_erased",
    "load_document",
    "load_event",
    "new_salt",
    "new_salts",
    "orphan_problems",
    "personal_data",
    "personal_text",
    "prepare",
    "prepare_rows",
    "seal",
    "seal_verdict",
    "stored_chain_problems",
    "verify_complaint",
]

publish(globals())
