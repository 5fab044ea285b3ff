"""Record an imported complaint's facts and due dates in its synthesised history."""

from __future__ import annotations

import attrs

from iso10002.errors import ValidationError
from iso10002.history import (
    FACT_FIELDS,
    fact_value,
    receipt_facts,
    replay_document,
    step_facts,
)
from iso10002.interchange._fields import EVENTS
from iso10002.interchange._row import RowWork
from iso10002.model import Complaint
from iso10002.vocabulary import Meaning

__all__ = ["finished", "with_facts"]

_DECIDING = EVENTS[Meaning.DECIDED.value].name


def with_facts(complaint: Complaint) -> Complaint:
    """Record the complaint's facts in its synthesised history (the record).

    The receipt event states the facts of receipt (and the classification
    and assignee the source gives); the decision event, or the last event
    when the source has none, states the decision and outcome; the last
    event states whatever else the record holds (due dates, links …). The
    fold of the history then gives the document (:mod:`iso10002.history`),
    so ``verify_integrity`` checks imported records like any other, and
    figures as at a past date read the decision from the day it was made.
    """
    history = list(complaint.history)
    first = {
        **receipt_facts(complaint),
        **step_facts(
            {
                name: getattr(complaint, name)
                for name in ("classification", "assignee")
                if getattr(complaint, name) is not None
            }
        ),
    }
    placed = set(first)
    history[0] = attrs.evolve(history[0], data={**history[0].data, **first})
    deciding = next(
        (i for i, e in enumerate(history) if e.name == _DECIDING), len(history) - 1
    )
    decided = step_facts(
        {
            name: getattr(complaint, name)
            for name in ("decision", "outcome")
            if getattr(complaint, name) is not None
        }
    )
    if decided:
        event = history[deciding]
        history[deciding] = attrs.evolve(event, data={**event.data, **decided})
        placed |= set(decided)
    rest = {
        name: getattr(complaint, name)
        for name in FACT_FIELDS
        if name not in placed
        and fact_value(getattr(complaint, name))
        != (replay_document(history[:1]) or {}).get(name)
    }
    if rest:
        last = history[-1]
        history[-1] = attrs.evolve(last, data={**last.data, **step_facts(rest)})
    return attrs.evolve(complaint, history=tuple(history))


def finished(work: RowWork, complaint: Complaint) -> Complaint | None:
    """Add the mapping's due dates, then record every fact in the history."""
    if work.m.pack is not None:
        dated = _with_due_dates(work, complaint)
        if dated is None:
            return None
        complaint = dated
    return with_facts(complaint)


def _with_due_dates(work: RowWork, complaint: Complaint) -> Complaint | None:
    """Project the mapping's pack's due dates, counted from the recorded instants."""
    from iso10002.calendars import WeekdayCalendar  # noqa: PLC0415 - only with a pack
    from iso10002.deadlines import get_pack, project_due_dates  # noqa: PLC0415

    try:
        pack = get_pack(work.m.pack or "", on=complaint.received_at.date())
        calendar = WeekdayCalendar(zone=work.m.zone)
        due = project_due_dates(complaint, pack, calendar)
    except ValidationError as exc:
        work.fail("pack", exc.problems[0][1], column=None)
        return None
    return attrs.evolve(complaint, deadlines=due)
