"""Work done in child processes by the contract; imports nothing heavy (no pytest)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from iso10002.errors import ConflictError

if TYPE_CHECKING:
    from iso10002.model import Complaint
    from iso10002.repositories import ComplaintRepository

__all__ = ["save_in_process"]


def save_in_process(
    opener: Callable[[], ComplaintRepository],
    complaint: Complaint,
    expected_version: int,
) -> str:
    """Save ``complaint`` through a freshly opened repository; run in a child process.

    Returns:
        ``"won"`` or ``"conflict"``.
    """
    repository = opener()
    try:
        repository.save(complaint, expected_version=expected_version)
    except ConflictError:
        return "conflict"
    finally:
        repository.close()
    return "won"
