"""The unchecked builders behind the engine's hot path, and what they must equal."""

from __future__ import annotations

import ctypes
import platform
import sysconfig
from datetime import datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from iso10002.errors import ValidationError
from iso10002.history import FACT_FIELDS, fact_value, step_facts
from iso10002.model import (
    RECEIVED_EVENT,
    Channel,
    Complainant,
    Complaint,
    ComplaintForm,
    HistoryEvent,
    Outcome,
    WorkflowRef,
)
from iso10002.model._complaint import check_changes
from iso10002.model._fast import advancer, builder
from iso10002.serialization import to_dict
from iso10002.testing import strategies as iso_st

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
EVENT = (1, "ComplaintAcknowledged", T0, "agent:1", "ack", "received", "acked", {})


def _positive(_inst, attribute, value):
    if not isinstance(value, int) or value < 1:
        msg = f"{attribute.name} must be a positive int"
        raise ValueError(msg)


def _sample(*, slots):
    @attrs.frozen(kw_only=True, slots=slots)
    class Sample:
        count: int = attrs.field(validator=_positive)
        name: str = attrs.field(validator=attrs.validators.instance_of(str))
        tags: tuple = attrs.field(default=(), converter=tuple)

        def __attrs_post_init__(self):
            if self.name == "forbidden":
                msg = "name must not be 'forbidden'"
                raise ValueError(msg)

    return Sample


Slotted, Dicted = _sample(slots=True), _sample(slots=False)
SAMPLES = pytest.mark.parametrize("cls", [Slotted, Dicted], ids=["slots", "dict"])
NAMES = ("count", "name", "tags")


def _values(obj):
    return tuple(getattr(obj, a.name) for a in attrs.fields(type(obj)))


def _full(cls, values):
    """Build through the validating constructor, from values in field order."""
    return cls(**dict(zip(attrs.fields_dict(cls), values, strict=True)))


def _receive():
    form = ComplaintForm(complainant=Complainant(name="Ada"), description="Overcharged")
    return Complaint.receive(
        form, id="C-1", reference="CMP-1", received_at=T0, channel=Channel.WEB,
        received_by="web-form",
    )  # fmt: skip


class TestBuilder:
    @SAMPLES
    def test_sets_every_field_in_field_order(self, cls):
        """The positional arguments land in the fields, in attrs field order."""
        built = builder(cls)(3, "three", ("a", "b"))
        assert type(built) is cls
        assert _values(built) == (3, "three", ("a", "b"))
        assert built == cls(count=3, name="three", tags=("a", "b"))
        with pytest.raises(TypeError):
            builder(cls)(count=1, name="one", tags=())  # positional only

    def test_builds_the_model_classes_unchecked(self):
        """Model values build from their fields; refused values are kept as given."""
        assert builder(HistoryEvent)(*EVENT) == _full(HistoryEvent, EVENT)
        complaint = _receive()
        assert builder(Complaint)(*_values(complaint)) == complaint
        bad = (0, "not camel", datetime(2026, 3, 2), "", None, None, None, "no dict")
        with pytest.raises(ValidationError):
            _full(HistoryEvent, bad)
        assert _values(builder(HistoryEvent)(*bad)) == bad

    @SAMPLES
    def test_runs_no_converter_validator_or_post_init(self, cls):
        """Refused values are stored as given: callers must pass checked values."""
        with pytest.raises(ValueError):
            cls(count=-5, name="forbidden", tags=["x"])
        with pytest.raises(TypeError):
            cls(count=1, name=42)
        built = builder(cls)(-5, "forbidden", ["x"])
        assert _values(built) == (-5, "forbidden", ["x"])
        assert builder(cls)(1, 42, ()).name == 42
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            built.count = 2


_SAMPLE_VALUES = {
    "count": st.integers(min_value=1),
    "name": st.text(max_size=5).filter(lambda s: s != "forbidden"),
    "tags": st.lists(st.text(max_size=2), max_size=2).map(tuple),
}


