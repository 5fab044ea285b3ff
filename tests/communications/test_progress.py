"""Keeping the complainant informed: progress updates fall due and are counted."""

from __future__ import annotations

from datetime import timedelta

from iso10002.calendars import WeekdayCalendar
from iso10002.communications import (
    KEEP_INFORMED_STEP,
    PROGRESS_EVENT,
    Letterhead,
    Letters,
    correspondence_log,
    deadline_words,
    due_progress_updates,
    keep_informed_status,
    progress_update_due,
    send_progress_update,
)
from iso10002.deadlines import DeadlineState, get_pack
from iso10002.model import MessageContent
from iso10002.principles import PolicyContext, policies_for

from .conftest import AGENT, SYSTEM, make_form

LETTERS = Letters(Letterhead(organisation="Example Bank", time_zone="Europe/London"))
KEPT_INFORMED = policies_for("iso10002:2018")["iso10002.responsiveness.kept-informed"]


def _open(handler, clock, language="en-GB"):
    c = handler.receive(make_form(language=language), actor=AGENT, channel="email")
    clock.advance(timedelta(hours=2))
    handler.acknowledge(c.id, actor=AGENT)
    return c


class TestDue:
    def test_due_after_the_interval_and_not_before(self, make_handler, clock):
        """An update falls due once the interval has passed since the last contact."""
        handler = make_handler()
        c = _open(handler, clock)
        acknowledged = clock.now()
        clock.advance(timedelta(days=27))
        assert due_progress_updates(handler, actor=AGENT, now=clock.now()) == ()
        clock.advance(timedelta(days=2))
        (due,) = due_progress_updates(handler, actor=AGENT, now=clock.now())
        assert (due.complaint_id, due.last_contact) == (c.id, acknowledged)
        assert due.due_at == acknowledged + timedelta(days=28)

    def test_sent_update_is_a_contact(self, make_handler, clock):
        """A progress update resets the silence and satisfies the kept-informed rule."""
        handler = make_handler(pack="uk.fca.disp")
        c = _open(handler, clock)
        clock.advance(timedelta(days=29))
        stored = handler.repository.get(c.id)
        assert KEPT_INFORMED.evaluate(stored, PolicyContext(now=clock.now()))
        result = send_progress_update(
            handler,
            LETTERS,
            c.id,
            actor=AGENT,
            now=clock.now(),
            message="We asked the card scheme.",
        )
        assert result.events[0].name == PROGRESS_EVENT
        (entry,) = correspondence_log(result.complaint)
        assert entry.content is not None
        assert "Our response is due by" in (entry.content.body or "")
        assert "We asked the card scheme." in (entry.content.body or "")
        assert entry.facts.kind == "progress_update"
        assert due_progress_updates(handler, actor=AGENT, now=clock.now()) == ()
        later = PolicyContext(now=clock.now() + timedelta(days=1))
        stored = handler.repository.get(c.id)
        findings = KEPT_INFORMED.evaluate(stored, later)
        assert len(findings) == 1
        assert "29 days" in findings[0].message

    def test_nothing_due_while_waiting_for_the_complainant(self, make_handler, clock):
        """While awaiting the complainant, no update is due."""
        handler = make_handler()
        c = _open(handler, clock)
        handler.assess(c.id, actor=AGENT, category="billing")
        handler.request_information(c.id, actor=AGENT)
        clock.advance(timedelta(days=60))
        complaint = handler.repository.get(c.id)
        definition = handler.workflow.definition
        assert (
            progress_update_due(
                complaint,
                clock.now(),
                paused_states=definition.paused_states,
                terminal_states=definition.terminal_states,
            )
            is None
        )

    def test_auditor_sees_only_what_it_may_read(self, make_handler, clock):
        """The list holds only complaints the actor may read."""
        handler = make_handler()
        _open(handler, clock)
        clock.advance(timedelta(days=40))
        assert due_progress_updates(handler, actor=SYSTEM, now=clock.now())
        assert due_progress_updates(handler, actor="nobody", now=clock.now()) == ()


class TestKeepInformedStatus:
    def test_states_over_time(self, make_handler, clock):
        """Pending, at risk, breached, then pending again after an update."""
        handler = make_handler()
        c = _open(handler, clock)
        definition = handler.workflow.definition

        def status():
            return keep_informed_status(
                handler.repository.get(c.id),
                clock.now(),
                terminal_states=definition.terminal_states,
                paused_states=definition.paused_states,
            )

        assert status().state is DeadlineState.PENDING
        assert status().step == KEEP_INFORMED_STEP
        clock.advance(timedelta(days=27))
        assert status().state is DeadlineState.AT_RISK
        clock.advance(timedelta(days=2))
        late = status()
        assert late.state is DeadlineState.BREACHED
        assert late.overdue_by == timedelta(days=1)
        handler.record_correspondence(
            c.id,
            actor=AGENT,
            direction="out",
            channel="letter",
            content=MessageContent(body="Still on it."),
        )
        assert status().state is DeadlineState.PENDING
        handler.assess(c.id, actor=AGENT, category="billing")
        handler.request_information(c.id, actor=AGENT)
        assert status().state is DeadlineState.PAUSED
        handler.withdraw(c.id, actor=AGENT)
        assert status().state is DeadlineState.VOID


class TestDeadlineWords:
    def test_french_words_for_a_pending_deadline(self, make_handler, clock):
        """The deadline state reads in French, dated in the firm's zone."""
        handler = make_handler(pack="uk.fca.disp")
        c = _open(handler, clock, language="fr")
        complaint = handler.repository.get(c.id)
        words = deadline_words(
            complaint,
            clock.now(),
            pack=get_pack("uk.fca.disp"),
            calendar=WeekdayCalendar(zone="Europe/Paris"),
            locale="fr",
            time_zone="Europe/Paris",
        )
        assert words == "Notre réponse est attendue au plus tard le 27 avril 2026."

    def test_breached_deadline_apologises(self, make_handler, clock):
        """A passed deadline is said to be late."""
        handler = make_handler(pack="uk.fca.disp")
        c = _open(handler, clock)
        clock.advance(timedelta(weeks=9))
        words = deadline_words(
            handler.repository.get(c.id),
            clock.now(),
            pack=get_pack("uk.fca.disp"),
            calendar=WeekdayCalendar(),
        )
        assert words is not None
        assert "We are sorry that it is late." in words
