"""The ``kpi_keys`` rows of a complaint, counted once and extended by each save.

Each key field's values form runs (a run begins when the value changes); a
run that ended is a ``kpi_keys`` row unless its value is the field's blank.
A save's history is the one before plus new events, so its key changes are
the earlier ones plus new ones. For the last complaints counted (by stored
id) with at least 16 changes the runs and rows are kept, and a count whose
changes extend the kept ones only adds what the new changes end: a step
costs about the same at 300 events as at 20. Rows are numbered field by
field, so when a field other than the last gains a row the rows of the later
fields are numbered again. Any other count (another complaint, a shorter or
different history, other legacy keys, fewer changes) starts afresh; the
result is the same either way.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from iso10002.facts import KEY_FIELDS
from iso10002.repositories._query import to_micros

__all__ = ["Run", "counted_keys"]

Run = tuple[int | None, Any]
"""When a key field's value began (``None``: always) and the value."""

_KEPT = 64
# How many complaints' counts are kept (the most recently counted).
_MIN_CHANGES = 16
# Fewer changes are counted afresh, and not kept: quicker than keeping them.


class _Count(NamedTuple):
    """One complaint's count: what it was counted from, and what it gave."""

    key: tuple[Any, int]
    encode: Callable[[Any], Any]
    first: tuple[Any, ...] | None
    changes: list[Any]
    runs: tuple[tuple[Run, ...], ...]
    bodies: tuple[tuple[tuple[Any, ...], ...], ...]
    rows: list[tuple[Any, ...]]


_counts: dict[Any, _Count] = {}
_lock = threading.Lock()


def _extend(runs: list[list[Run]], changes: Sequence[Any]) -> None:
    """Add to ``runs`` what ``changes`` (time, key values) begin."""
    for at, keys in changes:
        micros = None
        for field_runs, value in zip(runs, keys, strict=True):
            if not field_runs or field_runs[-1][1] != value:
                if micros is None:
                    micros = to_micros(at)
                field_runs.append((micros, value))


def _bodies(
    field: int,
    runs: Sequence[Run],
    blanks: Sequence[Any],
    encoded: dict[Any, Any],
    encode: Callable[[Any], Any],
) -> list[tuple[Any, ...]]:
    """Return the rows (without id, number and receipt) of the runs that ended."""
    name, blank = KEY_FIELDS[field], blanks[field]
    found = []
    for (start, value), (until, _) in itertools.pairwise(runs):
        if value != blank and until is not None:
            stored = encoded.get(value)
            if stored is None:
                stored = encoded[value] = encode(value)
            found.append((name, start, until, stored))
    return found


def _kept(
    complaint_key: tuple[Any, int],
    encode: Callable[[Any], Any],
    first: tuple[Any, ...] | None,
    changes: list[Any],
) -> _Count | None:
    """Return the kept count ``changes`` extend, if there is one."""
    with _lock:
        found = _counts.get(complaint_key[0])
    if (
        found is None
        or found.key != complaint_key
        or found.encode is not encode
        or found.first != first
        or len(found.changes) > len(changes)
        or changes[: len(found.changes)] != found.changes
    ):
        return None
    return found


def counted_keys(
    complaint_key: tuple[Any, int],
    first: tuple[Any, ...] | None,
    changes: list[Any],
    blanks: Sequence[Any],
    encode: Callable[[Any], Any],
) -> tuple[tuple[int | None, ...], list[tuple[Any, ...]]]:
    """Return when each current key began and the ``kpi_keys`` rows.

    Args:
        complaint_key: The complaint id as stored and its receipt (µs).
        first: The keys before the first recorded change (a legacy
            history's, from its document), or ``None``.
        changes: The key changes, in order: (time, one value per field).
        blanks: Each field's blank value, which no row is kept for.
        encode: Turns a key value into its stored form.
    """
    keep = len(changes) >= _MIN_CHANGES
    found = _kept(complaint_key, encode, first, changes) if keep else None
    encoded: dict[Any, Any] = {}
    if found is None:
        runs: list[list[Run]] = [[] for _ in KEY_FIELDS]
        if first is not None:
            for field_runs, value in zip(runs, first, strict=True):
                field_runs.append((None, value))
        _extend(runs, changes)
        bodies = [
            _bodies(i, field_runs, blanks, encoded, encode)
            for i, field_runs in enumerate(runs)
        ]
        renumber_from, rows = 0, []
    else:
        runs = [list(field_runs) for field_runs in found.runs]
        _extend(runs, changes[len(found.changes) :])
        bodies, renumber_from = [], len(KEY_FIELDS)
        for i, field_runs in enumerate(runs):
            ended = max(len(found.runs[i]) - 1, 0)  # its last kept run went on
            new = _bodies(i, field_runs[ended:], blanks, encoded, encode)
            if new and renumber_from == len(KEY_FIELDS):
                renumber_from = i
            bodies.append([*found.bodies[i], *new])
        # The kept rows of the fields before the first that gained rows,
        # and that field's kept rows, keep their numbers.
        last = min(renumber_from + 1, len(KEY_FIELDS))
        rows = found.rows[: sum(len(found.bodies[i]) for i in range(last))]
    cid, received = complaint_key
    seq = len(rows)
    for i in range(renumber_from, len(KEY_FIELDS)):
        start = len(found.bodies[i]) if found is not None and i == renumber_from else 0
        for body in bodies[i][start:]:
            rows.append((cid, seq, received, *body))
            seq += 1
    since = tuple(field_runs[-1][0] if field_runs else None for field_runs in runs)
    if not keep:
        return since, rows
    count = _Count(
        complaint_key,
        encode,
        first,
        list(changes),
        tuple(map(tuple, runs)),
        tuple(map(tuple, bodies)),
        rows,
    )
    with _lock:
        _counts.pop(cid, None)
        _counts[cid] = count
        while len(_counts) > _KEPT:
            del _counts[next(iter(_counts))]
    return since, list(rows)
