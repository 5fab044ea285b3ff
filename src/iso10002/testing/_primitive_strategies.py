"""Strategies for the plain values the model strategies are built from.

Text of any script, UTC datetimes, JSON data, e-mail addresses, reason codes
and identifiers; :mod:`iso10002.testing.strategies` exports the public ones.
"""

from __future__ import annotations

import string
from datetime import datetime, timezone
from typing import Any

from hypothesis import strategies as st

__all__ = [
    "IDS",
    "emails",
    "json_data",
    "multiline_text",
    "reason_codes",
    "single_line_text",
    "utc_datetimes",
]

_EARLIEST = datetime(2000, 1, 1)  # noqa: DTZ001 - bounds for st.datetimes are naive
_LATEST = datetime(2099, 12, 31)  # noqa: DTZ001


def _characters(*, multiline: bool) -> st.SearchStrategy[str]:
    include = "\n" if multiline else ""
    # Control characters (category Cc) and lone surrogates are refused by the model.
    return st.characters(exclude_categories=("Cc", "Cs"), include_characters=include)


def single_line_text(
    *, min_size: int = 1, max_size: int = 40
) -> st.SearchStrategy[str]:
    """Generate non-blank single-line text of any script, emoji included."""
    return st.text(
        _characters(multiline=False), min_size=min_size, max_size=max_size
    ).filter(lambda s: bool(s.strip()) or min_size == 0)


def multiline_text(*, min_size: int = 1, max_size: int = 200) -> st.SearchStrategy[str]:
    """Generate non-blank text that may span lines."""
    return st.text(
        _characters(multiline=True), min_size=min_size, max_size=max_size
    ).filter(lambda s: bool(s.strip()) or min_size == 0)


def utc_datetimes(
    *, min_value: datetime = _EARLIEST, max_value: datetime = _LATEST
) -> st.SearchStrategy[datetime]:
    """Generate timezone-aware UTC datetimes (bounds are naive, read as UTC)."""
    return st.datetimes(
        min_value=min_value.replace(tzinfo=None),
        max_value=max_value.replace(tzinfo=None),
        timezones=st.just(timezone.utc),
    )


def json_data(*, max_leaves: int = 6) -> st.SearchStrategy[dict[str, Any]]:
    """Generate a small mapping of JSON data, as held by ``HistoryEvent.data``."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**53), max_value=2**53)
        | st.floats(allow_nan=False, allow_infinity=False)
        | single_line_text(min_size=0, max_size=20)
    )
    keys = single_line_text(max_size=12)
    values = st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(keys, children, max_size=3)
        ),
        max_leaves=max_leaves,
    )
    return st.dictionaries(keys, values, max_size=4)


def emails() -> st.SearchStrategy[str]:
    """Generate e-mail addresses at ``.example`` domains."""
    local = st.text(
        string.ascii_letters + string.digits + "._+'-", min_size=1, max_size=20
    )
    domain = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=15)
    return st.builds(lambda a, b: f"{a}@{b}.example", local, domain)


def reason_codes() -> st.SearchStrategy[str]:
    """Generate reason codes (see :data:`~iso10002.model.REASON_CODE_PATTERN`).

    .. versionadded:: 0.2.0
    """
    word = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)
    return st.builds(
        lambda first, rest, joins: (
            first + "".join(j + w for j, w in zip(joins, rest, strict=False))
        ),
        st.text(string.ascii_lowercase, min_size=1, max_size=8),
        st.lists(word, max_size=3),
        st.lists(st.sampled_from("._-"), min_size=3, max_size=3),
    )


IDS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True)
"""Short identifiers (message ids, template versions)."""
