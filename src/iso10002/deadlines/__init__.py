"""Deadlines as data: rules per step, regulatory packs, due dates derived from history.

A complaint's deadline state is a pure function of its history, a
:class:`Pack` and a :class:`~iso10002.calendars.BusinessCalendar`; the due
dates stored on the complaint are a projection recomputed on every
transition (:func:`project_due_dates`).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.deadlines._compute import (
    DEFAULT_PAUSED_STATES,
    compute_deadlines,
    project_due_dates,
    recompute_due_dates,
)
from iso10002.deadlines._computed import EXTENDED_EVENT, ComputedDeadline
from iso10002.deadlines._docs import pack_table, packs_markdown
from iso10002.deadlines._keep_informed import (
    DEFAULT_KEEP_INFORMED_INTERVAL,
    KEEP_INFORMED_STEP,
    is_contact,
    keep_informed_status,
    last_contact,
)
from iso10002.deadlines._limits import limit_end
from iso10002.deadlines._matches import ClassificationMatch, EventMatch
from iso10002.deadlines._measures import Counting, DeadlineKind, Measure
from iso10002.deadlines._pack import Pack
from iso10002.deadlines._registry import (
    BUILTIN_PACKS,
    get_pack,
    list_packs,
    load_pack,
    register_pack,
)
from iso10002.deadlines._rules import Deadline, Extension, Override
from iso10002.deadlines._selection import (
    REGIME_KEY,
    PackRule,
    PackSelection,
    recorded_pack,
)
from iso10002.deadlines._status import (
    DeadlineState,
    DeadlineStatus,
    status_of_deadlines,
)

__all__ = [
    "BUILTIN_PACKS",
    "DEFAULT_KEEP_INFORMED_INTERVAL",
    "DEFAULT_PAUSED_STATES",
    "EXTENDED_EVENT",
    "KEEP_INFORMED_STEP",
    "REGIME_KEY",
    "ClassificationMatch",
    "ComputedDeadline",
    "Counting",
    "Deadline",
    "DeadlineKind",
    "DeadlineState",
    "DeadlineStatus",
    "EventMatch",
    "Extension",
    "Measure",
    "Override",
    "Pack",
    "PackRule",
    "PackSelection",
    "compute_deadlines",
    "get_pack",
    "is_contact",
    "keep_informed_status",
    "last_contact",
    "limit_end",
    "list_packs",
    "load_pack",
    "pack_table",
    "packs_markdown",
    "project_due_dates",
    "recompute_due_dates",
    "recorded_pack",
    "register_pack",
    "status_of_deadlines",
]

publish(globals())
