"""One generic step for any definition; the named methods are entry points to it."""

from __future__ import annotations

import inspect

import attrs
import pytest
from tests.handler.conftest import AGENT, INTAKE, ROOT_CAUSE

from iso10002.errors import TransitionNotAllowed, ValidationError
from iso10002.handler import ComplaintsHandler, StepResult
from iso10002.model import Classification, Outcome
from iso10002.workflow import small_organisation_workflow, standard_workflow

ROUTE = "You may refer this to the ombudsman."


def _renamed():
    """The standard workflow with ``assess`` called ``triage``, a user's renaming."""
    definition = standard_workflow()
    steps = tuple(
        attrs.evolve(s, trigger="triage") if s.trigger == "assess" else s
        for s in definition.steps
    )
    return attrs.evolve(definition, name="acme.renamed", steps=steps)


class TestGenericStep:
    """handler.step takes the keyword data of the fields a step sets."""

    def test_small_organisation_runs_receipt_to_closed(self, make_handler, form):
        """Acknowledging classifies; the named methods take the path to closed."""
        handler = make_handler(workflow=small_organisation_workflow())
        cid = handler.receive(form, actor=INTAKE, channel="web").id
        assessed = handler.acknowledge(
            cid, actor=AGENT, category="billing", severity="high"
        ).complaint
        assert (assessed.status, assessed.classification.severity.value) == (
            "assessed",
            "high",
        )
        handler.decide(
            cid,
            actor=AGENT,
            outcome="upheld",
            summary="We refund it.",
            reasons="We charged twice.",
            escalation_route=ROUTE,
        )
        handler.communicate_decision(cid, actor=AGENT)
        closed = handler.close(cid, actor=AGENT, root_cause=ROOT_CAUSE).complaint
        assert (closed.status, closed.outcome) == ("closed", Outcome.UPHELD)

    def test_a_renamed_step_takes_the_same_keywords(self, make_handler, form):
        """A step setting the classification takes category, whatever its name."""
        handler = make_handler(workflow=_renamed())
        cid = handler.receive(form, actor=INTAKE, channel="web").id
        handler.acknowledge(cid, actor=AGENT)
        triaged = handler.step("triage", cid, actor=AGENT, category="billing").complaint
        assert triaged.classification == Classification(category="billing")
        assert handler.step_keywords("triage") >= {"category", "classification"}

    def test_unknown_keyword_names_field_and_step(self, make_handler, form):
        """Data a step does not take is a ValidationError, not a TypeError."""
        handler = make_handler()
        cid = handler.receive(form, actor=INTAKE, channel="web").id
        with pytest.raises(ValidationError) as info:
            handler.acknowledge(cid, actor=AGENT, category="billing")
        assert info.value.field == "category"
        assert "'acknowledge'" in str(info.value)
        with pytest.raises(ValidationError) as info:
            handler.step("acknowledge", cid, actor=AGENT, colour="red")
        assert info.value.field == "colour"
        assert handler.get(cid, actor=AGENT).version == 1

    def test_the_generic_step_equals_the_named_method(self, make_handler, form):
        """step('decide', ...) records what decide(...) records."""
        handler = make_handler()
        ids = []
        for _ in range(2):
            cid = handler.receive(form, actor=INTAKE, channel="web").id
            handler.acknowledge(cid, actor=AGENT)
            handler.assess(cid, actor=AGENT, category="billing")
            handler.assign(cid, actor=AGENT, assignee=AGENT.name)
            handler.investigate(cid, actor=AGENT)
            ids.append(cid)
        facts = {
            "outcome": "not_upheld",
            "summary": "No error found.",
            "reasons": "The two payments were for two bills.",
            "escalation_route": ROUTE,
        }
        named = handler.decide(ids[0], actor=AGENT, **facts).complaint
        generic = handler.step("decide", ids[1], actor=AGENT, **facts).complaint
        assert named.decision == generic.decision
        assert named.history[-1].data == generic.history[-1].data

    def test_a_required_keyword_is_named(self, make_handler, form):
        """A step that must set a field names the keyword that gives it."""
        handler = make_handler()
        cid = handler.receive(form, actor=INTAKE, channel="web").id
        handler.acknowledge(cid, actor=AGENT)
        with pytest.raises(ValidationError) as info:
            handler.step("assess", cid, actor=AGENT)
        assert info.value.field == "category"
        assert "'assess'" in str(info.value)

    def test_an_unknown_trigger_is_not_allowed_even_with_data(self, make_handler, form):
        """A trigger the workflow lacks is TransitionNotAllowed, data or not."""
        handler = make_handler()
        cid = handler.receive(form, actor=INTAKE, channel="web").id
        with pytest.raises(TransitionNotAllowed) as info:
            handler.step("teleport", cid, actor=AGENT, category="billing")
        assert info.value.trigger == "teleport"

    def test_hostile_keyword_values_are_named(self, make_handler, form):
        """Bad values for known keywords name the keyword before anything runs."""
        handler = make_handler()
        cid = handler.receive(form, actor=INTAKE, channel="web").id
        handler.acknowledge(cid, actor=AGENT)
        for bad, field in (
            ({"category": "billing", "priority": "yesterday"}, "priority"),
            ({"category": "billing", "severity": 7}, "severity"),
            ({"category": ""}, "category"),
        ):
            with pytest.raises(ValidationError) as info:
                handler.step("assess", cid, actor=AGENT, **bad)
            assert info.value.field.endswith(field), bad
        assert handler.get(cid, actor=AGENT).version == 2


