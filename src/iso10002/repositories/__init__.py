"""Where complaints are kept: the ``ComplaintRepository`` port and its adapters.

``InMemoryComplaintRepository`` is here; the durable adapters live in their own
packages: :mod:`iso10002.repositories.sqlite` (stdlib, the embedded default) and
:mod:`iso10002.repositories.postgres` (the ``postgres`` extra).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002.integrity import IntegrityProblem, IntegrityReport
from iso10002.repositories._protocol import (
    DEFAULT_LEASE,
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    ClaimingRepository,
    ComplaintRepository,
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
    "SearchQuery",
    "SearchableRepository",
    "StoredEvent",
    "iter_complaints",
]
