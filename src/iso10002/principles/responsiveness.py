"""Responsiveness (ISO 10002:2018 clause 4.6; 2014 clause 4.4).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

import attrs

from iso10002.deadlines import is_contact, last_contact
from iso10002.errors import ValidationError
from iso10002.model import PROGRESS_EVENT, Complaint
from iso10002.principles._base import (
    BasePolicy,
    check_id,
    deadline_problem,
    is_open,
    names,
    profile_of,
    to_frozenset,
    to_severity,
)
from iso10002.principles._policy import Finding, FindingSeverity, PolicyContext
from iso10002.principles._principle import Principle
from iso10002.principles._profile import DEFAULT_KEEP_INFORMED_INTERVAL
from iso10002.principles.accessibility import reachable
from iso10002.vocabulary import (
    STANDARD_VOCABULARY,
    Meaning,
    standard_event,
    vocabulary_for,
)

__all__ = ["CONTACT_EVENTS", "PAUSED_STATES", "AcknowledgedOnTime", "KeptInformed"]

CONTACT_EVENTS = frozenset(
    {
        *(
            standard_event(m)
            for m in (
                Meaning.ACKNOWLEDGED,
                Meaning.HOLDING_RESPONSE,
                Meaning.INFORMATION_REQUESTED,
                Meaning.COMMUNICATED,
                Meaning.CLOSED,
            )
        ),
        PROGRESS_EVENT,
    }
)
"""The standard names of the events that tell the complainant something.

:class:`KeptInformed` counts contacts by meaning in the complaint's own
workflow (:func:`~iso10002.deadlines.is_contact`), so a renamed event counts
and an event merely called like one of these does not; this set is kept for
hosts that list names of their own.
"""

PAUSED_STATES = STANDARD_VOCABULARY.paused_states
"""States in which the organisation waits for the complainant."""


@attrs.frozen(kw_only=True)
class AcknowledgedOnTime(BasePolicy):
    """Check the acknowledgement against its due date.

    Reads the complaint's own projection ``complaint.deadlines`` (the
    ``DueDate`` whose step is one of ``steps``): met after ``due_at`` is late;
    unmet while open after ``due_at`` is overdue.

    Args:
        id: The policy id.
        steps: Names of acknowledgement steps in the deadline projection.
        severity: Severity of a late or overdue acknowledgement.
        edition: The edition findings are reported under.

    .. versionadded:: 0.1.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.RESPONSIVENESS
    SUMMARY: ClassVar[str] = (
        "The complaint is acknowledged by its acknowledgement due date."
    )

    id: str = attrs.field(
        default="iso10002.responsiveness.acknowledged-on-time", validator=check_id
    )
    steps: frozenset[str] = attrs.field(
        default=frozenset({"acknowledge", "acknowledgement"}),
        converter=to_frozenset,
        validator=names,
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.WARNING, converter=to_severity
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report a late or overdue acknowledgement.

        Args:
            complaint: The complaint (its ``deadlines`` are checked).
            context: Supplies ``now``.

        Returns:
            One finding per acknowledgement due date missed.
        """
        found = []
        for due in complaint.deadlines:
            if due.step not in self.steps:
                continue
            problem = deadline_problem(due, context.now, still_open=is_open(complaint))
            if problem is None:
                continue
            found.append(
                self.finding(
                    f"acknowledgement-{problem}",
                    self.severity,
                    f"The acknowledgement is {problem}: it was due at "
                    f"{due.due_at.isoformat()}.",
                    step=due.step,
                    due_at=due.due_at.isoformat(),
                    met_at=due.met_at.isoformat() if due.met_at else None,
                )
            )
        return found


def _interval(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (
        not isinstance(value, timedelta) or value <= timedelta(0)
    ):
        raise ValidationError.single(attribute.name, "must be a positive timedelta")


@attrs.frozen(kw_only=True)
class KeptInformed(BasePolicy):
    """Check that the complainant is never left without news for too long.

    Walks the history with the one definition of a contact that
    :func:`~iso10002.deadlines.last_contact` and the keep-informed deadline
    status use (:func:`~iso10002.deadlines.is_contact`: an outgoing message,
    or an acknowledgement, holding response, request for information,
    decision or closing by its meaning in the complaint's workflow); time in
    a paused or terminal state does not count. Each silence longer than the
    interval (this policy's ``interval``, else the profile's
    ``keep_informed_interval``, else 28 days) is reported, including the
    current one for an open complaint, which starts at
    :func:`~iso10002.deadlines.last_contact`. A complainant the organisation
    cannot reach (no contact details, see ``ContactDetailsKnown``) is not
    checked.

    Args:
        id: The policy id.
        interval: The longest allowed silence (overrides the profile).
        contact_events: Further event names of the host's own that count as
            telling the complainant (none by default).
        severity: Severity of a long silence.
        edition: The edition findings are reported under.

    Raises:
        ValidationError: if ``interval`` is not a positive timedelta.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Counts contacts as :func:`~iso10002.deadlines.last_contact` does (by
       meaning, letters included); ``contact_events`` adds to that.
    """

    PRINCIPLE: ClassVar[Principle] = Principle.RESPONSIVENESS
    SUMMARY: ClassVar[str] = (
        "The complainant hears from the organisation at least once per "
        "keep-informed interval while the complaint is open."
    )

    id: str = attrs.field(
        default="iso10002.responsiveness.kept-informed", validator=check_id
    )
    interval: timedelta | None = attrs.field(default=None, validator=_interval)
    contact_events: frozenset[str] = attrs.field(
        default=frozenset(), converter=to_frozenset, validator=names
    )
    severity: FindingSeverity = attrs.field(
        default=FindingSeverity.WARNING, converter=to_severity
    )

    def _limit(self, context: PolicyContext) -> timedelta:
        if self.interval is not None:
            return self.interval
        profile = profile_of(context)
        return (
            profile.keep_informed_interval
            if profile
            else DEFAULT_KEEP_INFORMED_INTERVAL
        )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Report each silence longer than the keep-informed interval.

        Args:
            complaint: The complaint (its history is walked).
            context: Supplies ``now`` and, optionally, the profile.

        Returns:
            One finding per silence that was too long.
        """
        if not reachable(complaint):
            return []  # said once by ContactDetailsKnown
        limit = self._limit(context)
        gaps: list[tuple[datetime, datetime]] = []
        since: datetime | None = complaint.received_at
        vocabulary = vocabulary_for(complaint.workflow)
        stops = vocabulary.paused_states | vocabulary.terminal_states
        for event in complaint.history[1:]:
            contact = (
                is_contact(event.name, vocabulary) or event.name in self.contact_events
            )
            if since is not None and contact:
                gaps.append((since, event.at))
            if event.to_state in stops:
                since = None
            elif contact or (since is None and event.to_state is not None):
                since = event.at
        waiting = complaint.status in vocabulary.paused_states or not is_open(complaint)
        if since is not None and not waiting:
            # The current silence is the one the keep-informed status measures.
            since = max(since, last_contact(complaint, vocabulary.paused_states))
            if context.now > since:
                gaps.append((since, context.now))
        return [
            self.finding(
                "complainant-not-kept-informed",
                self.severity,
                f"The complainant heard nothing for {(end - start).days} days, "
                f"longer than the {limit.days}-day keep-informed interval.",
                silent_from=start.isoformat(),
                silent_until=end.isoformat(),
                interval_days=limit.total_seconds() / 86400,
            )
            for start, end in gaps
            if end - start > limit
        ]