NAMED = (
    "acknowledge",
    "assess",
    "assign",
    "request_information",
    "information_received",
    "investigate",
    "decide",
    "communicate_decision",
    "escalate",
    "withdraw",
    "reject_as_not_a_complaint",
    "close",
    "reopen",
    "record_satisfaction",
)


class TestNamedSteps:
    """The named steps are typed entry points over step, on one class."""

    def test_the_handler_is_one_class(self):
        """ComplaintsHandler inherits from nothing but object."""
        assert ComplaintsHandler.__mro__ == (ComplaintsHandler, object)

    @pytest.mark.parametrize("name", NAMED)
    def test_each_named_step_is_a_trigger_with_a_documented_signature(self, name):
        """A named step's name is a standard trigger; its signature is declared."""
        assert name in {s.trigger for s in standard_workflow().steps}
        method = getattr(ComplaintsHandler, name)
        assert method.__doc__
        parameters = inspect.signature(method).parameters
        assert list(parameters)[:3] == ["self", "complaint_id", "actor"]
        assert parameters["actor"].kind is inspect.Parameter.KEYWORD_ONLY

    def test_a_named_step_passes_its_keywords_and_fixed_data_on(
        self, make_handler, form
    ):
        """withdraw is step('withdraw', outcome=withdrawn) with the reason given."""
        handler = make_handler()
        cid = handler.receive(form, actor=INTAKE, channel="web").id
        done = handler.withdraw(cid, actor=AGENT, reason_code="resolved-elsewhere")
        assert isinstance(done, StepResult)
        assert done.complaint.outcome is Outcome.WITHDRAWN
        assert done.events[-1].data["reason_code"] == "resolved-elsewhere"

    def test_a_missing_declared_keyword_is_a_type_error(self, make_handler, form):
        """A keyword the declaration requires is checked as Python checks it."""
        handler = make_handler()
        cid = handler.receive(form, actor=INTAKE, channel="web").id
        with pytest.raises(TypeError, match="score"):
            handler.record_satisfaction(cid, actor=AGENT)  # type: ignore[call-arg]


class TestFindStatuses:
    def test_a_misspelt_status_is_named_not_an_empty_page(self):
        """Query(status_in=("recieved",)) is a ValidationError naming the item."""
        from iso10002.errors import ValidationError  # noqa: PLC0415
        from iso10002.handler import Actor, ComplaintsHandler  # noqa: PLC0415
        from iso10002.repositories import (  # noqa: PLC0415
            InMemoryComplaintRepository,
            Query,
        )

        handler = ComplaintsHandler(InMemoryComplaintRepository())
        reader = Actor("manager:1", roles={"complaints-manager"})
        with pytest.raises(ValidationError) as caught:
            handler.find(Query(status_in=("received", "recieved")), actor=reader)
        assert caught.value.field == "query.status_in[1]"
        assert "recieved" in caught.value.problems[0][1]
        assert handler.find(Query(status_in=("received",)), actor=reader).items == ()
