"""The decisions of one complaint as push-down rows: spans in force, and their remedies.

A complaint's outcome and remedies can change (a reopened complaint is
decided again), and the KPIs "as at" an instant count the decision in force
then. :func:`earlier_decisions` turns the changes the events record
(:attr:`iso10002.facts.HistoryFacts.decisions`) into ``kpi_decisions`` rows,
one per span before the current decision, and their remedies into
``kpi_remedies`` rows bounded by the span.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from iso10002.facts import HistoryFacts
from iso10002.model import Complaint
from iso10002.repositories._query import to_micros

__all__ = [
    "MAX_COEFFICIENT",
    "DecisionSql",
    "earlier_decisions",
    "money_parts",
    "plain_remedy",
    "remedy_in_force",
    "remedy_rows",
]

MAX_COEFFICIENT = 10**18
"""Money coefficients from here up are kept as text and summed in Python."""


def money_parts(amount: Any) -> tuple[int, int | None, str | None]:
    """Return ``(exponent, coefficient, text)``: text when too large to sum in SQL."""
    sign_digits_exponent = amount.as_tuple()
    digits = sign_digits_exponent.digits
    exponent = int(sign_digits_exponent.exponent)
    coefficient = int("".join(map(str, digits))) if digits else 0
    if coefficient >= MAX_COEFFICIENT:
        return exponent, None, str(amount)
    return exponent, coefficient, None


def plain_remedy(remedy: Any) -> dict[str, Any]:
    """Return what the rows need of a :class:`~iso10002.model.Remedy`."""
    amount = remedy.amount
    return {
        "kind": remedy.kind.value,
        "amount": None if amount is None else amount,
        "currency": remedy.currency,
    }


def remedy_rows(
    rows: list[tuple[Any, ...]],
    key: tuple[Any, int],
    remedies: Any,
    span: tuple[int | None, int | None],
) -> int:
    """Append the ``kpi_remedies`` rows of one decision's remedies; 1 if paid."""
    paid = 0
    for remedy in remedies:
        exponent, coefficient, text = 0, None, None
        currency = remedy.get("currency")
        amount = remedy.get("amount")
        if amount is not None and currency is not None:
            paid = 1
            exponent, coefficient, text = money_parts(Decimal(str(amount)))
        else:
            currency = None
        rows.append(
            (
                key[0],
                len(rows),
                key[1],
                str(remedy.get("kind")),
                currency,
                exponent,
                coefficient,
                text,
                *span,
            )
        )
    return paid


def earlier_decisions(
    complaint: Complaint,
    scan: HistoryFacts,
    key: tuple[Any, int],
    remedies: list[tuple[Any, ...]],
) -> list[tuple[Any, ...]]:
    """Return the ``kpi_decisions`` rows; add their remedies to ``remedies``.

    Each change of the outcome or remedies the events record but the last
    (the current decision, in ``kpi_facts``) is one span; a history begun
    before events carried their facts (``legacy``) reads as the document's
    current decision before its first change, as analysis does.
    """
    changes = scan.decisions
    if not changes:
        return []
    spans: list[tuple[int | None, str | None, Any, bool]] = []
    if scan.legacy:
        decision = complaint.decision
        outcome = complaint.outcome
        if outcome is None and decision is not None:
            outcome = decision.outcome
        spans.append(
            (
                None,
                None if outcome is None else outcome.value,
                ()
                if decision is None
                else [plain_remedy(r) for r in decision.remedies],
                decision is not None,
            )
        )
    spans.extend(
        (to_micros(c.at), c.outcome, c.remedies, c.decided) for c in changes[:-1]
    )
    rows: list[tuple[Any, ...]] = []
    bounds = [to_micros(c.at) for c in changes]
    ends = bounds if scan.legacy else bounds[1:]
    for (start, value, plain, decided), until in zip(spans, ends, strict=True):
        if value is None and not decided:
            continue
        paid = remedy_rows(remedies, key, plain, (start, until))
        rows.append(
            (key[0], len(rows), key[1], start, until, value, paid, int(decided))
        )
    return rows


class DecisionSql:
    """SQL over a ``kpi_facts`` row (alias ``row``): its decision in force at ``as_of``.

    The current decision (the row's own columns) holds from ``decided_us``
    on; before it, the ``kpi_decisions`` span covering ``as_of`` holds, and
    none when no span does. The sub-select runs only for rows decided after
    ``as_of``. Integer literals and fixed names only: one text for every
    dialect.
    """

    def __init__(self, row: str, decisions: str, as_of: int) -> None:
        """Compose the expressions for ``row`` (a table alias) as at ``as_of``."""
        a = int(as_of)
        self.current = f"{row}.decided_us IS NULL OR {row}.decided_us <= {a}"
        self._span = (
            f"FROM {decisions} d WHERE d.complaint_id = {row}.complaint_id"
            f" AND (d.from_us IS NULL OR d.from_us <= {a}) AND d.until_us > {a}"
        )
        self.row = row

    def _at(self, now: str, column: str, none: str) -> str:
        return (
            f"CASE WHEN {self.current} THEN {now}"
            f" ELSE coalesce((SELECT d.{column} {self._span}), {none}) END"
        )

    @property
    def outcome(self) -> str:
        """The outcome in force (``NULL``: none)."""
        return self._at(f"{self.row}.outcome", "outcome", "NULL")

    @property
    def paid(self) -> str:
        """1 when the decision in force offered money, else 0."""
        return self._at(f"{self.row}.paid", "paid", "0")

    def decided(self, flag: int) -> str:
        """1 when a decision is in force (``flag``: the evidence bit), else 0."""
        now = f"CASE WHEN ({self.row}.evidence & {int(flag)}) <> 0 THEN 1 ELSE 0 END"
        return self._at(now, "with_decision", "0")


def remedy_in_force(as_of: int) -> str:
    """SQL over a ``kpi_remedies`` row: whether it is a remedy in force at ``as_of``."""
    a = int(as_of)
    return (
        f"(from_us IS NULL OR from_us <= {a}) AND (until_us IS NULL OR until_us > {a})"
    )
