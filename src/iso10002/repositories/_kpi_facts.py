"""What SQL push-down of the KPIs stores per complaint, shared by every SQL adapter.

A complaint becomes one ``kpi_facts`` row and a few child rows (deadlines,
remedies, and the open/closed toggles beyond the second). Instants are
integer microseconds since the Unix epoch and are stored without reference
to any ``as_of``: the history is in time order (the model checks it), so
"the first acknowledgement at or before ``as_of``" is the first
acknowledgement when it is at or before ``as_of``, and whether a complaint is
open at ``as_of`` is the parity of the open/closed toggles up to ``as_of``.
Text keys are stored as UTF-8 bytes with ``surrogatepass``, so every model
string (lone surrogates included) round-trips and groups exactly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from iso10002.errors import IntegrityError
from iso10002.facts import (
    NO_CLASS,
    NO_PRODUCT,
    UNASSIGNED,
    HistoryFacts,
    subcategory_key,
)
from iso10002.model import Complaint, HistoryEvent
from iso10002.repositories._kpi_decisions import (
    MAX_COEFFICIENT,
    earlier_decisions,
    plain_remedy,
    remedy_rows,
)
from iso10002.repositories._kpi_keys import KEY_COLUMNS, SINCE_COLUMNS, key_rows
from iso10002.repositories._query import to_micros
from iso10002.vocabulary import Vocabulary, vocabulary_for

__all__ = [
    "CLASSIFIED",
    "DEADLINE_COLUMNS",
    "DECIDED",
    "DECISION_COLUMNS",
    "ESCALATION_ROUTE",
    "EVIDENCE_COLUMNS",
    "FACT_COLUMNS",
    "HAS_ASSIGNEE",
    "KEY_COLUMNS",
    "MAX_COEFFICIENT",
    "NO_PRODUCT",
    "REMEDY_COLUMNS",
    "TOGGLE_COLUMNS",
    "UNASSIGNED",
    "FactRows",
    "fact_rows",
    "history_scan",
    "key_bytes",
    "key_text",
    "unreadable_error",
]


EVIDENCE_COLUMNS = (
    "assigned_us",
    "assessed_us",
    "ended_us",
    "ended_rejected",
    "ack_due_us",
    "final_due_us",
    "evidence",
)
"""The ``kpi_facts`` columns the audit evidence checks read (schema v9 / v7).

``ended_us`` is the first ending and ``ended_rejected`` whether that ending was a
rejection; ``ack_due_us`` and ``final_due_us`` the first ``acknowledge`` and
``final_response`` deadlines; ``evidence`` holds the document's flags
:data:`HAS_ASSIGNEE`, :data:`CLASSIFIED`, :data:`DECIDED` and
:data:`ESCALATION_ROUTE`.
"""

HAS_ASSIGNEE, CLASSIFIED, DECIDED, ESCALATION_ROUTE = 1, 2, 4, 8
"""Bits of ``kpi_facts.evidence``: what the current document records."""

FACT_COLUMNS = (
    "complaint_id",
    "received_us",
    "first_us",
    "last_us",
    "channel",
    "category",
    "product",
    "root_cause",
    "assignee",
    "ack_us",
    "communicated_us",
    "appealed_us",
    "closed_us",
    "reopened_us",
    "toggle1_us",
    "toggle2_us",
    "toggles",
    "outcome",
    "score",
    "score_us",
    "paid",
    "subcategory",
    *EVIDENCE_COLUMNS,
    "decided_us",
    *SINCE_COLUMNS,
)
"""Columns of ``kpi_facts`` in the order of :attr:`FactRows.facts`.

