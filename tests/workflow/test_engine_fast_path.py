"""Workflow.fire's fast paths must decide exactly as the checked paths do."""

from __future__ import annotations

import types
from datetime import date, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.errors import TransitionNotAllowed, ValidationError
from iso10002.history import fact_value, replay, step_facts
from iso10002.model import (
    Channel,
    Classification,
    Complainant,
    Complaint,
    ComplaintForm,
    Decision,
    HistoryEvent,
    Link,
    LinkKind,
    Outcome,
    RootCause,
    SatisfactionFeedback,
)
from iso10002.serialization import from_dict, to_dict
from iso10002.testing import strategies as iso_st
from iso10002.workflow import (
    PRINCIPLE_GUARDS,
    State,
    Step,
    Transitioned,
    Workflow,
    WorkflowDefinition,
)
from iso10002.workflow import standard_workflow as standard

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
LATER = T0 + timedelta(hours=1)
FORM = ComplaintForm(complainant=Complainant(name="A"), description="d")


@attrs.define
class RecordRoles:
    """A guard remembering the roles each firing passed to it."""

    id: str = "record-roles"
    seen: list = attrs.Factory(list)

    def evaluate(self, complaint, context):
        self.seen.append(context.roles)
        return ()


def _restricted(recorder):
    states = [State(name="open", initial=True), State(name="done", terminal=True)]
    step = Step(
        trigger="finish", sources=["open"], destination="done", event="ComplaintClosed",
        roles=["manager"], guards=[recorder.id],
    )  # fmt: skip
    definition = WorkflowDefinition(name="r", version=1, states=states, steps=[step])
    return Workflow(definition, [recorder])


def _start(engine):
    return engine.receive(
        FORM, id="C-1", reference="R-1", received_at=T0, channel=Channel.WEB, actor="w"
    )


def _posing(text, *, like):
    """Return a str subclass instance of ``text`` equal to anything, hashed as like."""

    class Posing(str):
        __slots__ = ()

        def __eq__(self, other):
            return True

        def __hash__(self):
            return hash(like)

    return Posing(text)


ROLE_FORMS = {"list": list, "set": set, "frozenset": frozenset, "tuple": tuple}
ROLE_FORMS["generator"] = lambda roles: (role for role in roles)
BAD_ACTORS = ["", "   ", "x" * 201, "agent\n1", 5, ["agent:1"], None]
BAD_ACTORS.append(_posing("", like="agent:1"))


class TestWorkflowRefAndRoles:
    def test_an_equal_ref_that_is_not_the_same_object_fires(self, workflow, received):
        """A complaint read back from storage runs under an equal, new ref object."""
        stored = from_dict(Complaint, to_dict(received))
        assert stored.workflow == workflow.ref
        assert stored.workflow is not workflow.ref
        result = workflow.fire(stored, "acknowledge", actor="agent:1", at=LATER)
        direct = workflow.fire(received, "acknowledge", actor="agent:1", at=LATER)
        assert result.complaint == direct.complaint
        assert result.complaint.status == "acknowledged"

    @pytest.mark.parametrize("kind", sorted(ROLE_FORMS))
    def test_any_iterable_of_roles_works_alike(self, kind):
        """Each iterable gives the same result and the guard the same frozenset."""
        recorder = RecordRoles()
        engine = _restricted(recorder)
        complaint = _start(engine)
        roles = ROLE_FORMS[kind](["manager", "agent"])
        done = engine.fire(complaint, "finish", actor="m", at=LATER, roles=roles)
        assert recorder.seen == [frozenset({"manager", "agent"})]
        reference = engine.fire(
            complaint, "finish", actor="m", at=LATER, roles=frozenset({"manager"})
        )
        assert done.complaint == reference.complaint
        assert done.complaint.status == "done"
        for held in (["agent"], []):
            with pytest.raises(TransitionNotAllowed, match="roles"):
                engine.fire(
                    complaint, "finish", actor="a", at=LATER,
                    roles=ROLE_FORMS[kind](held),
                )  # fmt: skip
        with pytest.raises(TransitionNotAllowed, match="roles"):
            engine.fire(complaint, "finish", actor="a", at=LATER)


class Stamp(datetime):
    """A datetime subclass, as some libraries hand out."""


class Name(str):
    """A well-behaved str subclass (HistoryEvent accepts them)."""

    __slots__ = ()


