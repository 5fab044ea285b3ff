"""Search the complaints an actor may read: by their words, or a complainant's contacts.

Searching matches personal words (a name in a description, an e-mail
address), so a match itself reveals them: only an actor who may read
personal data may search, and a result is kept only when the actor may read
that complaint and its personal data. Results are the handler's own views
(:meth:`~iso10002.ComplaintsHandler.get`), redacted for the actor.
"""

from __future__ import annotations

from collections.abc import Mapping

from iso10002.errors import AccessDenied, Iso10002Error, NotFoundError, ValidationError
from iso10002.handler import READ, READ_PERSONAL_DATA, Actor, ComplaintsHandler
from iso10002.model import Complaint
from iso10002.repositories import SearchableRepository, SearchQuery

__all__ = [
    "MAX_SEARCH",
    "SEARCH_FIELDS",
    "SearchUnavailable",
    "search",
    "search_query",
]

MAX_SEARCH = 100
"""The most results one search returns."""
SEARCH_FIELDS = ("text", "email", "phone", "customer_reference")
"""The query parameters of a search, the fields of a
:class:`~iso10002.repositories.SearchQuery`."""
_DEFAULT = 20
# Repository hits read per search: some may be left out by the access policy.
_READ_AHEAD = 200  # the most a repository search returns


class SearchUnavailable(Iso10002Error):
    """The handler's repository cannot search (it is no ``SearchableRepository``)."""


def search_query(params: Mapping[str, str]) -> tuple[SearchQuery, int]:
    """Return the search query and result limit given by query parameters.

    Empty parameters count as not given.

    Raises:
        ValidationError: naming the parameter (a bad value, a bad ``limit``,
            or no criterion at all).
    """
    unknown = sorted(set(params) - {*SEARCH_FIELDS, "limit"})
    if unknown:
        raise ValidationError([(name, "is not a search parameter") for name in unknown])
    given = {name: params.get(name) or None for name in SEARCH_FIELDS}
    raw_limit = params.get("limit") or str(_DEFAULT)
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_SEARCH:
        raise ValidationError.single("limit", f"must be from 1 to {MAX_SEARCH}")
    return SearchQuery(**given), int(raw_limit)


def search(
    handler: ComplaintsHandler, query: SearchQuery, *, actor: Actor, limit: int
) -> list[Complaint]:
    """Return up to ``limit`` complaints matching ``query`` that ``actor`` may read.

    Args:
        handler: The handler, whose repository searches.
        query: What to look for.
        actor: Who searches.
        limit: The most results.

    Returns:
        The matching complaints, in ``find`` order, each as
        :meth:`~iso10002.ComplaintsHandler.get` shows it to ``actor``.

    Raises:
        AccessDenied: if ``actor`` may not read personal data.
        SearchUnavailable: if the repository cannot search.
    """
    access = handler.access
    if not access.can(actor, READ_PERSONAL_DATA, None):
        raise AccessDenied(actor.name, READ_PERSONAL_DATA)
    repository = handler.repository
    if not isinstance(repository, SearchableRepository):
        msg = f"{type(repository).__name__} cannot search"
        raise SearchUnavailable(msg)
    found: list[Complaint] = []
    for hit in repository.search(query, limit=_READ_AHEAD):
        if len(found) == limit:
            break
        if not (
            access.can(actor, READ, hit) and access.can(actor, READ_PERSONAL_DATA, hit)
        ):
            continue
        try:
            found.append(handler.get(hit.id, actor=actor))
        except (AccessDenied, NotFoundError):
            continue  # changed or erased since the search read it
    return found
