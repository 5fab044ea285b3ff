"""JSON Schemas and HTML form fields derived from the model's attrs classes.

The wire form is what :func:`iso10002.serialization.to_dict` writes (the
library's one converter), so the schemas are read off the same attrs classes
and type hints: a field's schema cannot drift from its serialisation.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import attrs

from iso10002.model import Complaint

__all__ = [
    "FormField",
    "completes",
    "component_schemas",
    "field_type",
    "form_fields",
    "schema_for",
    "server_filled",
]

JSON = dict[str, Any]

_SCALARS: dict[Any, JSON] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    bool: {"type": "boolean"},
    float: {"type": "number"},
    datetime: {"type": "string", "format": "date-time"},
    date: {"type": "string", "format": "date"},
    Decimal: {"type": "string"},
}


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _optional(hint: Any) -> tuple[Any, bool]:
    """Return ``(inner, True)`` for ``X | None``, else ``(hint, False)``."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(hint)) == 2:  # noqa: PLR2004
            return args[0], True
    return hint, False


def schema_for(hint: Any, refs: dict[str, JSON], *, request: bool = False) -> JSON:
    """Return the JSON Schema of values of type ``hint``, as ``to_dict`` writes them.

    Attrs classes become ``$ref`` entries collected in ``refs`` (response
    schemas require every field, since ``to_dict`` writes them all; request
    schemas require the fields without a default and forbid unknown ones, as
    the converter does).
    """
    inner, nullable = _optional(hint)
    schema = _schema(inner, refs, request=request)
    if nullable:
        return {"anyOf": [schema, {"type": "null"}]}
    return schema


def _schema(hint: Any, refs: dict[str, JSON], *, request: bool) -> JSON:
    if hint in _SCALARS:
        return dict(_SCALARS[hint])
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"type": "string", "enum": [m.value for m in hint]}
    if isinstance(hint, type) and attrs.has(hint):
        name = f"{hint.__name__}Input" if request else hint.__name__
        if name not in refs:
            refs[name] = {}  # placeholder: breaks cycles
            refs[name] = _object(hint, refs, request=request)
        return {"$ref": f"#/components/schemas/{name}"}
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:  # noqa: PLR2004
        return {"type": "array", "items": schema_for(args[0], refs, request=request)}
    if origin in (dict, typing.Mapping) or hint is dict:
        return {"type": "object"}
    return {}  # Any


def _object(cls: type, refs: dict[str, JSON], *, request: bool) -> JSON:
    hints = _hints(cls)
    fields = attrs.fields(cls)
    properties = {
        f.name: schema_for(hints[f.name], refs, request=request) for f in fields
    }
    if request:
        required = [f.name for f in fields if f.default is attrs.NOTHING]
    else:
        required = [f.name for f in fields]
    schema: JSON = {"type": "object", "properties": properties, "required": required}
    if request:
        schema["additionalProperties"] = False
    doc = (cls.__doc__ or "").strip().splitlines()
    if doc:
        schema["description"] = doc[0]
    return schema


def component_schemas() -> dict[str, JSON]:
    """Return the schemas of :class:`~iso10002.model.Complaint` and what it holds."""
    refs: dict[str, JSON] = {}
    schema_for(Complaint, refs)
    return refs


def field_type(name: str) -> Any:
    """Return the type hint of the complaint field ``name`` (``KeyError`` if none)."""
    return _hints(Complaint)[name]


def server_filled(attribute: attrs.Attribute[Any], hint: Any) -> bool:
    """Tell whether the desk fills a field itself: instants, and who took the step.

    A step records *when* it happened and *who* took it; the person at the
    desk types neither.
    """
    inner, _ = _optional(hint)
    return inner is datetime or attribute.name.endswith("_by")


@attrs.frozen(kw_only=True)
class FormField:
    """One input of a generated step form.

    Args:
        name: The dotted path the value goes to, e.g. ``decision.summary``.
        label: What the person reads.
        kind: ``text``, ``textarea``, ``number``, ``checkbox``, ``select``
            or ``list`` (comma-separated words).
        required: The model needs a value.
        choices: The allowed values of a ``select``.
        value: The current value, shown in the input.
    """

    name: str
    label: str
    kind: str
    required: bool
    choices: tuple[str, ...] = ()
    value: str = ""


_LONG_TEXT = frozenset({"summary", "reasons", "description", "comment"})


