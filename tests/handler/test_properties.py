"""Random handler calls by random actors keep the store consistent and private."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
)

from iso10002.clock import FixedClock
from iso10002.errors import (
    AccessDenied,
    GuardRejected,
    TransitionNotAllowed,
    ValidationError,
)
from iso10002.handler import (
    READ,
    READ_PERSONAL_DATA,
    REDACTED,
    Actor,
    ComplaintsHandler,
    RoleBasedAccess,
)
from iso10002.model import Complaint, Outcome, is_personal
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.testing.strategies import complaint_forms

ACTORS = (
    Actor("web-form", roles={"intake"}),
    Actor("agent:1", roles={"complaints-handler"}),
    Actor("agent:2", roles={"complaints-handler"}),
    Actor("manager:1", roles={"complaints-manager"}),
    Actor("auditor:1", roles={"auditor"}),
    Actor("dpo:1", roles={"data-protection-officer"}),
    Actor("visitor"),
)

STEPS: dict[str, Any] = {
    "acknowledge": lambda h, i, a: h.acknowledge(i, actor=a).complaint,
    "assess": lambda h, i, a: h.assess(i, actor=a, category="billing").complaint,
    "assign": lambda h, i, a: h.assign(i, actor=a, assignee=a.name).complaint,
    "request_information": lambda h, i, a: h.request_information(i, actor=a).complaint,
    "information_received": lambda h, i, a: (
        h.information_received(i, actor=a).complaint
    ),
    "investigate": lambda h, i, a: h.investigate(i, actor=a).complaint,
    "record_holding_response": lambda h, i, a: (
        h.record_holding_response(i, actor=a).complaint
    ),
    "decide": lambda h, i, a: (
        h.decide(
            i,
            actor=a,
            outcome=Outcome.UPHELD,
            summary="Refunded.",
            escalation_route="x",
        ).complaint
    ),
    "communicate_decision": lambda h, i, a: (
        h.communicate_decision(i, actor=a).complaint
    ),
    "accept_decision": lambda h, i, a: (
        h.record_complainant_reply(i, actor=a, accepted=True).complaint
    ),
    "reject_decision": lambda h, i, a: (
        h.record_complainant_reply(i, actor=a, accepted=False).complaint
    ),
    "escalate": lambda h, i, a: h.escalate(i, actor=a).complaint,
    "withdraw": lambda h, i, a: h.withdraw(i, actor=a).complaint,
    "close": lambda h, i, a: h.close(i, actor=a).complaint,
    "reopen": lambda h, i, a: h.reopen(i, actor=a).complaint,
    "record_satisfaction": lambda h, i, a: (
        h.record_satisfaction(i, actor=a, score=3).complaint
    ),
}

_REFUSALS = (AccessDenied, TransitionNotAllowed, GuardRejected, ValidationError)


def _personal_values(obj: Any, prefix: str = "") -> dict[str, Any]:
    """Map every personal field path of ``obj`` to its value."""
    found: dict[str, Any] = {}
    for attribute in attrs.fields(type(obj)):
        if attribute.name == "history":
            continue
        value = getattr(obj, attribute.name)
        path = f"{prefix}{attribute.name}"
        if is_personal(attribute):
            if attrs.has(type(value)):
                found.update(_personal_values(value, f"{path}."))
                found[path] = "<nested>"
            else:
                found[path] = value
        elif attrs.has(type(value)):
            found.update(_personal_values(value, f"{path}."))
    return found


def _blank(value: Any) -> bool:
    return value in (None, (), False, REDACTED, "<nested>")


class HandlerMachine(RuleBasedStateMachine):
    """Drive one handler with random steps by random actors."""

    complaints = Bundle("complaints")

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
        self.access = RoleBasedAccess()
        self.handler = ComplaintsHandler(
            InMemoryComplaintRepository(), clock=self.clock, access=self.access
        )
        self.ids: list[str] = []

    @rule(target=complaints, form=complaint_forms(), actor=st.sampled_from(ACTORS))
    def receive(self, form, actor):
        try:
            complaint = self.handler.receive(form, actor=actor, channel="web")
        except AccessDenied:
            assert not self.access.can(actor, "receive", None)
            return None
        self.ids.append(complaint.id)
        return complaint.id

    @rule(
        complaint_id=complaints,
        trigger=st.sampled_from(sorted(STEPS)),
        actor=st.sampled_from(ACTORS),
    )
    def step(self, complaint_id, trigger, actor):
        if complaint_id is None:
            return
        before = self.handler.repository.get(complaint_id)
        allowed = self.access.can(actor, trigger, before)
        try:
            STEPS[trigger](self.handler, complaint_id, actor)
        except AccessDenied:
            assert not allowed
            assert self.handler.repository.get(complaint_id) == before
            return
        except _REFUSALS:
            assert self.handler.repository.get(complaint_id) == before
            return
        assert allowed

    @rule(complaint_id=consumes(complaints), actor=st.sampled_from(ACTORS))
    def erase(self, complaint_id, actor):
        if complaint_id is None:
            return
        try:
            self.handler.erase_personal_data(complaint_id, actor=actor)
        except AccessDenied:
            return

    @rule(hours=st.integers(0, 24 * 40))
    def wait(self, hours):
        self.clock.advance(timedelta(hours=hours))

    @invariant()
    def history_length_is_version(self):
        for complaint_id in self.ids:
            stored = self.handler.repository.get(complaint_id)
            assert stored.version == len(stored.history)

    @invariant()
    def feed_is_the_union_of_histories(self):
        feed = self.handler.repository.events(limit=10_000)
        positions = [e.position for e in feed]
        assert positions == sorted(set(positions))
        from_feed = Counter((e.complaint_id, e.event.sequence) for e in feed)
        from_histories = Counter(
            (complaint_id, event.sequence)
            for complaint_id in self.ids
            for event in self.handler.repository.get(complaint_id).history
        )
        assert from_feed == from_histories

    @invariant()
    def nothing_forbidden_is_visible(self):
        for complaint_id in self.ids[-3:]:
            stored: Complaint = self.handler.repository.get(complaint_id)
            for actor in ACTORS:
                try:
                    seen = self.handler.get(complaint_id, actor=actor)
                except AccessDenied:
                    assert not self.access.can(actor, READ, stored)
                    continue
                assert self.access.can(actor, READ, stored)
                if self.access.can(actor, READ_PERSONAL_DATA, stored):
                    assert seen == stored
                    continue
                assert all(_blank(v) for v in _personal_values(seen).values())
                assert (seen.status, seen.version) == (stored.status, stored.version)


TestHandlerMachine = HandlerMachine.TestCase
TestHandlerMachine.settings = settings(
    TestHandlerMachine.settings, max_examples=25, stateful_step_count=25
)
TestHandlerMachine.__doc__ = "Random handler call sequences never break the invariants."
