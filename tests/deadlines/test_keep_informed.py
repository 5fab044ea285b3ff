"""Keeping the complainant informed (7.6), listed with the deadlines (issue 19)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from iso10002.calendars import WeekdayCalendar
from iso10002.deadlines import (
    KEEP_INFORMED_STEP,
    DeadlineState,
    get_pack,
    keep_informed_status,
    status_of_deadlines,
)
from iso10002.errors import ValidationError
from iso10002.testing.contract import make_complaint, next_version

WEEK = timedelta(weeks=1)
CALENDAR = WeekdayCalendar(zone="UTC")


def _statuses(complaint, now):
    return status_of_deadlines(
        complaint,
        now,
        pack=get_pack("iso10002"),
        calendar=CALENDAR,
        keep_informed=4 * WEEK,
    )


def test_the_next_update_is_listed_last_and_breaches_after_the_interval():
    complaint = make_complaint(1)
    start = complaint.received_at
    soon = _statuses(complaint, start + WEEK)
    assert soon[-1].step == KEEP_INFORMED_STEP
    assert soon[-1].state is DeadlineState.PENDING
    assert soon[-1].due_at == start + 4 * WEEK
    late = _statuses(complaint, start + 5 * WEEK)[-1]
    assert late.state is DeadlineState.BREACHED
    assert late.overdue_by == WEEK
    assert [s.step for s in soon[:-1]] == [
        s.step
        for s in status_of_deadlines(
            complaint, start + WEEK, pack=get_pack("iso10002"), calendar=CALENDAR
        )
    ]


def test_a_contact_restarts_the_silence_and_an_end_voids_it():
    complaint = make_complaint(1)
    start = complaint.received_at
    told = next_version(
        complaint,
        name="ProgressUpdateSent",
        at=start + 3 * WEEK,
    )
    status = keep_informed_status(told, start + 5 * WEEK, interval=4 * WEEK)
    assert status.state is DeadlineState.PENDING
    assert status.due_at == start + 7 * WEEK
    waiting = next_version(
        told,
        name="InformationRequested",
        at=start + 4 * WEEK,
        status="awaiting_complainant",
    )
    assert (
        keep_informed_status(waiting, start + 9 * WEEK, interval=4 * WEEK).state
        is DeadlineState.PAUSED
    )
    closed = next_version(
        told, name="ComplaintClosed", at=start + 6 * WEEK, status="closed"
    )
    status = keep_informed_status(closed, start + 20 * WEEK, interval=4 * WEEK)
    assert status.state is DeadlineState.VOID


def test_a_bad_interval_is_named():
    with pytest.raises(ValidationError) as caught:
        keep_informed_status(
            make_complaint(1), make_complaint(1).received_at, interval=timedelta(0)
        )
    assert caught.value.field == "interval"
