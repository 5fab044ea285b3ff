"""The SQL of a complaint's digest for the PostgreSQL quick check and its seals.

A digest is SHA-256 over the complaint's row and its rows in the KPI tables
and ``search_digests``, each as PostgreSQL prints it, joined by separators
(see :mod:`._verify_quick`). Two queries compute the same digests:
:data:`DIGESTS` by lookups, for a few complaints (an import's seals), and
:data:`ALL_DIGESTS` by one scan per table, for the whole store (the quick
check, the checkpoint).
"""

from __future__ import annotations

__all__ = ["ALL_DIGESTS", "DIGESTS"]

_ROW = (
    "(c.id, c.version, c.document, c.document_escaped, c.salt, c.last_link,"
    " c.status, c.received_at, c.channel, c.assignee, c.category, c.reference,"
    " c.next_due_at, c.met_late)::text"
)
_HASHED = (
    ("kpi_facts", False),
    ("kpi_deadlines", True),
    ("kpi_remedies", True),
    ("kpi_toggles", True),
    ("kpi_decisions", True),
    ("kpi_keys", True),
    ("kpi_flags", False),
    ("kpi_findings", True),
)
"""The KPI tables a digest covers, in order, and whether each has many rows."""


def _digest(parts: list[str]) -> str:
    return (
        "encode(sha256(convert_to(concat_ws(chr(31), "
        + ", ".join([_ROW, *parts])
        + "), 'UTF8')), 'hex')"
    )


def _agg(table: str, many: bool) -> str:  # noqa: FBT001 - one flag per table
    order = "t.seq" if many else "t.complaint_id"
    return (
        f"(SELECT string_agg(t::text, chr(30) ORDER BY {order})"  # noqa: S608 - constant names
        f" FROM {{s}}.{table} t"
        " WHERE t.complaint_id = c.id)"
    )


DIGESTS = (
    "SELECT c.id, c.last_link, "  # noqa: S608
    + _digest(
        [
            *(_agg(table, many) for table, many in _HASHED),
            (
                "(SELECT d.digest FROM {s}.search_digests d"
                ' WHERE d.complaint_id = c.id COLLATE "default")'
            ),
        ]
    )
    + " {seals} ORDER BY c.id"
)
"""The digests of a few complaints (``{seals}``: ``FROM`` … ``WHERE``), by lookups."""


def _joined(number: int, table: str, many: bool) -> tuple[str, str]:  # noqa: FBT001
    alias = f"a{number}"
    if many:
        join = (
            "LEFT JOIN (SELECT t.complaint_id,"  # noqa: S608 - constant names
            " string_agg(t::text, chr(30) ORDER BY t.seq) AS v"
            f" FROM {{s}}.{table} t GROUP BY t.complaint_id) {alias}"
            f" ON {alias}.complaint_id = c.id"
        )
        return join, f"{alias}.v"
    return (
        f"LEFT JOIN {{s}}.{table} {alias} ON {alias}.complaint_id = c.id",
        f"CASE WHEN {alias}.complaint_id IS NULL THEN NULL ELSE {alias}::text END",
    )


_JOINS = [_joined(number, table, many) for number, (table, many) in enumerate(_HASHED)]
ALL_DIGESTS = (
    "SELECT c.id, c.last_link, "  # noqa: S608
    + _digest([*(value for _, value in _JOINS), "sd.digest"])
    + " {seals} FROM {s}.complaints c "
    + " ".join(join for join, _ in _JOINS)
    + ' LEFT JOIN {s}.search_digests sd ON sd.complaint_id = c.id COLLATE "default"'
    + " {sealed} ORDER BY c.id"
)
"""Every complaint's digest, as :data:`DIGESTS` gives it, by one scan per table.

Each KPI table is read once, grouped by complaint and merged with the
complaints in id order, instead of one lookup per complaint and table:
about 1.6 times faster at a million complaints.
"""
