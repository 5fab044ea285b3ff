"""Reading complaints through the handler: one, a page, due and breached ones."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from iso10002.errors import RepositoryError, ValidationError
from iso10002.handler._access import READ
from iso10002.handler._actor import Actor, as_actor
from iso10002.handler._core import HandlerCore
from iso10002.model import Complaint
from iso10002.repositories import Page, Query

if TYPE_CHECKING:
    from iso10002.handler._handler import ComplaintsHandler

__all__ = ["breached", "due", "find", "get"]


def _check_statuses(core: HandlerCore, query: Query) -> None:
    """Refuse a status the workflow has no state for, naming it."""
    definition = core.definition
    states = {state.name for state in definition.states}
    for i, status in enumerate(query.status_in):
        if status not in states:
            raise ValidationError.single(
                f"query.status_in[{i}]",
                f"{status!r} is not a state of workflow "
                f"{definition.name!r} (one of {sorted(states)})",
            )


def _page(
    core: HandlerCore, query: Query | None, who: Actor, limit: int, after: str | None
) -> Page:
    """Return one page of the complaints ``who`` may read, redacted."""
    query = query or Query()
    _check_statuses(core, query)
    page = core.repository.find(query, limit=limit, after=after)
    items = tuple(
        core.view(c, who) for c in page.items if core.access.can(who, READ, c)
    )
    return Page(items=items, next_cursor=page.next_cursor)


def _collect(
    core: HandlerCore, query: Query, who: Actor, limit: int
) -> tuple[Complaint, ...]:
    """Return up to ``limit`` complaints of ``query`` ``who`` may read, redacted."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValidationError.single("limit", "must be a positive integer")
    found: list[Complaint] = []
    after: str | None = None
    while len(found) < limit:
        page = _page(core, query, who, min(500, limit), after)
        found.extend(page.items)
        if page.next_cursor is None:
            break
        if page.next_cursor == after:
            msg = f"find(after={after!r}) returned the same cursor: it never ends"
            raise RepositoryError(msg)
        after = page.next_cursor
    return tuple(found[:limit])


def get(  # noqa: D417 - self is the handler
    self: ComplaintsHandler, complaint_id: str, *, actor: Actor | str
) -> Complaint:
    """Load a complaint, redacted for ``actor``.

    Args:
        complaint_id: The complaint.
        actor: Who reads it.

    Returns:
        The latest version without the personal data ``actor`` may not see.

    Raises:
        NotFoundError: if there is no such complaint.
        AccessDenied: if ``actor`` may not read it.

    .. versionadded:: 0.1.0
    """
    who = as_actor(actor)
    complaint = self._core.repository.get(complaint_id)
    self._core.check(who, READ, complaint)
    return self._core.view(complaint, who)


def find(  # noqa: D417 - self is the handler
    self: ComplaintsHandler,
    query: Query | None = None,
    *,
    actor: Actor | str,
    limit: int = 100,
    after: str | None = None,
) -> Page:
    """Find complaints ``actor`` may read, one page at a time, redacted.

    Complaints the actor may not read are left out of the page (so a page
    may hold fewer than ``limit``); follow ``next_cursor`` as usual.

    Args:
        query: The criteria (every complaint when ``None``).
        actor: Who reads.
        limit: Largest page size.
        after: The ``next_cursor`` of the previous page.

    Returns:
        A page of redacted complaints.

    Raises:
        ValidationError: for a bad query, limit or cursor, or a status
            that is not a state of the handler's workflow (a typo such as
            ``"recieved"`` would otherwise find nothing, silently).

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Statuses are checked against the workflow's states.
    """
    return _page(self._core, query, as_actor(actor), limit, after)


def due(  # noqa: D417 - self is the handler
    self: ComplaintsHandler,
    before: datetime | None = None,
    *,
    actor: Actor | str,
    limit: int = 1000,
) -> tuple[Complaint, ...]:
    """Return open complaints with a pending due date before ``before``.

    Args:
        before: The instant (now by default).
        actor: Who reads (only complaints they may read are returned).
        limit: Most complaints returned.

    Returns:
        Redacted complaints in ``(received_at, id)`` order.

    .. versionadded:: 0.1.0
    """
    query = Query(due_before=before or self._core.clock.now())
    return _collect(self._core, query, as_actor(actor), limit)


def breached(  # noqa: D417 - self is the handler
    self: ComplaintsHandler,
    as_of: datetime | None = None,
    *,
    actor: Actor | str,
    limit: int = 1000,
) -> tuple[Complaint, ...]:
    """Return complaints with a due date passed unmet, or met late, at ``as_of``.

    Args:
        as_of: The instant judged at (now by default).
        actor: Who reads (only complaints they may read are returned).
        limit: Most complaints returned.

    Returns:
        Redacted complaints in ``(received_at, id)`` order.

    .. versionadded:: 0.1.0
    """
    query = Query(breached=True, as_of=as_of or self._core.clock.now())
    return _collect(self._core, query, as_actor(actor), limit)
