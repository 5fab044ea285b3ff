"""Where a step's count starts: receipt, a start event, a restart, an open extension."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from iso10002.deadlines._matches import EventMatch
from iso10002.deadlines._measures import Measure
from iso10002.deadlines._rules import Deadline, Extension
from iso10002.errors import ValidationError

if TYPE_CHECKING:
    from iso10002.calendars import BusinessCalendar
    from iso10002.deadlines._timeline import Timeline
    from iso10002.model import Complaint, HistoryEvent

__all__ = ["Effective", "effective", "first_event", "latest_event", "until_of"]


class Effective:
    """A deadline's rule for one complaint, after its classification overrides."""

    __slots__ = ("amount", "citation", "measure", "restart_by", "starts_at")

    def __init__(
        self,
        measure: Measure,
        amount: int,
        citation: str,
        starts_at: tuple[EventMatch, ...],
        restart_by: tuple[EventMatch, ...],
    ) -> None:
        """Keep the rule's parts."""
        self.measure = measure
        self.amount = amount
        self.citation = citation
        self.starts_at = starts_at
        self.restart_by = restart_by


def effective(deadline: Deadline, complaint: Complaint) -> Effective:
    """Return ``deadline``'s rule for ``complaint``: the first matching override's."""
    classification = complaint.classification
    product = complaint.subject.product
    for override in deadline.overrides:
        when = override.when
        if when.products and product not in when.products:
            continue
        if when.categories or when.tags or when.severities:
            if classification is None:
                continue
            if when.categories and classification.category not in when.categories:
                continue
            if when.severities and classification.severity.value not in when.severities:
                continue
            if when.tags and not set(when.tags) & set(classification.tags):
                continue
        return Effective(
            override.measure or deadline.measure,
            override.amount,
            override.citation or deadline.citation,
            override.starts_at or deadline.starts_at,
            override.restart_by or deadline.restart_by,
        )
    return Effective(
        deadline.measure,
        deadline.amount,
        deadline.citation,
        deadline.starts_at,
        deadline.restart_by,
    )


def first_event(timeline: Timeline, events: tuple[EventMatch, ...]) -> datetime | None:
    """Return when the first event matching ``events`` happened, if one did."""
    for _, event in timeline.events:
        if timeline.matches(events, event):
            return event.at
    return None


def latest_event(
    timeline: Timeline, events: tuple[EventMatch, ...], after: datetime, until: datetime
) -> datetime | None:
    """Return the latest matching event after ``after``, up to ``until``."""
    found = None
    for _, event in timeline.events:
        if event.at > until:
            break
        if event.at > after and timeline.matches(events, event):
            found = event.at
    return found


def until_of(
    index: int, event: HistoryEvent, extension: Extension, calendar: BusinessCalendar
) -> datetime | None:
    """Return the due instant an open extension's trigger names, if it names one.

    Raises:
        ValidationError: naming the history entry, for a value that is neither
            an ISO 8601 date-time with an offset nor a date.
    """
    key = extension.until_key
    if key is None:
        return None
    value: Any = event.data.get(key)
    field = f"history[{index}].data.{key}"
    if not isinstance(value, str):
        raise ValidationError.single(field, "must give the date of the final response")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError.single(
            field, "must be an ISO 8601 date or date-time with a UTC offset"
        ) from None
    if len(value) == len("2026-01-01"):
        return calendar.end_of_day(date.fromisoformat(value))
    if parsed.utcoffset() is None:
        raise ValidationError.single(field, "must carry a UTC offset")
    return parsed
