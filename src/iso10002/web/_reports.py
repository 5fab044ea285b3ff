"""The management review pack and exports, for those who may export."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from iso10002.handler import EXPORT, Actor
from iso10002.repositories import Query
from iso10002.web._desk import Desk

__all__ = [
    "REVIEW_LIMIT",
    "build_review",
    "export_lines",
    "may_export",
    "review_html",
]

REVIEW_LIMIT = 50_000
"""The most complaints the desk's management review reads."""


def may_export(desk: Desk, actor: Actor) -> bool:
    """Tell whether ``actor`` may export (and so see the review pack)."""
    return desk.handler.access.can(actor, EXPORT, None)


def build_review(desk: Desk, actor: Actor) -> Any:
    """Return the management review pack (with its audit evidence) for ``actor``.

    Built with the handler's analysis input (redacted, only what ``actor``
    may read), at most :data:`REVIEW_LIMIT` complaints, judged now.
    """
    from iso10002.analysis import (  # noqa: PLC0415 - loaded only when asked
        KpiSpec,
        build_management_review,
    )

    complaints = desk.handler.complaints_for_analysis(actor=actor)
    return build_management_review(
        islice(complaints, REVIEW_LIMIT), KpiSpec(as_of=desk.now())
    )


def review_html(desk: Desk, actor: Actor) -> str:
    """Return the review pack as the HTML page ``iso10002 report`` writes.

    Raises:
        ImportError: without the ``report`` extra (matplotlib draws the charts).
    """
    from iso10002.analysis import render_html  # noqa: PLC0415 - the report extra

    return render_html(build_review(desk, actor))


def export_lines(
    desk: Desk, actor: Actor, query: Query, *, personal: bool
) -> Iterator[str]:
    """Yield the exported complaints as JSON lines."""
    import json  # noqa: PLC0415 - only for exports

    for document in desk.handler.export(
        query, actor=actor, include_personal_data=personal
    ):
        yield json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
