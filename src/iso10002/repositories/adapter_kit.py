"""The pure building blocks every storage adapter shares; for adapter authors.

A new adapter stores what these functions compute and checks what they
check, so that every backend chains, verifies, erases, selects and pages the
same way. The how-to "Write your own storage adapter" walks through them.

* Arguments: :func:`check_complaint`, :func:`check_save`,
  :func:`check_complaint_id`, :func:`check_idempotency_key`,
  :func:`check_payload_digest`, :func:`check_limit`, :func:`check_position`,
  and for claims :func:`check_worker` and :func:`check_lease` (up to
  :data:`MAX_LEASE`): each refuses a bad argument with the same named
  ``ValidationError`` as the shipped adapters, before a driver can raise
  ``OverflowError`` or ``UnicodeEncodeError``.
* Writing: :func:`prepare` serialises a version once and chains its new
  events (:class:`Prepared`, :class:`ChainedEvent`); :func:`new_salt` for a
  new complaint or an erasure; :data:`GENESIS` before the first event.
* Reading: :func:`load_document` and :func:`load_event` turn stored text into
  model objects or raise :class:`~iso10002.errors.IntegrityError`.
* Queries: :func:`index_values` gives the column values an index needs,
  :func:`matches` is the reference predicate, :func:`sort_key`,
  :func:`encode_cursor` and :func:`decode_cursor` give keyset pagination.
* Erasure and audit: :func:`erase` makes the erased next version;
  :func:`verify_complaint` checks one complaint's stored chain
  (:class:`StoredLink`) and its document against the fold of its history;
  :func:`inspect_complaint` says the same and more (:class:`ComplaintCheck`);
  :func:`with_anchor` adds what an anchor finds
  (:mod:`iso10002.repositories.anchors`).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002.repositories._erasure import ERASED, ERASURE_EVENT, erase, is_erased
from iso10002.repositories._integrity import (
    GENESIS,
    ChainedEvent,
    ComplaintCheck,
    Prepared,
    StoredLink,
    commit_personal_data,
    inspect_complaint,
    load_document,
    load_event,
    new_salt,
    personal_data,
    prepare,
    verify_complaint,
)
from iso10002.repositories._query import (
    IndexValues,
    check_limit,
    check_position,
    decode_cursor,
    encode_cursor,
    from_micros,
    index_values,
    matches,
    sort_key,
    to_micros,
)
from iso10002.repositories._validate import (
    MAX_LEASE,
    check_complaint,
    check_complaint_id,
    check_idempotency_key,
    check_lease,
    check_payload_digest,
    check_query,
    check_save,
    check_worker,
)
from iso10002.repositories.anchors import with_anchor

__all__ = [
    "ERASED",
    "ERASURE_EVENT",
    "GENESIS",
    "MAX_LEASE",
    "ChainedEvent",
    "ComplaintCheck",
    "IndexValues",
    "Prepared",
    "StoredLink",
    "check_complaint",
    "check_complaint_id",
    "check_idempotency_key",
    "check_lease",
    "check_limit",
    "check_payload_digest",
    "check_position",
    "check_query",
    "check_save",
    "check_worker",
    "commit_personal_data",
    "decode_cursor",
    "encode_cursor",
    "erase",
    "from_micros",
    "index_values",
    "inspect_complaint",
    "is_erased",
    "load_document",
    "load_event",
    "matches",
    "new_salt",
    "personal_data",
    "prepare",
    "sort_key",
    "to_micros",
    "verify_complaint",
    "with_anchor",
]
