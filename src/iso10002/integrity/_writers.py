"""JSON text written straight from model objects: one generated function per class.

``to_dict`` followed by a JSON encoder walks a complaint twice (objects to
dicts, dicts to text); the writers here make the same text in one pass, from
an f-string per attrs class generated from its field types. They serve the
adapters' write path: the stored document and the personal-data commitment.

Each field becomes the text the project's converter and ``json`` would make
of it: strings through ``json``'s own escaping, ``datetime``/``date`` through
the converter's hooks, enums by value, nested model classes through their
own writer, ``tuple[X, ...]`` as arrays and ``X | None`` as ``null``. Any
other type (decimals, durations, event data, numbers) goes through the
converter's hook for that type and the C JSON encoder, as ``to_dict`` would.
Property tests hold every writer equal to ``json`` over ``to_dict``.

The text is not checked for lone surrogates here: callers check the whole
text once and fall back to ``json`` (which escapes them) when it is not
valid UTF-8.
"""

from __future__ import annotations

import enum
import functools
import json.encoder
import typing
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import attrs

from iso10002.integrity._json import canonical_text, compact_text
from iso10002.serialization import _fast

__all__ = ["field_writer", "writer"]

Writer = Callable[[Any], str]

_STRING: Writer = json.encoder.encode_basestring
_SCALAR_EXPR = {
    str: "S({v})",
    bool: '("true" if {v} is True else "false" if {v} is False else E({v}))',
    int: "(str({v}) if type({v}) is int else E({v}))",
}


class _Source:
    """The namespace and fresh names one generated function draws on."""

    def __init__(self, *, sort_keys: bool, building: frozenset[type]) -> None:
        self.sort_keys = sort_keys
        self.building = building
        converter = _fast()
        self.hook = converter.get_unstructure_hook
        self.namespace: dict[str, Any] = {
            "S": _STRING,
            "Q": '"',
            "E": canonical_text if sort_keys else compact_text,
        }
        self._count = 0

    def name(self, value: Any) -> str:
        """Put ``value`` in the namespace under a fresh name and return the name."""
        self._count += 1
        key = f"_{self._count}"
        self.namespace[key] = value
        return key

    def expr(self, var: str, annotation: Any) -> str:  # noqa: PLR0911 - one case per kind
        """Return an expression for the JSON text of ``var``, of type ``annotation``."""
        if annotation in _SCALAR_EXPR:
            return _SCALAR_EXPR[annotation].format(v=var)
        args = typing.get_args(annotation)
        if type(None) in args and len(args) == 2:  # noqa: PLR2004 - X | None
            (inner,) = (a for a in args if a is not type(None))
            return f'("null" if {var} is None else {self.expr(var, inner)})'
        if typing.get_origin(annotation) is tuple and args[1:] == (...,):
            item = f"i{self._count}"
            self._count += 1
            each = self.expr(item, args[0])
            joined = f'",".join([{each} for {item} in {var}])'
            return f'("[" + {joined} + "]" if {var} else "[]")'
        if annotation in (datetime, date):
            return f"(Q + {self.name(self.hook(annotation))}({var}) + Q)"
        if isinstance(annotation, type) and typing.get_origin(annotation) is None:
            if issubclass(annotation, enum.Enum) and all(
                type(m.value) is str for m in annotation
            ):
                return f"S({var}._value_)"  # the member's value, without the property
            if attrs.has(annotation) and annotation not in self.building:
                nested = _build(
                    annotation,
                    sort_keys=self.sort_keys,
                    omit=(),
                    building=self.building,
                )
                return f"{self.name(nested)}({var})"
        return f"E({self.name(self.hook(annotation))}({var}))"


def _compile(source: str, namespace: dict[str, Any]) -> Writer:
    exec(source, namespace)  # noqa: S102 - generated from attrs field names and types
    built: Writer = namespace["write"]
    return built


def _build(
    cls: type, *, sort_keys: bool, omit: tuple[str, ...], building: frozenset[type]
) -> Writer:
    """Generate the writer of ``cls``, fields ``omit`` left out."""
    source = _Source(sort_keys=sort_keys, building=building | {cls})
    hints = typing.get_type_hints(cls)
    names = [a.name for a in attrs.fields(cls) if a.name not in omit]
    if sort_keys:
        names.sort()
    lines = ["def write(o):"]
    parts = []
    for i, name in enumerate(names):
        lines.append(f"    v{i} = o.{name}")
        parts.append(f'"{name}":{{{source.expr(f"v{i}", hints[name])}}}')
    lines.append("    return f'{{" + ",".join(parts) + "}}'")
    return _compile("\n".join(lines), source.namespace)


@functools.cache
def writer(cls: type, *, sort_keys: bool, omit: tuple[str, ...] = ()) -> Writer:
    """Return ``write(obj)``: the JSON text of a ``cls`` instance, as ``json`` makes it.

    ``sort_keys`` sorts every object's keys (the canonical form); otherwise
    fields come in declaration order (``to_dict``'s). Fields in ``omit`` are
    left out of the top-level object.
    """
    return _build(cls, sort_keys=sort_keys, omit=omit, building=frozenset())


@functools.cache
def field_writer(cls: type, name: str, *, sort_keys: bool) -> Writer:
    """Return ``write(value)``: the JSON text of a value of ``cls``'s field ``name``."""
    source = _Source(sort_keys=sort_keys, building=frozenset({cls}))
    annotation = typing.get_type_hints(cls)[name]
    body = source.expr("v", annotation)
    return _compile(f"def write(v):\n    return {body}", source.namespace)
