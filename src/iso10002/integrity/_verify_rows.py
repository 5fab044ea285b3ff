"""Checks of a stored complaint row against its document and its event log.

Shared by the SQL adapters: the row's version and last link must match the
event log, and every indexed column (what ``find`` and ``count`` select on)
must hold what the document says, so an edit of a column alone is named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from iso10002.integrity._report import IntegrityProblem
from iso10002.integrity._verify import StoredLink

__all__ = ["column_problems", "gap_problems", "head_problems", "orphan_problems"]


def head_problems(
    complaint_id: str, *, version: int, last_link: str, links: Sequence[StoredLink]
) -> list[IntegrityProblem]:
    """Check the row's version and last link against its event log."""
    if version != len(links):
        return [
            IntegrityProblem(
                complaint_id=complaint_id,
                message=f"row is at version {version} but the event log holds "
                f"{len(links)} events",
            )
        ]
    if links and links[-1].link != last_link:
        return [
            IntegrityProblem(
                complaint_id=complaint_id,
                message="row's last link differs from the event log's last link",
            )
        ]
    return []


def column_problems(
    complaint_id: str, *, stored: Mapping[str, Any], expected: Mapping[str, Any]
) -> list[IntegrityProblem]:
    """Name each indexed column whose stored value is not the document's."""
    return [
        IntegrityProblem(
            complaint_id=complaint_id,
            message=f"indexed column {name!r} differs from the document",
        )
        for name, value in expected.items()
        if stored.get(name) != value
    ]


def orphan_problems(complaint_ids: Sequence[str]) -> list[IntegrityProblem]:
    """Report events whose complaint row is missing (a deleted complaint)."""
    return [
        IntegrityProblem(
            complaint_id=complaint_id,
            message="the event log holds events of a complaint that is not stored "
            "(its row was deleted)",
        )
        for complaint_id in complaint_ids
    ]


def gap_problems(gaps: Sequence[tuple[int, int]]) -> list[IntegrityProblem]:
    """Report runs of missing positions in a gapless event log."""
    return [
        IntegrityProblem(
            complaint_id="",
            message=f"the event log has no events at positions {start} to {end} "
            "(events were deleted)",
        )
        for start, end in gaps
    ]
