"""Where complaints are kept: the ``ComplaintRepository`` port and its adapters.

``InMemoryComplaintRepository`` is here; the durable adapters live in their own
packages: :mod:`iso10002.repositories.sqlite` (stdlib, the embedded default) and
:mod:`iso10002.repositories.postgres` (the ``postgres`` extra).

A new adapter implements the narrow row port,
:class:`~iso10002.repositories.rows.RowStore`, and is served as a whole
``ComplaintRepository`` by :class:`RowStoreRepository`, which chains, erases,
serialises, pages and verifies the same way for every store.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.integrity import IntegrityProblem, IntegrityReport
from iso10002.repositories._over_rows import RowStoreRepository
from iso10002.repositories._protocol import (
    DEFAULT_LEASE,
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    ClaimingRepository,
    ComplaintRepository,
    RememberingRepository,
    iter_complaints,
)
from iso10002.repositories._records import Page, Query, StoredEvent
from iso10002.repositories._search import SearchableRepository, SearchQuery
from iso10002.repositories.memory import InMemoryComplaintRepository

__all__ = [
    "DEFAULT_LEASE",
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "ClaimingRepository",
    "ComplaintRepository",
    "InMemoryComplaintRepository",
    "IntegrityProblem",
    "IntegrityReport",
    "Page",
    "Query",
    "RememberingRepository",
    "RowStoreRepository",
    "SearchQuery",
    "SearchableRepository",
    "StoredEvent",
    "iter_complaints",
]

publish(globals())
