"""How many complaints, and so how many figures, rest on what an import assumed.

An analysis of records imported from an organisation's older systems
(:mod:`iso10002.interchange`) rests on what the import had to assume: a
receipt known only to the day, an event known to have happened but not
when, source dates out of order, no description, an anonymous complainant.
:class:`ProvenanceCounter` counts them one complaint at a time, so the
review pack, the audit and the returns say so in one line
(:meth:`ImportedShare.describe`).

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from iso10002.model import IMPORTED, Complaint

__all__ = [
    "PROVENANCE_FLAGS",
    "ImportedShare",
    "ProvenanceCounter",
    "imported_share",
    "provenance_bits",
]

PROVENANCE_FLAGS = (
    "anonymous",
    "imported",
    "day_only_receipt",
    "unknown_instants",
    "out_of_order",
    "no_description",
)
"""Counts of :class:`ImportedShare` a complaint adds to (flag ``i``: bit ``1 << i``).

.. versionadded:: 0.3.0
"""


@attrs.frozen(kw_only=True)
class ImportedShare:
    """The complaints of a set that were imported, and what their figures rest on.

    Args:
        complaints: Complaints counted.
        imported: Imported records (their received event names the import).
        day_only_receipt: Imported with a receipt known only to the day (its
            time taken as the start of the day: durations from receipt are
            approximate to a day).
        unknown_instants: Imported with an event known to have happened but
            not when (it took another event's instant).
        out_of_order: Imported with source dates that ran backwards (kept in
            order, the source's instant recorded).
        anonymous: Complaints from an anonymous complainant.
        no_description: Imported records whose source held no description.

    .. versionadded:: 0.2.0
    """

    complaints: int = 0
    imported: int = 0
    day_only_receipt: int = 0
    unknown_instants: int = 0
    out_of_order: int = 0
    anonymous: int = 0
    no_description: int = 0

    @property
    def any(self) -> bool:
        """Whether any figure rests on an assumption (imported or anonymous)."""
        return bool(self.imported or self.anonymous)

    def describe(self) -> str:
        """Say in one line how many figures rest on the import's assumptions."""
        return (
            f"{self.imported:,} of {self.complaints:,} complaints imported: "
            f"{self.day_only_receipt:,} received on a known day only, "
            f"{self.unknown_instants:,} with an event of unknown time, "
            f"{self.out_of_order:,} with source dates out of order, "
            f"{self.no_description:,} without a description; "
            f"{self.anonymous:,} anonymous complainants"
        )


class ProvenanceCounter:
    """Count, one complaint at a time, what :class:`ImportedShare` reports.

    .. versionadded:: 0.2.0
    """

    def __init__(self) -> None:
        """Start with every count at zero."""
        self._counts = dict.fromkeys((f.name for f in attrs.fields(ImportedShare)), 0)

    def add(self, complaint: Complaint) -> None:
        """Count one complaint.

        Reads what :func:`~iso10002.interchange.import_records` records in the
        events' data (``precision``, ``instant``, ``anomaly``), so the count
        holds for any store the complaint comes from.
        """
        counts = self._counts
        counts["complaints"] += 1
        counts["anonymous"] += complaint.complainant.anonymous
        first = complaint.history[0].data if complaint.history else {}
        if IMPORTED not in first:
            return
        counts["imported"] += 1
        counts["day_only_receipt"] += first.get("precision") == "day"
        counts["no_description"] += complaint.description is None
        data = [e.data for e in complaint.history]
        counts["unknown_instants"] += any(d.get("instant") == "unknown" for d in data)
        counts["out_of_order"] += any("anomaly" in d for d in data)

    def result(self) -> ImportedShare:
        """Return the counts so far."""
        return ImportedShare(**self._counts)


def provenance_bits(complaint: Complaint) -> int:
    """Return what ``complaint`` adds to an :class:`ImportedShare`, as bits.

    Bit ``1 << i`` is set when the complaint adds one to the count named
    ``PROVENANCE_FLAGS[i]``. A store keeps them when it saves the complaint
    (they never change with the review date) and counts them in SQL.

    .. versionadded:: 0.3.0
    """
    counter = ProvenanceCounter()
    counter.add(complaint)
    counts = counter.result()
    return sum(
        1 << i for i, name in enumerate(PROVENANCE_FLAGS) if getattr(counts, name)
    )


def imported_share(complaints: Iterable[Complaint]) -> ImportedShare:
    """Count the complaints whose figures rest on an import's assumptions.

    Args:
        complaints: The complaints an analysis covers.

    Returns:
        The counts, each a number of complaints.

    .. versionadded:: 0.2.0
    """
    counter = ProvenanceCounter()
    for complaint in complaints:
        counter.add(complaint)
    return counter.result()