class TestAt:
    @pytest.mark.parametrize(
        "at",
        [
            LATER.astimezone(timezone(timedelta(hours=-5))),
            LATER.astimezone(timezone(timedelta(0), "Z")),  # zero offset, not UTC
            Stamp(2026, 3, 2, 10, 0, tzinfo=timezone.utc),
            Stamp(2026, 3, 2, 12, 0, tzinfo=timezone(timedelta(hours=2))),
        ],
        ids=["minus-five", "named-zero", "subclass-utc", "subclass-plus-two"],
    )
    def test_aware_times_are_stored_as_the_same_instant_in_utc(
        self, workflow, received, at
    ):
        """Other zones and datetime subclasses are accepted and stored in UTC."""
        event = workflow.fire(received, "acknowledge", actor="a", at=at).events[0]
        assert event.at == at
        assert event.at.tzinfo is timezone.utc

    @pytest.mark.parametrize(
        "at",
        [
            datetime(2026, 3, 2, 10, 0),
            "2026-03-02T10:00:00+00:00",
            LATER.timestamp(),
            None,
            date(2026, 3, 3),
            T0 - timedelta(microseconds=1),
            (T0 - timedelta(seconds=1)).astimezone(timezone(timedelta(hours=9))),
        ],
        ids=["naive", "str", "float", "none", "date", "earlier", "earlier-zoned"],
    )
    def test_bad_times_name_at(self, workflow, received, at):
        """Naive, non-datetime and earlier times raise ValidationError naming at."""
        with pytest.raises(ValidationError) as info:
            workflow.fire(received, "acknowledge", actor="a", at=at)
        assert info.value.field == "at"

    def test_earlier_than_a_later_event_names_at(self, workflow, walk, received):
        """After several steps a time before the newest event is still refused."""
        assessed = walk(received, 2)
        at = assessed.last_event.at - timedelta(microseconds=1)
        with pytest.raises(ValidationError) as info:
            workflow.fire(assessed, "investigate", actor="a", at=at)
        assert info.value.field == "at"

    def test_the_time_of_the_last_event_is_accepted(self, workflow, received):
        """A step at the very instant of the last event is allowed, in any zone."""
        assert workflow.fire(received, "acknowledge", actor="a", at=T0).events
        zoned = T0.astimezone(timezone(timedelta(hours=-3)))
        event = workflow.fire(received, "acknowledge", actor="a", at=zoned).events[0]
        assert event.at == T0


class TestActors:
    @pytest.mark.parametrize("actor", BAD_ACTORS, ids=repr)
    def test_bad_actors_are_refused_after_a_good_one(self, workflow, received, actor):
        """Remembering a good actor never lets a bad one through."""
        workflow.fire(received, "acknowledge", actor="agent:1", at=LATER)
        assert "agent:1" in workflow._actors
        with pytest.raises(ValidationError) as info:
            workflow.fire(received, "acknowledge", actor=actor, at=LATER)
        assert info.value.field == "actor"

    def test_a_valid_str_subclass_never_vouches_for_a_str(self, workflow, received):
        """A valid str subclass posing as '' is not remembered for the real ''."""
        workflow.fire(received, "acknowledge", actor=_posing("bob", like=""), at=LATER)
        with pytest.raises(ValidationError) as info:
            workflow.fire(received, "acknowledge", actor="", at=LATER)
        assert info.value.field == "actor"

    def test_the_memo_stays_bounded_and_still_validates(self, workflow, received):
        """More than 1024 distinct actors never grow the memo past its bound."""
        for i in range(1100):
            workflow.fire(received, "acknowledge", actor=f"agent:{i}", at=LATER)
            assert len(workflow._actors) <= 1024
        for actor in BAD_ACTORS:
            with pytest.raises(ValidationError):
                workflow.fire(received, "acknowledge", actor=actor, at=LATER)
        assert workflow.fire(received, "acknowledge", actor="agent:0", at=LATER).events

    @given(
        st.text(max_size=8) | st.text(min_size=198, max_size=203),
        st.sampled_from([str, Name]),
    )
    def test_firing_twice_gives_the_verdict_of_history_event(self, text, kind):
        """Any str, or str subclass, is refused by fire iff an event refuses it."""
        actor, complaint = kind(text), _start(ENGINE)
        try:
            HistoryEvent(sequence=2, name="ComplaintAcknowledged", at=T0, actor=actor)
        except ValidationError:
            for _ in range(2):  # the second time, after any memo would have it
                with pytest.raises(ValidationError) as info:
                    ENGINE.fire(complaint, "acknowledge", actor=actor, at=LATER)
                assert info.value.field == "actor"
        else:
            for _ in range(2):
                new = ENGINE.fire(complaint, "acknowledge", actor=actor, at=LATER)
                assert new.events[0].actor == text


