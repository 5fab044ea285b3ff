"""Keeping the complainant informed (ISO 10002 7.6): progress updates when due.

While a complaint is open and not waiting for the complainant, a progress
update is due once the keep-informed interval (the organisation profile's
``keep_informed_interval``) has passed since the last contact: any event
:func:`~iso10002.deadlines.last_contact` counts (an event that tells the
complainant something, by its meaning in the complaint's workflow, or any
outgoing message). :func:`send_progress_update` renders the
``progress_update`` letter with the deadline state in words and records it
as ``ProgressUpdateSent``, which the ``kept-informed`` policy and the audit
evidence count as a contact.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import attrs

from iso10002.calendars import BusinessCalendar, WeekdayCalendar
from iso10002.communications._letters import Letters
from iso10002.communications._locale import LocaleFormat, catalogue
from iso10002.communications._send import send_letter
from iso10002.communications._slots import _N
from iso10002.deadlines import (
    KEEP_INFORMED_STEP,
    DeadlineState,
    Pack,
    keep_informed_status,
    last_contact,
    status_of_deadlines,
)
from iso10002.handler import Actor, ComplaintsHandler, StepResult
from iso10002.model import Complaint
from iso10002.principles.responsiveness import PAUSED_STATES
from iso10002.repositories import Query

__all__ = [
    "KEEP_INFORMED_STEP",
    "ProgressUpdateDue",
    "deadline_words",
    "due_progress_updates",
    "keep_informed_status",
    "progress_update_due",
    "send_progress_update",
]

_MARGIN = timedelta(days=2)
_WORDS = {
    DeadlineState.PENDING: _N("Our response is due by %(due)s."),
    DeadlineState.AT_RISK: _N(
        "Our response is due by %(due)s, and we are working to meet that date."
    ),
    DeadlineState.PAUSED: _N(
        "The time we have to respond is paused while we wait for information "
        "from you; it was due by %(due)s."
    ),
    DeadlineState.BREACHED: _N(
        "Our response was due by %(due)s. We are sorry that it is late."
    ),
}


@attrs.frozen(kw_only=True)
class ProgressUpdateDue:
    """A complaint whose complainant is due a progress update.

    Attributes:
        complaint_id: The complaint.
        reference: Its reference.
        last_contact: When the complainant last heard from the organisation.
        due_at: When the next update is (or was) due.

    .. versionadded:: 0.2.0
    """

    complaint_id: str
    reference: str
    last_contact: datetime
    due_at: datetime


def progress_update_due(
    complaint: Complaint,
    now: datetime,
    *,
    interval: timedelta | None = None,
    terminal_states: Iterable[str] = (),
    paused_states: Iterable[str] = PAUSED_STATES,
) -> ProgressUpdateDue | None:
    """Tell whether ``complaint``'s complainant is due a progress update at ``now``.

    Args:
        complaint: The complaint.
        now: The instant judged at.
        interval: The longest silence (28 days by default).
        terminal_states: States in which nothing is due (the workflow's).
        paused_states: States in which the organisation waits for the
            complainant.

    Returns:
        The update due, or ``None`` when none is (ended, waiting, or the
        last contact is recent).

    .. versionadded:: 0.2.0
    """
    paused = frozenset(paused_states)
    status = keep_informed_status(
        complaint,
        now,
        interval=interval,
        terminal_states=terminal_states,
        paused_states=paused,
    )
    if status.state is not DeadlineState.BREACHED:
        return None  # ended, waiting, or the last contact is recent
    return ProgressUpdateDue(
        complaint_id=complaint.id,
        reference=complaint.reference,
        last_contact=last_contact(complaint, paused),
        due_at=status.due_at,
    )


def due_progress_updates(
    handler: ComplaintsHandler,
    *,
    actor: Actor | str,
    now: datetime,
    interval: timedelta | None = None,
) -> tuple[ProgressUpdateDue, ...]:
    """List the open complaints ``actor`` may read that are due a progress update.

    Args:
        handler: The complaints handler.
        actor: Who asks (only complaints they may read are examined).
        now: The instant judged at.
        interval: The longest silence (the profile's ``keep_informed_interval``).

    Returns:
        The updates due, oldest last contact first.

    .. versionadded:: 0.2.0
    """
    definition = handler.workflow.definition
    open_states = tuple(
        s for s in definition.state_names if s not in definition.terminal_states
    )
    found = []
    after = None
    while True:
        page = handler.find(
            Query(status_in=open_states), actor=actor, limit=500, after=after
        )
        for complaint in page.items:
            due = progress_update_due(
                complaint,
                now,
                interval=interval,
                terminal_states=definition.terminal_states,
                paused_states=definition.paused_states,
            )
            if due is not None:
                found.append(due)
        if page.next_cursor is None:
            break
        after = page.next_cursor
    return tuple(sorted(found, key=lambda d: (d.last_contact, d.complaint_id)))


def deadline_words(  # noqa: PLR0913 - the deadline and how to say it
    complaint: Complaint,
    now: datetime,
    *,
    pack: Pack,
    calendar: Any,
    locale: str = "en",
    time_zone: str = "UTC",
) -> str | None:
    """Say in words where the complaint's response deadline stands.

    Reads :func:`~iso10002.deadlines.status_of_deadlines` for the last
    deadline of the pack that is not met (the final response's, usually).

    Args:
        complaint: The complaint.
        now: The instant judged at.
        pack: The deadline pack.
        calendar: The business calendar.
        locale: The catalogue and formatting locale.
        time_zone: The organisation's time zone.

    Returns:
        One sentence, or ``None`` when every deadline is met or void.

    .. versionadded:: 0.2.0
    """
    statuses = status_of_deadlines(complaint, now, pack=pack, calendar=calendar)
    open_ones = [s for s in statuses if s.state in _WORDS]
    if not open_ones:
        return None
    status = open_ones[-1]
    gettext = catalogue(locale).gettext
    due = LocaleFormat(locale, time_zone).date(status.due_at)
    text: str = gettext(_WORDS[status.state]) % {"due": due}
    return text


def send_progress_update(  # noqa: PLR0913 - the letter and its context
    handler: ComplaintsHandler,
    letters: Letters,
    complaint_id: str,
    *,
    actor: Actor | str,
    now: datetime,
    calendar: BusinessCalendar | None = None,
    message: str | None = None,
) -> StepResult:
    """Render and record a progress update (``ProgressUpdateSent``), queued for e-mail.

    Args:
        handler: The complaints handler (its pack and calendar give the
            deadline state).
        letters: The letter renderer.
        complaint_id: The complaint.
        actor: Who sends it (reads personal data to address it).
        now: The instant the deadline state is judged at.
        calendar: The business calendar of the handler's pack (Monday to
            Friday by default).
        message: A few words on progress (may hold personal data).

    Returns:
        The handler's result.

    .. versionadded:: 0.2.0
    """
    complaint = handler.get(complaint_id, actor=actor)
    values: dict[str, Any] = {}
    if message is not None:
        values["message"] = message
    if handler.pack is not None:
        locale = letters.locale_for(complaint)
        words = deadline_words(
            complaint,
            now,
            pack=handler.pack,
            calendar=WeekdayCalendar() if calendar is None else calendar,
            locale=locale,
            time_zone=letters.letterhead.time_zone,
        )
        if words is not None:
            values["deadline_words"] = words
    letter = letters.render("progress_update", complaint, values=values)
    return send_letter(
        handler,
        complaint_id,
        letter,
        actor=actor,
        sender=letters.letterhead.sender,
    )
