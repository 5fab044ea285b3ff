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
from iso10002.repositories._kpi_key_runs import counted_keys

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
    return counted_keys(key, first, scan.key_changes, BLANKS, encode)


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