``outcome``, ``paid`` and the remedies without ``until_us`` are the current
decision's, in force from ``decided_us`` on (always, when ``NULL``); the
decisions in force before it are rows of ``kpi_decisions`` (schema v10 / v8).
Likewise each key (category, subcategory, product, root cause, assignee) is
the current one, in force from its ``<field>_us`` on; earlier keys are rows of
``kpi_keys`` (see :mod:`._kpi_keys`).
"""

DEADLINE_COLUMNS = (
    "complaint_id",
    "seq",
    "received_us",
    "workflow",
    "step",
    "due_us",
    "met_us",
)
"""Columns of ``kpi_deadlines``."""

REMEDY_COLUMNS = (
    "complaint_id",
    "seq",
    "received_us",
    "kind",
    "currency",
    "exponent",
    "coefficient",
    "amount",
    "from_us",
    "until_us",
)
"""Columns of ``kpi_remedies`` (money as coefficient and exponent, or as text).

A remedy counts as at ``t`` when ``from_us <= t < until_us`` (``NULL``: no
bound): the current decision's remedies run from ``decided_us`` on, an earlier
decision's over the span of its ``kpi_decisions`` row.
"""

DECISION_COLUMNS = (
    "complaint_id",
    "seq",
    "received_us",
    "from_us",
    "until_us",
    "outcome",
    "paid",
    "with_decision",
)
"""Columns of ``kpi_decisions``: a decision in force before the current one.