class TestAdvancer:
    @SAMPLES
    @given(data=st.data())
    def test_equals_evolve_and_leaves_the_original(self, cls, data):
        """Untouched fields are copied; changes and replaced values are applied."""
        original = cls(**{n: data.draw(s) for n, s in _SAMPLE_VALUES.items()})
        before = _values(original)
        replaced = data.draw(st.lists(st.sampled_from(NAMES), unique=True))
        others = [n for n in NAMES if n not in replaced]
        changed = data.draw(st.sets(st.sampled_from(others))) if others else set()
        changes = {n: data.draw(_SAMPLE_VALUES[n]) for n in sorted(changed)}
        new_values = [data.draw(_SAMPLE_VALUES[n]) for n in replaced]
        new = advancer(cls, *replaced)(original, changes, *new_values)
        replacing = dict(zip(replaced, new_values, strict=True))
        assert new == attrs.evolve(original, **changes, **replacing)
        assert new is not original
        assert _values(original) == before

    @SAMPLES
    def test_applies_no_checks_and_stays_frozen(self, cls):
        """Changes and replaced values are stored unchecked; the copy is frozen."""
        original = cls(count=1, name="one")
        new = advancer(cls, "count")(original, {"tags": ["x"]}, -1)
        assert _values(new) == (-1, "one", ["x"])
        assert _values(original) == (1, "one", ())
        copy = advancer(cls)(original, {})
        assert copy == original
        assert copy is not original
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            copy.count = 3

    @pytest.mark.parametrize("cls", [Slotted, Dicted, Complaint, HistoryEvent])
    def test_unknown_field_is_a_value_error(self, cls):
        """Naming a field the class lacks fails when the advancer is made."""
        with pytest.raises(ValueError, match=r"no fields \['colour'\]$"):
            advancer(cls, "colour", attrs.fields(cls)[0].name)

    @pytest.mark.parametrize("cls", [Slotted, Dicted])
    def test_a_field_named_twice_is_a_value_error(self, cls):
        """Replacing one field twice is refused when the advancer is made."""
        name = attrs.fields(cls)[0].name
        with pytest.raises(ValueError, match="named twice"):
            advancer(cls, name, name)

    def test_advances_the_model_classes(self):
        """Complaints and events advanced unchecked equal attrs.evolve's result."""
        complaint = _receive()
        new = advancer(Complaint, "status")(complaint, {"assignee": "a"}, "assessed")
        assert new == attrs.evolve(complaint, status="assessed", assignee="a")
        assert (complaint.status, complaint.assignee) == ("received", None)
        event = _full(HistoryEvent, EVENT)
        moved = advancer(HistoryEvent, "actor")(event, {"sequence": 3}, "b")
        assert moved == attrs.evolve(event, sequence=3, actor="b")


_SIZES = ctypes.sizeof(ctypes.c_ssize_t) + ctypes.sizeof(ctypes.c_uint64)


def _table(mapping):
    """Return a CPython dict's (ma_keys, ma_values): values is None unless split.

    ``PyDictObject`` is the object header, ``ma_used``, a 64-bit version (or
    watcher) tag, then ``ma_keys`` and ``ma_values``, on CPython 3.10 to 3.13.
    """
    assert type(mapping) is dict
    base = id(mapping) + object.__basicsize__ + _SIZES
    keys, values = (ctypes.c_void_p * 2).from_address(base)
    return keys, values


def _layout_known():
    if platform.python_implementation() != "CPython":
        return False
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        return False

    class Probe:
        def __init__(self, n):
            self.a, self.b = n, n

    one, two = Probe(1), Probe(2)
    keys, values = _table(one.__dict__)
    return (
        values is not None
        and _table(two.__dict__)[0] == keys
        and _table({"a": 1, "b": 1})[1] is None
        and _table(dict(one.__dict__))[1] is None
    )


# sys.getsizeof cannot show key sharing: on 3.11+ a split dict's reported size
# drifts as instances are made and can equal a plain dict's. So the test reads
# the dict's layout, and is skipped where that layout was not checked above.
@pytest.mark.skipif(not _layout_known(), reason="needs CPython 3.10-3.13 dicts")
class TestSharedKeys:
    def _assert_shared(self, *instances):
        tables = [_table(instance.__dict__) for instance in instances]
        assert all(values is not None for _, values in tables)
        assert len({keys for keys, _ in tables}) == 1

    def test_built_and_advanced_dicts_share_the_class_keys(self):
        """Instances the builders make keep one key table with the class's."""
        original = Dicted(count=1, name="one")
        built = builder(Dicted)(2, "two", ())
        advanced = advancer(Dicted, "name")(original, {"tags": ("t",)}, "new")
        self._assert_shared(original, built, advanced, advancer(Dicted)(built, {}))

    def test_complaint_versions_share_keys(self):
        """Received, next and fully constructed complaints share their key table."""
        received = _receive()
        event = _full(HistoryEvent, (2, *EVENT[1:]))
        following = received.next_version(event, status="acknowledged", assignee="a")
        self._assert_shared(received, following, _full(Complaint, _values(following)))


_FIELDS = attrs.fields_dict(Complaint)
_CHANGEABLE = tuple(n for n in _FIELDS if n not in ("version", "history"))
_CHANGES = st.fixed_dictionaries(
    {},
    optional={
        "status": st.sampled_from(iso_st.STANDARD_STATES),
        "assignee": st.none() | iso_st.single_line_text(max_size=20),
        "classification": st.none() | iso_st.classifications(),
        "decision": st.none() | iso_st.decisions(),
        "outcome": st.none() | st.sampled_from(Outcome),
        "satisfaction": st.none() | iso_st.satisfaction_feedback(),
        "links": st.lists(iso_st.links(), max_size=2),  # a list: converted
        "deadlines": st.lists(iso_st.due_dates(), max_size=2),
        "workflow": iso_st.workflow_refs(),
    },
)
_ZONES = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
_JUNK = st.one_of(
    [st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8)]
    + [st.binary(max_size=3), st.builds(object), st.datetimes(), st.just(Channel.WEB)]
    + [st.lists(st.integers() | st.text(max_size=3), max_size=2)]
    + [st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)]
    + [make() for t, make in iso_st.STRATEGIES.items() if t is not Complaint]
)


