"""The pure building blocks every storage adapter shares; for adapter authors.

A new adapter stores what these functions compute and checks what they
check, so that every backend chains, verifies, erases, selects and pages the
same way. The how-to "Write your own storage adapter" walks through them.

* Arguments: :func:`check_complaint`, :func:`check_save`,
  :func:`check_idempotency_key`, :func:`check_payload_digest`,
  :func:`check_limit`, :func:`check_position`.
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
  (:class:`StoredLink`).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002.repositories._erasure import ERASED, ERASURE_EVENT, erase, is_erased
from iso10002.repositories._integrity import (
    GENESIS,
    ChainedEvent,
    Prepared,
    StoredLink,
    commit_personal_data,
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
    check_complaint,
    check_complaint_id,
    check_idempotency_key,
    check_payload_digest,
    check_query,
    check_save,
)

__all__ = [
    "ERASED",
    "ERASURE_EVENT",
    "GENESIS",
    "ChainedEvent",
    "IndexValues",
    "Prepared",
    "StoredLink",
    "check_complaint",
    "check_complaint_id",
    "check_idempotency_key",
    "check_limit",
    "check_payload_digest",
    "check_position",
    "check_query",
    "check_save",
    "commit_personal_data",
    "decode_cursor",
    "encode_cursor",
    "erase",
    "from_micros",
    "index_values",
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
]
