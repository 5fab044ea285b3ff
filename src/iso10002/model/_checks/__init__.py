"""Moved to :mod:`iso10002.validators`; kept while other branches still import it.

A package rather than a module, so that git follows the move of ``_checks.py``
to ``validators.py`` when branches that edited it are merged.
"""

from __future__ import annotations

from iso10002.model._fields import PERSONAL, evolve, is_personal
from iso10002.validators import (
    LONG_TEXT,
    MAX_EVENT_DATA_CHARS,
    MAX_HISTORY_DATA_CHARS,
    MAX_JSON_DEPTH,
    MAX_JSON_INTEGER,
    SHORT_TEXT,
    Validator,
    aware,
    check_json,
    instance_of,
    json_chars,
    non_negative,
    optional,
    text,
    to_tuple,
    to_utc,
    tuple_of,
)

__all__ = [
    "LONG_TEXT",
    "MAX_EVENT_DATA_CHARS",
    "MAX_HISTORY_DATA_CHARS",
    "MAX_JSON_DEPTH",
    "MAX_JSON_INTEGER",
    "PERSONAL",
    "SHORT_TEXT",
    "Validator",
    "aware",
    "check_json",
    "evolve",
    "instance_of",
    "is_personal",
    "json_chars",
    "non_negative",
    "optional",
    "text",
    "to_tuple",
    "to_utc",
    "tuple_of",
]
