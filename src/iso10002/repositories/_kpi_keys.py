"""The keys of one complaint "as at" any instant: when each began, and earlier ones.

The KPIs group complaints by category, subcategory, product, root cause and
handler (:data:`iso10002.facts.KEY_FIELDS`). These can change (a complaint is
assessed, reassigned, given a root cause on closing), and the KPIs as at an
instant use the values in force then. ``kpi_facts`` keeps each current key
and when it began (``<field>_us``, ``NULL``: always); ``kpi_keys`` the earlier
values of each field over their spans, except a field's blank value (no
classification, product, root cause or handler), which a missing row stands
for.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

from iso10002.facts import (
    KEY_FIELDS,
    NO_CLASS,
    NO_PRODUCT,
    UNASSIGNED,
    HistoryFacts,
    key_facts,
)
from iso10002.model import Complaint
from iso10002.repositories._query import to_micros

__all__ = ["BLANKS", "KEY_COLUMNS", "SINCE_COLUMNS", "KeySql", "key_rows"]

SINCE_COLUMNS = tuple(f"{field}_us" for field in KEY_FIELDS)
"""The ``kpi_facts`` columns telling when each current key began."""

KEY_COLUMNS = (
    "complaint_id",
    "seq",
    "received_us",
    "field",
    "from_us",
    "until_us",
    "value",
)
"""Columns of ``kpi_keys``: an earlier value of one key field, over its span."""

Run = tuple[int | None, Any]
"""When a key field's value began (``None``: always) and the value."""

BLANKS: tuple[str | None, ...] = (NO_CLASS, NO_CLASS, NO_PRODUCT, None, UNASSIGNED)
"""Each key field's value when nothing is recorded (a missing ``kpi_keys`` row)."""


def key_rows(
    complaint: Complaint,
    scan: HistoryFacts,
    key: tuple[Any, int],
    encode: Any,
) -> tuple[tuple[int | None, ...], list[tuple[Any, ...]]]:
    """Return the ``<field>_us`` values and the ``kpi_keys`` rows of a complaint.

    Args:
        complaint: The complaint (its document gives a legacy history's keys
            before its first recorded facts).
        scan: Its history, read whole.
        key: The complaint id as stored and its receipt in microseconds.
        encode: Turns a key text into its stored form.
    """
    changes = scan.key_changes
    since: list[int | None] = []
    rows: list[tuple[Any, ...]] = []
    # A legacy history's keys before its first recorded facts are the
    # document's, as analysis reads them.
    first = (
        key_facts(
            complaint.classification,
            complaint.subject,
            complaint.root_cause,
            complaint.assignee,
        )
        if scan.legacy
        else None
    )
    runs = _field_runs(key[0], first, changes)
    encoded: dict[Any, Any] = {}
    for i, field in enumerate(KEY_FIELDS):
        field_runs = runs[i]
        since.append(field_runs[-1][0] if field_runs else None)
        blank = BLANKS[i]
        for (start, value), (until, _) in itertools.pairwise(field_runs):
            if value != blank and until is not None:
                stored = encoded.get(value)
                if stored is None:
                    stored = encoded[value] = encode(value)
                rows.append((key[0], len(rows), key[1], field, start, until, stored))
    return tuple(since), rows


_RUNS = 64
# How many complaints' runs are remembered (the most recently computed).
_runs: dict[Any, tuple[Any, list[Any], tuple[tuple[Run, ...], ...]]] = {}
_runs_lock = threading.Lock()


def _field_runs(
    complaint_id: Any, first: tuple[Any, ...] | None, changes: list[Any]
) -> list[list[Run]]:
    """Return each key field's runs of equal values, a run starting at a change.

    A save's history is the one before plus new events, so its changes are
    the earlier changes plus new ones: the runs of the earlier ones (of the
    last complaints computed, by id) are extended by the new ones only.
    """
    with _runs_lock:
        found = _runs.get(complaint_id)
    done = 0
    if (
        found is not None
        and found[0] == first
        and len(found[1]) <= len(changes)
        and changes[: len(found[1])] == found[1]
    ):
        runs = [list(field_runs) for field_runs in found[2]]
        done = len(found[1])
    else:
        runs = [[] for _ in KEY_FIELDS]
        if first is not None:
            for field_runs, value in zip(runs, first, strict=True):
                field_runs.append((None, value))
    for at, keys in changes[done:]:
        micros = None
        for field_runs, value in zip(runs, keys, strict=True):
            if not field_runs or field_runs[-1][1] != value:
                if micros is None:
                    micros = to_micros(at)
                field_runs.append((micros, value))
    entry = (first, list(changes), tuple(map(tuple, runs)))
    with _runs_lock:
        _runs.pop(complaint_id, None)
        _runs[complaint_id] = entry
        while len(_runs) > _RUNS:
            del _runs[next(iter(_runs))]
    return runs


class KeySql:
    """SQL over a ``kpi_facts`` row (alias ``row``): a key field as at ``as_of``.

    The current key (the row's own column) holds from ``<field>_us`` on;
    before it, the ``kpi_keys`` span covering ``as_of``, and ``NULL`` (the
    field's blank, see :data:`BLANKS`) when none does. The sub-select runs
    only for rows whose key changed after ``as_of``.
    """

    def __init__(self, row: str, keys: str, as_of: int) -> None:
        """Compose for ``row`` (a table alias) as at ``as_of``."""
        self.row = row
        self.keys = keys
        self.as_of = int(as_of)

    def at(self, field: str) -> str:
        """Return the stored key ``field`` in force at ``as_of``."""
        if field not in KEY_FIELDS:  # pragma: no cover - fixed names only
            msg = f"unknown key field {field!r}"
            raise ValueError(msg)
        r, a = self.row, self.as_of
        return (
            f"CASE WHEN {r}.{field}_us IS NULL OR {r}.{field}_us <= {a}"  # noqa: S608 - fixed names and integer literals
            f" THEN {r}.{field} ELSE (SELECT k.value FROM {self.keys} k"
            f" WHERE k.complaint_id = {r}.complaint_id AND k.field = '{field}'"
            f" AND (k.from_us IS NULL OR k.from_us <= {a}) AND k.until_us > {a}) END"
        )
