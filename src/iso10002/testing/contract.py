"""The conformance suite every ``ComplaintRepository`` adapter must pass.

Subclass :class:`RepositoryContract` in a test module whose class name starts
with ``Test`` and override the ``repository_factory`` fixture; that is all an
adapter needs to be checked against the whole suite::

    import pytest
    from iso10002.testing.contract import RepositoryContract

    class TestMyRepository(RepositoryContract):
        @pytest.fixture
        def repository_factory(self, tmp_path):
            return lambda: MyRepository(tmp_path / "store")

The suite is layered, and each layer is a class of its own, so a new adapter
can be brought up one layer at a time:

1. :class:`BasicStorageContract`: add, get, save, round trips of any text;
2. :class:`QueryContract`: every :class:`~iso10002.repositories.Query` field,
   ``count``, keyset pagination;
3. :class:`ConcurrencyContract`: idempotent intake, optimistic versions under
   threads (and processes);
4. :class:`EventFeedContract`: the global feed in commit order, never skipping;
5. :class:`ErasureIntegrityContract`: erasure keeps statistics and the hash
   chain verifies; tampering is named;
6. :class:`VolumeContract`: counts and pages stay exact over many complaints;
7. :class:`InputContract`: hostile arguments (ids, keys, positions, cursors,
   extreme instants, workers, leases) get the same named ``ValidationError``
   from every adapter, never a driver's raw error;

plus the optional :class:`ClaimContract` and :class:`SearchContract`.
Optional abilities are declared in ``capabilities`` (see :class:`Capability`);
tests needing an undeclared one skip with the reason.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.testing._contract_claim import ClaimContract
from iso10002.testing._contract_concurrency import ConcurrencyContract
from iso10002.testing._contract_feed import EventFeedContract
from iso10002.testing._contract_inputs import InputContract
from iso10002.testing._contract_integrity import (
    ErasureIntegrityContract,
    VolumeContract,
)
from iso10002.testing._contract_query import QueryContract
from iso10002.testing._contract_search import SearchContract
from iso10002.testing._contract_storage import HOSTILE_TEXT, BasicStorageContract
from iso10002.testing._contract_support import (
    Capability,
    ContractBase,
    make_complaint,
    next_version,
)

__all__ = [
    "HOSTILE_TEXT",
    "BasicStorageContract",
    "Capability",
    "ClaimContract",
    "ConcurrencyContract",
    "ContractBase",
    "ErasureIntegrityContract",
    "EventFeedContract",
    "InputContract",
    "QueryContract",
    "RepositoryContract",
    "SearchContract",
    "VolumeContract",
    "make_complaint",
    "next_version",
]


class RepositoryContract(
    BasicStorageContract,
    QueryContract,
    ConcurrencyContract,
    EventFeedContract,
    ErasureIntegrityContract,
    VolumeContract,
    InputContract,
    ClaimContract,
    SearchContract,
):
    """Every layer of the repository conformance suite in one class.

    Override the ``repository_factory`` fixture; declare optional abilities
    in ``capabilities`` and override the matching hooks
    (``process_repository_factory``, ``tamper_event``, ``corrupt_document``).

    .. versionadded:: 0.1.0
    """


publish(globals())
