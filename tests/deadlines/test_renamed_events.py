"""Deadlines read a renamed workflow's events and states by their meaning."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs

from iso10002.calendars import WeekdayCalendar
from iso10002.deadlines import compute_deadlines, get_pack
from iso10002.model import Channel, Complainant, ComplaintForm
from iso10002.workflow import State, Workflow, standard_workflow

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)  # a Monday
CALENDAR = WeekdayCalendar()
EVENTS = {
    "acknowledge": ("ReceiptConfirmed", "acknowledged"),
    "withdraw": ("CaseDropped", "withdrawn"),
    "record_holding_response": ("DelayNoticeSent", "holding_response"),
    "request_information": ("DetailsRequested", "information_requested"),
    "information_received": ("DetailsArrived", "information_received"),
}
STATES = {"awaiting_complainant": "on_hold_for_customer"}


def renamed():
    """Return a running workflow with renamed events and a renamed paused state."""
    standard = standard_workflow()

    def state(name):
        return STATES.get(name, name)

    steps = []
    for s in standard.steps:
        s = attrs.evolve(  # noqa: PLW2901 - a renamed copy, guards aside
            s,
            guards=(),
            sources=[state(n) for n in s.sources],
            destination=None if s.destination is None else state(s.destination),
        )
        if s.trigger in EVENTS:
            event, meaning = EVENTS[s.trigger]
            s = attrs.evolve(s, event=event, meanings=[meaning])  # noqa: PLW2901
        steps.append(s)
    states = [attrs.evolve(s, name=state(s.name)) for s in standard.states]
    assert any(isinstance(s, State) and s.clock_paused for s in states)
    definition = attrs.evolve(
        standard, name="deadlines.renamed", version=1, states=states, steps=steps
    )
    return Workflow(definition)


def received(workflow):
    """Return a new complaint under ``workflow``."""
    return workflow.receive(
        ComplaintForm(complainant=Complainant(name="A. Customer"), description="x"),
        id="c-1",
        reference="CMP-1",
        received_at=T0,
        channel=Channel.EMAIL,
        actor="web-form",
    )


def fire(workflow, complaint, trigger, hours, data=None):
    """Fire ``trigger`` ``hours`` after the last event."""
    at = complaint.history[-1].at + timedelta(hours=hours)
    return workflow.fire(
        complaint, trigger, actor="agent:1", at=at, data=data
    ).complaint


def by_step(complaint, pack="uk.fca.disp"):
    """Return the complaint's computed deadlines by step."""
    computed = compute_deadlines(complaint, get_pack(pack), CALENDAR)
    return {d.step: d for d in computed}


class TestRenamedEvents:
    def test_a_renamed_acknowledgement_meets_the_deadline(self):
        """'ReceiptConfirmed' meets the acknowledgement like the standard event."""
        workflow = renamed()
        complaint = fire(workflow, received(workflow), "acknowledge", 2)
        met = by_step(complaint, "iso10002")["acknowledge"].met_at
        assert met == complaint.history[-1].at

    def test_a_renamed_withdrawal_voids_the_deadlines(self):
        """'CaseDropped' voids every deadline as 'ComplaintWithdrawn' does."""
        workflow = renamed()
        complaint = fire(
            workflow, received(workflow), "withdraw", 5, {"outcome": "withdrawn"}
        )
        assert all(d.void_at is not None for d in by_step(complaint).values())

    def test_a_renamed_paused_state_stops_the_clock(self):
        """Waiting in 'on_hold_for_customer' pauses pausable deadlines."""
        workflow = renamed()
        complaint = fire(workflow, received(workflow), "acknowledge", 1)
        complaint = fire(
            workflow,
            complaint,
            "assess",
            1,
            {"classification": {"category": "billing"}},
        )
        complaint = fire(workflow, complaint, "request_information", 1)
        assert complaint.status == "on_hold_for_customer"
        paused = compute_deadlines(
            complaint,
            get_pack("iso10002"),
            CALENDAR,
            now=complaint.history[-1].at + timedelta(days=3),
        )
        assert any(d.paused for d in paused)
