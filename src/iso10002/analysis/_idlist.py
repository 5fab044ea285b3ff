"""A count of complaint ids that keeps only the first few, in id order."""

from __future__ import annotations

from bisect import insort

__all__ = ["FirstIds"]


class FirstIds:
    """Count ids and keep the ``limit`` smallest (all when ``limit`` is ``None``).

    Memory stays bounded by ``limit`` however many ids are counted, so a
    pack over a million complaints holds a few ids per list, not all.
    """

    __slots__ = ("count", "ids", "limit")

    def __init__(self, limit: int | None) -> None:
        """Start with none."""
        self.limit = limit
        self.count = 0
        self.ids: list[str] = []

    def add(self, complaint_id: str) -> None:
        """Count one id (the caller adds each complaint at most once)."""
        self.count += 1
        ids, limit = self.ids, self.limit
        if limit is None:
            ids.append(complaint_id)
        elif len(ids) < limit:
            insort(ids, complaint_id)
        elif limit and complaint_id < ids[-1]:
            insort(ids, complaint_id)
            ids.pop()

    def merge(self, other: FirstIds) -> None:
        """Add what ``other`` counted."""
        self.count += other.count
        merged = sorted(self.ids + other.ids)
        self.ids = merged if self.limit is None else merged[: self.limit]

    def first(self) -> tuple[str, ...]:
        """Return the ids kept, in id order."""
        return tuple(sorted(self.ids))
