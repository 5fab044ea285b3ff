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

from collections.abc import Sequence
from typing import Any, NamedTuple

from iso10002.analysis._facts import NO_CLASS
from iso10002.analysis.kpis import subcategory_key
from iso10002.errors import IntegrityError
from iso10002.model import Complaint, HistoryEvent
from iso10002.repositories._query import to_micros
from iso10002.vocabulary import Meaning, Vocabulary, vocabulary_for

__all__ = [
    "DEADLINE_COLUMNS",
    "FACT_COLUMNS",
    "MAX_COEFFICIENT",
    "NO_PRODUCT",
    "REMEDY_COLUMNS",
    "TOGGLE_COLUMNS",
    "UNASSIGNED",
    "FactRows",
    "HistoryScan",
    "fact_rows",
    "history_scan",
    "key_bytes",
    "key_text",
    "unreadable_error",
]

NO_PRODUCT = "(none)"
UNASSIGNED = "(unassigned)"
MAX_COEFFICIENT = 10**18
"""Money coefficients from here up are kept as text and summed in Python."""

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
)
"""Columns of ``kpi_facts`` in the order of :attr:`FactRows.facts`."""

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
)
"""Columns of ``kpi_remedies`` (money as coefficient and exponent, or as text)."""

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


def _money(amount: Any) -> tuple[int, int | None, str | None]:
    sign_digits_exponent = amount.as_tuple()
    digits = sign_digits_exponent.digits
    exponent = int(sign_digits_exponent.exponent)
    coefficient = int("".join(map(str, digits))) if digits else 0
    if coefficient >= MAX_COEFFICIENT:
        return exponent, None, str(amount)
    return exponent, coefficient, None


class HistoryScan:
    """The instants :func:`fact_rows` reads from a history, in one pass.

    Events are read with ``vocabulary``: the meanings of the workflow the
    complaint ran under.
    """

    __slots__ = (
        "ack",
        "appealed",
        "closed",
        "communicated",
        "is_open",
        "reopened",
        "toggles",
        "vocabulary",
    )

    def __init__(self, vocabulary: Vocabulary) -> None:
        """Start before the first event."""
        self.vocabulary = vocabulary
        self.ack: int | None = None
        self.communicated: int | None = None
        self.appealed: int | None = None
        self.closed: int | None = None
        self.reopened: int | None = None
        self.toggles: list[int] = []
        self.is_open = True

    def copy(self) -> HistoryScan:
        """Return an independent copy (to extend without changing this one)."""
        new = HistoryScan(self.vocabulary)
        for name in self.__slots__:
            setattr(new, name, getattr(self, name))
        new.toggles = self.toggles.copy()
        return new

    def add(self, events: Sequence[HistoryEvent]) -> None:  # noqa: C901
        """Take ``events`` (the next ones of the history) into account."""
        vocabulary = self.vocabulary
        for event in events:
            meanings = vocabulary.meanings_of(event.name)
            if Meaning.REOPENED in meanings:
                if self.reopened is None:
                    self.reopened = to_micros(event.at)
                if not self.is_open:
                    self.toggles.append(to_micros(event.at))
                    self.is_open = True
                continue
            if Meaning.ACKNOWLEDGED in meanings and self.ack is None:
                self.ack = to_micros(event.at)
            if Meaning.COMMUNICATED in meanings and self.communicated is None:
                self.communicated = to_micros(event.at)
            if Meaning.APPEALED in meanings and self.appealed is None:
                self.appealed = to_micros(event.at)
            if vocabulary.ends(event.name, event.to_state):
                if self.is_open:
                    self.toggles.append(to_micros(event.at))
                    self.is_open = False
                if Meaning.CLOSED in meanings and self.closed is None:
                    self.closed = to_micros(event.at)


_last_scan: tuple[tuple[HistoryEvent, ...], HistoryScan] | None = None
# The last history scanned: a save's history is the previous one plus its new
# events, so only those are scanned (a one-entry cache, replaced whole).


def history_scan(
    history: tuple[HistoryEvent, ...], vocabulary: Vocabulary
) -> HistoryScan:
    """Return the :class:`HistoryScan` of ``history`` (treat it as read-only)."""
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
    scan = HistoryScan(vocabulary)
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
    ack, communicated, appealed = scan.ack, scan.communicated, scan.appealed
    closed, reopened, toggles = scan.closed, scan.reopened, scan.toggles
    outcome = complaint.outcome
    if outcome is None and complaint.decision is not None:
        outcome = complaint.decision.outcome
    remedies: list[tuple[Any, ...]] = []
    paid = 0
    if complaint.decision is not None:
        for seq, remedy in enumerate(complaint.decision.remedies):
            exponent, coefficient, text = 0, None, None
            currency = None
            if remedy.amount is not None and remedy.currency is not None:
                paid = 1
                currency = remedy.currency
                exponent, coefficient, text = _money(remedy.amount)
            remedies.append(
                (
                    cid,
                    seq,
                    received,
                    remedy.kind.value,
                    currency,
                    exponent,
                    coefficient,
                    text,
                )
            )
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
    return FactRows(facts, deadlines, remedies, extra)


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
