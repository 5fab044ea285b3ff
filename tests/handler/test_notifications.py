"""Durable notifications: dispatch_pending and the stores that keep positions."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.clock import FixedClock
from iso10002.errors import RepositoryError, ValidationError
from iso10002.handler import (
    Actor,
    ComplaintsHandler,
    InMemoryHandlerStore,
    Notification,
    dispatch_pending,
)
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.testing.strategies import complaint_forms

_INTAKE = Actor("web-form", roles={"intake"})
_AGENT = Actor("agent:1", roles={"complaints-manager"})


class _Flaky(Exception):
    """The subscriber's simulated failure (a mail server refusing)."""


def _busy_handler(forms: list, steps: int) -> ComplaintsHandler:
    clock = FixedClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    handler = ComplaintsHandler(InMemoryComplaintRepository(), clock=clock)
    ids = [handler.receive(f, actor=_INTAKE, channel="web").id for f in forms]
    for i in range(steps):
        clock.advance(timedelta(minutes=5))
        complaint_id = ids[i % len(ids)]
        status = handler.get(complaint_id, actor=_AGENT).status
        if status == "received":
            handler.acknowledge(complaint_id, actor=_AGENT)
        elif status == "acknowledged":
            handler.assess(complaint_id, actor=_AGENT, category="billing")
        else:
            handler.assign(complaint_id, actor=_AGENT, assignee=f"agent:{i}")
    return handler


class TestDispatchPending:
    """dispatch_pending delivers the event feed durably, in order, at least once."""

    @settings(max_examples=30)
    @given(
        forms=st.lists(complaint_forms(), min_size=1, max_size=2),
        steps=st.integers(0, 8),
        failures=st.lists(st.booleans(), min_size=1, max_size=25),
        batch_size=st.integers(1, 7),
    )
    def test_randomly_failing_subscriber_gets_everything_in_order(
        self, forms, steps, failures, batch_size
    ):
        """A subscriber failing at random still sees every event, in feed order."""
        handler = _busy_handler(forms, steps)
        expected = [e.position for e in handler.repository.events(limit=10_000)]
        received: list[int] = []
        attempts = iter(failures)

        def subscriber(notification: Notification) -> None:
            if next(attempts, False):
                raise _Flaky
            assert notification.position is not None
            received.append(notification.position)

        for _ in range(len(failures) + len(expected) + 1):
            try:
                handler.dispatch_pending("mailer", subscriber, batch_size=batch_size)
            except _Flaky:
                continue
            break
        assert received == expected
        assert handler.store.position("mailer") == (expected[-1] if expected else 0)

    def test_position_survives_and_only_new_events_follow(self, form):
        """A second dispatch delivers only what was committed since the first."""
        repository = InMemoryComplaintRepository()
        store = InMemoryHandlerStore()
        clock = FixedClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
        handler = ComplaintsHandler(repository, clock=clock, store=store)
        complaint = handler.receive(form, actor=_INTAKE, channel="web")
        seen: list[str] = []
        assert (
            dispatch_pending(
                repository, store, "s", lambda n: seen.append(n.event.name)
            )
            == 1
        )
        handler.acknowledge(complaint.id, actor=_AGENT)
        assert handler.dispatch_pending("s", lambda n: seen.append(n.event.name)) == 1
        assert seen == ["ComplaintReceived", "ComplaintAcknowledged"]
        assert handler.dispatch_pending("other", lambda n: None, max_events=1) == 1
        assert store.position("other") == 1

    def test_another_worker_moving_the_position_stops_this_one(self, form):
        """If the stored position moved meanwhile, dispatch stops, never going back."""
        handler = _busy_handler([form], 4)
        store = handler.store

        def meddle(notification: Notification) -> None:
            store.advance("s", expected=0, to=3)

        delivered = handler.dispatch_pending("s", meddle, batch_size=2)
        assert delivered == 2
        assert store.position("s") == 3

    def test_a_feed_that_ignores_after_raises_instead_of_looping(self, form):
        """A repository replaying its feed from the start is named, not re-read."""

        class Replaying(InMemoryComplaintRepository):
            def events(self, *, after=0, limit=100):
                return super().events(limit=limit)

        repository = Replaying()
        handler = ComplaintsHandler(repository, store=InMemoryHandlerStore())
        handler.receive(form, actor=_INTAKE, channel="web")
        with pytest.raises(RepositoryError, match="ignores `after`"):
            handler.dispatch_pending("s", lambda n: None)
        assert handler.store.position("s") == 1

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"batch_size": 0}, "batch_size"),
            ({"max_events": -1}, "max_events"),
        ],
    )
    def test_bad_options_are_named(self, kwargs, field):
        """Bad options raise ValidationError naming the option."""
        repository = InMemoryComplaintRepository()
        with pytest.raises(ValidationError) as info:
            dispatch_pending(repository, InMemoryHandlerStore(), "s", print, **kwargs)
        assert info.value.field == field

    def test_bad_subscriber_name_is_named(self):
        """An empty subscriber name is refused with the field named."""
        with pytest.raises(ValidationError) as info:
            dispatch_pending(
                InMemoryComplaintRepository(), InMemoryHandlerStore(), " ", print
            )
        assert info.value.field == "subscriber_name"