Its ``outcome``, ``paid`` and ``with_decision`` (whether a decision was recorded at
all) hold from ``from_us`` (always, when ``NULL``) until ``until_us``; only
spans with an outcome or a decision are stored.
"""

TOGGLE_COLUMNS = ("complaint_id", "seq", "at_us")
"""Columns of ``kpi_toggles``: open/closed changes after the second."""


def key_bytes(value: str) -> bytes:
    """Return the stored form of a text key (UTF-8, lone surrogates kept)."""
    return value.encode("utf-8", "surrogatepass")


def key_text(stored: bytes | memoryview) -> str:
    """Undo :func:`key_bytes`."""
    return bytes(stored).decode("utf-8", "surrogatepass")


class FactRows(NamedTuple):
    """The rows one complaint contributes to the push-down tables."""

    facts: tuple[Any, ...]
    deadlines: list[tuple[Any, ...]]
    remedies: list[tuple[Any, ...]]
    toggles: list[tuple[Any, ...]]
    decisions: list[tuple[Any, ...]]
    keys: list[tuple[Any, ...]]


_last_scan: tuple[tuple[HistoryEvent, ...], HistoryFacts] | None = None
# The last history scanned: a save's history is the previous one plus its new
# events, so only those are scanned (a one-entry cache, replaced whole).


def history_scan(
    history: tuple[HistoryEvent, ...], vocabulary: Vocabulary
) -> HistoryFacts:
    """Return the :class:`~iso10002.facts.HistoryFacts` of ``history`` (read-only).

    The same reader as analysis' ``facts_of``, over the whole history.
    """
    global _last_scan  # noqa: PLW0603 - a one-entry cache, replaced whole
    last = _last_scan
    if last is not None and last[1].vocabulary is vocabulary:
        seen, scan = last
        if seen is history:
            return scan
        if seen and len(seen) <= len(history) and history[: len(seen)] == seen:
            scan = scan.copy()
            scan.add(history[len(seen) :])
            _last_scan = history, scan
            return scan
    scan = HistoryFacts(vocabulary)
    scan.add(history)
    _last_scan = history, scan
    return scan


def fact_rows(complaint: Complaint, row_id: Any = None) -> FactRows:
    """Compute the push-down rows of ``complaint`` (see the module docstring).

    Every row starts with ``row_id``, the complaint id as the adapter stores
    it (the id itself when ``None``).
    """
    cid = complaint.id if row_id is None else row_id
    received = to_micros(complaint.received_at)
    scan = history_scan(complaint.history, vocabulary_for(complaint.workflow))
    ack, communicated, appealed = (
        _micros(scan.acknowledged_at),
        _micros(scan.communicated_at),
        _micros(scan.appealed_at),
    )
    closed, reopened = _micros(scan.closed_at), _micros(scan.reopened_at)
    toggles = [to_micros(at) for at in scan.toggles]
    outcome = complaint.outcome
    decision = complaint.decision
    if outcome is None and decision is not None:
        outcome = decision.outcome
    changes = scan.decisions
    decided = None if not changes else to_micros(changes[-1].at)
    remedies: list[tuple[Any, ...]] = []
    paid = remedy_rows(
        remedies,
        (cid, received),
        () if decision is None else [plain_remedy(r) for r in decision.remedies],
        (decided, None),
    )
    decisions = earlier_decisions(complaint, scan, (cid, received), remedies)
    workflow = key_bytes(complaint.workflow.name)
    deadlines = [
        (
            cid,
            seq,
            received,
            workflow,
            key_bytes(due.step),
            to_micros(due.due_at),
            None if due.met_at is None else to_micros(due.met_at),
        )
        for seq, due in enumerate(complaint.deadlines)
    ]
    classification = complaint.classification
    satisfaction = complaint.satisfaction
    facts = (
        cid,
        received,
        min(received, to_micros(complaint.history[0].at)),
        max(received, to_micros(complaint.history[-1].at)),
        complaint.channel.value,
        key_bytes(NO_CLASS if classification is None else classification.category),
        key_bytes(complaint.subject.product or NO_PRODUCT),
        None
        if complaint.root_cause is None
        else key_bytes(complaint.root_cause.category),
        key_bytes(complaint.assignee or UNASSIGNED),
        ack,
        communicated,
        appealed,
        closed,
        reopened,
        toggles[0] if toggles else None,
        toggles[1] if len(toggles) > 1 else None,
        len(toggles),
        None if outcome is None else outcome.value,
        None if satisfaction is None else satisfaction.score,
        None if satisfaction is None else to_micros(satisfaction.received_at),
        paid,
        key_bytes(subcategory_key(classification)),
    )
    extra = [(cid, seq, at) for seq, at in enumerate(toggles[2:], start=2)]
    since, keys = key_rows(complaint, scan, (cid, received), key_bytes)
    return FactRows(
        (*facts, *_evidence(complaint, scan), decided, *since),
        deadlines,
        remedies,
        extra,
        decisions,
        keys,
    )


def _first_due(complaint: Complaint, step: str) -> int | None:
    for due in complaint.deadlines:
        if due.step == step:
            return to_micros(due.due_at)
    return None


def _micros(at: datetime | None) -> int | None:
    return None if at is None else to_micros(at)


def _evidence(complaint: Complaint, scan: HistoryFacts) -> tuple[Any, ...]:
    """The :data:`EVIDENCE_COLUMNS` of ``complaint``."""
    decision = complaint.decision
    flags = (
        (HAS_ASSIGNEE if complaint.assignee is not None else 0)
        | (CLASSIFIED if complaint.classification is not None else 0)
        | (DECIDED if decision is not None else 0)
        | (
            ESCALATION_ROUTE
            if decision is not None and decision.escalation_route is not None
            else 0
        )
    )
    return (
        _micros(scan.assigned_at),
        _micros(scan.assessed_at),
        _micros(scan.ended_at),
        int(scan.rejected),
        _first_due(complaint, "acknowledge"),
        _first_due(complaint, "final_response"),
        flags,
    )


_NAMED = 10  # complaint ids named in an error; the rest are counted


def unreadable_error(complaint_ids: list[str]) -> IntegrityError:
    """The error for complaints whose facts cannot be filled: unreadable documents.

    Push-down raises it where streaming the same store would raise on
    loading those complaints, so the two paths never disagree silently.
    """
    named = ", ".join(repr(i) for i in complaint_ids[:_NAMED])
    more = len(complaint_ids) - _NAMED
    tail = f" and {more} more" if more > 0 else ""
    msg = (
        f"KPIs cannot be computed: the stored document of {len(complaint_ids)} "
        f"complaint(s) cannot be read ({named}{tail}); verify_integrity() reports "
        "them, and their KPI facts are filled in once they read again"
    )
    return IntegrityError(msg, complaint_id=complaint_ids[0])
