from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.deadlines import DeadlineState, keep_informed_status, last_contact
from iso10002.errors import ValidationError
from iso10002.model import PROGRESS_EVENT, DueDate, WorkflowRef
from iso10002.model._correspondence import SENT_EVENT
from iso10002.principles import OrganisationProfile
from iso10002.principles.responsiveness import AcknowledgedOnTime, KeptInformed
from iso10002.principles.timeliness import DeadlinesMet
from iso10002.testing.strategies import received_complaints
from iso10002.vocabulary import register_workflow
from iso10002.workflow import standard_workflow

DAYS = st.integers(min_value=0, max_value=10)


class TestAcknowledgedOnTime:
    @given(received_complaints(), DAYS)
    def test_passes_when_met_by_the_due_date(self, context, codes, complaint, early):
        """An acknowledgement met on or before its due date gives no finding."""
        due = complaint.received_at + timedelta(days=2)
        c = attrs.evolve(
            complaint,
            deadlines=(
                DueDate(
                    step="acknowledge", due_at=due, met_at=due - timedelta(hours=early)
                ),
            ),
        )
        assert (
            codes(AcknowledgedOnTime(), c, context(now=due + timedelta(days=30))) == []
        )

    @given(received_complaints(), st.integers(min_value=1, max_value=100))
    def test_fails_when_late_or_overdue(self, context, codes, complaint, hours):
        """Met after the due date is late; unmet and past it while open is overdue."""
        due = complaint.received_at + timedelta(days=1)
        late = DueDate(
            step="acknowledge", due_at=due, met_at=due + timedelta(hours=hours)
        )
        unmet = DueDate(step="acknowledge", due_at=due)
        ctx = context(now=due + timedelta(hours=hours))
        policy = AcknowledgedOnTime()
        assert codes(policy, attrs.evolve(complaint, deadlines=(late,)), ctx) == [
            "acknowledgement-late"
        ]
        assert codes(policy, attrs.evolve(complaint, deadlines=(unmet,)), ctx) == [
            "acknowledgement-overdue"
        ]
        closed = attrs.evolve(complaint, deadlines=(unmet,), status="closed")
        assert codes(policy, closed, ctx) == []


class TestDeadlinesMet:
    @given(received_complaints())
    def test_passes_when_every_step_is_met(self, context, codes, complaint):
        """Steps met on time pass; acknowledgement is left to responsiveness."""
        due = complaint.received_at + timedelta(days=56)
        c = attrs.evolve(
            complaint,
            deadlines=(
                DueDate(step="final_response", due_at=due, met_at=due),
                DueDate(step="acknowledge", due_at=complaint.received_at),
            ),
        )
        assert codes(DeadlinesMet(), c, context(now=due + timedelta(days=1))) == []

    @given(received_complaints())
    def test_fails_for_an_overdue_final_response(self, context, complaint):
        """An unmet final response past due is reported under timeliness, 4.15."""
        due = complaint.received_at + timedelta(days=56)
        c = attrs.evolve(
            complaint, deadlines=(DueDate(step="final_response", due_at=due),)
        )
        [finding] = DeadlinesMet().evaluate(c, context(now=due + timedelta(seconds=1)))
        assert (finding.code, finding.clause) == ("deadline-overdue", "4.15")
        assert finding.evidence["step"] == "final_response"

    def test_2014_reports_under_responsiveness(self):
        """In the 2014 edition the check reports under responsiveness, clause 4.4."""
        policy = DeadlinesMet(edition="iso10002:2014")
        assert (policy.principle.value, policy.clause) == ("responsiveness", "4.4")


