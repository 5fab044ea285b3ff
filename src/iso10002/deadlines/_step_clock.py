"""One step's clock: an amount counted from a start, with paused time added back."""

from __future__ import annotations

from datetime import datetime, timedelta

from iso10002.calendars import BusinessCalendar
from iso10002.deadlines._counting import Start, due_after, paused_extra
from iso10002.deadlines._measures import Counting, Measure
from iso10002.deadlines._timeline import Timeline

__all__ = ["StepClock"]


class StepClock:
    """One step's clock: counts an amount from the start, adding paused time back."""

    def __init__(  # noqa: PLR0913 - the facts one clock depends on
        self,
        start: Start,
        clock: Counting,
        calendar: BusinessCalendar,
        timeline: Timeline,
        *,
        pausable: bool,
        met_at: datetime | None,
    ) -> None:
        self._start = start
        self._clock = clock
        self._calendar = calendar
        self._timeline = timeline
        self._pausable = pausable
        self._met_at = met_at
        self.paused = False

    def due(
        self, measure: Measure, amount: int, base: datetime | None = None
    ) -> datetime:
        """Return when ``amount`` of ``measure`` falls due, paused time added back."""
        if measure is Measure.WEEKS:
            measure, amount = Measure.CALENDAR_DAYS, amount * 7
        extra_days, extra_time = 0, timedelta(0)
        due = base or due_after(
            self._start, measure, amount, self._clock, self._calendar, extra_time
        )
        if not self._pausable or not self._timeline.pauses:
            return due
        for pause in self._timeline.pauses:
            if pause.start >= due or (
                self._met_at is not None and pause.start >= self._met_at
            ):
                break
            end = pause.end
            if end is None:
                end = self._timeline.horizon or pause.start
                self.paused = self._met_at is None
            if self._met_at is not None:
                end = min(end, self._met_at)
            days, time = paused_extra(measure, pause.start, end, self._calendar)
            extra_days += days
            extra_time += time
            due = due_after(
                self._start,
                measure,
                amount + extra_days,
                self._clock,
                self._calendar,
                extra_time,
            )
        return due
