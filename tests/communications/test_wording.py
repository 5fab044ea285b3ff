"""The wording policy reads the final response letter once one is recorded."""

from __future__ import annotations

from datetime import timedelta

from iso10002.communications import Letterhead, Letters, message_id, send_letter
from iso10002.model import MessageContent
from iso10002.principles import PolicyContext, policies_for

from .conftest import AGENT, make_form

WORDING = policies_for("uk.fca.disp")["uk.fca.disp.escalation-route-wording"]
LETTERS = Letters(
    Letterhead(organisation="Example Bank", values={"waiver_consent": False})
)


def _decided(handler, clock, route):
    c = handler.receive(make_form(), actor=AGENT, channel="email")
    clock.advance(timedelta(hours=1))
    handler.acknowledge(c.id, actor=AGENT)
    handler.assess(c.id, actor=AGENT, category="billing")
    handler.assign(c.id, actor=AGENT, assignee=AGENT.name)
    clock.advance(timedelta(days=1))
    handler.investigate(c.id, actor=AGENT)
    handler.decide(
        c.id,
        actor=AGENT,
        outcome="upheld",
        summary="We refunded the second payment.",
        reasons="It was taken twice.",
        escalation_route=route,
    )
    return c.id


def _findings(handler, cid, clock):
    context = PolicyContext(now=clock.now())
    return WORDING.evaluate(handler.repository.get(cid), context)


class TestFinalResponseWording:
    def test_letter_with_wording_satisfies_the_rule(self, make_handler, clock):
        """A checked FCA letter satisfies the rule though the route field is vague."""
        handler = make_handler(pack="uk.fca.disp")
        cid = _decided(handler, clock, "Write to us again.")
        assert _findings(handler, cid, clock)
        full = handler.repository.get(cid)
        letter = LETTERS.render("final_response", full, pack="uk.fca.disp")
        sent = send_letter(handler, cid, letter, actor=AGENT)
        assert message_id(sent)
        assert _findings(handler, cid, clock) == []
        done = handler.communicate_decision(cid, actor=AGENT).complaint
        assert done.status == "decision_communicated"

    def test_letter_without_wording_is_found(self, make_handler, clock):
        """A final response letter lacking the wording is a finding."""
        handler = make_handler(pack="uk.fca.disp")
        route = "You may refer this to the ombudsman within six months."
        cid = _decided(handler, clock, route)
        assert _findings(handler, cid, clock) == []
        handler.record_correspondence(
            cid,
            actor=AGENT,
            direction="out",
            channel="email",
            kind="final_response",
            content=MessageContent(body="We refunded you. Goodbye."),
        )
        (finding,) = _findings(handler, cid, clock)
        assert "final response letter does not mention" in finding.message