class TestKeptInformed:
    @given(received_complaints(), st.integers(min_value=1, max_value=27))
    def test_passes_with_regular_contact(self, append, context, codes, complaint, gap):
        """Contacts at most the interval apart, and a recent one, give no finding."""
        t = complaint.received_at
        c = append(
            complaint,
            {
                "name": "ComplaintAcknowledged",
                "at": t + timedelta(days=gap),
                "to_state": "acknowledged",
            },
            {"name": "HoldingResponseSent", "at": t + timedelta(days=2 * gap)},
            status="acknowledged",
        )
        ctx = context(now=t + timedelta(days=3 * gap))
        assert codes(KeptInformed(), c, ctx) == []

    @given(received_complaints(), st.integers(min_value=29, max_value=90))
    def test_fails_after_a_long_silence(self, append, context, codes, complaint, days):
        """A silence longer than the interval is reported, also the current one."""
        t = complaint.received_at
        reachable = attrs.evolve(
            complaint,
            complainant=attrs.evolve(complaint.complainant, email="a@example.org"),
        )
        c = append(
            reachable,
            {
                "name": "ComplaintAcknowledged",
                "at": t + timedelta(days=days),
                "to_state": "acknowledged",
            },
            status="acknowledged",
        )
        ctx = context(now=t + timedelta(days=days))
        assert codes(KeptInformed(), c, ctx) == ["complainant-not-kept-informed"]
        ctx = context(now=t + timedelta(days=2 * days + 1))
        assert len(codes(KeptInformed(), c, ctx)) == 2

    @given(received_complaints())
    def test_time_awaiting_the_complainant_does_not_count(
        self, append, context, codes, complaint
    ):
        """While awaiting the complainant the silence clock stops."""
        t = complaint.received_at
        c = append(
            complaint,
            {
                "name": "InformationRequested",
                "at": t + timedelta(days=1),
                "to_state": "awaiting_complainant",
            },
            status="awaiting_complainant",
        )
        assert codes(KeptInformed(), c, context(now=t + timedelta(days=200))) == []
        resumed = append(
            c,
            {
                "name": "InformationReceived",
                "at": t + timedelta(days=100),
                "to_state": "investigating",
            },
            status="investigating",
        )
        assert (
            codes(KeptInformed(), resumed, context(now=t + timedelta(days=110))) == []
        )

    def test_interval_comes_from_policy_then_profile(self, context):
        """The policy's interval wins over the profile's, which wins over 28 days."""
        profile = OrganisationProfile(keep_informed_interval=timedelta(days=5))
        assert KeptInformed()._limit(context()) == timedelta(days=28)
        assert KeptInformed()._limit(context(organisation=profile)) == timedelta(days=5)
        policy = KeptInformed(interval=timedelta(days=2))
        assert policy._limit(context(organisation=profile)) == timedelta(days=2)

    @pytest.mark.parametrize("bad", [timedelta(0), 3, "P1D"])
    def test_bad_interval_is_refused(self, bad):
        """A non-positive or non-timedelta interval raises ValidationError."""
        with pytest.raises(ValidationError) as info:
            KeptInformed(interval=bad)
        assert info.value.field == "interval"


class TestUnreachable:
    @given(received_complaints(), st.integers(min_value=29, max_value=90))
    def test_a_complainant_without_contact_details_is_not_checked(
        self, append, context, codes, complaint, days
    ):
        """Silence towards someone the organisation cannot reach is not a miss."""
        person = attrs.evolve(
            complaint.complainant,
            name=None,
            email=None,
            phone=None,
            postal_address=None,
            representative=None,
        )
        c = attrs.evolve(complaint, complainant=person)
        ctx = context(now=c.received_at + timedelta(days=2 * days))
        assert codes(KeptInformed(), c, ctx) == []


def _renamed_workflow():
    """The standard workflow with its acknowledgement, request and wait renamed."""
    standard = standard_workflow()

    def state(name):
        return "on_hold" if name == "awaiting_complainant" else name

    events = {"acknowledge": "ReceiptConfirmed", "request_information": "DetailsAsked"}
    meanings = {"acknowledge": ("acknowledged",)}
    meanings["request_information"] = ("information_requested",)
    steps = tuple(
        attrs.evolve(
            s,
            sources=tuple(state(n) for n in s.sources),
            destination=None if s.destination is None else state(s.destination),
            event=events.get(s.trigger, s.event),
            meanings=meanings.get(s.trigger, s.meanings),
        )
        for s in standard.steps
    )
    states = tuple(attrs.evolve(s, name=state(s.name)) for s in standard.states)
    definition = attrs.evolve(
        standard, name="kept-informed.renamed", states=states, steps=steps
    )
    register_workflow(definition)
    return WorkflowRef(name=definition.name, version=definition.version)