class TestStepData:
    def test_a_read_only_mapping_works_like_a_dict(self, workflow, walk, received):
        """MappingProxyType data sets fields and event data as a dict does."""
        acknowledged = walk(received, 1)
        data = {"classification": {"category": "billing"}, "letter": "L-1"}
        proxy = types.MappingProxyType(data)
        got = workflow.fire(acknowledged, "assess", actor="a", at=LATER, data=proxy)
        plain = workflow.fire(acknowledged, "assess", actor="a", at=LATER, data=data)
        assert got.complaint == plain.complaint
        assert got.complaint.classification == Classification(category="billing")
        assert got.events[0].data == {
            "letter": "L-1",
            "classification": fact_value(Classification(category="billing")),
        }

    @pytest.mark.parametrize("data", [[("letter", "L-1")], "letter", 5])
    def test_data_that_is_not_a_mapping_names_data(self, workflow, received, data):
        """Step data that is not a mapping is a ValidationError naming data."""
        with pytest.raises(ValidationError) as info:
            workflow.fire(received, "acknowledge", actor="a", at=LATER, data=data)
        assert info.value.field == "data"

    def test_plain_data_becomes_model_values(self, workflow, walk, received):
        """Plain mappings, lists and ISO strings are structured by the setters."""
        closed = walk(received)
        at = closed.last_event.at
        links = [{"kind": "duplicate_of", "complaint_id": "C-9"}]
        linked = workflow.fire(closed, "link", actor="a", at=at, data={"links": links})
        assert linked.complaint.links == (
            Link(kind=LinkKind.DUPLICATE_OF, complaint_id="C-9"),
        )
        feedback = {"satisfaction": {"score": 4, "received_at": at.isoformat()}}
        rated = workflow.fire(
            linked.complaint, "record_satisfaction", actor="a", at=at, data=feedback
        )
        expected = SatisfactionFeedback(score=4, received_at=at)
        assert rated.complaint.satisfaction == expected

    @pytest.mark.parametrize(
        ("trigger", "data", "path"),
        [
            ("assess", {"classification": {"category": ""}}, "classification.category"),
            (
                "assess",
                {"classification": {"category": "x", "severity": "dire"}},
                "classification.severity",
            ),
            ("link", {"links": [{"kind": "no", "complaint_id": "C"}]}, "links[0].kind"),
            ("link", {"links": [{"kind": "related_to"}]}, "links[0].complaint_id"),
            ("acknowledge", {"letter": {"when": T0}}, "data.letter.when"),
        ],
    )
    def test_bad_plain_data_names_the_nested_field(
        self, workflow, received, trigger, data, path
    ):
        """Invalid plain data is refused with its path inside the field."""
        if trigger == "assess":
            received = workflow.fire(
                received, "acknowledge", actor="a", at=T0
            ).complaint
        with pytest.raises(ValidationError) as info:
            workflow.fire(received, trigger, actor="a", at=LATER, data=data)
        assert info.value.field == path


# Random paths check the engine's mechanics, not the principles: they may
# investigate without an owner or put any JSON (a "fee" too) in event data.
UNGUARDED = standard(disabled_guards=PRINCIPLE_GUARDS)
ENGINE = Workflow(UNGUARDED)
STEPS = {(s, step.trigger): step for step in UNGUARDED.steps for s in step.sources}
ENDINGS = frozenset({"withdraw", "reject_as_not_a_complaint"})


def _data(trigger, at):
    """Return model values for the fields a standard step sets at ``at``."""
    decided = Decision(
        outcome=Outcome.UPHELD, summary="Refund.", decided_by="agent:1", decided_at=at
    )
    link = Link(kind=LinkKind.RELATED_TO, complaint_id="C-2")
    feedback = SatisfactionFeedback(score=5, received_at=at)
    return {
        "assign": {"assignee": "agent:2"},
        "assess": {"classification": Classification(category="b")},
        "reject_as_not_a_complaint": {"outcome": Outcome.NOT_A_COMPLAINT},
        "decide": {"decision": decided, "outcome": Outcome.UPHELD},
        "communicate_decision": {"decision": attrs.evolve(decided, communicated_at=at)},
        "withdraw": {"outcome": Outcome.WITHDRAWN},
        "close": {"root_cause": RootCause(category="b")},
        "record_satisfaction": {"satisfaction": feedback},
        "link": {"links": [link]},  # a list, stored as a tuple by both paths
    }.get(trigger, {})


EXTRA = iso_st.json_data(max_leaves=3).map(
    lambda d: {k: v for k, v in d.items() if k not in attrs.fields_dict(Complaint)}
)
MOVES = st.tuples(
    st.integers(0, 10**6),
    st.timedeltas(timedelta(0), timedelta(days=2)),
    st.sampled_from([timezone.utc, timezone(timedelta(hours=5, minutes=30))]),
    st.sampled_from(["agent:1", "agent:2", "système"]),
    EXTRA,
)