def _label(path: str) -> str:
    words = [part.replace("_", " ").replace("[0]", "") for part in path.split(".")]
    return ": ".join(words).capitalize()


def _input(path: str, hint: Any, *, required: bool, current: Any) -> FormField | None:
    inner, nullable = _optional(hint)
    required = required and not nullable
    value = "" if current is None else str(getattr(current, "value", current))
    label = _label(path)
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        choices = tuple(m.value for m in inner)
        return FormField(
            name=path,
            label=label,
            kind="select",
            required=required,
            choices=choices,
            value=value,
        )
    if inner is bool:
        return FormField(
            name=path, label=label, kind="checkbox", required=False, value=value
        )
    if inner is int:
        return FormField(
            name=path, label=label, kind="number", required=required, value=value
        )
    if inner in (str, Decimal):
        kind = "textarea" if path.rsplit(".", 1)[-1] in _LONG_TEXT else "text"
        return FormField(
            name=path, label=label, kind=kind, required=required, value=value
        )
    origin = typing.get_origin(inner)
    args = typing.get_args(inner)
    if origin is tuple and args and args[0] is str:
        shown = ", ".join(current or ())
        return FormField(
            name=path, label=label, kind="list", required=False, value=shown
        )
    return None  # nested records (remedies, links) are left to the API


def completes(name: str, requires: Collection[str]) -> bool:
    """Tell whether a step that sets record ``name`` completes the one held.

    It does when it requires a field inside the record (communicating a
    decision requires ``decision.communicated_at``); a step that requires
    the record itself (deciding) records a new one.
    """
    prefix = f"{name}."
    return any(r.startswith(prefix) for r in requires)


def _item_record(hint: Any) -> type | None:
    """Return ``X`` for ``tuple[X, ...]`` of an attrs class, else ``None``."""
    inner, _ = _optional(hint)
    args = typing.get_args(inner)
    if (
        typing.get_origin(inner) is tuple
        and len(args) == 2  # noqa: PLR2004
        and args[1] is Ellipsis
        and isinstance(args[0], type)
        and attrs.has(args[0])
    ):
        return args[0]
    return None


def _one_item(path: str, cls: type) -> list[FormField]:
    """Return the inputs of one optional item of a list of records (a remedy)."""
    hints = _hints(cls)
    fields = []
    for sub in attrs.fields(cls):
        if server_filled(sub, hints[sub.name]):
            continue
        made = _input(
            f"{path}.{sub.name}", hints[sub.name], required=False, current=None
        )
        if made is not None:
            fields.append(made)
    return fields


def form_fields(
    sets: typing.Iterable[str],
    complaint: Complaint,
    requires: Collection[str] = (),
) -> list[FormField]:
    """Return the inputs for the complaint fields a step sets.

    A record field (``decision``) gives one input per sub-field, except the
    ones the desk fills (:func:`server_filled`); when the complaint already
    holds the record and the step completes it (:func:`completes`), only its
    empty sub-fields are asked (communicating a decision asks how, not the
    decision again); a step that records it anew (deciding again after an
    appeal) asks every field, filled in with the current values. A list of
    records inside a record (the decision's remedies) gives the inputs of
    one optional item. A record's own required
    sub-fields are marked required only when the step requires the record
    (a root cause is optional when closing; its category is needed only
    with it).
    """
    found: list[FormField] = []
    for name in sets:
        hint = field_type(name)
        inner, _ = _optional(hint)
        current = getattr(complaint, name, None)
        if isinstance(inner, type) and attrs.has(inner):
            hints = _hints(inner)
            completing = current is not None and completes(name, requires)
            for sub in attrs.fields(inner):
                if server_filled(sub, hints[sub.name]):
                    continue
                value = None if current is None else getattr(current, sub.name)
                if completing and value not in (None, "", ()):
                    continue
                path = f"{name}.{sub.name}"
                item = _item_record(hints[sub.name])
                if item is not None:
                    if not completing:  # items are given with a new record
                        found.extend(_one_item(f"{path}[0]", item))
                    continue
                made = _input(
                    path,
                    hints[sub.name],
                    required=sub.default is attrs.NOTHING and name in requires,
                    current=value,
                )
                if made is not None:
                    found.append(made)
            continue
        made = _input(name, hint, required=False, current=current)
        if made is not None:
            found.append(made)
    return found
