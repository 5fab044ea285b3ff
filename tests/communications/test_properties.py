"""Invariants: any notes and messages keep the chain verifiable and survive erasure."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.clock import FixedClock
from iso10002.communications import correspondence_log, internal_notes
from iso10002.handler import ComplaintsHandler, InMemoryHandlerStore
from iso10002.handler.sqlite import SQLiteHandlerStore
from iso10002.history import differences, replay
from iso10002.model import Attachment, Complainant, ComplaintForm, MessageContent
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.serialization import to_dict, to_json
from iso10002.testing.strategies import multiline_text, reason_codes, single_line_text

from .conftest import MANAGER, SYSTEM

MARK = "PIIMARK"
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def marked(*, multiline: bool = False) -> st.SearchStrategy[str]:
    """Personal text that cannot occur by chance in a document (a marker inside)."""
    inner = multiline_text(max_size=30) if multiline else single_line_text(max_size=20)
    return inner.map(lambda s: f"{MARK} {s}")


ATTACHMENTS = st.builds(
    Attachment,
    name=marked(),
    media_type=st.just("application/pdf"),
    size=st.integers(0, 10_000),
    sha256=st.just("a" * 64),
    uri=marked(),
)
CONTENTS = st.builds(
    MessageContent,
    sender=st.none() | marked(),
    recipients=st.lists(marked(), max_size=2).map(tuple),
    subject=st.none() | marked(),
    body=st.none() | marked(multiline=True),
    attachments=st.lists(ATTACHMENTS, max_size=2).map(tuple),
    external_id=st.none() | marked(),
)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("note"), marked(multiline=True), st.none() | reason_codes()),
        st.tuples(
            st.sampled_from(["in", "out"]),
            CONTENTS,
            st.sampled_from(["email", "letter", "web", "phone"]),
        ),
        st.tuples(st.just("deliver"), st.sampled_from(["sent", "failed"]), st.none()),
    ),
    max_size=8,
)


def _run(handler: ComplaintsHandler, operations: list[tuple[object, ...]]) -> str:
    form = ComplaintForm(
        complainant=Complainant(name=f"{MARK} name", email="pii@example.org"),
        description=f"{MARK} description",
    )
    complaint_id = handler.receive(form, actor=SYSTEM, channel="email").id
    outgoing: list[str] = []
    for kind, first, second in operations:
        if kind == "note":
            handler.record_note(
                complaint_id, actor=SYSTEM, text=str(first), reason_code=second
            )
        elif kind in ("in", "out"):
            result = handler.record_correspondence(
                complaint_id,
                actor=SYSTEM,
                direction=str(kind),
                channel=str(second),
                content=first,  # type: ignore[arg-type]
            )
            if kind == "out":
                facts = result.events[0].data["correspondence"]
                outgoing.append(facts["message_id"])
        elif outgoing:
            handler.record_delivery(
                complaint_id, outgoing[-1], actor=SYSTEM, status=str(first)
            )
    return complaint_id


def _check(handler: ComplaintsHandler, operations: list[tuple[object, ...]]) -> None:
    complaint_id = _run(handler, operations)
    repository = handler.repository
    before = repository.get(complaint_id)
    assert MARK in to_json(before)
    assert repository.verify_integrity().ok
    assert differences(to_dict(before)) == []
    assert replay(before) == before
    log = correspondence_log(before)
    notes = internal_notes(before)
    erased = handler.erase_personal_data(complaint_id, actor=MANAGER)
    stored = repository.get(complaint_id)
    assert repository.verify_integrity().ok
    assert MARK not in to_json(stored)
    assert "pii@example.org" not in to_json(stored)
    after = correspondence_log(stored)
    assert [(e.sequence, e.at, e.facts, e.status) for e in after] == [
        (e.sequence, e.at, e.facts, e.status) for e in log
    ]
    assert all(e.content is None for e in after)
    assert [(n.sequence, n.at, n.code) for n in internal_notes(stored)] == [
        (n.sequence, n.at, n.code) for n in notes
    ]
    assert all(n.text is None for n in internal_notes(stored))
    assert erased.version == before.version + 1


class TestChainAndErasure:
    @settings(max_examples=40)
    @given(operations=OPERATIONS)
    def test_in_memory(self, operations):
        """Any notes and messages verify, replay, and erase to no personal text."""
        clock = FixedClock(START)
        handler = ComplaintsHandler(
            InMemoryComplaintRepository(), clock=clock, store=InMemoryHandlerStore()
        )
        _check(handler, operations)

    @settings(max_examples=15)
    @given(operations=OPERATIONS)
    def test_sqlite(self, operations):
        """The same holds on SQLite, with the stored chain and commitments."""
        with tempfile.TemporaryDirectory() as folder:
            repository = SQLiteComplaintRepository(Path(folder) / "c.db")
            store = SQLiteHandlerStore(repository.path)
            handler = ComplaintsHandler(
                repository,
                clock=FixedClock(START + timedelta(days=1)),
                store=store,
            )
            try:
                _check(handler, operations)
            finally:
                store.close()
                repository.close()