class TestOneDefinitionOfContact:
    """The policy and ``deadlines.last_contact`` agree on what a contact is."""

    def _reachable(self, complaint, **changes):
        person = attrs.evolve(complaint.complainant, email="a@example.org")
        return attrs.evolve(complaint, complainant=person, **changes)

    def _agree(self, c, ctx, codes):
        state = keep_informed_status(c, ctx.now).state
        found = codes(KeptInformed(), c, ctx)
        assert (state is DeadlineState.BREACHED) == bool(found)
        return found

    @given(received_complaints())
    def test_a_renamed_workflow_counts_by_meaning(
        self, append, context, codes, complaint
    ):
        """Renamed events and a renamed wait are read by their meaning, by both."""
        ref = _renamed_workflow()
        t = complaint.received_at
        c = append(
            self._reachable(complaint, workflow=ref),
            {
                "name": "ReceiptConfirmed",
                "at": t + timedelta(days=1),
                "to_state": "acknowledged",
            },
            {
                "name": "DetailsAsked",
                "at": t + timedelta(days=2),
                "to_state": "on_hold",
            },
            {
                "name": "InformationReceived",
                "at": t + timedelta(days=100),
                "to_state": "investigating",
            },
            status="investigating",
        )
        assert last_contact(c) == t + timedelta(days=100)
        assert self._agree(c, context(now=t + timedelta(days=110)), codes) == []
        late = context(now=t + timedelta(days=130))
        assert self._agree(c, late, codes) == ["complainant-not-kept-informed"]

    @given(received_complaints())
    def test_a_letter_alone_is_a_contact(self, append, context, codes, complaint):
        """An outgoing letter, the only contact, restarts the silence."""
        t = complaint.received_at
        c = append(
            self._reachable(complaint),
            {"name": SENT_EVENT, "at": t + timedelta(days=20)},
        )
        ctx = context(now=t + timedelta(days=40))
        assert last_contact(c) == t + timedelta(days=20)
        assert self._agree(c, ctx, codes) == []
        later = context(now=t + timedelta(days=49))
        assert self._agree(c, later, codes) == ["complainant-not-kept-informed"]

    @given(received_complaints())
    def test_resuming_after_waiting_restarts_the_silence(
        self, append, context, codes, complaint
    ):
        """Time awaiting the complainant does not count, for both readers."""
        t = complaint.received_at
        c = append(
            self._reachable(complaint),
            {
                "name": "InformationRequested",
                "at": t + timedelta(days=1),
                "to_state": "awaiting_complainant",
            },
            {
                "name": "InformationReceived",
                "at": t + timedelta(days=100),
                "from_state": "awaiting_complainant",
                "to_state": "investigating",
            },
            status="investigating",
        )
        assert last_contact(c) == t + timedelta(days=100)
        assert self._agree(c, context(now=t + timedelta(days=110)), codes) == []
        assert self._agree(c, context(now=t + timedelta(days=130)), codes)

    @given(received_complaints(), st.integers(min_value=1, max_value=60))
    def test_the_current_silence_starts_at_last_contact(
        self, append, context, codes, complaint, days
    ):
        """The policy's current silence is the one the keep-informed status measures."""
        t = complaint.received_at
        c = append(
            self._reachable(complaint),
            {"name": PROGRESS_EVENT, "at": t + timedelta(days=days)},
        )
        now = t + timedelta(days=days + 29)
        *_, finding = KeptInformed().evaluate(c, context(now=now))
        assert finding.evidence["silent_from"] == last_contact(c).isoformat()