class TestHandlerStores:
    """Every handler store keeps positions with compare-and-set and unique counters."""

    def test_positions_move_only_from_the_expected_value(self, backend):
        """advance succeeds from the stored position and refuses from any other."""
        _, store = backend
        assert store.position("mailer") == 0
        assert store.advance("mailer", expected=0, to=5)
        assert not store.advance("mailer", expected=0, to=9)
        assert store.position("mailer") == 5
        assert store.advance("mailer", expected=5, to=7)
        assert store.position("mailer") == 7
        assert store.position("other") == 0

    def test_counters_never_repeat_across_threads(self, backend):
        """Counters drawn concurrently are unique and start at 1."""
        _, store = backend
        drawn: list[int] = []
        lock = threading.Lock()

        def draw() -> None:
            for _ in range(15):
                value = store.next_value("reference:CMP:2026")
                with lock:
                    drawn.append(value)

        threads = [threading.Thread(target=draw) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(drawn) == list(range(1, 61))
        assert store.next_value("reference:CMP:2027") == 1

    def test_bad_names_are_refused(self, backend):
        """Empty names and negative positions raise ValidationError naming the field."""
        _, store = backend
        with pytest.raises(ValidationError):
            store.position("")
        with pytest.raises(ValidationError) as info:
            store.advance("s", expected=-1, to=1)
        assert info.value.field == "expected"
        with pytest.raises(ValidationError):
            store.next_value("")


class TestInProcessSubscribers:
    """In-process subscribers run after commit; a failing one is logged and skipped."""

    def test_failing_subscriber_does_not_undo_the_step(self, form, caplog):
        """The step stays committed, later subscribers run, the failure is logged."""
        later: list[str] = []

        def broken(_note: Notification) -> None:
            raise _Flaky

        handler = ComplaintsHandler(
            InMemoryComplaintRepository(),
            subscribers=[broken, lambda note: later.append(note.event.name)],
        )
        with caplog.at_level("ERROR", logger="iso10002"):
            complaint = handler.receive(form, actor=_INTAKE, channel="web")
        assert handler.repository.get(complaint.id).version == 1
        assert later == ["ComplaintReceived"]
        assert "the step is committed" in caplog.text


class TestDefaultStore:
    """The handler finds a store next to the complaints for known adapters."""

    def test_sqlite_repository_gets_a_store_in_its_file(self, tmp_path, form):
        """Without store=, a SQLite repository's file also holds the counters."""
        from iso10002.handler.sqlite import SQLiteHandlerStore  # noqa: PLC0415
        from iso10002.repositories.sqlite import SQLiteComplaintRepository  # noqa: PLC0415

        repository = SQLiteComplaintRepository(tmp_path / "c.db")
        handler = ComplaintsHandler(repository)
        assert isinstance(handler.store, SQLiteHandlerStore)
        assert handler.store.path == repository.path
        handler.receive(form, actor=_INTAKE, channel="web")
        handler.shutdown()
        again = ComplaintsHandler(repository)
        second = again.receive(form, actor=_INTAKE, channel="web")
        assert second.reference.endswith("-000002")
        again.shutdown()
        repository.close()

    def test_closed_sqlite_store_refuses(self, tmp_path):
        """A closed store raises RepositoryError; memory paths are refused."""
        from iso10002.errors import RepositoryError  # noqa: PLC0415
        from iso10002.handler.sqlite import SQLiteHandlerStore  # noqa: PLC0415

        store = SQLiteHandlerStore(tmp_path / "s.db")
        store.close()
        with pytest.raises(RepositoryError):
            store.next_value("x")
        with pytest.raises(ValidationError) as info:
            SQLiteHandlerStore(":memory:")
        assert info.value.field == "path"
