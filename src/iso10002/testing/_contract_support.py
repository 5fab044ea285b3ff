"""Fixtures, hooks and builders shared by the layers of the repository contract."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar

import pytest

from iso10002.history import step_facts
from iso10002.model import (
    RECEIVED_EVENT,
    Channel,
    Classification,
    Complainant,
    Complaint,
    Decision,
    DueDate,
    ExternalId,
    HistoryEvent,
    Outcome,
    SatisfactionFeedback,
    Subject,
    WorkflowRef,
)
from iso10002.repositories import ComplaintRepository, Page, StoredEvent
from iso10002.repositories.rows import sort_key
from iso10002.testing._contract_time import Deadline, time_limit
from iso10002.vocabulary import Meaning, StandardState, standard_event

__all__ = [
    "T0",
    "Capability",
    "ContractBase",
    "make_complaint",
    "next_version",
    "read_feed",
    "read_pages",
]

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
"""The instant the contract's sample complaints are received around."""


class Capability(str, enum.Enum):
    """Optional abilities an adapter declares; tests needing others skip with a reason.

    .. versionadded:: 0.1.0
    """

    CLAIM_NEXT = "claim_next"
    """``claim_next(query, *, worker, lease)`` and ``release_claim(id, *, worker)``."""
    MULTI_PROCESS = "multi_process"
    """Several processes may share one store (needs ``process_repository_factory``)."""
    SEARCH = "search"
    """``search(query, *, limit)`` by words and contacts (``SearchableRepository``)."""
    RAW_ACCESS = "raw_access"
    """The test class can read and edit stored rows behind the adapter's back.

    Hooks: ``tamper_event``, ``corrupt_document`` and ``stored_salt``.
    """


def make_complaint(  # noqa: PLR0913 - every field a query can select on
    number: int,
    *,
    received_at: datetime | None = None,
    status: str = StandardState.RECEIVED.value,
    channel: Channel = Channel.WEB,
    assignee: str | None = None,
    category: str | None = None,
    deadlines: tuple[DueDate, ...] = (),
    events: int = 1,
    name: str | None = None,
    description: str | None = None,
    external_ids: tuple[ExternalId, ...] = (),
) -> Complaint:
    """Build a valid sample complaint number ``number`` with ``events`` events.

    Args:
        number: Makes the id ``C-<number>`` and the reference unique.
        received_at: When it was received (``T0`` plus ``number`` minutes by default).
        status: Its status.
        channel: How it arrived.
        assignee: Who handles it.
        category: Its classification category (unclassified when ``None``).
        deadlines: Its due dates.
        events: Length of its history (at least 1).
        name: The complainant's name.
        description: The complaint's text.
        external_ids: Its identifiers in other systems (recorded at receipt).

    Returns:
        The complaint, at version ``events``.

    .. versionadded:: 0.1.0
    """
    at = received_at or T0 + timedelta(minutes=number)
    reference = f"CMP-{at.year}-{number:06d}"
    subject = Subject(product="meter", references=(f"ACC-{number}",))
    classification = None if category is None else Classification(category=category)
    receipt = {
        "channel": channel,
        "reference": reference,
        "subject": subject,
        "workflow": WorkflowRef(),
        "assignee": assignee,
        "classification": classification,
        "deadlines": deadlines,
    }
    if external_ids:
        receipt["external_ids"] = external_ids
    history = [
        HistoryEvent(
            sequence=1,
            name=RECEIVED_EVENT,
            at=at,
            actor="intake",
            to_state=status,
            # The facts of receipt, so the fold of the history gives the document.
            data=step_facts(receipt),
        )
    ]
    names = (standard_event(Meaning.ACKNOWLEDGED), standard_event(Meaning.INVESTIGATED))
    history.extend(
        HistoryEvent(
            sequence=sequence,
            name=names[min(sequence - 2, 1)],
            at=at + timedelta(hours=sequence),
            actor="agent:1",
            data={"step": sequence},
        )
        for sequence in range(2, max(1, events) + 1)
    )
    return Complaint(
        id=f"C-{number:06d}",
        reference=reference,
        received_at=at,
        channel=channel,
        received_by="intake",
        complainant=Complainant(
            name=name or f"Complainant {number}",
            email=f"person{number}@example.org",
            phone="+44 20 7946 0000",
            postal_address="1 Example Street\nExampletown",
            vulnerable=number % 2 == 0,
        ),
        subject=subject,
        description=description or f"Complaint text number {number}",
        desired_outcome="A refund",
        classification=classification,
        status=status,
        assignee=assignee,
        deadlines=deadlines,
        version=len(history),
        history=tuple(history),
        external_ids=external_ids,
    )


def next_version(
    complaint: Complaint,
    *,
    name: str = standard_event(Meaning.INVESTIGATED),
    actor: str = "agent:1",
    at: datetime | None = None,
    data: dict[str, Any] | None = None,
    **changes: Any,
) -> Complaint:
    """Return ``complaint`` one version later, with one more event and ``changes``.

    .. versionadded:: 0.1.0
    """
    last = complaint.history[-1]
    event = HistoryEvent(
        sequence=complaint.version + 1,
        name=name,
        at=at or last.at + timedelta(minutes=1),
        actor=actor,
        from_state=complaint.status if "status" in changes else None,
        to_state=changes.get("status"),
        data=data if data is not None else {"by": actor},
    )
    # next_version records the changed facts in the event.
    return complaint.next_version(event, **changes)


