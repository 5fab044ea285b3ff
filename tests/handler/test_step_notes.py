"""Free text a step records is personal data: never in the history (issue 14 item 6).

One rule for all free text: the event carries a reason code, the text is a
:class:`~iso10002.model.StepNote` in the complaint's personal ``notes`` —
redacted for an auditor, erased with the rest, left out of exports.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.handler.conftest import AGENT, AUDITOR, DPO, INTAKE, ROOT_CAUSE

from iso10002.errors import ValidationError
from iso10002.handler import ComplaintsHandler
from iso10002.model import StepNote, check_reason_code
from iso10002.principles import PolicyContext
from iso10002.principles.packs import HoldingResponseContent
from iso10002.repositories import InMemoryComplaintRepository
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.serialization import to_dict
from iso10002.testing.strategies import multiline_text, reason_codes

NAME = "Jordan Pryce-Whitaker"
PHONE = "+44 7700 900 123"
REASON = f"Called {NAME} on {PHONE}: still waiting for the bank's records."


def _events_text(complaint) -> str:
    return json.dumps([to_dict(event) for event in complaint.history])


def _opened(handler, form, clock):
    complaint = handler.receive(form, actor=INTAKE, channel="email")
    clock.advance(timedelta(hours=1))
    handler.acknowledge(complaint.id, actor=AGENT)
    clock.advance(timedelta(hours=1))
    return complaint


class TestReasonsAreNotInTheHistory:
    def test_holding_response_reason_is_a_personal_note(
        self, make_handler, form, clock
    ):
        """The event records a reason code; the text is a personal note."""
        handler = make_handler()
        c = _opened(handler, form, clock)
        done = handler.record_holding_response(
            c.id, actor=AGENT, reason=REASON
        ).complaint
        stored = handler.repository.get(c.id)
        assert NAME not in _events_text(stored)
        assert PHONE not in _events_text(stored)
        last = stored.history[-1]
        assert last.data["reason_code"] == "stated"
        assert stored.notes == (
            StepNote(sequence=last.sequence, code="stated", text=REASON),
        )
        assert done.notes == stored.notes

    def test_reason_code_alone_needs_no_note(self, make_handler, form, clock):
        """A reason code is recorded in the event; no note is kept."""
        handler = make_handler()
        c = _opened(handler, form, clock)
        handler.record_holding_response(
            c.id, actor=AGENT, reason_code="awaiting-third-party"
        )
        stored = handler.repository.get(c.id)
        assert stored.history[-1].data["reason_code"] == "awaiting-third-party"
        assert stored.notes == ()

    def test_withdraw_reject_reopen_and_fire_keep_reasons_personal(
        self, make_handler, form, clock, walk
    ):
        """Every step that takes a reason keeps its text out of the events."""
        handler = make_handler()
        one = handler.receive(form, actor=INTAKE, channel="email")
        handler.withdraw(one.id, actor=AGENT, reason=REASON, reason_code="by-phone")
        two = handler.receive(form, actor=INTAKE, channel="email")
        handler.acknowledge(two.id, actor=AGENT)
        handler.assess(two.id, actor=AGENT, category="other")
        handler.reject_as_not_a_complaint(two.id, actor=AGENT, reason=REASON)
        three = handler.receive(form, actor=INTAKE, channel="email")
        walk(handler, three.id, AGENT)
        handler.close(three.id, actor=AGENT, root_cause=ROOT_CAUSE)
        clock.advance(timedelta(days=1))
        handler.reopen(three.id, actor=AGENT, reason=REASON)
        four = handler.receive(form, actor=INTAKE, channel="email")
        handler.fire(four.id, "acknowledge", actor=AGENT, reason=REASON)
        for complaint_id in (one.id, two.id, three.id, four.id):
            stored = handler.repository.get(complaint_id)
            assert NAME not in _events_text(stored)
            assert PHONE not in _events_text(stored)
            (note,) = stored.notes
            assert note.text == REASON
            event = stored.history[note.sequence - 1]
            assert event.data["reason_code"] == note.code
        assert handler.repository.get(one.id).notes[0].code == "by-phone"

    def test_redacted_for_an_auditor(self, make_handler, form, clock):
        """An auditor reads the reason code, never the text; the DPO reads both."""
        handler = make_handler()
        c = _opened(handler, form, clock)
        handler.record_holding_response(c.id, actor=AGENT, reason=REASON)
        seen = handler.get(c.id, actor=AUDITOR)
        assert seen.notes == ()
        assert NAME not in json.dumps(to_dict(seen))
        assert seen.history[-1].data["reason_code"] == "stated"
        assert handler.get(c.id, actor=DPO).notes[0].text == REASON
        exported = list(handler.export(actor=AUDITOR))
        assert NAME not in json.dumps(exported)
        with_personal = list(handler.export(actor=DPO, include_personal_data=True))
        assert NAME in json.dumps(with_personal)

    def test_gone_after_erasure_and_the_chain_verifies(self, make_handler, form, clock):
        """Erasure removes the note; the store still verifies."""
        handler = make_handler()
        c = _opened(handler, form, clock)
        handler.record_holding_response(c.id, actor=AGENT, reason=REASON)
        handler.withdraw(c.id, actor=AGENT, reason=REASON)
        assert handler.repository.verify_integrity().ok
        erased = handler.erase_personal_data(c.id, actor=DPO)
        assert erased.notes == ()
        stored = handler.repository.get(c.id)
        assert NAME not in json.dumps(to_dict(stored))
        assert "notes" in stored.history[-1].data["fields"]
        report = handler.repository.verify_integrity()
        assert report.ok, report.problems

    def test_an_edited_note_is_named_by_verification(self, tmp_path, form, clock):
        """The note is bound by the commitment: editing its text is detected."""
        path = tmp_path / "notes.db"
        repository = SQLiteComplaintRepository(path)
        try:
            handler = ComplaintsHandler(repository, clock=clock)
            c = _opened(handler, form, clock)
            handler.record_holding_response(c.id, actor=AGENT, reason=REASON)
            assert repository.verify_integrity().ok
            with closing(sqlite3.connect(path)) as connection, connection:
                (text,) = connection.execute(
                    "SELECT document FROM complaints WHERE id = ?", (c.id,)
                ).fetchone()
                connection.execute(
                    "UPDATE complaints SET document = ? WHERE id = ?",
                    (text.replace("Called", "Wrote to"), c.id),
                )
            report = repository.verify_integrity()
            # The commitment, and the search index of the note's words.
            assert {p.complaint_id for p in report.problems} == {c.id}
        finally:
            repository.close()


class TestRefused:
    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"reason": " "}, "reason"),
            ({"reason": "a\x00b"}, "reason"),
            ({"reason": "x" * 2001}, "reason"),
            ({"reason_code": f"call {PHONE}"}, "reason_code"),
            ({"reason_code": "Jordan Pryce"}, "reason_code"),
            ({"reason_code": "x" * 65}, "reason_code"),
            ({"reason_code": 7}, "reason_code"),
        ],
    )
    def test_bad_reasons_are_refused_naming_the_field(self, form, clock, kwargs, field):
        """Blank, control or huge text and prose as a code are refused."""
        handler = ComplaintsHandler(InMemoryComplaintRepository(), clock=clock)
        c = handler.receive(form, actor=INTAKE, channel="email")
        with pytest.raises(ValidationError) as caught:
            handler.withdraw(c.id, actor=AGENT, **kwargs)
        assert caught.value.problems[0][0] == field
        assert handler.repository.get(c.id).version == 1

    def test_event_data_from_a_host_may_not_smuggle_a_prose_code(self):
        """A reason code is an identifier, not a sentence."""
        assert check_reason_code("fca.disp.delay-1") == "fca.disp.delay-1"
        with pytest.raises(ValidationError):
            check_reason_code("waiting for Jordan")


class TestHoldingResponsePolicy:
    def test_a_reason_code_gives_the_reason(self, form, clock):
        """DISP 1.6.2R(2)(a): a reason recorded as a code counts as given."""
        handler = ComplaintsHandler(
            InMemoryComplaintRepository(), clock=clock, pack="uk.fca.disp"
        )
        c = _opened(handler, form, clock)
        done = handler.record_holding_response(
            c.id,
            actor=AGENT,
            reason=REASON,
            expected_by=clock.now() + timedelta(days=9),
        ).complaint
        policy = HoldingResponseContent(required=("reason", "expected_by"))
        assert policy.evaluate(done, PolicyContext(now=clock.now())) == []

    def test_rg_271_63_delay_notification_moves_the_limit(self, form, clock):
        """RG 271.63: a delay notification whose reason is a personal note (the
        event records its code) still extends the IDR limit to ``expected_by``."""
        handler = ComplaintsHandler(
            InMemoryComplaintRepository(), clock=clock, pack="au.asic.rg271"
        )
        c = _opened(handler, form, clock)
        before = next(d for d in c.deadlines if d.step == "final_response")
        later = before.due_at + timedelta(days=20)
        done = handler.record_holding_response(
            c.id, actor=AGENT, reason=REASON, expected_by=later
        ).complaint
        final = next(d for d in done.deadlines if d.step == "final_response")
        assert final.due_at >= later > before.due_at


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=multiline_text(max_size=300), code=st.none() | reason_codes())
def test_no_free_text_reaches_the_history(form, clock, text, code):
    """Property: whatever the text, no event carries it; the note holds it."""
    handler = ComplaintsHandler(InMemoryComplaintRepository(), clock=clock)
    c = handler.receive(form, actor=INTAKE, channel="email")
    marked = f"\u2063{text}\u2063"  # a marker no event data holds by itself
    handler.withdraw(c.id, actor=AGENT, reason=marked, reason_code=code)
    stored = handler.repository.get(c.id)
    for event in stored.history:
        assert marked not in json.dumps(to_dict(event), ensure_ascii=False)
    assert stored.notes[0].text == marked
    assert stored.history[-1].data["reason_code"] == (code or "stated")
    seen = handler.get(c.id, actor=AUDITOR)
    assert seen.notes == ()
