"""The policy findings and provenance of the review pack, stored and counted in SQL.

Shared by the SQL adapters, like :mod:`._kpi_evidence`. A complaint becomes
one ``kpi_flags`` row (its provenance bits, see
:func:`iso10002.provenance.provenance_bits`) and one ``kpi_findings`` row per
stored finding of the ISO 10002:2018 policy set (see
:func:`iso10002.analysis.pushdown.stored_findings`), written in the same
transaction as its ``kpi_facts`` row. Message text is stored as UTF-8 bytes
with ``surrogatepass`` (code point order is byte order); instants are integer
microseconds since the Unix epoch.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from iso10002.model import Complaint
from iso10002.repositories._kpi_evidence import IdOrder
from iso10002.repositories._kpi_facts import key_bytes, key_text
from iso10002.repositories._kpi_pushdown import Execute
from iso10002.repositories._query import to_micros

__all__ = [
    "FINDING_COLUMNS",
    "FLAG_COLUMNS",
    "FlagRows",
    "FlagsQuery",
    "flag_rows",
    "flags_of",
    "pushdown_findings",
    "pushdown_provenance",
]

FLAG_COLUMNS = ("complaint_id", "received_us", "provenance")
"""Columns of ``kpi_flags``."""

FINDING_COLUMNS = (
    "complaint_id",
    "seq",
    "received_us",
    "policy_id",
    "principle",
    "clause",
    "code",
    "severity",
    "message",
    "tail",
    "from_us",
    "until_us",
    "since_us",
    "instants",
)
"""Columns of ``kpi_findings``: a stored finding (see ``StoredFinding``)."""

_KEY = "policy_id, principle, clause, code, severity"
_DAY_US = 86_400_000_000


class FlagRows(NamedTuple):
    """The rows one complaint contributes to ``kpi_flags`` and ``kpi_findings``."""

    flags: tuple[Any, ...]
    findings: list[tuple[Any, ...]]


def _us(at: datetime | None) -> int | None:
    return None if at is None else int(to_micros(at))


def flag_rows(
    complaint: Complaint,
    stored_id: Any,
    instants: Callable[[list[int]], Any] = json.dumps,
) -> FlagRows:
    """Return the ``kpi_flags`` and ``kpi_findings`` rows of ``complaint``.

    Args:
        complaint: The complaint as saved.
        stored_id: Its id as the adapter stores it.
        instants: Turns a row's instants (microseconds) into its stored form
            (JSON text by default).
    """
    from iso10002.analysis.pushdown import (  # noqa: PLC0415 - analysis when writing
        provenance_bits,
        stored_findings,
    )

    received = int(to_micros(complaint.received_at))
    findings = [
        (
            stored_id,
            seq,
            received,
            row.policy_id,
            row.principle,
            row.clause,
            row.code,
            row.severity,
            key_bytes(row.message),
            None if row.tail is None else key_bytes(row.tail),
            _us(row.holds_from),
            _us(row.holds_until),
            _us(row.since),
            instants([int(to_micros(at)) for at in row.instants])
            if row.instants
            else None,
        )
        for seq, row in enumerate(stored_findings(complaint))
    ]
    return FlagRows((stored_id, received, provenance_bits(complaint)), findings)


def flags_of(complaint: Complaint, stored_id: Any) -> tuple[Any, ...]:
    """Return the ``kpi_flags`` row of ``complaint`` (provenance only: no policy)."""
    from iso10002.analysis.pushdown import (  # noqa: PLC0415 - analysis when writing
        provenance_bits,
    )

    return (
        stored_id,
        int(to_micros(complaint.received_at)),
        provenance_bits(complaint),
    )


class FlagsQuery(NamedTuple):
    """What an adapter tells the shared SQL: its tables and dialect.

    ``later`` turns a microsecond literal into SQL counting the ``instants``
    of a ``kpi_findings`` row after it; ``least`` is the aggregate giving
    the least ``message`` of a group, in byte order.
    """

    flags: str
    findings: str
    order: IdOrder
    later: Callable[[int], str]
    least: str = "min(message)"


def _flow(a: int, period: tuple[datetime, datetime] | None) -> str:
    if period is None:
        return f"received_us <= {a}"
    return (
        f"received_us >= {int(to_micros(period[0]))}"
        f" AND received_us < {int(to_micros(period[1]))} AND received_us <= {a}"
    )


def pushdown_provenance(
    execute: Execute,
    query: FlagsQuery,
    as_of: datetime,
    period: tuple[datetime, datetime] | None,
) -> dict[str, int]:
    """Count the provenance flags of the complaints in scope, by flag name."""
    from iso10002.analysis.pushdown import PROVENANCE_FLAGS  # noqa: PLC0415

    flow = _flow(int(to_micros(as_of)), period)
    sums = ", ".join(
        f"coalesce(sum(CASE WHEN (provenance & {1 << i}) <> 0 THEN 1 ELSE 0 END), 0)"
        for i in range(len(PROVENANCE_FLAGS))
    )
    ((total, *counts),) = execute(
        f"SELECT count(*), {sums} FROM {query.flags} WHERE {flow}"  # noqa: S608 - integer literals and fixed names only
    )
    return {"complaints": int(total)} | {
        name: int(n) for name, n in zip(PROVENANCE_FLAGS, counts, strict=True)
    }


def _literal(value: Any) -> str:
    """Return ``value`` (a text key read back from the table) as a SQL literal."""
    text = str(value).replace("\x00", "")
    return "'" + text.replace("'", "''") + "'"


def _first(
    execute: Execute,
    query: FlagsQuery,
    select: str,
    ids_shown: int | None,
) -> list[str]:
    """Return the first ids (in id order) of ``select``, a ``SELECT DISTINCT`` of ids.

    One ``ORDER BY … LIMIT`` walks an index in id order and stops after
    ``ids_shown`` ids, whatever the number of rows.
    """
    order = query.order
    limit = "" if ids_shown is None else f" LIMIT {int(ids_shown)}"
    if order.special is None:
        rows = execute(f"{select} ORDER BY {order.order_by}{limit}")
    else:
        rows = [
            *execute(
                f"{select} AND NOT ({order.special}) ORDER BY {order.order_by}{limit}"
            ),
            *execute(f"{select} AND {order.special}"),
        ]
    ids = sorted(order.decode(row[0]) for row in rows)
    return ids if ids_shown is None else ids[:ids_shown]


class _Counts(NamedTuple):
    complaints: int
    first_ids: tuple[str, ...]
    findings: list[tuple[Any, ...]]
    gaps: list[tuple[str, int, tuple[str, ...]]]


def _messages(
    execute: Execute, query: FlagsQuery, where: str, a: int
) -> dict[tuple[Any, ...], tuple[int, str]]:
    """Count the findings per key and take the least message of each."""
    found: dict[tuple[Any, ...], tuple[int, str]] = {}

    def add(key: tuple[Any, ...], count: int, message: str) -> None:
        before = found.get(key)
        if before is None:
            found[key] = (count, message)
        else:
            found[key] = (before[0] + count, min(before[1], message))

    number = (
        f"CASE WHEN tail IS NULL THEN NULL WHEN since_us IS NOT NULL"
        f" THEN ({a} - since_us) / {_DAY_US} ELSE {query.later(a)} END"
    )
    # One scan: a plain row's group is its key (its least message taken),
    # a numbered row's its key, text and number.
    head = "CASE WHEN tail IS NULL THEN NULL ELSE message END"
    for *key, part, tail, n, count, least in execute(
        f"SELECT {_KEY}, part, tail, n, count(*), {query.least} FROM"  # noqa: S608 - integer literals and fixed names only
        f" (SELECT {_KEY}, message, {head} AS part, tail, {number} AS n"
        f" FROM {query.findings} WHERE {where}) AS held"
        f" GROUP BY {_KEY}, part, tail, n"
    ):
        if tail is None:
            add(tuple(key), int(count), key_text(least))
        else:
            add(tuple(key), int(count), f"{key_text(part)}{int(n)}{key_text(tail)}")
    return found


def pushdown_findings(
    execute: Execute,
    query: FlagsQuery,
    as_of: datetime,
    period: tuple[datetime, datetime] | None,
    ids_shown: int | None,
) -> _Counts:
    """Count the stored findings that hold at ``as_of`` over the complaints in scope.

    Returns:
        The complaints in scope and the first of their ids; per finding key
        ``(policy_id, principle, clause, code, severity, count, message,
        ids)``; per principle with a warning or blocking finding
        ``(principle, complaints, ids)``.
    """
    a = int(to_micros(as_of))
    flow = _flow(a, period)
    ((total,),) = execute(f"SELECT count(*) FROM {query.flags} WHERE {flow}")  # noqa: S608 - integer literals and fixed names only
    shown = ids_shown != 0
    first: tuple[str, ...] = ()
    if total and shown:
        everyone = f"SELECT complaint_id FROM {query.flags} WHERE {flow}"  # noqa: S608 - integer literals and fixed names only
        first = tuple(_first(execute, query, everyone, ids_shown))
    where = (
        f"{flow} AND (from_us IS NULL OR from_us <= {a})"
        f" AND (until_us IS NULL OR until_us >= {a})"
    )
    counted = _messages(execute, query, where, a)
    ids: dict[tuple[Any, ...], list[str]] = {}
    if shown:
        for key in counted:
            match = " AND ".join(
                f"{name} = {_literal(value)}"
                for name, value in zip(_KEY.split(", "), key, strict=True)
            )
            hits = (
                f"SELECT DISTINCT complaint_id FROM {query.findings}"  # noqa: S608 - integer literals, fixed names and quoted keys only
                f" WHERE {where} AND {match}"
            )
            ids[key] = _first(execute, query, hits, ids_shown)
    gap_counts = execute(
        f"SELECT principle, count(DISTINCT complaint_id) FROM {query.findings}"  # noqa: S608 - integer literals and fixed names only
        f" WHERE {where} AND severity <> 'info' GROUP BY principle"
    )
    gap_ids: dict[tuple[Any, ...], list[str]] = {}
    if shown:
        for name, _ in gap_counts:
            gaps = (
                f"SELECT DISTINCT complaint_id FROM {query.findings} WHERE {where}"  # noqa: S608 - integer literals, fixed names and quoted keys only
                f" AND severity <> 'info' AND principle = {_literal(name)}"
            )
            gap_ids[(name,)] = _first(execute, query, gaps, ids_shown)
    return _Counts(
        complaints=int(total),
        first_ids=first,
        findings=[
            (*key, count, message, tuple(ids.get(key, ())))
            for key, (count, message) in sorted(counted.items())
        ],
        gaps=[
            (str(name), int(n), tuple(gap_ids.get((name,), ())))
            for name, n in gap_counts
        ],
    )