def decided(complaint: Complaint, *, outcome: Outcome = Outcome.UPHELD) -> Complaint:
    """Return ``complaint`` decided, closed, with satisfaction feedback."""
    at = complaint.history[-1].at + timedelta(days=1)
    return next_version(
        complaint,
        name=standard_event(Meaning.CLOSED),
        at=at,
        status=StandardState.CLOSED.value,
        decision=Decision(
            outcome=outcome, summary="Refund agreed", decided_by="lead", decided_at=at
        ),
        outcome=outcome,
        satisfaction=SatisfactionFeedback(
            score=4, received_at=at, comment="Thanks, Ada"
        ),
    )


def read_feed(
    repository: ComplaintRepository,
    *,
    page: int = 50,
    deadline: Deadline | None = None,
) -> list[StoredEvent]:
    """Read the whole event feed in pages, failing if a page does not advance."""
    found: list[StoredEvent] = []
    after = 0
    while True:
        if deadline is not None:
            deadline.check("reading the event feed")
        batch = repository.events(after=after, limit=page)
        if not batch:
            return found
        if batch[0].position <= after:
            pytest.fail(
                f"events(after={after}) returned position {batch[0].position}, "
                "not after it: events must honour `after`, or paging never ends",
                pytrace=False,
            )
        found.extend(batch)
        after = batch[-1].position


def check_page_advances(after: str | None, previous: Page | None, page: Page) -> None:
    """Fail unless ``page``, found ``after`` the ``previous`` one, moves on."""
    if previous is None or not previous.items:
        return
    if page.next_cursor is not None and page.next_cursor == after:
        pytest.fail(
            f"find(after={after!r}) returned the same cursor again: find must "
            "honour `after`, or paging never ends",
            pytrace=False,
        )
    if page.items and sort_key(page.items[0]) <= sort_key(previous.items[-1]):
        pytest.fail(
            f"find(after={after!r}) returned {page.items[0].id!r} again or out of "
            f"order (the previous page ended at {previous.items[-1].id!r}): find "
            "must honour `after`, or paging never ends",
            pytrace=False,
        )


def read_pages(
    repository: ComplaintRepository,
    query: Any,
    *,
    size: int,
    deadline: Deadline | None = None,
) -> list[Page]:
    """Read every page of ``query``, failing if a cursor does not advance."""
    page = repository.find(query, limit=size)
    pages = [page]
    while page.next_cursor is not None:
        if deadline is not None:
            deadline.check(f"paging through find(limit={size})")
        after = page.next_cursor
        following = repository.find(query, limit=size, after=after)
        check_page_advances(after, page, following)
        page = following
        pages.append(page)
    return pages


class ContractBase:
    """Fixtures and hooks every layer of the contract uses.

    Override the ``repository_factory`` fixture (required) and, for the
    capabilities you declare in ``capabilities``, the matching hooks.

    .. versionadded:: 0.1.0
    """

    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    """The optional abilities of the adapter under test."""

    volume: ClassVar[int] = 500
    """Complaints stored by the volume layer (six events each)."""

    threads: ClassVar[int] = 6
    """Concurrent writers in the thread tests."""

    processes: ClassVar[int] = 3
    """Concurrent writer processes in the multi-process tests."""

    time_limit: ClassVar[float] = 300.0
    """Seconds each contract test may take before it fails as hanging.

    Enforced without any plugin: by ``SIGALRM`` where the platform has it,
    and by deadlines on every loop and wait of the suite everywhere.

    .. versionadded:: 0.2.0
    """

    _deadline: Deadline  # the running test's, ``time_limit`` from its start

    @pytest.fixture(autouse=True)
    def _bounded_in_time(self, request: pytest.FixtureRequest) -> Iterator[None]:
        """Bound the running test by ``time_limit`` (see :attr:`time_limit`)."""
        self._deadline = Deadline(self.time_limit)
        with time_limit(self.time_limit, request.node.nodeid):
            yield

    @pytest.fixture
    def repository_factory(self) -> Callable[[], ComplaintRepository]:
        """Return a callable that opens a new, empty repository (override this)."""
        msg = f"{type(self).__name__} must override the repository_factory fixture"
        raise NotImplementedError(msg)

    @pytest.fixture
    def repository(
        self, repository_factory: Callable[[], ComplaintRepository]
    ) -> Iterator[ComplaintRepository]:
        """Open a new, empty repository for one test and close it afterwards."""
        repository = repository_factory()
        yield repository
        repository.close()

    @pytest.fixture
    def process_repository_factory(self) -> Callable[[], ComplaintRepository]:
        """Return a picklable callable opening the same store in another process.

        Override it when declaring :attr:`Capability.MULTI_PROCESS`.
        """
        self.require(Capability.MULTI_PROCESS)
        msg = f"{type(self).__name__} must override process_repository_factory"
        raise NotImplementedError(msg)

    def tamper_event(
        self, repository: ComplaintRepository, complaint_id: str, sequence: int
    ) -> None:
        """Change a stored event behind the repository's back (``RAW_ACCESS``)."""
        msg = f"{type(self).__name__} must override tamper_event for RAW_ACCESS"
        raise NotImplementedError(msg)

    def corrupt_document(
        self, repository: ComplaintRepository, complaint_id: str
    ) -> None:
        """Make a stored document malformed behind its back (``RAW_ACCESS``)."""
        msg = f"{type(self).__name__} must override corrupt_document for RAW_ACCESS"
        raise NotImplementedError(msg)

    def stored_salt(self, repository: ComplaintRepository, complaint_id: str) -> bytes:
        """Return the salt stored for a complaint's commitments (``RAW_ACCESS``).

        .. versionadded:: 0.2.0
        """
        msg = f"{type(self).__name__} must override stored_salt for RAW_ACCESS"
        raise NotImplementedError(msg)

    def require(self, capability: Capability) -> None:
        """Skip the running test unless the adapter declares ``capability``."""
        if capability not in self.capabilities:
            pytest.skip(
                f"{type(self).__name__} does not declare Capability.{capability.name}"
            )
