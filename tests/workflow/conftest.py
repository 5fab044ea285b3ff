"""Workflow test fixtures: a time, a form, and a walk along the standard path."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from iso10002.model import (
    Channel,
    Classification,
    Complainant,
    ComplaintForm,
    Decision,
    Outcome,
    RootCause,
)
from iso10002.workflow import Workflow, standard_workflow

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def t0():
    return T0


@pytest.fixture
def form():
    return ComplaintForm(
        complainant=Complainant(name="Ada Example", email="ada@example.org"),
        description="The invoice charged me twice.",
    )


@pytest.fixture
def workflow():
    return Workflow(standard_workflow())


@pytest.fixture
def received(workflow, form, t0):
    return workflow.receive(
        form,
        id="C-1",
        reference="CMP-2026-000001",
        received_at=t0,
        channel=Channel.WEB,
        actor="web-form",
    )


def decision(at, *, communicated=False):
    return Decision(
        outcome=Outcome.UPHELD,
        summary="We refund the second charge.",
        reasons="The invoice shows the same charge twice.",
        decided_by="agent:1",
        decided_at=at,
        communicated_at=at if communicated else None,
        escalation_route="You may refer this to the ombudsman.",
    )


ROOT_CAUSE = RootCause(category="billing run", corrective_action="CAPA-1")

# The conforming path: the principle guards of the standard workflow pass.
STANDARD_PATH = (
    ("acknowledge", {}),
    ("assess", {"classification": Classification(category="billing")}),
    ("assign", {"assignee": "agent:1"}),
    ("investigate", {}),
    ("decide", {"decision": decision(T0), "outcome": Outcome.UPHELD}),
    ("communicate_decision", {"decision": decision(T0, communicated=True)}),
    ("close", {"root_cause": ROOT_CAUSE}),
)


@pytest.fixture
def walk(workflow):
    """Return a function firing the standard path's first ``n`` steps, an hour apart."""

    def run(complaint, n=None, start=T0):
        for i, (trigger, data) in enumerate(STANDARD_PATH[:n], start=1):
            complaint = workflow.fire(
                complaint,
                trigger,
                actor="agent:1",
                at=start + timedelta(hours=i),
                data=data,
            ).complaint
        return complaint

    return run


@pytest.fixture
def decision_for():
    return decision
