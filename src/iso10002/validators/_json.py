"""The checks of event data: bounded, plain JSON (public in the package)."""

from __future__ import annotations

import json.encoder
import math
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from iso10002.errors import ValidationError

__all__ = [
    "LONE_SURROGATES",
    "MAX_EVENT_DATA_CHARS",
    "MAX_HISTORY_DATA_CHARS",
    "MAX_JSON_DEPTH",
    "MAX_JSON_INTEGER",
    "check_json",
    "json_chars",
]

MAX_JSON_DEPTH = 32
"""Deepest nesting of lists and objects in event data (the data itself is level 1).

.. versionadded:: 0.2.0
"""

MAX_JSON_INTEGER = 2**63 - 1
"""Largest magnitude of an integer in event data (a signed 64-bit integer).

.. versionadded:: 0.2.0
"""

MAX_EVENT_DATA_CHARS = 262_144
"""Longest JSON text of one event's data, in characters (256 Ki).

.. versionadded:: 0.2.0
"""

MAX_HISTORY_DATA_CHARS = 16_777_216
"""Longest total JSON text of the data of every event in one history (16 Mi).

.. versionadded:: 0.2.0
"""

_SURROGATE = re.compile(r"[\ud800-\udfff]")
LONE_SURROGATES = "must not contain lone surrogates (not encodable as UTF-8)"
_ENCODE_STRING: Callable[[str], str] = json.encoder.encode_basestring


def check_json(value: Any, path: str) -> int:
    """Check that ``value`` is bounded, plain JSON data; return a bound of its length.

    Plain JSON data is ``dict`` with string keys, ``list``/``tuple``, ``str``
    (no lone surrogates), ``int`` within :data:`MAX_JSON_INTEGER`, finite
    ``float``, ``bool`` and ``None``, nested at most :data:`MAX_JSON_DEPTH`
    levels, whose compact JSON text is at most :data:`MAX_EVENT_DATA_CHARS`
    characters.

    Args:
        value: The data to check.
        path: The field name errors report (nested paths are appended).

    Returns:
        An upper bound of the length of the value's compact JSON text.

    Raises:
        ValidationError: naming the first offending path.

    .. versionadded:: 0.1.0
    """
    size = _json_size(value, path, 1)
    if size > MAX_EVENT_DATA_CHARS:
        raise ValidationError.single(
            path,
            f"must be at most {MAX_EVENT_DATA_CHARS} characters as JSON, not {size}",
        )
    return size


_COMPACT = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), check_circular=False
).encode


def json_chars(value: Any) -> int:
    """Return the length of the compact JSON text of checked JSON data.

    Args:
        value: Data that passed :func:`check_json`.

    Returns:
        The exact length, in characters, of its compact JSON text.

    .. versionadded:: 0.1.0
    """
    return len(_COMPACT(value)) if value else 2


# The size of keys met before (short plain strings only, a bounded number):
# event data repeats the same few keys in every event of every history.
_KEYS: dict[str, int] = {}
_KEYS_MAX = 4096
_KEY_CHARS = 64


def _key_size(key: Any, path: str) -> int:
    """Return a key's size with its colon; refuse a key JSON cannot keep."""
    if not isinstance(key, str) or _SURROGATE.search(key):
        raise ValidationError.single(path, "keys must be strings encodable as UTF-8")
    size = len(_ENCODE_STRING(key)) + 2
    if key.__class__ is str and len(key) <= _KEY_CHARS and len(_KEYS) < _KEYS_MAX:
        _KEYS[key] = size
    return size


def _plain_size(value: Any) -> int:
    """Return the size of a valid plain scalar, or 0 for anything else.

    A container's items are mostly such scalars: measured here, they need
    no path of their own; anything else (a container, another type, a bad
    scalar) is measured, or refused with its path, by ``_json_size``.
    """
    kind = value.__class__
    if kind is str:
        return 0 if _SURROGATE.search(value) else len(_ENCODE_STRING(value))
    if kind is bool or value is None:
        return 5
    if kind is int:
        return 20 if -MAX_JSON_INTEGER <= value <= MAX_JSON_INTEGER else 0
    return 0


def _json_size(value: Any, path: str, depth: int) -> int:  # noqa: C901, PLR0911, PLR0912 - one case per JSON type
    kind = value.__class__
    if kind is str:
        if _SURROGATE.search(value):
            raise ValidationError.single(path, LONE_SURROGATES)
        return len(_ENCODE_STRING(value))
    if kind is bool or value is None:
        return 5
    if kind is int:
        if not -MAX_JSON_INTEGER <= value <= MAX_JSON_INTEGER:
            raise ValidationError.single(
                path, f"must be an integer of magnitude at most {MAX_JSON_INTEGER}"
            )
        return 20
    if kind is float:
        if not math.isfinite(value):
            raise ValidationError.single(path, "must be a finite number")
        return 24
    if isinstance(value, (list, tuple, dict)) and depth > MAX_JSON_DEPTH:
        raise ValidationError.single(
            path, f"must not nest deeper than {MAX_JSON_DEPTH} levels"
        )
    if isinstance(value, (list, tuple)):
        size = 2
        for i, item in enumerate(value):
            plain = _plain_size(item)
            size += (plain or _json_size(item, f"{path}[{i}]", depth + 1)) + 1
        return size
    if isinstance(value, dict):
        size = 2
        for key, item in value.items():
            known = _KEYS.get(key) if key.__class__ is str else None
            if known is None:
                known = _key_size(key, path)
            size += known
            plain = _plain_size(item)
            size += plain or _json_size(item, f"{path}.{key[:100]}", depth + 1)
        return size
    if isinstance(value, str):
        return _json_size(str(value), path, depth)
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return _json_size(int(value), path, depth)
    if isinstance(value, float):
        return _json_size(float(value), path, depth)
    if isinstance(value, (Decimal, date)):
        raise ValidationError.single(
            path, f"must be JSON data; convert {type(value).__name__} to a string"
        )
    raise ValidationError.single(path, f"must be JSON data, not {type(value).__name__}")
