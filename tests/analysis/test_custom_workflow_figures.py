"""A user's own workflow gives the same figures as the standard one.

A custom workflow loaded from data (renamed events and states, an extra
mediation stage) and the small organisation workflow run the same handling
through the handler as the standard workflow; deadlines, KPIs, audit evidence
and the FCA and ASIC returns come out the same, stored in SQLite as well.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs
import pytest

from iso10002.analysis import (
    KpiSpec,
    Period,
    asic_return,
    collect_evidence,
    compute_kpis,
    fca_return,
    kpis_from,
)
from iso10002.calendars import WeekdayCalendar
from iso10002.clock import FixedClock
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.ids import SequentialIdFactory
from iso10002.model import Channel, ComplaintForm
from iso10002.principles import PolicyContext, policies_for
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.serialization import from_dict
from iso10002.testing.workflows import conforming_step_data
from iso10002.vocabulary import Meaning, declared_meanings
from iso10002.workflow import (
    Step,
    WorkflowDefinition,
    check_conformance,
    small_organisation_workflow,
    standard_workflow,
)

START = datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc)
AS_OF = datetime(2026, 9, 30, tzinfo=timezone.utc)
H1 = Period.parse("2026-H1", timezone.utc)
CALENDAR = WeekdayCalendar()
AGENT = Actor("agent:1", roles={"complaints-handler", "complaints-manager"})
FORM = from_dict(
    ComplaintForm,
    {
        "complainant": {"name": "Sam Taylor", "email": "sam@example.org"},
        "description": "I was charged twice.",
        "subject": {"product": "card"},
    },
)
_M = Meaning
# Each complaint's handling, as (what the step means or its trigger, hours before it).
SCRIPTS = (
    (
        (_M.ACKNOWLEDGED, 2),
        (_M.ASSESSED, 3),
        (_M.INVESTIGATED, 20),
        ("mediate", 30),
        (_M.DECIDED, 40),
        (_M.COMMUNICATED, 2),
        (_M.CLOSED, 5),
        (_M.SATISFACTION_RECORDED, 48),
    ),
    (
        (_M.ACKNOWLEDGED, 30),
        (_M.ASSESSED, 4),
        (_M.INFORMATION_REQUESTED, 6),
        (_M.INFORMATION_RECEIVED, 24 * 12),
        (_M.HOLDING_RESPONSE, 24 * 40),
        (_M.DECIDED, 24 * 5),
        (_M.COMMUNICATED, 3),
        (_M.CLOSED, 1),
    ),
    ((_M.ACKNOWLEDGED, 1), (_M.ASSESSED, 0), (_M.WITHDRAWN, 50)),
    (
        (_M.ACKNOWLEDGED, 1),
        (_M.ASSESSED, 1),
        (_M.INVESTIGATED, 1),
        (_M.DECIDED, 20),
        (_M.COMMUNICATED, 1),
        (_M.CLOSED, 1),
        (_M.REOPENED, 24 * 3),
        (_M.DECIDED, 24 * 4),
        (_M.COMMUNICATED, 1),
        (_M.CLOSED, 1),
    ),
    ((_M.ACKNOWLEDGED, 1), (_M.ASSESSED, 1), (_M.REJECTED, 2)),
    (
        (_M.ACKNOWLEDGED, 3),
        (_M.ASSESSED, 1),
        (_M.INVESTIGATED, 1),
        (_M.DECIDED, 24 * 9),
        (_M.COMMUNICATED, 1),
        (_M.APPEALED, 24 * 2),
        (_M.INVESTIGATED, 24 * 3),
        (_M.DECIDED, 24 * 20),
        (_M.COMMUNICATED, 1),
        (_M.CLOSED, 1),
    ),
    ((_M.ACKNOWLEDGED, 24 * 3), (_M.ASSESSED, 0)),
)
RENAMED_EVENTS = {
    "ComplaintAcknowledged": "ReceiptConfirmed",
    "ComplaintAssessed": "CaseTriaged",
    "InvestigationStarted": "InquiryOpened",
    "DecisionMade": "OutcomeReached",
    "DecisionCommunicated": "OutcomeSent",
    "ComplaintClosed": "CaseFinished",
    "ComplaintWithdrawn": "CaseWithdrawn",
    "ComplaintRejected": "NotOurs",
    "ComplaintReopened": "CaseReopened",
    "InformationRequested": "DetailsRequested",
    "InformationReceived": "DetailsArrived",
    "HoldingResponseSent": "DelayNoticeSent",
    "ComplainantRejected": "CustomerAppealed",
}
RENAMED_STATES = {
    "investigating": "under_review",
    "awaiting_complainant": "waiting_on_customer",
    "closed": "finished",
    "rejected": "not_ours",
    "internal_review": "second_look",
}


def custom_workflow() -> WorkflowDefinition:
    """Return a host's workflow: the standard one renamed, plus a mediation."""
    data = standard_workflow().to_dict()
    data["name"], data["version"] = "acme.complaints", 2
    for state in data["states"]:
        state["name"] = RENAMED_STATES.get(state["name"], state["name"])
    data["states"].append({"name": "mediation", "description": "With a mediator."})
    for step in data["steps"]:
        step["sources"] = [RENAMED_STATES.get(s, s) for s in step["sources"]]
        if step.get("destination"):
            step["destination"] = RENAMED_STATES.get(
                step["destination"], step["destination"]
            )
        if step["event"] in RENAMED_EVENTS:
            meaning = declared_meanings(from_dict(Step, step))
            step["event"] = RENAMED_EVENTS[step["event"]]
            step["meanings"] = sorted(m.value for m in meaning or ())
        if step["trigger"] in (
            "decide",
            "withdraw",
            "assign",
            "record_holding_response",
        ):
            step["sources"].append("mediation")
    data["steps"].append(
        {
            "trigger": "mediate",
            "sources": ["under_review"],
            "destination": "mediation",
            "event": "MediationHeld",
            "meanings": ["internal"],
            "clauses": ["7.6"],
            # A stage of the investigation runs the guards investigating runs.
            "guards": next(
                s["guards"] for s in data["steps"] if s["trigger"] == "investigate"
            ),
        }
    )
    return WorkflowDefinition.from_dict(data)


