"""One complaint's life that adds and changes rows of every KPI child table.

Reassigned ``assignments`` times, decided, closed, reopened and decided
again with one remedy fewer: the PostgreSQL KPI tests store it step by step
and compare what is stored with what the complaint gives.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from iso10002.handler import Actor
from iso10002.model import Remedy, RemedyKind, RootCause

AGENT = Actor("agent:1", roles={"complaints-manager"})
CAUSE = RootCause(category="billing run", corrective_action="CAPA-1")


def run_script(
    handler: Any,
    clock: Any,
    complaint_id: str,
    *,
    assignments: int,
    check: Callable[[], None] = lambda: None,
) -> None:
    """Step the received complaint through its life; ``check`` after each step."""
    cid = complaint_id
    handler.acknowledge(cid, actor=AGENT)
    check()
    handler.assess(cid, actor=AGENT, category="billing")
    check()
    for i in range(assignments):
        clock.advance(timedelta(minutes=5))
        handler.assign(cid, actor=AGENT, assignee=f"agent:{2 + i % 3}\u00e9")
        check()
    for round_ in range(2):  # decided, closed, reopened, decided again
        clock.advance(timedelta(hours=1))
        if round_:  # a reopened complaint is under investigation again
            handler.reopen(cid, actor=AGENT, reason="The refund never arrived.")
        else:
            handler.investigate(cid, actor=AGENT)
        check()
        handler.decide(
            cid,
            actor=AGENT,
            outcome="upheld",
            summary="Refunded.",
            reasons="Charged twice.",
            escalation_route="You may refer this to the ombudsman.",
            remedies=[
                Remedy(
                    kind=RemedyKind.REFUND,
                    amount=Decimal("12.50") * (round_ + 1),
                    currency="GBP",
                ),
                Remedy(kind=RemedyKind.APOLOGY),
            ][: 2 - round_],
        )
        check()
        handler.communicate_decision(cid, actor=AGENT)
        check()
        handler.close(cid, actor=AGENT, root_cause=CAUSE)
        check()
