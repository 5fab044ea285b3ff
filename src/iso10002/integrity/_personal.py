"""The personal data of a complaint, and the salted commitment the chain stores.

A field is personal when its metadata says so (:func:`iso10002.model.is_personal`);
the walk visits only fields that are personal or can hold personal data.
"""

from __future__ import annotations

import hmac
import json
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from iso10002.integrity._json import canonical_json
from iso10002.model import Complaint, is_personal
from iso10002.serialization import to_data

__all__ = ["commit_personal_data", "personal_data", "personal_text"]

_PLANS: dict[type, tuple[tuple[str, bool], ...]] = {}

# Personal fields added after commitments were first stored: left out while
# empty, so the commitments of complaints recorded before them still verify.
_OMITTED_WHEN_EMPTY = frozenset({"notes"})
_HOLDERS: dict[type, bool] = {}


def _plan(cls: type) -> tuple[tuple[str, bool], ...]:
    """Return ``(field, personal)`` for the fields of ``cls`` worth visiting.

    A field is worth visiting when it is personal, or when its annotation
    names a model class that can hold personal data; the others (ids, codes,
    times, event data) are skipped without being read.
    """
    plan = _PLANS.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls)
        plan = _PLANS[cls] = tuple(
            (attribute.name, is_personal(attribute))
            for attribute in attrs.fields(cls)
            if attribute.name != "history"
            and (
                is_personal(attribute)
                or any(
                    _may_hold_personal(inner)
                    for inner in _attrs_classes(hints.get(attribute.name))
                )
            )
        )
    return plan


def _may_hold_personal(cls: type) -> bool:
    """Tell whether instances of ``cls`` can hold personal data (by field types)."""
    known = _HOLDERS.get(cls)
    if known is not None:
        return known
    _HOLDERS[cls] = False  # a recursive type is settled by its other fields
    hints = typing.get_type_hints(cls)
    holds = any(
        is_personal(attribute)
        or any(
            _may_hold_personal(inner)
            for inner in _attrs_classes(hints.get(attribute.name))
        )
        for attribute in attrs.fields(cls)
    )
    _HOLDERS[cls] = holds
    return holds


def _attrs_classes(annotation: Any) -> list[type]:
    found: list[type] = []
    if isinstance(annotation, type) and attrs.has(annotation):
        found.append(annotation)
    for argument in getattr(annotation, "__args__", ()) or ():
        found.extend(_attrs_classes(argument))
    return found


class _Steps(dict[type, tuple[tuple[str, Any], ...]]):
    """``(field, annotation)`` per field of a class to visit (see :func:`_plan`).

    ``annotation`` is the type of a personal field, whose value is converted
    as :func:`~iso10002.serialization.to_dict` converts it; it is ``None`` for
    a field that only holds personal data further down. Filled on first use
    of each class.
    """

    def __missing__(self, cls: type) -> tuple[tuple[str, Any], ...]:
        hints = typing.get_type_hints(cls)
        steps = self[cls] = tuple(
            (name, hints[name] if personal else None) for name, personal in _plan(cls)
        )
        return steps


_STEPS = _Steps()


def _collect(obj: Any, prefix: str, out: list[tuple[str, Any]]) -> None:
    """Append ``(path, converted value)`` for each personal field under ``obj``."""
    for name, annotation in _STEPS[type(obj)]:
        value = getattr(obj, name)
        if annotation is not None:
            if value == () and name in _OMITTED_WHEN_EMPTY:
                continue
            out.append((prefix + name, to_data(value, annotation)))
            continue
        if value is None or isinstance(value, (str, int, float)):
            continue
        if attrs.has(type(value)):
            if _may_hold_personal(type(value)):
                _collect(value, f"{prefix}{name}.", out)
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if attrs.has(type(item)) and _may_hold_personal(type(item)):
                    _collect(item, f"{prefix}{name}[{i}].", out)


def personal_data(
    complaint: Complaint, document: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Return every personal field of ``complaint`` as ``{path: JSON value}``.

    Paths are dotted with ``[i]`` for positions, e.g. ``complainant.email``.
    ``document`` is accepted for compatibility and no longer needed: only the
    personal fields are converted.

    .. versionadded:: 0.1.0
    """
    del document
    found: list[tuple[str, Any]] = []
    _collect(complaint, "", found)
    return dict(found)


_CANONICAL = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True
).encode


def personal_text(complaint: Complaint) -> str:
    """Return ``canonical_json(personal_data(complaint))``: the text committed to.

    The C encoder writes the same text (a property test holds them equal); a
    text that is not valid UTF-8 (lone surrogates) is written by
    :func:`canonical_json`, which escapes them.
    """
    found = personal_data(complaint)
    text = _CANONICAL(found)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return canonical_json(found)
    return text


def commit_personal_data(
    complaint: Complaint, salt: bytes, document: Mapping[str, Any] | None = None
) -> str:
    """Return the salted commitment (HMAC-SHA256, hex) to the personal data.

    ``document`` is accepted for compatibility and no longer needed.

    .. versionadded:: 0.1.0
    """
    del document
    payload = personal_text(complaint).encode("utf-8")
    return hmac.digest(salt, payload, "sha256").hex()
