"""Conflict retry: a concurrent writer's change is retried on, or reaches the caller."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs
import pytest

from iso10002.errors import ConflictError
from iso10002.handler import ComplaintsHandler
from iso10002.model import Complaint


class _Racing:
    """A repository whose next saves are preceded by a concurrent writer's change."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.races: list[Callable[[Any], None]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def add(
        self,
        complaint: Complaint,
        *,
        idempotency_key: str | None = None,
        payload_digest: str | None = None,
    ) -> Complaint:
        return self.inner.add(
            complaint, idempotency_key=idempotency_key, payload_digest=payload_digest
        )

    def get(self, complaint_id: str) -> Complaint:
        return self.inner.get(complaint_id)

    def remembered(self, complaint_id: str) -> None:
        # The races come between a step's read and its save, so every step
        # starts from a read (test_remembered_steps covers the other start).
        del complaint_id

    def save(self, complaint: Complaint, *, expected_version: int) -> Complaint:
        if self.races:
            self.races.pop(0)(self.inner)
        return self.inner.save(complaint, expected_version=expected_version)

    def find(self, query: Any, **kwargs: Any) -> Any:
        return self.inner.find(query, **kwargs)

    def count(self, query: Any) -> int:
        return self.inner.count(query)

    def events(self, **kwargs: Any) -> Any:
        return self.inner.events(**kwargs)

    def erase_personal_data(self, complaint_id: str, **kwargs: Any) -> Complaint:
        return self.inner.erase_personal_data(complaint_id, **kwargs)

    def verify_integrity(self, **options: Any) -> Any:
        return self.inner.verify_integrity(**options)

    def close(self) -> None:
        self.inner.close()


def _concurrent(
    handler: ComplaintsHandler, complaint_id: str, trigger: str, **data: Any
):
    def race(repository: Any) -> None:
        current = repository.get(complaint_id)
        result = handler.workflow.fire(
            current,
            trigger,
            actor="agent:9",
            at=current.history[-1].at,
            data=data,
        )
        repository.save(result.complaint, expected_version=current.version)

    return race


class TestConflictRetry:
    """The handler retries on ConflictError only while the step is still allowed."""

    @pytest.fixture
    def racing(self, backend, clock):
        repository, store = backend
        wrapped = _Racing(repository)
        return wrapped, ComplaintsHandler(wrapped, clock=clock, store=store)

    def test_retried_when_still_allowed(self, racing, form, actors, clock):
        """A concurrent assignment does not stop an acknowledgement: it is retried."""
        repository, handler = racing
        complaint = handler.receive(form, actor=actors["intake"], channel="web")
        repository.races.append(
            _concurrent(handler, complaint.id, "assign", assignee="manager:1")
        )
        clock.advance(timedelta(minutes=1))
        done = handler.acknowledge(complaint.id, actor=actors["manager"]).complaint
        assert done.status == "acknowledged"
        assert done.assignee == "manager:1"
        assert [e.name for e in done.history] == [
            "ComplaintReceived",
            "ComplaintAssigned",
            "ComplaintAcknowledged",
        ]

    def test_reraised_when_no_longer_allowed(self, racing, form, actors, clock):
        """If the concurrent change makes the step impossible, ConflictError escapes."""
        repository, handler = racing
        complaint = handler.receive(form, actor=actors["intake"], channel="web")
        repository.races.append(_concurrent(handler, complaint.id, "acknowledge"))
        clock.advance(timedelta(minutes=1))
        with pytest.raises(ConflictError):
            handler.acknowledge(complaint.id, actor=actors["manager"])
        assert repository.get(complaint.id).version == 2

    def test_reraised_after_the_retries(self, backend, clock, form, actors):
        """A writer that always wins exhausts the bounded retries."""
        inner, store = backend
        repository = _Racing(inner)
        handler = ComplaintsHandler(repository, clock=clock, store=store, max_retries=2)
        complaint = handler.receive(form, actor=actors["intake"], channel="web")
        for i in range(3):
            repository.races.append(
                _concurrent(handler, complaint.id, "assign", assignee=f"agent:{i}")
            )
        with pytest.raises(ConflictError):
            handler.acknowledge(complaint.id, actor=actors["manager"])
        assert repository.get(complaint.id).status == "received"

    def test_threads_acting_at_once_all_land(self, make_handler, form, actors):
        """Concurrent assignments from threads all commit, one version each."""
        handler = make_handler(max_retries=50)
        complaint = handler.receive(form, actor=actors["intake"], channel="web")
        errors: list[BaseException] = []

        def assign(i: int) -> None:
            try:
                handler.assign(complaint.id, actor=actors["manager"], assignee=f"a:{i}")
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=assign, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        stored = handler.repository.get(complaint.id)
        assert stored.version == 5
        assert attrs.asdict(stored)["assignee"] in {f"a:{i}" for i in range(4)}