def run(definition, repository=None):
    """Handle every script under ``definition``; return the stored complaints."""
    repository = InMemoryComplaintRepository() if repository is None else repository
    clock = FixedClock(START)
    handler = ComplaintsHandler(
        repository,
        definition,
        clock=clock,
        calendar=CALENDAR,
        pack="uk.fca.disp",
        store=InMemoryHandlerStore(),
        ids=SequentialIdFactory(),
    )
    ids = []
    for seed, script in enumerate(SCRIPTS):
        clock.advance(timedelta(hours=7))
        cid = handler.receive(FORM, actor=AGENT, channel=Channel.EMAIL).id
        ids.append(cid)
        take(handler, definition, cid, "assign", seed)
        for what, hours in script:
            clock.advance(timedelta(hours=hours))
            take(handler, definition, cid, what, seed, clock.now())
    return [repository.get(cid) for cid in ids]


def take(handler, definition, cid, what, seed, at=START):
    """Fire the step meaning ``what`` (or called ``what``) from the current state."""
    complaint = handler.get(cid, actor=AGENT)
    for step in definition.steps_from(complaint.status):
        meanings = declared_meanings(step) or frozenset()
        if step.trigger == what or what in meanings:
            data = conforming_step_data(step, complaint, at, seed=seed)
            handler.fire(cid, step.trigger, actor=AGENT, data=data)
            return
    if what is Meaning.ASSESSED or what == "mediate":
        return  # merged into acknowledgement, or a stage this workflow has not
    pytest.fail(f"no step means {what!r} from {complaint.status!r}")


