"""The hostile-input corpus: sizes, depth, characters, overflow values, surrogates.

Each input goes to the model, to every adapter (memory, SQLite, PostgreSQL),
to the handler and to the command line. The rule is the same everywhere: an
``iso10002.errors`` error naming the field (or one line and a non-zero exit
on the command line), never a raw exception; and whatever is accepted is
written and read back through every read path.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest

from iso10002.cli import main
from iso10002.errors import Iso10002Error, ValidationError
from iso10002.model import (
    MAX_EVENT_DATA_CHARS,
    MAX_HISTORY_DATA_CHARS,
    MAX_JSON_DEPTH,
    MAX_JSON_INTEGER,
    Classification,
    Complainant,
    HistoryEvent,
    Subject,
)
from iso10002.repositories import InMemoryComplaintRepository, Query, iter_complaints
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.serialization import from_json, to_json
from iso10002.testing.contract import make_complaint, next_version

UTC = timezone.utc
AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
BAD_CHARACTERS = ("\x00", "\x01", "\x1b", "\x7f", "\n", "\ud800", "\udfff")


def _nested(depth: int) -> Any:
    """Return a value of ``depth`` nested lists (depth 1 is ``[]``)."""
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


def _event(data: Any, sequence: int = 2) -> HistoryEvent:
    return HistoryEvent(
        sequence=sequence,
        name="NoteAdded",
        at=AT + timedelta(days=30),
        actor="agent:1",
        data=data,
    )


def _refused(call: Any, field: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.field.startswith(field), caught.value.problems
    return caught.value


class TestModelText:
    @pytest.mark.parametrize("bad", BAD_CHARACTERS)
    @pytest.mark.parametrize(
        ("build", "field"),
        [
            (lambda s: Subject(references=("ok", f"a{s}b")), "references[1]"),
            (lambda s: Subject(concerning=(f"a{s}b",)), "concerning[0]"),
            (lambda s: Classification(category="c", tags=(f"{s}",)), "tags[0]"),
            (
                lambda s: Complainant(name="n", accessibility_needs=(f"x{s}",)),
                "accessibility_needs[0]",
            ),
        ],
    )
    def test_tuples_of_strings_refuse_controls_and_surrogates(self, build, field, bad):
        """Each item of a tuple of strings is single-line, UTF-8 encodable text."""
        _refused(lambda: build(bad), field)

    @pytest.mark.parametrize("bad", ["\x00", "\x1b", "\ud800"])
    def test_text_fields_refuse_controls_and_surrogates(self, bad):
        """Free text, multi-line or not, refuses NUL, escapes and surrogates."""
        _refused(lambda: Complainant(name=f"Ada{bad}"), "name")
        _refused(
            lambda: attrs.evolve(make_complaint(1), description=f"x{bad}y"),
            "description",
        )


class TestModelEventData:
    def test_the_deepest_data_allowed_round_trips(self):
        """Data nested MAX_JSON_DEPTH levels is accepted and survives JSON."""
        event = _event({"deep": _nested(MAX_JSON_DEPTH - 1)})
        assert from_json(HistoryEvent, to_json(event)) == event

    @pytest.mark.parametrize("depth", [MAX_JSON_DEPTH, 500, 980, 5000, 100_000])
    def test_deeper_data_is_refused_with_its_path(self, depth):
        """Deeper nesting names the path; no RecursionError at any depth."""
        error = _refused(lambda: _event({"deep": _nested(depth)}), "data.deep")
        assert f"{MAX_JSON_DEPTH} levels" in str(error)

    @pytest.mark.parametrize(
        ("value", "ok"),
        [
            (MAX_JSON_INTEGER, True),
            (-MAX_JSON_INTEGER, True),
            (MAX_JSON_INTEGER + 1, False),
            pytest.param(10**5000, False, id="10**5000"),
            (float("nan"), False),
            (float("inf"), False),
            (1e308, True),
            (5e-324, True),
        ],
    )
    def test_numbers_are_bounded(self, value, ok):
        """64-bit integers and finite floats only (10**5000 would not serialise)."""
        if ok:
            event = _event({"n": value})
            assert from_json(HistoryEvent, to_json(event)) == event
        else:
            _refused(lambda: _event({"n": value}), "data.n")

    def test_the_largest_data_allowed_round_trips(self):
        """Data just within MAX_EVENT_DATA_CHARS is accepted and read back."""
        event = _event({"reason": "x" * (MAX_EVENT_DATA_CHARS - 20)})
        assert from_json(HistoryEvent, to_json(event)) == event

    @pytest.mark.parametrize("text", ["x" * 1_000_000, '"' * 140_000, "\x00" * 50_000])
    def test_larger_data_is_refused(self, text):
        """A 1 MB reason, or text that escapes beyond the bound, is refused."""
        error = _refused(lambda: _event({"reason": text}), "data")
        assert str(MAX_EVENT_DATA_CHARS) in str(error)

    def test_surrogate_keys_and_values_are_refused(self):
        """Data must be encodable as UTF-8, keys included."""
        _refused(lambda: _event({"\ud800": 1}), "data")
        _refused(lambda: _event({"k": ["\udfff"]}), "data.k[0]")

    def test_a_history_whose_data_exceeds_the_total_is_refused(self):
        """Steps adding data beyond MAX_HISTORY_DATA_CHARS are refused by name."""
        reason = "r" * (MAX_EVENT_DATA_CHARS - 20)
        complaint = make_complaint(1)
        steps = MAX_HISTORY_DATA_CHARS // MAX_EVENT_DATA_CHARS
        for sequence in range(2, steps + 2):
            complaint = complaint.next_version(
                _event({"reason": reason}, sequence), status="investigating"
            )
        with pytest.raises(ValidationError) as caught:
            complaint.next_version(
                _event({"reason": reason}, complaint.version + 1), status="closed"
            )
        assert caught.value.field == "history"
        with pytest.raises(ValidationError) as caught:
            attrs.evolve(
                complaint,
                version=complaint.version + 1,
                history=(
                    *complaint.history,
                    _event({"reason": reason}, complaint.version + 1),
                ),
            )
        assert caught.value.field == "history"


class TestModelInstants:
    @pytest.mark.parametrize(
        "at",
        [
            datetime(1, 1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
            datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))),
        ],
    )
    def test_offsets_leaving_utc_years_are_refused_by_name(self, at):
        """An instant that cannot be written in UTC names its field."""
        _refused(
            lambda: _event({}).__class__(sequence=1, name="X", at=at, actor="a"), "at"
        )

    def test_from_json_refuses_deep_text_cleanly(self):
        """JSON text nested 100,000 levels is a ValidationError, not a crash."""
        with pytest.raises(ValidationError):
            from_json(HistoryEvent, "[" * 100_000 + "]" * 100_000)


def _hostile_complaint() -> Any:
    """A complaint at the edge of every bound the model accepts."""
    complaint = make_complaint(7)
    data = {
        "deep": _nested(MAX_JSON_DEPTH - 1),
        "big": [MAX_JSON_INTEGER, -MAX_JSON_INTEGER, 1e308, -0.0, 5e-324],
        "nul": "a\x00b\x1b\u2028\ue000\ue002",
        "quotes": '"\\' * 1000,
        "emoji": "😀" * 1000,
        "": None,
    }
    complaint = next_version(complaint, data=data)
    return next_version(
        complaint, data={"reason": "é" * (MAX_EVENT_DATA_CHARS // 2 - 20)}
    )


def _read_every_way(repository: Any, complaint: Any) -> None:
    """Read ``complaint`` back through every read path and compare."""
    assert repository.get(complaint.id) == complaint
    assert repository.find(Query(reference=complaint.reference)).items == (complaint,)
    assert list(iter_complaints(repository)) == [complaint]
    events = repository.events(limit=1000)
    assert tuple(e.event for e in events) == complaint.history
    assert from_json(type(complaint), to_json(repository.get(complaint.id))) == (
        complaint
    )
    assert repository.verify_integrity().ok


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def repository(request, tmp_path):
    """Each adapter in turn, empty."""
    if request.param == "memory":
        yield InMemoryComplaintRepository()
        return
    if request.param == "sqlite":
        repo = SQLiteComplaintRepository(tmp_path / "hostile.db")
        yield repo
        repo.close()
        return
    pytest.importorskip("psycopg")
    import secrets  # noqa: PLC0415

    import psycopg  # noqa: PLC0415

    from iso10002.repositories.postgres import (  # noqa: PLC0415
        PostgresComplaintRepository,
    )

    dsn = request.getfixturevalue("iso10002_postgres_dsn")
    schema = f"hostile_{secrets.token_hex(5)}"
    repo = PostgresComplaintRepository(dsn, schema=schema, pool_size=1)
    yield repo
    repo.close()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


class TestAdapters:
    def test_values_at_every_bound_are_written_and_read_back(self, repository):
        """Deepest, largest, odd-character data is readable through every path."""
        complaint = _hostile_complaint()
        repository.add(complaint, idempotency_key="k-😀-\ue000")
        _read_every_way(repository, complaint)

    def test_growing_by_saves_keeps_everything_readable(self, repository):
        """Saves adding bounded events one by one stay readable at each version."""
        complaint = make_complaint(3)
        repository.add(complaint)
        for _ in range(3):
            before = complaint.version
            complaint = next_version(
                complaint, data={"reason": '"' * (MAX_EVENT_DATA_CHARS // 2 - 20)}
            )
            repository.save(complaint, expected_version=before)
        _read_every_way(repository, complaint)

    @pytest.mark.parametrize(
        "call",
        [
            lambda r: r.get("\ud800"),
            lambda r: r.add(make_complaint(2), idempotency_key="\udfff"),
            lambda r: r.events(after=2**63),
            lambda r: r.events(after=-(2**70)),
            lambda r: r.find(Query(), after="MTAwMDAwMDAwMDAwMDAwMDAwMDAwfEMtMQ=="),
            lambda r: r.erase_personal_data(
                "C-000001",
                actor="dpo",
                at=datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))),
            ),
        ],
    )
    def test_hostile_arguments_raise_library_errors(self, repository, call):
        """Surrogates, 64-bit overflows and crafted cursors: ValidationError."""
        repository.add(make_complaint(1))
        with pytest.raises(ValidationError):
            call(repository)
        assert repository.get("C-000001") == make_complaint(1)


INTAKE = ("web-form", {"intake"})
AGENT = ("agent:1", {"complaints-handler"})
MANAGER = ("manager:1", {"complaints-manager"})


def _actor(spec: tuple[str, set[str]]) -> Any:
    from iso10002.handler import Actor  # noqa: PLC0415

    return Actor(spec[0], roles=spec[1])


class TestHandler:
    @pytest.fixture
    def handler(self, repository, request):
        from iso10002.clock import FixedClock  # noqa: PLC0415
        from iso10002.handler import ComplaintsHandler  # noqa: PLC0415

        options: dict[str, Any] = {"clock": FixedClock(AT)}
        if type(repository).__name__ == "PostgresComplaintRepository":
            from iso10002.handler.postgres import (  # noqa: PLC0415
                PostgresHandlerStore,
            )

            dsn = request.getfixturevalue("iso10002_postgres_dsn")
            options["store"] = PostgresHandlerStore(dsn, schema=repository.schema)
        handler = ComplaintsHandler(repository, **options)
        yield handler
        handler.shutdown()
        store = options.get("store")
        if store is not None:
            store.close()

    @pytest.fixture
    def received(self, handler):
        from iso10002.model import ComplaintForm  # noqa: PLC0415

        form = ComplaintForm(
            complainant=Complainant(name="Sam"), description="Charged twice"
        )
        return handler.receive(form, actor=_actor(INTAKE), channel="web")

    def test_a_one_megabyte_reason_is_refused_and_nothing_changes(
        self, handler, received
    ):
        """Ten 1 MB reasons cannot be committed: the first is refused by name."""
        received = handler.acknowledge(received.id, actor=_actor(AGENT)).complaint
        with pytest.raises(ValidationError) as caught:
            handler.record_holding_response(
                received.id, actor=_actor(AGENT), reason="x" * 1_000_000
            )
        # Refused by the holding response's own check, or the event data limit.
        assert caught.value.field == "reason" or caught.value.field.startswith("data")
        assert handler.repository.get(received.id).version == received.version

    @pytest.mark.parametrize("bad", ["\ud800", "C-\x00", "x" * 65, None, 7])
    def test_hostile_ids_are_library_errors(self, handler, bad):
        """Steps and reads on ids that cannot exist raise library errors."""
        for call in (
            lambda: handler.get(bad, actor=_actor(MANAGER)),
            lambda: handler.acknowledge(bad, actor=_actor(AGENT)),
        ):
            with pytest.raises(Iso10002Error):
                call()

    @pytest.mark.parametrize("key", ["\ud800", "k\x00", "", "k" * 201])
    def test_hostile_idempotency_keys_are_refused(self, handler, key):
        """A key no store can hold is a ValidationError naming it."""
        from iso10002.model import ComplaintForm  # noqa: PLC0415

        form = ComplaintForm(complainant=Complainant(name="Sam"), description="x")
        with pytest.raises(ValidationError) as caught:
            handler.receive(
                form, actor=_actor(INTAKE), channel="web", idempotency_key=key
            )
        assert caught.value.field == "idempotency_key"

    @pytest.mark.parametrize("limit", [0, -1, None, "10", 1.5, True])
    def test_bad_limits_of_due_and_breached_are_named(self, handler, limit):
        """due() and breached() name ``limit`` for anything but a positive integer."""
        for call in (handler.due, handler.breached):
            with pytest.raises(ValidationError) as caught:
                call(actor=_actor(MANAGER), limit=limit)
            assert caught.value.field == "limit"

    @pytest.mark.parametrize("actor", ["\ud800", "a\x00", "", "a" * 1000])
    def test_hostile_actor_names_are_library_errors(self, handler, received, actor):
        """An actor name no event can record is refused, not stored."""

        def step() -> None:
            handler.acknowledge(
                received.id, actor=_actor((actor, {"complaints-handler"}))
            )

        with pytest.raises(Iso10002Error):
            step()
        assert handler.repository.get(received.id).version == received.version


# -- the command line --------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """A small demo store made by the real command."""
    where = tmp_path_factory.mktemp("hostile-cli")
    path = where / "demo.db"
    assert main(["demo", "--db", str(path), "--complaints", "40"]) == 0
    return path


COMMANDS = (
    ("report", "--period", "2025"),
    ("audit", "--period", "2025"),
    ("return", "fca", "--period", "2025-H1", "--holidays", "GB-ENG"),
    ("return", "asic", "--period", "2025-H1", "--holidays", "AU-NSW"),
    ("export",),
)


def _one_line(capsys: Any, argv: list[str], status: int) -> str:
    """Run the command line in process: ``status``, one stderr line, no traceback."""
    assert main(argv) == status
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert ": error: " in err[0]
    return err[0]


def _damage(demo: Path, tmp_path: Path, how: str) -> Path:
    path = tmp_path / f"{how}.db"
    shutil.copy(demo, path)
    if how == "bit-flip-document":
        data = bytearray(path.read_bytes())
        at = data.index(b'"outcome":"') + 12
        data[at] ^= 0x01
        path.write_bytes(bytes(data))
    elif how == "bit-flip-page":
        data = bytearray(path.read_bytes())
        data[4096 * 3 + 200] ^= 0xFF  # inside a b-tree page's header area
        data[4096 * 3 + 1] ^= 0xFF
        path.write_bytes(bytes(data))
    elif how == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
    else:
        with sqlite3.connect(path) as connection:
            connection.execute("PRAGMA foreign_keys = OFF")
            if how == "events-dropped":
                connection.execute("DROP TABLE events")
            elif how == "document-garbled":
                connection.execute(
                    "UPDATE complaints SET document = '{\"id\": 1'"
                    " WHERE rowid = (SELECT min(rowid) FROM complaints)"
                )
        connection.close()
    return path


class TestCommandLine:
    @pytest.mark.parametrize(
        "how",
        [
            "bit-flip-document",
            "bit-flip-page",
            "truncated",
            "events-dropped",
            "document-garbled",
        ],
    )
    def test_every_command_fails_the_same_way_on_a_damaged_store(
        self, demo, tmp_path, capsys, how
    ):
        """One identical line and exit 1 from every command, for each damage."""
        path = _damage(demo, tmp_path, how)
        lines = {
            _one_line(capsys, [*command, "--db", str(path)], 1) for command in COMMANDS
        }
        assert len({line.split(": error: ", 1)[1] for line in lines}) == 1, lines
        assert str(path.name) in lines.pop()

    @pytest.mark.parametrize(
        "period", ["9999", "9999-W52", "9999-12", "9999-12-31", "0000", "2025-13"]
    )
    def test_periods_beyond_the_calendar_are_usage_errors(self, demo, capsys, period):
        """A period ending after 9999-12-31 is one usage line, exit 2."""
        for command in COMMANDS[:4]:
            at = command.index("--period")
            argv = [*command[: at + 1], period, *command[at + 2 :], "--db", str(demo)]
            assert "--period" in _one_line(capsys, argv, 2)

    @pytest.mark.parametrize(
        "text",
        [
            'name = "x"\nx = ' + "[" * 5000 + "]" * 5000 + "\n",
            "a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n",
        ],
    )
    def test_deeply_nested_workflow_files_are_one_line(self, tmp_path, capsys, text):
        """A TOML workflow nested thousands of levels deep: a clear failure."""
        path = tmp_path / "deep.toml"
        path.write_text(text)
        assert main(["workflow", "check", str(path)]) == 1
        assert "nested deeper" in capsys.readouterr().out
        _one_line(capsys, ["workflow", "diagram", str(path)], 1)

    def test_a_sound_store_still_works(self, demo, capsys):
        """The checks pass a sound store: every command exits 0."""
        for command in COMMANDS:
            assert main([*command, "--db", str(demo)]) == 0, capsys.readouterr().err


class TestDocumentBound:
    def test_the_largest_buildable_document_is_readable_by_construction(self):
        """Worst-case JSON of a complaint stays within what from_json reads."""
        from iso10002.serialization import _MAX_DOCUMENT  # noqa: PLC0415

        worst_event = HistoryEvent(
            sequence=100_000,
            name="N" * 100,
            at=AT,
            actor='"' * 200,
            trigger='"' * 100,
            from_state='"' * 100,
            to_state='"' * 100,
        )
        per_event = len(to_json(worst_event)) + 1
        fixed = len(json.dumps(_worst_fields(), ensure_ascii=False))
        bound = fixed + 100_000 * per_event + MAX_HISTORY_DATA_CHARS
        # Four UTF-8 bytes per character at most: readable as str or bytes.
        assert 4 * bound <= _MAX_DOCUMENT
        assert bound < 200_000_000


def _worst_fields() -> dict[str, Any]:
    """An over-estimate of every non-history field at its longest, escaped."""
    from iso10002.serialization import to_dict  # noqa: PLC0415

    fields = to_dict(make_complaint(1))
    del fields["history"]
    long_text = '"' * 20_000
    short = '"' * 500
    fields.update(
        description=long_text,
        desired_outcome=long_text,
        decision={"summary": long_text, "reasons": long_text, "remedies": [short] * 50},
        root_cause={"description": long_text},
        satisfaction={"comment": long_text},
        attachments=[{"name": short, "uri": '"' * 2000, "x": short}] * 50,
        links=[{"complaint_id": '"' * 64, "kind": "duplicate_of"}] * 1000,
        deadlines=[{"step": '"' * 100, "due_at": AT.isoformat()}] * 100,
        subject={"references": [short] * 50, "concerning": [short] * 50},
        complainant={"accessibility_needs": [short] * 20, "name": short},
    )
    return fields


class TestModelEventDataTypes:
    def test_subclasses_of_json_scalars_are_measured_as_their_values(self):
        """str, int and float subclasses (enums) are JSON data like their bases."""
        import enum  # noqa: PLC0415

        class Colour(str, enum.Enum):
            RED = "red"

        class Level(enum.IntEnum):
            HIGH = 3

        class Ratio(float):
            pass

        event = _event({"c": Colour.RED, "l": Level.HIGH, "r": Ratio(0.5), "b": True})
        assert event.data["c"] == "red"
        _refused(lambda: _event({"l": Level.HIGH, "big": 2**64}), "data.big")

    @pytest.mark.parametrize("value", [{1: "x"}, {"k": object()}, {"k": {1, 2}}])
    def test_what_is_not_json_is_refused(self, value):
        """Non-string keys and non-JSON values name the path."""
        _refused(lambda: _event(value), "data")


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def handler_store(request, tmp_path):
    """Each handler store in turn."""
    from iso10002.handler import InMemoryHandlerStore  # noqa: PLC0415

    if request.param == "memory":
        yield InMemoryHandlerStore()
        return
    if request.param == "sqlite":
        from iso10002.handler.sqlite import SQLiteHandlerStore  # noqa: PLC0415

        store = SQLiteHandlerStore(tmp_path / "store.db")
    else:
        pytest.importorskip("psycopg")
        import secrets  # noqa: PLC0415

        from iso10002.handler.postgres import PostgresHandlerStore  # noqa: PLC0415

        dsn = request.getfixturevalue("iso10002_postgres_dsn")
        store = PostgresHandlerStore(dsn, schema=f"hstore_{secrets.token_hex(5)}")
    yield store
    store.close()


class TestHandlerStores:
    @pytest.mark.parametrize("name", ["\ud800", "a\x00", "a\x1b", "", "n" * 201, 7])
    def test_bad_names_are_named(self, handler_store, name):
        """Counter and subscriber names no store can hold are ValidationErrors."""
        for call, field in (
            (lambda: handler_store.next_value(name), "name"),
            (lambda: handler_store.position(name), "subscriber"),
            (lambda: handler_store.advance(name, expected=0, to=1), "subscriber"),
        ):
            _refused(call, field)

    @pytest.mark.parametrize("position", [-1, 2**63, 2**64, None, "1"])
    def test_positions_beyond_64_bits_are_named(self, handler_store, position):
        """A checkpoint position outside 0 to 2**63 - 1 names its argument."""
        _refused(lambda: handler_store.advance("s", expected=0, to=position), "to")
        _refused(
            lambda: handler_store.advance("s", expected=position, to=1), "expected"
        )
        assert handler_store.advance("s", expected=0, to=2**63 - 1)
        assert handler_store.position("s") == 2**63 - 1


class TestStoresWrittenBeforeTheBounds:
    @pytest.mark.parametrize("depth", [500, 980])
    def test_deep_stored_data_is_reported_not_a_recursion_error(self, tmp_path, depth):
        """Event data nested hundreds of levels in a stored row: IntegrityError."""
        from iso10002.errors import IntegrityError  # noqa: PLC0415

        path = tmp_path / "old.db"
        repository = SQLiteComplaintRepository(path)
        complaint = next_version(make_complaint(1), data={"deep": []})
        repository.add(complaint)
        deep = '{"deep":' + "[" * depth + "]" * depth + "}"
        with sqlite3.connect(path) as connection:
            connection.execute("DROP TRIGGER events_refuse_update")
            for table, column in (("events", "event"), ("complaints", "document")):
                connection.execute(
                    f"UPDATE {table} SET {column} = replace({column}, ?, ?)",
                    ('{"deep":[]}', deep),
                )
        connection.close()
        with pytest.raises(IntegrityError):
            repository.get(complaint.id)
        with pytest.raises(IntegrityError):
            list(iter_complaints(repository))
        with pytest.raises(Iso10002Error):
            repository.events()
        assert not repository.verify_integrity().ok
        repository.close()
