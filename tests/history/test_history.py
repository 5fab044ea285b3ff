"""iso10002.history: the facts events record, and the fold over them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs
import pytest

from iso10002.clock import FixedClock
from iso10002.errors import ValidationError
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.history import (
    FACTS_RECORDED_EVENT,
    amend,
    differences,
    is_replayable,
    record_facts,
    replay,
    state_at,
)
from iso10002.model import Classification, Complainant, ComplaintForm, RootCause
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.serialization import to_dict
from iso10002.testing.contract import make_complaint

START = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
AGENT = Actor("agent:1", roles={"complaints-handler"})


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture
def handler(clock):
    return ComplaintsHandler(
        InMemoryComplaintRepository(), clock=clock, store=InMemoryHandlerStore()
    )


def _closed(handler, clock):
    form = ComplaintForm(complainant=Complainant(name="Ada"), description="Late.")
    cid = handler.receive(form, actor=Actor("web", roles={"intake"}), channel="web").id
    for step in (
        lambda: handler.acknowledge(cid, actor=AGENT),
        lambda: handler.assess(cid, actor=AGENT, category="billing"),
        lambda: handler.assign(cid, actor=AGENT, assignee=AGENT.name),
        lambda: handler.investigate(cid, actor=AGENT),
        lambda: handler.decide(
            cid,
            actor=AGENT,
            outcome="upheld",
            summary="Refunded.",
            reasons="Taken twice.",
            escalation_route="The ombudsman, within six months.",
        ),
        lambda: handler.communicate_decision(cid, actor=AGENT),
        lambda: handler.close(
            cid,
            actor=AGENT,
            root_cause=RootCause(category="billing run", corrective_action="CAPA-1"),
        ),
    ):
        clock.advance(timedelta(hours=3))
        step()
    return cid


class TestFold:
    def test_the_fold_of_a_handled_history_is_the_complaint(self, handler, clock):
        """Every version the handler stored is the fold of its own history."""
        cid = _closed(handler, clock)
        complaint = handler.repository.get(cid)
        for version in range(1, complaint.version + 1):
            rebuilt = replay(complaint, version=version)
            assert rebuilt.version == version
            assert rebuilt.history == complaint.history[:version]
        assert replay(complaint) == complaint
        assert differences(to_dict(complaint)) == []

    def test_state_at_reads_the_history_up_to_the_instant(self, handler, clock):
        """Before receipt there is nothing; between steps, the state then."""
        cid = _closed(handler, clock)
        complaint = handler.repository.get(cid)
        assert state_at(complaint, START - timedelta(seconds=1)) is None
        decided = next(e for e in complaint.history if e.name == "DecisionMade")
        before = state_at(complaint, decided.at - timedelta(seconds=1))
        assert before is not None
        assert (before.status, before.outcome, before.decision) == (
            "investigating",
            None,
            None,
        )
        at = state_at(complaint, decided.at)
        assert at is not None
        assert at.outcome is not None
        assert at.status == "decided"

    def test_a_second_satisfaction_reply_keeps_the_first_in_the_record(
        self, handler, clock
    ):
        """The document shows the latest reply; the history keeps both."""
        cid = _closed(handler, clock)
        handler.record_satisfaction(cid, actor=AGENT, score=2)
        clock.advance(timedelta(days=1))
        handler.record_satisfaction(cid, actor=AGENT, score=5)
        complaint = handler.repository.get(cid)
        scores = [
            e.data["satisfaction"]["score"]
            for e in complaint.history
            if "satisfaction" in e.data
        ]
        assert scores == [2, 5]
        assert complaint.satisfaction is not None
        assert complaint.satisfaction.score == 5

    def test_state_at_refuses_a_naive_instant(self, handler, clock):
        """A naive instant is a ValidationError naming ``at``."""
        complaint = handler.repository.get(_closed(handler, clock))
        with pytest.raises(ValidationError) as caught:
            state_at(complaint, datetime(2026, 3, 2))
        assert caught.value.field == "at"

    @pytest.mark.parametrize("version", [0, -1, 99, True])
    def test_replay_refuses_a_version_out_of_range(self, version):
        """A version outside 1..version is named."""
        with pytest.raises(ValidationError) as caught:
            replay(make_complaint(1, events=3), version=version)
        assert caught.value.field == "version"


class TestDifferences:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("status", "withdrawn"),
            ("assignee", "agent:99"),
            ("outcome", "not_upheld"),
            ("received_at", "2020-01-01T00:00:00+00:00"),
        ],
    )
    def test_each_edited_fact_is_named(self, field, value):
        """Editing one fact of a document names that field, and only it."""
        document = to_dict(make_complaint(1, events=3, assignee="agent:1"))
        document[field] = value
        assert differences(document) == [field]

    def test_personal_parts_are_not_compared(self):
        """A subject's references are personal: the fold does not hold them."""
        document = to_dict(make_complaint(1))
        document["subject"]["references"] = ["OTHER"]
        assert differences(document) == []


class TestLegacyHistories:
    def _legacy(self):
        complaint = make_complaint(1, events=3, assignee="agent:1", category="fees")
        first = attrs.evolve(complaint.history[0], data={"channel": "web"})
        return attrs.evolve(complaint, history=(first, *complaint.history[1:]))

    def test_a_history_without_facts_is_not_replayable(self):
        """The receipt without a reference marks a history recorded before 0.2.0."""
        legacy = self._legacy()
        assert not is_replayable(legacy.history)
        assert differences(to_dict(legacy)) == []
        with pytest.raises(ValidationError) as caught:
            replay(legacy)
        assert caught.value.field == "history"

    def test_record_facts_makes_it_replayable(self):
        """One FactsRecorded event states every fact; the fold starts there."""
        legacy = self._legacy()
        migrated = record_facts(
            legacy, actor="system:migration", at=legacy.history[-1].at
        )
        assert migrated.version == legacy.version + 1
        assert migrated.history[-1].name == FACTS_RECORDED_EVENT
        assert is_replayable(migrated.history)
        assert replay(migrated) == migrated
        assert migrated.assignee == "agent:1"
        again = record_facts(migrated, actor="x", at=migrated.history[-1].at)
        assert again is migrated


class TestAmend:
    def test_amend_records_the_change_in_the_last_event(self):
        """A projection after a step is stated by the step's own event."""
        complaint = make_complaint(1, events=2)
        changed = amend(complaint, classification=Classification(category="fees"))
        assert changed.version == complaint.version
        assert changed.history[-1].data["classification"]["category"] == "fees"
        assert replay(changed) == changed

    def test_amend_refuses_what_is_not_a_fact(self):
        """Status and personal fields are not facts to amend."""
        for name in ("status", "description", "version"):
            with pytest.raises(ValidationError) as caught:
                amend(make_complaint(1), **{name: "x"})
            assert caught.value.field == name
