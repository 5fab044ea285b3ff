"""Where each deadline stands at a given instant: met, pending, at risk, breached."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import attrs

from iso10002.calendars import BusinessCalendar, aware_instant
from iso10002.deadlines._compute import compute_deadlines
from iso10002.deadlines._measures import DeadlineKind
from iso10002.deadlines._pack import Pack
from iso10002.errors import ValidationError
from iso10002.model import Complaint

__all__ = ["DeadlineState", "DeadlineStatus", "status_of_deadlines"]

DEFAULT_MARGIN = timedelta(days=2)


class DeadlineState(str, enum.Enum):
    """Where a deadline stands.

    .. versionadded:: 0.1.0
    """

    MET = "met"
    PENDING = "pending"
    AT_RISK = "at_risk"
    PAUSED = "paused"
    BREACHED = "breached"
    LAPSED = "lapsed"
    VOID = "void"


@attrs.frozen(kw_only=True)
class DeadlineStatus:
    """One step's deadline seen at an instant.

    Args:
        step: The step.
        kind: Limit, target or window.
        state: Met, pending, at risk, paused, breached, lapsed (a window that
            closed unused) or void (no longer applies).
        due_at: When it is due (UTC).
        met_at: When it was met, if it was.
        time_left: Until it is due (pending, at risk, paused).
        overdue_by: How late it is or was met (breached).
        extended: Whether an extension moved it.
        extension_reasons: The recorded reasons for extensions.
        citation: The rule it comes from.

    .. versionadded:: 0.1.0
    """

    step: str
    kind: DeadlineKind
    state: DeadlineState
    due_at: datetime
    met_at: datetime | None = None
    time_left: timedelta | None = None
    overdue_by: timedelta | None = None
    extended: bool = False
    extension_reasons: tuple[str, ...] = ()
    citation: str = ""


def status_of_deadlines(  # noqa: PLR0913 - keyword options with defaults
    complaint: Complaint,
    now: datetime,
    *,
    pack: Pack,
    calendar: BusinessCalendar,
    paused_states: frozenset[str] | None = None,
    margin: timedelta = DEFAULT_MARGIN,
    keep_informed: timedelta | None = None,
) -> tuple[DeadlineStatus, ...]:
    """Say where each of the complaint's deadlines stands at ``now``.

    Only events up to ``now`` count, so the answer for a past instant is what
    was true then. An ongoing pause counts up to ``now``.

    Args:
        complaint: The complaint.
        now: The instant to judge at (timezone-aware).
        pack: The deadline rules.
        calendar: The organisation's business calendar.
        paused_states: Workflow states that stop the clock (by default, the
            paused states of the workflow the complaint ran under).
        margin: A pending deadline due within this is at risk.
        keep_informed: The keep-informed interval (ISO 10002 7.6, e.g. the
            organisation profile's ``keep_informed_interval``): when given,
            the next progress update is listed last, as step
            ``keep_informed`` (see :func:`keep_informed_status`).

    Returns:
        One :class:`DeadlineStatus` per deadline of the pack, in pack order,
        then the keep-informed status when asked for.

    Raises:
        ValidationError: for a naive ``now``, a negative ``margin`` and the
            cases of :func:`compute_deadlines`.

    .. versionadded:: 0.1.0
    """
    aware_instant("now", now)
    if not isinstance(margin, timedelta) or margin < timedelta(0):
        raise ValidationError.single("margin", "must be a non-negative timedelta")
    result = []
    for computed in compute_deadlines(
        complaint, pack, calendar, paused_states=paused_states, now=now
    ):
        window = computed.kind is DeadlineKind.WINDOW
        due, met = computed.due_at, computed.met_at
        time_left: timedelta | None = None
        overdue: timedelta | None = None
        if computed.void_at is not None:
            state = DeadlineState.VOID
        elif met is not None and met <= due:
            state = DeadlineState.MET
        elif met is not None or due < now:
            state = DeadlineState.LAPSED if window else DeadlineState.BREACHED
            if not window:
                overdue = (met or now) - due
        else:
            time_left = due - now
            if computed.paused:
                state = DeadlineState.PAUSED
            elif time_left <= margin:
                state = DeadlineState.AT_RISK
            else:
                state = DeadlineState.PENDING
        result.append(
            DeadlineStatus(
                step=computed.step,
                kind=computed.kind,
                state=state,
                due_at=due,
                met_at=met,
                time_left=time_left,
                overdue_by=overdue,
                extended=computed.extended,
                extension_reasons=computed.extension_reasons,
                citation=computed.citation,
            )
        )
    if keep_informed is not None:
        from iso10002.deadlines._keep_informed import (  # noqa: PLC0415 - it builds on this module
            keep_informed_status,
        )

        result.append(
            keep_informed_status(
                complaint,
                now,
                interval=keep_informed,
                paused_states=paused_states,
                margin=margin,
            )
        )
    return tuple(result)
