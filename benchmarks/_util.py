"""Shared timing helper for the benchmark scripts."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def best_of(fn: Callable[[], object], *, number: int, repeat: int = 5) -> float:
    """Return the best mean time per call over ``repeat`` runs of ``number`` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def best_with_result(fn: Callable[[], T], repeats: int) -> tuple[float, T]:
    """Return the best time of ``repeats`` single calls, and the last result."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def report(name: str, ours: float, reference: float, target: float) -> str:
    """Format one result line: times, ratio and whether the target is met."""
    ratio = ours / reference
    verdict = "meets" if ratio <= target else "MISSES"
    return (
        f"{name}: ours {ours * 1e6:.1f} us, reference {reference * 1e6:.1f} us, "
        f"ratio {ratio:.2f}x ({verdict} target <= {target}x)"
    )
