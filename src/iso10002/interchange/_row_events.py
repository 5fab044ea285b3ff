"""Read the history events a source row attests, each at its column's instant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from iso10002.interchange._fields import EVENTS
from iso10002.interchange._mapping import EventRule
from iso10002.interchange._row import RowWork
from iso10002.interchange._values import CellError, cell_text
from iso10002.vocabulary import StandardState

__all__ = ["attested_events"]


def _flags(
    work: RowWork,
    flags: list[EventRule],
    found: dict[str, tuple[datetime, dict[str, Any]]],
) -> None:
    """Add the flagged events that happened, each at its reference's instant."""
    waiting: list[EventRule] = []
    for rule in flags:
        try:
            text = cell_text(work.row.values.get(rule.column))
        except CellError as exc:
            work.fail(f"events.{rule.event}", str(exc), rule.column)
            continue
        if text in rule.when:
            waiting.append(rule)
    while waiting:  # a flag may take the instant of another flag
        ready = [r for r in waiting if (r.at or "") in found]
        for rule in ready:
            work.assumptions.append(
                f"events.{rule.event}: no instant in the source, {rule.at}'s taken"
            )
            base = found[rule.at or ""][0]
            found[rule.event] = (base, {"instant": "unknown", "instant_of": rule.at})
        if not ready:
            for rule in waiting:
                work.fail(
                    f"events.{rule.event}",
                    f"says the event happened, but the row has no {rule.at} date",
                    rule.column,
                )
            return
        waiting = [r for r in waiting if r not in ready]


def attested_events(
    work: RowWork, received: datetime
) -> list[tuple[str, datetime, dict[str, Any]]]:
    """Return the attested events after receipt: ``(key, instant, data)``."""
    found: dict[str, tuple[datetime, dict[str, Any]]] = {}
    flags: list[EventRule] = []
    for rule in work.m.events:
        if rule.when:
            flags.append(rule)
            continue
        try:
            text = cell_text(work.row.values.get(rule.column))
            if not text:
                continue
            at, day = work.instant(f"events.{rule.event}", text)
        except CellError as exc:
            work.fail(f"events.{rule.event}", str(exc), rule.column)
            continue
        found[rule.event] = (at, {"precision": "day"} if day else {})
    _flags(work, flags, found)
    events = []
    previous, previous_name = received, StandardState.RECEIVED.value
    columns = {r.event: r.column for r in work.m.events}
    for key in EVENTS:
        if key not in found:
            continue
        at, data = found[key]
        if at < previous:
            if work.m.contradictions == "refuse":
                work.fail(
                    f"events.{key}",
                    f"{at:%Y-%m-%d %H:%M} UTC is before {previous_name} "
                    f"({previous:%Y-%m-%d %H:%M} UTC)",
                    columns[key],
                )
                continue
            work.assumptions.append(
                f"events.{key}: earlier than {previous_name} in the source, "
                "kept in order with its instant recorded"
            )
            data = {**data, "source_at": at.isoformat(), "anomaly": "out_of_order"}
            at = previous
        events.append((key, at, data))
        previous, previous_name = at, key
    return events
