"""Search that staff expect: free text over a complaint's words, and contact lookup.

A :class:`SearchQuery` asks for complaints whose own words (description,
desired outcome, notes and messages, reference, subject references) hold
every word of ``text``, and/or whose complainant has this e-mail address,
phone number or customer reference (to find repeat complainants).

Every adapter answers with the same *terms*: words are the Unicode word
runs of the casefolded text (at most :data:`MAX_TERM` characters each);
an e-mail address is compared casefolded, a phone number by its digits, a
customer reference exactly. The SQL adapters index those terms (an
inverted-index table on SQLite, a ``text[]`` column with a GIN index on
PostgreSQL), so they agree with the in-memory scan on any text, and an
erased complainant's terms are deleted with the values, not left behind in
a full-text engine's segments.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any, Protocol, runtime_checkable

import attrs

from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.validators import optional
from iso10002.validators import text as checked_text

__all__ = [
    "MAX_SEARCH_RESULTS",
    "MAX_TERM",
    "SearchQuery",
    "SearchableRepository",
    "check_search",
    "complaint_terms",
    "matches_search",
    "query_terms",
    "search_digest",
]

MAX_TERM = 64
"""Words are cut to this many characters (queries and index alike)."""
MAX_SEARCH_RESULTS = 200
"""The most complaints one search returns."""

_WORD = re.compile(r"\w+")
_DIGITS = re.compile(r"\d")
_SEPARATOR = "\x1f"


def _phone(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and len(_DIGITS.findall(value)) < 3:  # noqa: PLR2004
        raise ValidationError.single(attribute.name, "must hold at least 3 digits")


def _words(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not _WORD.search(value):
        raise ValidationError.single(attribute.name, "must hold at least one word")


@attrs.frozen(kw_only=True)
class SearchQuery:
    """What to search for; every criterion given must hold.

    Args:
        text: Words that must all appear among the complaint's own words
            (description, desired outcome, notes and messages, reference,
            subject references), compared casefolded, whole words.
        email: The complainant's e-mail address (compared casefolded).
        phone: The complainant's phone number (compared by its digits).
        customer_reference: The complainant's customer reference (exact).

    Raises:
        ValidationError: naming the field, for a bad value or no criterion.

    .. versionadded:: 0.2.0
    """

    text: str | None = attrs.field(
        default=None,
        validator=[optional(checked_text(max_length=500, multiline=True)), _words],
    )
    email: str | None = attrs.field(
        default=None, validator=optional(checked_text(max_length=254))
    )
    phone: str | None = attrs.field(
        default=None, validator=[optional(checked_text(max_length=50)), _phone]
    )
    customer_reference: str | None = attrs.field(
        default=None, validator=optional(checked_text(max_length=100))
    )

    def __attrs_post_init__(self) -> None:
        """Refuse a query that asks for nothing."""
        if attrs.astuple(self) == (None, None, None, None):
            raise ValidationError.single(
                "text", "give text, email, phone or customer_reference"
            )


@runtime_checkable
class SearchableRepository(Protocol):
    """A repository that can search by words and contacts (an optional ability).

    .. versionadded:: 0.2.0
    """

    def search(self, query: SearchQuery, *, limit: int = 50) -> tuple[Complaint, ...]:
        """Return up to ``limit`` matching complaints, in ``find`` order.

        Raises:
            ValidationError: for a bad query or limit.
        """
        ...


def _text_words(value: str) -> Iterator[str]:
    for word in _WORD.findall(value.casefold()):
        yield word[:MAX_TERM]


def _contact_terms(
    email: str | None, phone: str | None, customer_reference: str | None
) -> Iterator[str]:
    if email is not None:
        yield f"email:{email.strip().casefold()}"
    if phone is not None:
        yield f"phone:{''.join(_DIGITS.findall(phone))}"
    if customer_reference is not None:
        yield f"customer:{customer_reference.strip()}"


def query_terms(query: SearchQuery) -> frozenset[str]:
    """Return the terms a complaint must all have to match ``query``."""
    terms = set(_text_words(query.text)) if query.text is not None else set()
    terms.update(_contact_terms(query.email, query.phone, query.customer_reference))
    return frozenset(terms)


def _sources(complaint: Complaint) -> list[str]:
    """Return the texts a complaint's terms come from, in a fixed order."""
    texts = [complaint.reference, *complaint.subject.references]
    texts.extend(
        v for v in (complaint.description, complaint.desired_outcome) if v is not None
    )
    for note in complaint.notes:
        if note.text is not None:
            texts.append(note.text)
        message = note.message
        if message is not None:
            texts.extend(v for v in (message.subject, message.body) if v is not None)
    return texts


def complaint_terms(complaint: Complaint) -> frozenset[str]:
    """Return every term of ``complaint`` (its words and its contact terms)."""
    terms: set[str] = set()
    for value in _sources(complaint):
        terms.update(_text_words(value))
    person = complaint.complainant
    terms.update(_contact_terms(person.email, person.phone, person.customer_reference))
    return frozenset(terms)


def search_digest(complaint: Complaint) -> str:
    """Return a digest of what the terms come from (a save re-indexes on change)."""
    person = complaint.complainant
    parts = [
        *_sources(complaint),
        *(v or "" for v in (person.email, person.phone, person.customer_reference)),
    ]
    data = _SEPARATOR.join(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def matches_search(query: SearchQuery, complaint: Complaint) -> bool:
    """Tell whether ``complaint`` matches ``query`` (the reference predicate)."""
    return query_terms(query) <= complaint_terms(complaint)


def check_search(query: Any, limit: Any) -> tuple[SearchQuery, int]:
    """Return ``(query, limit)`` if valid, else raise ValidationError naming it."""
    if not isinstance(query, SearchQuery):
        raise ValidationError.single(
            "query", f"must be a SearchQuery, not {type(query).__name__}"
        )
    if (
        isinstance(limit, bool)
        or not isinstance(limit, int)
        or not 1 <= limit <= MAX_SEARCH_RESULTS
    ):
        raise ValidationError.single(
            "limit", f"must be an integer from 1 to {MAX_SEARCH_RESULTS}"
        )
    return query, limit