class TestCheckedPaths:
    @given(iso_st.complaints(max_events=4), st.data())
    def test_next_version_equals_a_validated_evolve(self, complaint, data):
        """next_version(event, **changes) is what the validating constructor makes."""
        delay = data.draw(st.timedeltas(timedelta(0), timedelta(days=30)))
        at = complaint.history[-1].at + delay
        sequence = complaint.version + 1
        event = attrs.evolve(data.draw(iso_st.history_events(sequence=sequence)), at=at)
        changes = data.draw(_CHANGES)
        assume(not set(event.data) & set(FACT_FIELDS))
        new = complaint.next_version(event, **changes)
        recorded = attrs.evolve(event, data={**event.data, **step_facts(changes)})
        history = (*complaint.history, recorded)
        assert new == attrs.evolve(
            complaint, version=sequence, history=history, **changes
        )
        assert (type(new.links), type(new.deadlines)) == (tuple, tuple)

    @given(
        iso_st.complaint_forms(),
        iso_st.utc_datetimes(),
        _ZONES,
        st.sampled_from(Channel),
        iso_st.single_line_text(max_size=20),
        st.sampled_from(iso_st.STANDARD_STATES),
        st.none() | iso_st.workflow_refs(),
    )
    def test_receive_equals_the_validating_constructor(
        self, form, at, zone, channel, actor, status, workflow
    ):
        """Complaint.receive builds what the full constructor builds, in UTC."""
        local = at.astimezone(zone)
        facts = {"id": "C-1", "reference": "R-1", "channel": channel, "status": status}
        got = Complaint.receive(
            form, received_at=local, received_by=actor, workflow=workflow, **facts
        )
        first = HistoryEvent(
            sequence=1, name=RECEIVED_EVENT, at=local, actor=actor, to_state=status,
            data={
                "channel": channel.value, "reference": "R-1",
                "subject": fact_value(form.subject),
                "workflow": to_dict(WorkflowRef() if workflow is None else workflow),
            },
        )  # fmt: skip
        copied = ("complainant", "subject", "description", "desired_outcome")
        expected = Complaint(
            **{name: getattr(form, name) for name in (*copied, "attachments")},
            **facts, received_at=local, received_by=actor, version=1, history=(first,),
            workflow=WorkflowRef() if workflow is None else workflow,
        )  # fmt: skip
        assert got == expected
        assert got.received_at.tzinfo is got.history[0].at.tzinfo is timezone.utc

    @given(st.text(max_size=10).filter(lambda n: n not in _FIELDS))
    def test_unknown_fields_are_named(self, name):
        """A change to a field Complaint lacks is a ValidationError naming it."""
        with pytest.raises(ValidationError) as info:
            check_changes({"status": "ok", name: 1})
        assert info.value.field == name

    @pytest.mark.parametrize("name", ["version", "history"])
    def test_version_and_history_are_not_changes(self, name):
        """version and history move only with an event: naming them is refused."""
        value = _receive().history if name == "history" else 2
        with pytest.raises(ValidationError, match="a step can change") as info:
            check_changes({name: value})
        assert info.value.field == name

    @pytest.mark.parametrize(
        ("name", "value", "path"),
        [
            ("received_at", "2026-03-02T09:30:00Z", "received_at"),
            ("received_at", datetime(2026, 3, 2), "received_at"),
            ("channel", "web", "channel"),
            ("status", ["received"], "status"),
            ("description", "bad\x00", "description"),
            ("assignee", "", "assignee"),
            ("links", 5, "links"),
            ("links", [1], "links[0]"),
            ("deadlines", {"step": "x"}, "deadlines"),
            ("attachments", None, "attachments"),
            ("workflow", {"name": "x"}, "workflow"),
        ],
    )
    def test_bad_values_are_named(self, name, value, path):
        """A value its field refuses raises ValidationError naming the field."""
        with pytest.raises(ValidationError) as info:
            check_changes({name: value})
        assert info.value.field == path

    def test_next_version_refuses_to_drop_a_handled_description(self):
        """A description may be missing only on an imported record."""
        base = _receive()
        event = HistoryEvent(sequence=2, name="X", at=base.history[-1].at, actor="a")
        with pytest.raises(ValidationError) as info:
            base.next_version(event, description=None)
        assert info.value.field == "description"

    @given(st.sampled_from(_CHANGEABLE), _JUNK)
    def test_agrees_with_the_validating_constructor(self, name, value):
        """check_changes accepts what the constructor accepts, converted alike."""
        # A missing description depends on the history (imported records
        # only): next_version checks it, see the test below.
        assume(not (name == "description" and value is None))
        base = _receive()
        try:
            expected = attrs.evolve(base, **{name: value})
        except ValidationError as exc:
            refused = exc.field
        else:
            checked = check_changes({name: value})
            assert attrs.evolve(base, **checked) == expected
            assert checked[name] == getattr(expected, name)
            return
        with pytest.raises(ValidationError) as info:
            check_changes({name: value})
        assert info.value.field == refused
        assert info.value.field.startswith(name)
