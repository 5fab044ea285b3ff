"""The narrow adapter port, and what an adapter author builds on.

A storage adapter implements :class:`RowStore`: it stores and reads rows
(:class:`ComplaintRow`, :class:`EventRow`, :class:`FeedRow`,
:class:`KeyRow`) atomically, with a version check, and nothing else;
:class:`~iso10002.repositories.RowStoreRepository` turns it into a whole
:class:`~iso10002.repositories.ComplaintRepository`. The how-to "Write your
own storage adapter" shows a complete one.

A store may also implement optional capabilities, each a small Protocol the
repository detects: :class:`HeadRows` (documents kept without their history,
read without it when the parsed complaint is current), :class:`CheckedRows`
(read, check and write a complaint in one transaction),
:class:`DerivedRows` (rows derived from the complaint, such as KPI facts or
search terms, written in the same transaction, from a :class:`RowVersion`)
and :class:`RememberedRows` (a checked write over the row last read, sent
without reading it first). The SQLite adapter is a row store with the first
three, the PostgreSQL adapter with all four.

An adapter that selects in its database, as the SQLite and PostgreSQL ones
do, uses the helpers here too. It stores a complaint's
:func:`index_values` beside its document so it can answer every
:class:`~iso10002.repositories.Query` field with index scans, and checks its
own answers against :func:`matches`, the reference predicate
(:func:`matches_search` for a :class:`~iso10002.repositories.SearchQuery`).
:meth:`~iso10002.repositories.ComplaintRepository.find` pages in one order,
:func:`sort_key` (``received_at``, then id), with the opaque cursors of
:func:`encode_cursor` and :func:`decode_cursor`. The ``check_*`` functions
refuse a bad argument with the same named
:class:`~iso10002.errors.ValidationError` as the shipped adapters, before a
driver can raise ``OverflowError`` or ``UnicodeEncodeError``.

Hash chains, commitments, erasure and verification are in
:mod:`iso10002.integrity`.

.. versionadded:: 0.2.0
   With :mod:`iso10002.integrity`, replaces
   ``iso10002.repositories.adapter_kit``.
"""

from __future__ import annotations

from iso10002._publish import publish
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
from iso10002.repositories._row_capabilities import (
    CheckedRows,
    DerivedRows,
    HeadRow,
    HeadRows,
    RememberedRows,
    RowVersion,
)
from iso10002.repositories._rows import (
    ComplaintRow,
    EventRow,
    FeedRow,
    KeyRow,
    RowStore,
)
from iso10002.repositories._search import matches_search
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

__all__ = [
    "MAX_LEASE",
    "CheckedRows",
    "ComplaintRow",
    "DerivedRows",
    "EventRow",
    "FeedRow",
    "HeadRow",
    "HeadRows",
    "IndexValues",
    "KeyRow",
    "RememberedRows",
    "RowStore",
    "RowVersion",
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
    "decode_cursor",
    "encode_cursor",
    "from_micros",
    "index_values",
    "matches",
    "matches_search",
    "sort_key",
    "to_micros",
]

publish(globals())
