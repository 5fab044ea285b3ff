"""Pareto analysis: which few categories or root causes account for most complaints."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import attrs

from iso10002.errors import ValidationError
from iso10002.facts import NO_CLASS, subcategory_key
from iso10002.model import Complaint

__all__ = [
    "Pareto",
    "ParetoItem",
    "classification_counts",
    "pareto",
    "subcategory_key",
]

_LEVELS = ("category", "subcategory")


def classification_counts(
    complaints: Iterable[Complaint], *, level: str = "category"
) -> dict[str, int]:
    """Count complaints per category, or per category and subcategory.

    Args:
        complaints: The complaints to count.
        level: ``category``, or ``subcategory`` for the second level, keyed
            ``"category / subcategory"`` (``"category / -"`` without one).

    Returns:
        Count per key, ready for :func:`pareto`; unclassified complaints count
        under ``(unclassified)``.

    Raises:
        ValidationError: for an unknown level.

    .. versionadded:: 0.2.0
    """
    if level not in _LEVELS:
        raise ValidationError.single("level", f"must be one of {list(_LEVELS)}")
    counts: Counter[str] = Counter()
    for complaint in complaints:
        found = complaint.classification
        if level == "subcategory":
            counts[subcategory_key(found)] += 1
        else:
            counts[NO_CLASS if found is None else found.category] += 1
    return dict(counts)


@attrs.frozen(kw_only=True)
class ParetoItem:
    """One bar of a Pareto chart.

    ``cumulative_share`` includes this item; ``vital`` marks the vital few.

    .. versionadded:: 0.1.0
    """

    key: str
    count: int
    share: float
    cumulative_share: float
    vital: bool


@attrs.frozen(kw_only=True)
class Pareto:
    """Items by count (descending, ties by key) with the vital few marked.

    .. versionadded:: 0.1.0
    """

    title: str
    total: int
    threshold: float
    items: tuple[ParetoItem, ...]

    @property
    def vital_few(self) -> tuple[str, ...]:
        """Return the keys of the vital few, largest first."""
        return tuple(item.key for item in self.items if item.vital)

    def top(self, n: int) -> tuple[tuple[ParetoItem, ...], ParetoItem | None]:
        """Return the ``n`` largest items and one item for all the others.

        The rest is summarised, never dropped: its ``key`` says how many
        items it holds (``3 others``), its count and share are theirs together,
        and its cumulative share is 1. It is ``None`` when nothing is left.

        Args:
            n: How many items to show on their own (at least 1).

        Returns:
            ``(shown, other)``.

        Raises:
            ValidationError: if ``n`` is not a positive integer.

        .. versionadded:: 0.2.0
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValidationError.single("n", "must be a positive integer")
        shown, rest = self.items[:n], self.items[n:]
        if not rest:
            return shown, None
        count = sum(item.count for item in rest)
        other = ParetoItem(
            key=f"{len(rest):,} other" + ("s" if len(rest) > 1 else ""),
            count=count,
            share=count / self.total,
            cumulative_share=1.0,
            vital=False,
        )
        return shown, other


def pareto(title: str, counts: Mapping[str, int], *, threshold: float = 0.8) -> Pareto:
    """Rank ``counts`` and mark the vital few.

    The vital few are the smallest set of the largest items whose counts
    together reach ``threshold`` of the total: an item is vital when the
    cumulative share *before* it is still below the threshold.

    Args:
        title: What is ranked, e.g. ``Root causes``.
        counts: Count per key (zero counts are left out).
        threshold: Share the vital few must reach, in ``(0, 1]`` (0.8 by default).

    Returns:
        The ranked items.

    Raises:
        ValidationError: if a count is negative or not an integer, or the
            threshold is outside ``(0, 1]``.

    .. versionadded:: 0.1.0
    """
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float))
        or not 0 < threshold <= 1
    ):
        raise ValidationError.single("threshold", "must be a number in (0, 1]")
    for key, count in counts.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValidationError.single(
                f"counts.{key}", "must be a non-negative integer"
            )
    ranked = sorted(
        ((k, c) for k, c in counts.items() if c), key=lambda kc: (-kc[1], kc[0])
    )
    total = sum(c for _, c in ranked)
    items = []
    running = 0
    for key, count in ranked:
        before = running / total
        running += count
        items.append(
            ParetoItem(
                key=key,
                count=count,
                share=count / total,
                cumulative_share=running / total,
                vital=before < threshold,
            )
        )
    return Pareto(
        title=title, total=total, threshold=float(threshold), items=tuple(items)
    )
