"""Guard policies see the handler's organisation, calendar and pack."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import pytest

from iso10002.errors import GuardRejected
from iso10002.handler import ComplaintsHandler, StepResult
from iso10002.model import Complaint
from iso10002.principles import (
    Finding,
    FindingSeverity,
    OrganisationProfile,
    PolicyContext,
)
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.workflow import standard_workflow


@attrs.define
class _Spy:
    """A guard that records its context and warns, or blocks when told to."""

    block: bool = False
    seen: list[PolicyContext] = attrs.field(factory=list)
    id: str = "test.spy"

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        self.seen.append(context)
        return (
            Finding(
                policy_id=self.id,
                principle="objectivity",
                clause="4.7",
                code="spy",
                severity=FindingSeverity.BLOCKING
                if self.block
                else FindingSeverity.INFO,
                message="seen",
            ),
        )


def _guarded():
    definition = standard_workflow()
    steps = tuple(
        attrs.evolve(s, guards=(*s.guards, "test.spy"))
        if s.trigger == "acknowledge"
        else s
        for s in definition.steps
    )
    return attrs.evolve(definition, steps=steps)


class TestGuardContext:
    """The handler fills the guard context and reports non-blocking findings."""

    def test_context_carries_organisation_calendar_pack_and_actor(
        self, form, actors, clock
    ):
        """A guard sees the organisation, calendar, pack, actor, roles and instant."""
        spy = _Spy()
        profile = OrganisationProfile(accountable_manager="head-of-complaints")
        handler = ComplaintsHandler(
            InMemoryComplaintRepository(),
            _guarded(),
            [spy],
            clock=clock,
            organisation=profile,
        )
        complaint = handler.receive(form, actor=actors["intake"], channel="web")
        result = handler.fire(complaint.id, "acknowledge", actor=actors["manager"])
        assert isinstance(result, StepResult)
        assert [f.code for f in result.findings] == ["spy"]
        assert [e.name for e in result.events] == ["ComplaintAcknowledged"]
        (context,) = spy.seen
        assert context.organisation is profile
        assert context.pack is handler.pack
        assert context.calendar is not None
        assert context.actor == "manager:1"
        assert context.roles == frozenset({"complaints-manager"})
        assert context.now == clock.now()

    def test_blocking_guard_stops_the_step(self, form, actors, clock):
        """A blocking finding raises GuardRejected and stores nothing."""
        handler = ComplaintsHandler(
            InMemoryComplaintRepository(), _guarded(), [_Spy(block=True)], clock=clock
        )
        complaint = handler.receive(form, actor=actors["intake"], channel="web")
        with pytest.raises(GuardRejected):
            handler.acknowledge(complaint.id, actor=actors["manager"])
        assert handler.repository.get(complaint.id).version == 1


class TestOneResultType:
    """Every step of the handler returns one result type with its findings."""

    @pytest.mark.parametrize("how", ["named", "step", "fire"])
    def test_non_blocking_findings_reach_the_caller(self, form, actors, clock, how):
        """A named step, step and fire all return the guard's non-blocking finding."""
        handler = ComplaintsHandler(
            InMemoryComplaintRepository(), _guarded(), [_Spy()], clock=clock
        )
        complaint = handler.receive(form, actor=actors["intake"], channel="web")
        manager = actors["manager"]
        if how == "named":
            result = handler.acknowledge(complaint.id, actor=manager)
        elif how == "step":
            result = handler.step("acknowledge", complaint.id, actor=manager)
        else:
            result = handler.fire(complaint.id, "acknowledge", actor=manager)
        assert isinstance(result, StepResult)
        assert [f.code for f in result.findings] == ["spy"]
        assert [e.name for e in result.events] == ["ComplaintAcknowledged"]
        assert result.complaint.status == "acknowledged"
