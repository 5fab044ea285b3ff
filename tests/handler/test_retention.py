"""The retention sweep and handler configuration errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.handler.conftest import ROOT_CAUSE

from iso10002.deadlines import get_pack
from iso10002.errors import AccessDenied, ValidationError
from iso10002.handler import ComplaintsHandler, retention_period
from iso10002.model import Outcome
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.workflow import Workflow, standard_workflow


class TestRetentionSweep:
    """sweep_retention anonymises complaints that ended longer ago than retention."""

    def test_only_complaints_past_retention_are_erased(
        self, make_handler, form, actors, walk, clock
    ):
        """An old closed complaint is erased; a recent and an open one are kept."""
        handler = make_handler(pack="uk.fca.disp")
        assert handler.retention == retention_period("uk.fca.disp")
        old = handler.receive(form, actor=actors["intake"], channel="web")
        walk(handler, old.id, actors["agent"])
        handler.close(old.id, actor=actors["agent"], root_cause=ROOT_CAUSE)
        clock.advance(timedelta(days=400))
        still_open = handler.receive(form, actor=actors["intake"], channel="web")
        recent = handler.receive(form, actor=actors["intake"], channel="web")
        handler.acknowledge(recent.id, actor=actors["agent"])
        handler.withdraw(recent.id, actor=actors["agent"])
        clock.advance(timedelta(days=3 * 365 - 300))
        report = handler.sweep_retention(actor=actors["dpo"])
        assert report.erased == (old.id,)
        assert report.checked == 1  # the recent one was received after the cut-off
        erased = handler.get(old.id, actor=actors["dpo"])
        assert erased.history[-1].name == "PersonalDataErased"
        assert erased.history[-1].actor == "dpo:1"
        assert erased.outcome is Outcome.UPHELD
        assert erased.complainant.email is None
        assert handler.get(still_open.id, actor=actors["dpo"]).complainant.email
        assert handler.sweep_retention(actor=actors["dpo"]).erased == ()

    def test_sweep_needs_the_role(self, make_handler, actors):
        """Only actors allowed sweep_retention may run it."""
        handler = make_handler(retention=timedelta(days=30))
        with pytest.raises(AccessDenied):
            handler.sweep_retention(actor=actors["manager"])

    def test_sweep_without_retention_is_refused(self, make_handler, actors):
        """A pack without a record-keeping period and no retention= cannot sweep."""
        handler = make_handler()
        assert handler.retention is None
        with pytest.raises(ValidationError) as info:
            handler.sweep_retention(actor=actors["dpo"])
        assert info.value.field == "retention"

    def test_retention_period_lookup(self):
        """Packs with a record-keeping rule have a period; others have none."""
        assert retention_period(get_pack("uk.fca.disp")) >= timedelta(days=3 * 365)
        assert retention_period("iso10002") is None
        assert retention_period(object()) is None


class TestHandlerConfiguration:
    """Bad collaborators are refused with the argument named."""

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"calendar": "Mon-Fri"}, "calendar"),
            ({"pack": 3}, "pack"),
            ({"access": object()}, "access"),
            ({"subscribers": [1]}, "subscribers"),
            ({"reference_prefix": "C-M"}, "reference_prefix"),
            ({"retention": timedelta(0)}, "retention"),
            ({"max_retries": -1}, "max_retries"),
            ({"workflow": "standard"}, "workflow"),
            ({"policies": 5}, "policies"),
        ],
    )
    def test_bad_arguments_are_named(self, kwargs, field):
        """Each bad argument raises ValidationError naming it."""
        with pytest.raises(ValidationError) as info:
            ComplaintsHandler(InMemoryComplaintRepository(), **kwargs)
        assert info.value.field == field

    def test_repository_must_be_a_repository(self):
        """Something that is not a repository is refused."""
        with pytest.raises(ValidationError) as info:
            ComplaintsHandler(object())  # type: ignore[arg-type]
        assert info.value.field == "repository"

    def test_engine_with_policies_is_refused(self):
        """Policies go to a ready engine, not next to it."""
        engine = Workflow(standard_workflow())
        handler = ComplaintsHandler(InMemoryComplaintRepository(), engine)
        assert handler.workflow is engine
        with pytest.raises(ValidationError) as info:
            ComplaintsHandler(InMemoryComplaintRepository(), engine, [])
        assert info.value.field == "policies"

    def test_unknown_repository_needs_a_store(self):
        """A repository without a known data location needs an explicit store."""

        class Wrapped:
            def __init__(self) -> None:
                self.inner = InMemoryComplaintRepository()

            def __getattr__(self, name: str) -> object:
                return getattr(self.inner, name)

        wrapped = Wrapped()
        for method in ("add", "get", "save", "find", "count", "events"):
            setattr(wrapped, method, getattr(wrapped.inner, method))
        for method in ("erase_personal_data", "verify_integrity", "close"):
            setattr(wrapped, method, getattr(wrapped.inner, method))
        with pytest.raises(ValidationError) as info:
            ComplaintsHandler(wrapped)  # type: ignore[arg-type]
        assert info.value.field == "store"

    @pytest.mark.parametrize(
        ("call", "field"),
        [
            (lambda h, i, a: h.assess(i, actor=a).complaint, "category"),
            (
                lambda h, i, a: (
                    h.assess(i, actor=a, category="x", severity="dire").complaint
                ),
                "severity",
            ),
            (
                lambda h, i, a: (
                    h.decide(i, actor=a, outcome="won", summary="s").complaint
                ),
                "outcome",
            ),
            (
                lambda h, i, a: (
                    h.record_complainant_reply(i, actor=a, accepted="y").complaint
                ),
                "accepted",
            ),
            (lambda h, i, a: h.link(i, actor=a, to=i).complaint, "to"),
            (lambda h, i, a: h.link(i, actor=a, to="x", kind="twin").complaint, "kind"),
            (lambda h, i, a: h.fire(i, 3, actor=a), "trigger"),
            (lambda h, i, a: h.acknowledge(i, actor=a, data=[1]).complaint, "data"),
            (
                lambda h, i, a: (
                    h.communicate_decision(i, actor=a, via="pigeon").complaint
                ),
                "via",
            ),
        ],
    )
    def test_bad_step_arguments_are_named(
        self, make_handler, form, actors, call, field
    ):
        """Bad step arguments raise ValidationError naming the argument."""
        handler = make_handler()
        complaint = handler.receive(form, actor=actors["intake"], channel="web")
        with pytest.raises(ValidationError) as info:
            call(handler, complaint.id, actors["manager"])
        assert info.value.field == field

    def test_bad_intake_arguments_are_named(self, make_handler, form, actors):
        """A bad channel, form or actor at intake is refused with the field named."""
        handler = make_handler()
        with pytest.raises(ValidationError) as info:
            handler.receive(form, actor=actors["intake"], channel="pigeon")
        assert info.value.field == "channel"
        with pytest.raises(ValidationError) as info:
            handler.receive({"description": "x"}, actor=actors["intake"], channel="web")  # type: ignore[arg-type]
        assert info.value.field == "form"
        with pytest.raises(ValidationError) as info:
            handler.receive(form, actor=3, channel="web")  # type: ignore[arg-type]
        assert info.value.field == "actor"
