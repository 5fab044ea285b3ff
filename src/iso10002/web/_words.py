"""Deadlines, instants and names in plain words for the pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from iso10002.model import DueDate

__all__ = ["deadline_words", "duration_words", "instant_words", "label"]

_STATES = {
    "met": "met on time",
    "met_late": "met late",
    "paused": "paused while we wait for you",
    "breached": "overdue",
    "at_risk": "due soon",
    "pending": "on track",
}


def label(name: str) -> str:
    """Return a machine name as words: ``final_response`` → ``Final response``."""
    return name.replace("_", " ").replace(".", " ").strip().capitalize()


def instant_words(at: datetime) -> str:
    """Return an instant for people, e.g. ``Wed 9 Dec 2026, 17:00 UTC``."""
    return f"{at:%a} {at.day} {at:%b %Y, %H:%M} UTC"


def duration_words(span: timedelta) -> str:
    """Return a positive duration in its largest whole unit, e.g. ``3 days``."""
    seconds = abs(span.total_seconds())
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "less than a minute"


def deadline_words(due: DueDate, state: str, now: datetime) -> str:
    """Return one sentence about a due date, judged at ``now``."""
    what = label(due.step)
    if due.met_at is not None:
        late = due.met_at - due.due_at
        when = instant_words(due.met_at)
        if state == "met_late":
            return f"{what}: done {when}, {duration_words(late)} late."
        return f"{what}: done {when}, on time."
    left = due.due_at - now
    when = instant_words(due.due_at)
    if state == "breached":
        return f"{what}: overdue by {duration_words(left)} (was due {when})."
    if state == "paused":
        return f"{what}: the clock is paused (due {when} before the pause)."
    return f"{what}: due in {duration_words(left)}, by {when} ({_STATES[state]})."
