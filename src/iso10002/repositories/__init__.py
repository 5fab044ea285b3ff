"""Where complaints are kept: the ``ComplaintRepository`` port and its adapters.

``InMemoryComplaintRepository`` is here; the durable adapters live in their own
modules: :mod:`iso10002.repositories.sqlite` (stdlib, the embedded default) and
:mod:`iso10002.repositories.postgres` (the ``postgres`` extra).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.repositories._protocol import (
    DEFAULT_LEASE,
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    ClaimingRepository,
    ComplaintRepository,
    IntegrityProblem,
    IntegrityReport,
    Page,
    Query,
    StoredEvent,
    iter_complaints,
)
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

publish(globals())