def without_workflow_names(report):
    """Return a KPI report with its deadline shares keyed by step alone."""
    return attrs.evolve(
        report,
        deadlines=tuple(attrs.evolve(s, workflow="*") for s in report.deadlines),
    )


@pytest.fixture(scope="module")
def standard():
    """The scripts handled under the standard workflow."""
    return run(standard_workflow())


@pytest.fixture(scope="module", params=["custom", "small organisation"])
def other(request):
    """The same scripts under a custom workflow and under the small organisation one."""
    definition = (
        custom_workflow()
        if request.param == "custom"
        else small_organisation_workflow()
    )
    return definition, run(definition)


class TestCustomWorkflowFigures:
    def test_the_custom_workflow_conforms(self):
        """The user's renamed workflow with a mediation stage has no conformance gap."""
        assert check_conformance(custom_workflow()) == ()

    def test_every_complaint_ran_under_its_own_workflow(self, other):
        """Complaints record the workflow they ran under, and end in its states."""
        definition, complaints = other
        for complaint in complaints:
            assert complaint.workflow.name == definition.name
            assert complaint.status in definition.state_names

    def test_the_histories_really_differ(self, standard, other):
        """The custom histories use other names (so the comparison is not trivial)."""
        definition, complaints = other
        if definition.name != "acme.complaints":
            return
        names = {e.name for c in complaints for e in c.history}
        assert "ReceiptConfirmed" in names
        assert "MediationHeld" in names
        assert "ComplaintAcknowledged" not in names
        assert {c.status for c in complaints} & {"finished", "not_ours"}

    def test_the_handling_is_conforming(self, standard, other):
        """No 2018 policy blocks any of the handling (guards would let it pass)."""
        _, complaints = other
        policies = policies_for("iso10002:2018")
        for complaint in [*standard, *complaints]:
            context = PolicyContext(now=complaint.history[-1].at, calendar=CALENDAR)
            found = policies.evaluate(complaint, context)
            assert [f for f in found if f.blocking] == []

    def test_deadlines_are_the_same(self, standard, other):
        """Every due date and the instant it was met are the same."""
        _, complaints = other
        assert [c.deadlines for c in complaints] == [c.deadlines for c in standard]
        assert any(d.met_at is not None for c in standard for d in c.deadlines)

    def test_kpis_are_the_same(self, standard, other):
        """Every KPI is the same (deadline shares keyed by step)."""
        _, complaints = other
        spec = KpiSpec(as_of=AS_OF)
        custom = compute_kpis(complaints, spec)
        assert without_workflow_names(custom) == without_workflow_names(
            compute_kpis(standard, spec)
        )
        assert custom.time_to_acknowledge.count == len(SCRIPTS)
        assert custom.closed == 4
        assert custom.reopened == 1
        assert custom.appealed == 1

    def test_audit_evidence_is_the_same(self, standard, other):
        """The clause evidence and principle findings are the same."""
        _, complaints = other
        assert collect_evidence(complaints, as_of=AS_OF) == collect_evidence(
            standard, as_of=AS_OF
        )

    def test_the_returns_are_the_same(self, standard, other):
        """The FCA and ASIC returns of the half-year are the same."""
        _, complaints = other
        assert fca_return(complaints, period=H1, calendar=CALENDAR) == fca_return(
            standard, period=H1, calendar=CALENDAR
        )
        assert asic_return(complaints, period=H1, calendar=CALENDAR) == asic_return(
            standard, period=H1, calendar=CALENDAR
        )

    def test_sqlite_push_down_agrees(self, other):
        """Stored in SQLite, the custom workflow's KPIs pushed down equal streaming."""
        definition, _ = other
        repository = SQLiteComplaintRepository(":memory:")
        try:
            complaints = run(definition, repository)
            spec = KpiSpec(as_of=AS_OF, period=H1)
            assert kpis_from(repository, spec) == compute_kpis(complaints, spec)
        finally:
            repository.close()
