"""The handler end to end on every adapter: clause-7 paths, erasure and access."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.handler.conftest import ROOT_CAUSE

from iso10002.errors import (
    AccessDenied,
    GuardRejected,
    RepositoryError,
    TransitionNotAllowed,
)
from iso10002.handler import REDACTED, ComplaintsHandler, Notification
from iso10002.model import LinkKind, Outcome
from iso10002.repositories import InMemoryComplaintRepository, Query


class TestComplaintsHandlerEndToEnd:
    """ComplaintsHandler over the in-memory, SQLite and PostgreSQL repositories."""

    def test_standard_path(self, make_handler, form, actors, walk, clock):
        """A complaint goes from received to closed with feedback, all in history."""
        handler = make_handler()
        agent = actors["agent"]
        received = handler.receive(form, actor=actors["intake"], channel="web")
        assert received.reference == f"CMP-{clock.now().year}-000001"
        walk(handler, received.id, agent)
        clock.advance(timedelta(days=1))
        handler.close(received.id, actor=agent, root_cause=ROOT_CAUSE)
        clock.advance(timedelta(days=2))
        done = handler.record_satisfaction(received.id, actor=agent, score=4).complaint
        assert done.status == "closed"
        assert done.outcome is Outcome.UPHELD
        assert done.satisfaction is not None
        assert done.satisfaction.score == 4
        assert [e.name for e in done.history] == [
            "ComplaintReceived",
            "ComplaintAcknowledged",
            "ComplaintAssessed",
            "ComplaintAssigned",
            "InvestigationStarted",
            "DecisionMade",
            "DecisionCommunicated",
            "ComplaintClosed",
            "SatisfactionRecorded",
        ]
        assert done.version == len(done.history)
        assert all(d.met_at is not None for d in done.deadlines)
        stored = handler.repository.get(received.id)
        assert stored == done

    def test_appeal_path(self, make_handler, form, actors, walk, clock):
        """A rejected decision goes to internal review and gets a new decision."""
        handler = make_handler()
        manager = actors["manager"]
        complaint = handler.receive(form, actor=actors["intake"], channel="email")
        walk(handler, complaint.id, manager)
        reviewed = handler.record_complainant_reply(
            complaint.id, actor=manager, accepted=False
        ).complaint
        assert reviewed.status == "internal_review"
        handler.investigate(complaint.id, actor=manager)
        clock.advance(timedelta(days=2))
        handler.decide(
            complaint.id,
            actor=manager,
            outcome="partially_upheld",
            summary="On review we also waive the late fee.",
            reasons="The fee followed from our mistake.",
            escalation_route="You may refer this to the ombudsman.",
        )
        handler.communicate_decision(complaint.id, actor=manager)
        handler.record_complainant_reply(complaint.id, actor=manager, accepted=True)
        closed = handler.close(complaint.id, actor=manager).complaint
        assert closed.status == "closed"
        assert closed.outcome is Outcome.PARTIALLY_UPHELD
        names = [e.name for e in closed.history]
        assert "ComplainantRejected" in names
        assert names.count("DecisionMade") == 2

    def test_withdrawal(self, make_handler, form, actors, clock):
        """A withdrawn complaint ends with outcome withdrawn and no pending due date."""
        handler = make_handler()
        complaint = handler.receive(form, actor=actors["intake"], channel="phone")
        handler.acknowledge(complaint.id, actor=actors["agent"])
        clock.advance(timedelta(days=1))
        withdrawn = handler.withdraw(complaint.id, actor=actors["agent"]).complaint
        assert withdrawn.status == "withdrawn"
        assert withdrawn.outcome is Outcome.WITHDRAWN
        assert all(d.met_at is not None for d in withdrawn.deadlines)
        assert (
            handler.due(clock.now() + timedelta(days=365), actor=actors["manager"])
            == ()
        )

    def test_pause_and_resume_move_the_deadline(
        self, make_handler, form, actors, clock
    ):
        """Waiting for the complainant pauses the final response; resuming delays it."""
        handler = make_handler()
        agent = actors["agent"]
        complaint = handler.receive(form, actor=actors["intake"], channel="web")
        handler.acknowledge(complaint.id, actor=agent)
        handler.assess(complaint.id, actor=agent, category="billing")
        handler.assign(complaint.id, actor=agent, assignee=agent.name)
        handler.investigate(complaint.id, actor=agent)
        before = {d.step: d for d in handler.get(complaint.id, actor=agent).deadlines}
        waiting = handler.request_information(complaint.id, actor=agent).complaint
        paused = {d.step: d for d in waiting.deadlines}
        assert paused["final_response"].paused
        clock.advance(timedelta(days=6))
        resumed = handler.information_received(complaint.id, actor=agent).complaint
        after = {d.step: d for d in resumed.deadlines}
        assert not after["final_response"].paused
        moved = after["final_response"].due_at - before["final_response"].due_at
        assert moved == timedelta(days=6)

    def test_duplicate_linking(self, make_handler, form, actors):
        """A duplicate is linked to the original and ended with outcome duplicate."""
        handler = make_handler()
        agent = actors["agent"]
        original = handler.receive(form, actor=actors["intake"], channel="web")
        duplicate = handler.receive(form, actor=actors["intake"], channel="email")
        handler.acknowledge(duplicate.id, actor=agent)
        linked = handler.link(
            duplicate.id, actor=agent, to=original.id, kind=LinkKind.DUPLICATE_OF
        ).complaint
        assert linked.status == "withdrawn"
        assert linked.outcome is Outcome.DUPLICATE
        assert linked.links[-1].complaint_id == original.id
        assert [e.name for e in linked.history[-2:]] == [
            "ComplaintLinked",
            "ComplaintWithdrawn",
        ]
        assert linked.version == 4
        counted = [
            c
            for c in handler.complaints_for_analysis(actor=actors["auditor"])
            if c.outcome is not Outcome.DUPLICATE
        ]
        assert [c.id for c in counted] == [original.id]

    def test_related_link_keeps_the_complaint_open(self, make_handler, form, actors):
        """A related-to link annotates without changing the status."""
        handler = make_handler()
        first = handler.receive(form, actor=actors["intake"], channel="web")
        second = handler.receive(form, actor=actors["intake"], channel="web")
        linked = handler.link(second.id, actor=actors["agent"], to=first.id).complaint
        assert linked.status == "received"
        assert linked.links[0].kind is LinkKind.RELATED_TO

    def test_erasure(self, make_handler, form, actors, walk):
        """Erasure blanks personal data, keeps the statistics, and is in history."""
        handler = make_handler()
        complaint = handler.receive(form, actor=actors["intake"], channel="web")
        walk(handler, complaint.id, actors["agent"])
        erased = handler.erase_personal_data(complaint.id, actor=actors["dpo"])
        assert erased.history[-1].name == "PersonalDataErased"
        assert erased.complainant.email is None
        assert erased.description != form.description
        assert erased.classification is not None
        assert erased.classification.category == "billing"
        assert erased.outcome is Outcome.UPHELD
        again = handler.erase_personal_data(complaint.id, actor=actors["dpo"])
        assert again.version == erased.version

    def test_access_denials(self, make_handler, form, actors):
        """Actors without the role are refused, and nothing is stored for them."""
        handler = make_handler()
        with pytest.raises(AccessDenied):
            handler.receive(form, actor=actors["outsider"], channel="web")
        with pytest.raises(AccessDenied):
            handler.receive(form, actor="plain-name", channel="web")
        complaint = handler.receive(form, actor=actors["intake"], channel="web")
        with pytest.raises(AccessDenied):
            handler.acknowledge(complaint.id, actor=actors["intake"])
        with pytest.raises(AccessDenied):
            handler.get(complaint.id, actor=actors["outsider"])
        with pytest.raises(AccessDenied):
            handler.erase_personal_data(complaint.id, actor=actors["agent"])
        with pytest.raises(AccessDenied):
            handler.decide(
                complaint.id, actor=actors["auditor"], outcome="upheld", summary="x"
            )
        handler.assign(complaint.id, actor=actors["agent"], assignee="agent:1")
        with pytest.raises(AccessDenied) as info:
            handler.acknowledge(complaint.id, actor=actors["other_agent"])
        assert info.value.complaint_id == complaint.id
        assert handler.repository.get(complaint.id).version == 2

    def test_redacted_views(self, make_handler, form, actors):
        """Readers without personal-data rights see redacted complaints and exports."""
        handler = make_handler()
        complaint = handler.receive(form, actor=actors["intake"], channel="web")
        seen = handler.get(complaint.id, actor=actors["auditor"])
        assert seen.complainant.name == REDACTED
        assert seen.complainant.email is None
        assert seen.description == REDACTED
        assert seen.subject.references == ()
        full = handler.get(complaint.id, actor=actors["manager"])
        assert full.complainant.email == "sam@example.org"
        exported = list(handler.export(actor=actors["manager"]))
        assert exported[0]["complainant"]["name"] == REDACTED
        assert "sam@example.org" not in repr(exported)
        with pytest.raises(AccessDenied):
            list(handler.export(actor=actors["manager"], include_personal_data=True))
        personal = list(handler.export(actor=actors["dpo"], include_personal_data=True))
        assert personal[0]["complainant"]["email"] == "sam@example.org"

    def test_idempotent_intake(self, make_handler, form, actors):
        """A retried intake with the same key stores once (see test_idempotency)."""
        handler = make_handler()
        first = handler.receive(
            form, actor=actors["intake"], channel="web", idempotency_key="form-1"
        )
        again = handler.receive(
            form, actor=actors["manager"], channel="web", idempotency_key="form-1"
        )
        assert again.id == first.id
        assert handler.repository.count(Query()) == 1

    def test_references_run_per_year(self, make_handler, form, actors, clock):
        """References count up within a year and restart in the next."""
        handler = make_handler()
        refs = [
            handler.receive(form, actor=actors["intake"], channel="web").reference
            for _ in range(3)
        ]
        year = clock.now().year
        assert refs == [f"CMP-{year}-{n:06d}" for n in (1, 2, 3)]
        clock.set(clock.now().replace(year=year + 1))
        nxt = handler.receive(form, actor=actors["intake"], channel="web")
        assert nxt.reference == f"CMP-{year + 1}-000001"

    def test_subscribers_get_events_after_commit(self, make_handler, form, actors):
        """In-process subscribers receive each committed event once, in order."""
        seen: list[Notification] = []
        handler = make_handler(subscribers=[seen.append])
        complaint = handler.receive(form, actor=actors["intake"], channel="web")
        handler.acknowledge(complaint.id, actor=actors["agent"])
        with pytest.raises(TransitionNotAllowed):
            handler.close(complaint.id, actor=actors["agent"])
        assert [n.event.name for n in seen] == [
            "ComplaintReceived",
            "ComplaintAcknowledged",
        ]
        assert {n.complaint_id for n in seen} == {complaint.id}

    def test_reopen_window_guard(self, make_handler, form, actors, walk, clock):
        """Reopening works inside the window and is refused by the guard after it."""
        handler = make_handler()
        agent = actors["agent"]
        complaint = handler.receive(form, actor=actors["intake"], channel="web")
        walk(handler, complaint.id, agent)
        handler.close(complaint.id, actor=agent, root_cause=ROOT_CAUSE)
        clock.advance(timedelta(days=3))
        assert (
            handler.reopen(complaint.id, actor=agent).complaint.status
            == "investigating"
        )
        handler.decide(
            complaint.id,
            actor=agent,
            outcome="upheld",
            summary="Again.",
            reasons="The refund did not arrive.",
            escalation_route="You may refer this to the ombudsman.",
        )
        handler.communicate_decision(complaint.id, actor=agent)
        handler.close(complaint.id, actor=agent, root_cause=ROOT_CAUSE)
        clock.advance(timedelta(days=60))
        with pytest.raises(GuardRejected):
            handler.reopen(complaint.id, actor=agent)

    def test_due_and_breached(self, make_handler, form, actors, clock):
        """Queries find what is due soon and what has passed its due date."""
        handler = make_handler()
        complaint = handler.receive(form, actor=actors["intake"], channel="web")
        manager = actors["manager"]
        assert [
            c.id for c in handler.due(clock.now() + timedelta(days=5), actor=manager)
        ] == [complaint.id]
        assert handler.breached(actor=manager) == ()
        clock.advance(timedelta(days=10))
        assert [c.id for c in handler.breached(actor=manager)] == [complaint.id]
        assert handler.breached(actor=actors["outsider"]) == ()


class TestQueriesOnABrokenRepository:
    def test_a_find_that_ignores_after_raises_instead_of_looping(
        self, form, actors, clock
    ):
        """due/breached name a repository whose cursor never moves, never hang."""

        class Stuck(InMemoryComplaintRepository):
            def find(self, query, *, limit=100, after=None):
                return super().find(query, limit=limit)

        handler = ComplaintsHandler(Stuck(), clock=clock)
        for _ in range(3):
            handler.receive(form, actor=actors["intake"], channel="web")
        clock.advance(timedelta(days=10))
        # The outsider may read none, so every page comes back empty to it.
        with pytest.raises(RepositoryError, match="same cursor"):
            handler.breached(actor=actors["outsider"], limit=1)
