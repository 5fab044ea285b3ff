"""A step starts from the complaint the repository remembers, and is never wrong for it.

On PostgreSQL the repository remembers the complaints it last read or wrote
(``RememberingRepository``); the handler's first attempt starts from that
version without a read and saves it checked. When another writer changed
the complaint meanwhile, whatever the stale attempt found (a refused save,
a transition the old state did not allow) must not be the outcome: the step
starts again from a read, and only that attempt counts.
"""

from __future__ import annotations

import os

import attrs
import pytest
from tests.handler.conftest import INTAKE, MANAGER, PAYLOAD, START

from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.errors import RepositoryError, TransitionNotAllowed, ValidationError
from iso10002.handler import ComplaintsHandler, InMemoryHandlerStore
from iso10002.model import ComplaintForm
from iso10002.repositories import RememberingRepository
from iso10002.serialization import from_dict
from iso10002.workflow import standard_workflow

pytestmark = pytest.mark.postgres

try:
    from iso10002.repositories.postgres import PostgresComplaintRepository
except ImportError as exc:  # pragma: no cover - the postgres extra is missing
    if os.environ.get("ISO10002_REQUIRE_POSTGRES") == "1":
        raise
    pytest.skip(f"psycopg is not installed ({exc})", allow_module_level=True)


@pytest.fixture
def stores(new_store, iso10002_postgres_dsn):
    """Two repositories on one store: this process and another one."""
    mine = new_store()
    theirs = PostgresComplaintRepository(
        iso10002_postgres_dsn, schema=mine.schema, pool_size=1
    )
    yield mine, theirs
    theirs.close()
    mine.close()


def make_form():
    return from_dict(ComplaintForm, PAYLOAD)


def _handler(repository, **options):
    return ComplaintsHandler(
        repository,
        clock=FixedClock(START),
        calendar=WeekdayCalendar(zone="UTC"),
        store=InMemoryHandlerStore(),
        **options,
    )


class _Reads:
    """Count the repository's reads."""

    def __init__(self, repository, monkeypatch):
        self.count = 0
        get = repository.get

        def counted(complaint_id):
            self.count += 1
            return get(complaint_id)

        monkeypatch.setattr(repository, "get", counted)


def test_a_step_on_a_remembered_complaint_reads_nothing(stores, monkeypatch):
    """The first attempt needs no read when nobody else wrote."""
    mine, _ = stores
    assert isinstance(mine, RememberingRepository)
    handler = _handler(mine)
    cid = handler.receive(make_form(), actor=INTAKE, channel="web").id
    reads = _Reads(mine, monkeypatch)
    handler.acknowledge(cid, actor=MANAGER)
    handler.assign(cid, actor=MANAGER, assignee="agent:2")
    assert reads.count == 0
    assert mine.get(cid).version == 3
    assert mine.verify_integrity().ok


def test_a_transition_the_stale_version_refuses_is_done_from_a_read(stores):
    """Remembered as received; acknowledged elsewhere; assessing must succeed."""
    mine, theirs = stores
    handler = _handler(mine)
    cid = handler.receive(make_form(), actor=INTAKE, channel="web").id
    assert mine.remembered(cid).status == "received"
    _handler(theirs).acknowledge(cid, actor=MANAGER)
    result = handler.assess(cid, actor=MANAGER, category="billing")
    assert result.complaint.version == 3
    stored = theirs.get(cid)
    assert [e.name for e in stored.history][1:] == [
        e.name for e in result.complaint.history
    ][1:]
    assert stored.classification is not None
    assert theirs.verify_integrity().ok


