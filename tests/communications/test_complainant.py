"""The complainant role: signed expiring links, their own complaint, a few actions."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from iso10002.communications import (
    ComplainantAccess,
    ComplainantLinks,
    ComplainantSession,
    LinkRejected,
    complainant_actor,
    correspondence_log,
)
from iso10002.errors import AccessDenied, ValidationError

from .conftest import AGENT, SYSTEM, make_form

SECRET = "a-long-test-secret-of-32-chars!!"


@pytest.fixture
def setup(make_handler, clock):
    """Return a handler with complainant access, links on the clock, a complaint."""
    handler = make_handler(access=ComplainantAccess())
    links = ComplainantLinks(SECRET, max_age=timedelta(days=7), clock=clock)
    complaint = handler.receive(make_form(), actor=AGENT, channel="web")
    return handler, links, complaint


def _communicated(handler, clock, complaint_id):
    clock.advance(timedelta(hours=1))
    handler.acknowledge(complaint_id, actor=AGENT)
    handler.assess(complaint_id, actor=AGENT, category="billing")
    handler.assign(complaint_id, actor=AGENT, assignee=AGENT.name)
    handler.investigate(complaint_id, actor=AGENT)
    handler.decide(
        complaint_id,
        actor=AGENT,
        outcome="upheld",
        summary="Refunded.",
        reasons="Taken twice.",
        escalation_route="The ombudsman, within six months.",
    )
    handler.communicate_decision(complaint_id, actor=AGENT)


class TestLinks:
    def test_round_trip(self, setup):
        """A token opens a session on the complaint it was made for."""
        handler, links, complaint = setup
        session = ComplainantSession.open(handler, links, links.token(complaint.id))
        assert session.complaint_id == complaint.id
        assert session.actor == complainant_actor(complaint.id)

    def test_expired_link(self, setup, clock):
        """A token older than max_age is refused, naming ``token``."""
        _, links, complaint = setup
        token = links.token(complaint.id)
        clock.advance(timedelta(days=8))
        with pytest.raises(LinkRejected, match="expired") as info:
            links.open(token)
        assert info.value.field == "token"

    @pytest.mark.parametrize(
        "mangle", [lambda t: t[:-2] + "xx", lambda t: "x" + t, str.upper]
    )
    def test_altered_link(self, setup, mangle):
        """An altered token is refused."""
        _, links, complaint = setup
        with pytest.raises(LinkRejected):
            links.open(mangle(links.token(complaint.id)))

    def test_other_secret(self, setup, clock):
        """A token signed with another secret is refused."""
        _, links, complaint = setup
        other = ComplainantLinks("another-secret-of-enough-length", clock=clock)
        with pytest.raises(LinkRejected):
            links.open(other.token(complaint.id))

    def test_short_secret(self):
        """A short secret is refused, naming ``secret``."""
        with pytest.raises(ValidationError) as info:
            ComplainantLinks("short")
        assert info.value.field == "secret"


class TestWhatTheComplainantMayDo:
    def test_status_is_redacted_and_own_only(self, setup):
        """They read their complaint without personal data, and no other one."""
        handler, _, complaint = setup
        other = handler.receive(make_form(), actor=AGENT, channel="web")
        session = ComplainantSession(handler, complaint.id)
        view = session.status()
        assert view.reference == complaint.reference
        assert view.decision is None
        with pytest.raises(AccessDenied):
            handler.get(other.id, actor=session.actor)
        seen = handler.get(complaint.id, actor=session.actor)
        assert seen.complainant.email is None

    def test_reply_is_correspondence_in(self, setup):
        """A reply is recorded as an inbound message; staff see its text."""
        handler, _, complaint = setup
        session = ComplainantSession(handler, complaint.id)
        session.reply("Here is my statement number.")
        (entry,) = correspondence_log(handler.get(complaint.id, actor=SYSTEM))
        assert entry.facts.direction.value == "in"
        assert entry.content is not None
        assert entry.content.body == "Here is my statement number."
        assert session.status().messages[0][1:] == ("in", "reply")

    def test_no_staff_steps(self, setup):
        """The complainant cannot acknowledge, note or erase."""
        handler, _, complaint = setup
        actor = complainant_actor(complaint.id)
        with pytest.raises(AccessDenied):
            handler.acknowledge(complaint.id, actor=actor)
        with pytest.raises(AccessDenied):
            handler.record_note(complaint.id, actor=actor, text="hello")
        with pytest.raises(AccessDenied):
            handler.erase_personal_data(complaint.id, actor=actor)

    def test_accept_and_satisfaction_once(self, setup, clock):
        """They accept the decision and give satisfaction once; a second is refused."""
        handler, _, complaint = setup
        _communicated(handler, clock, complaint.id)
        session = ComplainantSession(handler, complaint.id)
        assert session.status().decision is not None
        session.accept()
        session.record_satisfaction(4, comment="Quick, thanks.")
        with pytest.raises(ValidationError) as info:
            session.record_satisfaction(1)
        assert info.value.field == "satisfaction"
        stored = handler.get(complaint.id, actor=SYSTEM)
        assert stored.satisfaction is not None
        assert stored.satisfaction.score == 4

    def test_reject_goes_to_review(self, setup, clock):
        """Rejecting the decision moves the complaint to internal review."""
        handler, _, complaint = setup
        _communicated(handler, clock, complaint.id)
        done = ComplainantSession(handler, complaint.id).reject()
        assert done.status == "internal_review"

    def test_withdraw(self, setup):
        """They may withdraw their complaint."""
        handler, _, complaint = setup
        done = ComplainantSession(handler, complaint.id).withdraw()
        assert done.status == "withdrawn"


class TestSatisfactionOnceInTheUnitOfWork:
    """The first satisfaction stays; a racing second reply is refused, not saved."""

    ROUNDS = 6

    def _race(self, handler, complaint_id):
        barrier = threading.Barrier(2)
        outcomes: dict[int, object] = {}

        def reply(score: int) -> None:
            session = ComplainantSession(handler, complaint_id)
            barrier.wait(timeout=30)
            try:
                session.record_satisfaction(score)
                outcomes[score] = "recorded"
            except ValidationError as exc:
                outcomes[score] = exc

        threads = [threading.Thread(target=reply, args=(s,)) for s in (2, 5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(t.is_alive() for t in threads)
        return outcomes

    def test_two_racing_replies_keep_the_first(self, setup, clock):
        """Of two replies racing on one complaint, one is recorded and kept."""
        handler, _, _ = setup
        for _ in range(self.ROUNDS):
            complaint = handler.receive(make_form(), actor=AGENT, channel="web")
            _communicated(handler, clock, complaint.id)
            outcomes = self._race(handler, complaint.id)
            winners = [s for s, o in outcomes.items() if o == "recorded"]
            (loser,) = [o for o in outcomes.values() if o != "recorded"]
            assert isinstance(loser, ValidationError)
            assert loser.field == "satisfaction"
            stored = handler.get(complaint.id, actor=SYSTEM)
            recorded = [e for e in stored.history if e.name == "SatisfactionRecorded"]
            assert len(recorded) == 1
            assert stored.satisfaction is not None
            assert [stored.satisfaction.score] == winners

    def test_the_check_runs_on_the_version_saved(self, setup, clock):
        """A reply stored after the check but before the save still wins."""
        handler, _, complaint = setup
        _communicated(handler, clock, complaint.id)
        staff = complainant_actor(complaint.id)
        original = handler.repository.save
        raced: list[bool] = []

        def save_after_a_rival(candidate, *, expected_version):
            if not raced:
                raced.append(True)
                handler.record_satisfaction(
                    complaint.id, actor=staff, score=1, once=True
                )
            return original(candidate, expected_version=expected_version)

        handler.repository.save = save_after_a_rival
        try:
            with pytest.raises(ValidationError) as info:
                ComplainantSession(handler, complaint.id).record_satisfaction(5)
        finally:
            del handler.repository.save
        assert info.value.field == "satisfaction"
        stored = handler.get(complaint.id, actor=SYSTEM)
        assert stored.satisfaction is not None
        assert stored.satisfaction.score == 1

    def test_staff_may_record_again_unless_once(self, setup, clock):
        """Staff keep correcting by default; ``once=True`` refuses a second."""
        handler, _, complaint = setup
        _communicated(handler, clock, complaint.id)
        handler.record_satisfaction(complaint.id, actor=AGENT, score=2, once=True)
        with pytest.raises(ValidationError) as info:
            handler.record_satisfaction(complaint.id, actor=AGENT, score=3, once=True)
        assert info.value.field == "satisfaction"
        handler.record_satisfaction(complaint.id, actor=AGENT, score=4)
        stored = handler.get(complaint.id, actor=SYSTEM)
        assert stored.satisfaction is not None
        assert stored.satisfaction.score == 4