class TestRandomPaths:
    @given(
        iso_st.complaint_forms(),
        st.booleans(),
        st.lists(MOVES, min_size=8, max_size=20),
    )
    def test_fired_versions_equal_validated_evolves(self, form, stored, moves):
        """Every version fire makes equals attrs.evolve of its predecessor."""
        complaint = ENGINE.receive(
            form, id="C-1", reference="R-1", received_at=T0, channel=Channel.WEB,
            actor="web-form",
        )  # fmt: skip
        if stored:  # an equal workflow ref, not the engine's own object
            complaint = from_dict(Complaint, to_dict(complaint))
        for pick, delay, zone, actor, extra in moves:
            allowed = ENGINE.allowed_triggers(complaint)
            # Mostly move on (one pick in ten may end the complaint early).
            onward = [t for t in allowed if pick % 10 == 0 or t not in ENDINGS]
            if not onward:
                break
            trigger = onward[pick // 10 % len(onward)]
            at = (complaint.last_event.at + delay).astimezone(zone)
            data = _data(trigger, at)
            step = STEPS[complaint.status, trigger]
            destination = step.destination_from(complaint.status)
            result = ENGINE.fire(
                complaint, trigger, actor=actor, at=at, data={**extra, **data}
            )
            event = HistoryEvent(
                sequence=complaint.version + 1, name=step.event, at=at, actor=actor,
                trigger=trigger, from_state=complaint.status, to_state=destination,
                data={**extra, **step_facts(data)},
            )  # fmt: skip
            expected = attrs.evolve(
                complaint, status=destination, version=complaint.version + 1,
                history=(*complaint.history, event), **data,
            )  # fmt: skip
            assert result.events == (event,)
            assert result.complaint == expected
            assert result.complaint.last_event.at.tzinfo is timezone.utc
            assert replay(result.complaint) == result.complaint
            complaint = result.complaint

    def test_a_version_zero_complaint_gets_no_invalid_first_event(
        self, workflow, received
    ):
        """Firing on an empty history is refused: a complaint starts by receipt."""
        empty = attrs.evolve(received, version=0, history=())
        with pytest.raises(ValidationError) as info:
            workflow.fire(empty, "acknowledge", actor="a", at=LATER)
        assert info.value.field == "complaint.history"

    @pytest.mark.parametrize("data", [[], "", (), 0, False])
    def test_falsy_data_that_is_not_a_mapping_is_refused(
        self, workflow, received, data
    ):
        """Empty non-mappings are refused like full ones, naming data."""
        with pytest.raises(ValidationError) as info:
            workflow.fire(received, "acknowledge", actor="a", at=LATER, data=data)
        assert info.value.field == "data"

    @pytest.mark.parametrize("roles", [None, 5, "agent", b"agent"])
    def test_roles_that_are_not_a_collection_of_names_are_refused(
        self, workflow, received, roles
    ):
        """None, a number or a bare string as roles names roles, never TypeError."""
        with pytest.raises(ValidationError) as info:
            workflow.fire(received, "acknowledge", actor="a", at=LATER, roles=roles)
        assert info.value.field == "roles"


class TestCheckedReceiptAndResult:
    @pytest.mark.parametrize(
        ("name", "value", "field"),
        [
            ("id", "   ", "id"),
            ("reference", "x" * 65, "reference"),
            ("received_at", T0.replace(tzinfo=None), "received_at"),
            ("received_at", T0.date(), "received_at"),
            ("channel", "web", "channel"),
            ("actor", "web\nform", "received_by"),
            ("actor", 7, "received_by"),
        ],
    )
    def test_bad_facts_of_receipt_are_named(self, workflow, name, value, field):
        """Workflow.receive refuses a bad fact of receipt, naming its field."""
        facts = {
            "id": "C-1",
            "reference": "R-1",
            "received_at": T0,
            "channel": Channel.WEB,
            "actor": "w",
            name: value,
        }
        with pytest.raises(ValidationError) as info:
            workflow.receive(FORM, **facts)
        assert info.value.field == field

    def test_the_result_equals_its_constructed_value(self, workflow, received):
        """fire fills its result's slots directly, which is sound because
        Transitioned's fields have no converters or checks: the result equals
        the one its constructor builds."""
        assert all(
            f.converter is None and f.validator is None
            for f in attrs.fields(Transitioned)
        )
        result = workflow.fire(received, "acknowledge", actor="a", at=LATER)
        assert type(result) is Transitioned
        assert result == Transitioned(
            complaint=result.complaint, events=result.events, findings=()
        )
        assert result.events == (result.complaint.history[-1],)