def test_a_transition_the_fresh_version_refuses_is_refused(stores):
    """Remembered as acknowledged; withdrawn elsewhere: the refusal is the fresh one."""
    mine, theirs = stores
    handler = _handler(mine)
    cid = handler.receive(make_form(), actor=INTAKE, channel="web").id
    handler.acknowledge(cid, actor=MANAGER)
    _handler(theirs).withdraw(cid, actor=MANAGER, reason="Sorted by phone.")
    with pytest.raises(TransitionNotAllowed) as refused:
        handler.assess(cid, actor=MANAGER, category="billing")
    assert "withdrawn" in str(refused.value)
    assert mine.get(cid).version == 3


def test_steps_taking_turns_lose_nothing(stores):
    """Two processes step one complaint in turn: every step is kept, in order."""
    mine, theirs = stores
    handlers = [_handler(mine), _handler(theirs)]
    cid = handlers[0].receive(make_form(), actor=INTAKE, channel="web").id
    handlers[0].acknowledge(cid, actor=MANAGER)
    for i in range(8):
        handlers[i % 2].assign(cid, actor=MANAGER, assignee=f"agent:{i}")
    stored = mine.get(cid)
    assert stored.version == 10
    assert stored.assignee == "agent:7"
    assert mine.verify_integrity().ok


def test_a_subscribers_error_after_the_save_does_not_repeat_the_step(stores):
    """The step was saved: a subscriber that fails sees it once, and it stays once."""
    mine, _ = stores
    seen = []

    def failing(notification):
        seen.append(notification.event.name)
        raise ValidationError.single("subscriber", "refused")

    handler = _handler(mine, subscribers=[failing])
    cid = handler.receive(make_form(), actor=INTAKE, channel="web").id
    seen.clear()
    handler.acknowledge(cid, actor=MANAGER)
    assert len(seen) == 1
    assert mine.get(cid).version == 2


def test_a_stale_remembered_version_costs_no_retry(stores):
    """With no retries allowed, a step over another writer's change still lands."""
    mine, theirs = stores
    handler = _handler(mine, max_retries=0)
    cid = handler.receive(make_form(), actor=INTAKE, channel="web").id
    _handler(theirs).acknowledge(cid, actor=MANAGER)
    handler.assign(cid, actor=MANAGER, assignee="agent:2")
    stored = theirs.get(cid)
    assert (stored.version, stored.assignee) == (3, "agent:2")


def test_a_save_whose_outcome_is_unknown_is_not_done_again(stores, monkeypatch):
    """The connection breaks as the step commits: the error is the caller's, once."""
    mine, theirs = stores
    handler = _handler(mine)
    cid = handler.receive(make_form(), actor=INTAKE, channel="web").id
    handler.acknowledge(cid, actor=MANAGER)
    save = mine.save

    def committed_then_lost(complaint, *, expected_version):
        save(complaint, expected_version=expected_version)
        msg = "server closed the connection unexpectedly"
        raise RepositoryError(msg)

    monkeypatch.setattr(mine, "save", committed_then_lost)
    with pytest.raises(RepositoryError, match="closed the connection"):
        handler.assign(cid, actor=MANAGER, assignee="agent:2")
    stored = theirs.get(cid)
    assert stored.version == 3  # assigned once, not twice
    assert stored.assignee == "agent:2"


def test_a_renamed_step_on_a_stale_copy_is_done_from_a_read(stores):
    """A user's workflow (``assess`` renamed ``triage``): the same fresh outcome."""
    definition = standard_workflow()
    renamed = attrs.evolve(
        definition,
        name="acme.renamed",
        steps=tuple(
            attrs.evolve(s, trigger="triage") if s.trigger == "assess" else s
            for s in definition.steps
        ),
    )
    mine, theirs = stores
    handler = _handler(mine, workflow=renamed)
    cid = handler.receive(make_form(), actor=INTAKE, channel="web").id
    _handler(theirs, workflow=renamed).acknowledge(cid, actor=MANAGER)
    result = handler.step("triage", cid, actor=MANAGER, category="billing")
    assert result.complaint.version == 3
    assert theirs.get(cid).classification is not None
    assert theirs.verify_integrity().ok
