"""The JSON text the adapters store: compact, UTF-8 kept, built-once encoders.

``json.dumps`` with options builds a new encoder on every call, and
``JSONEncoder.encode`` a new C encoder; these functions build the C encoder
once (the one ``json`` itself uses, so the text is identical) and fall back
to ``JSONEncoder`` where there is none.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Iterable
from typing import Any

__all__ = [
    "Chunks",
    "canonical_chunks",
    "canonical_json",
    "canonical_text",
    "compact_json",
    "compact_text",
]


Chunks = Callable[[Any, int], Iterable[str]]
"""``chunks(value, 0)``: the JSON text of ``value`` in pieces, to ``"".join``."""


def _chunks(*, sort_keys: bool) -> Chunks:
    python = json.JSONEncoder(
        sort_keys=sort_keys, separators=(",", ":"), ensure_ascii=False
    )

    def fallback(value: Any, _level: int) -> Iterable[str]:  # pragma: no cover
        return python.iterencode(value)

    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython has the C encoder
        return fallback
    try:
        c_chunks: Chunks = make(
            None,  # no circular-reference markers: model data is a tree
            python.default,
            json.encoder.encode_basestring,
            None,  # indent
            ":",
            ",",
            sort_keys,
            False,  # noqa: FBT003 - skipkeys; the C function is positional-only
            True,  # noqa: FBT003 - allow_nan; the C function is positional-only
        )
    except TypeError:  # pragma: no cover - another signature: stay correct
        return fallback
    return c_chunks


canonical_chunks = _chunks(sort_keys=True)
"""The canonical encoder in pieces: ``"".join(canonical_chunks(value, 0))``."""

_COMPACT_CHUNKS = _chunks(sort_keys=False)


def _encodable(text: str, data: Any, *, sort_keys: bool) -> str:
    # Lone surrogates pass the model's checks but cannot be encoded as UTF-8:
    # escape them (and only then everything else) so any accepted text can be stored.
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(
            data, sort_keys=sort_keys, separators=(",", ":"), ensure_ascii=True
        )
    return text


def canonical_text(data: Any) -> str:
    """Serialise canonically, UTF-8 or not (the caller checks the whole text)."""
    return "".join(canonical_chunks(data, 0))


def compact_text(data: Any) -> str:
    """Serialise compactly, UTF-8 or not (the caller checks the whole text)."""
    return "".join(_COMPACT_CHUNKS(data, 0))


def canonical_json(data: Any) -> str:
    """Serialise JSON data canonically (sorted keys, no spaces, UTF-8 kept)."""
    return _encodable(canonical_text(data), data, sort_keys=True)


def compact_json(data: Any) -> str:
    """Serialise JSON data compactly in its own key order (UTF-8 kept)."""
    return _encodable(compact_text(data), data, sort_keys=False)
