"""Load and dump workflow definitions: dicts, JSON and TOML, never code."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

from iso10002.errors import InvalidWorkflowDefinition, Problem, ValidationError
from iso10002.serialization import from_dict, to_dict
from iso10002.workflow._definition import State, Step, WorkflowDefinition

if sys.version_info >= (3, 11):  # pragma: no cover - depends on the interpreter
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = [
    "definition_from_dict",
    "definition_from_json",
    "definition_from_toml",
    "definition_to_dict",
    "definition_to_json",
    "definition_to_toml",
    "steps_of",
]

_MAX_TEXT = 1_000_000
# A definition nests five levels (definition, steps, a step, its lists, an
# item); anything far deeper is refused before it is structured.
_MAX_DEPTH = 32
_FIELDS = ("name", "version", "description", "states", "steps")


def definition_to_dict(definition: WorkflowDefinition) -> dict[str, Any]:
    """Return ``definition`` as plain JSON data."""
    return to_dict(definition)


def _items(
    data: Mapping[str, Any], key: str, cls: type[Any], problems: list[Problem]
) -> list[Any]:
    value = data.get(key)
    if value is None:
        problems.append((key, "required field is missing"))
        return []
    if not isinstance(value, (list, tuple)):
        problems.append((key, f"must be a list, not {type(value).__name__}"))
        return []
    items = []
    for i, item in enumerate(value):
        try:
            items.append(from_dict(cls, item))
        except ValidationError as exc:
            problems += exc.prefixed(f"{key}[{i}]").problems
    return items


def steps_of(data: Any) -> tuple[Step, ...]:
    """Return the steps of plain definition data that parse on their own.

    Steps that do not parse are left out; the definition's own problems
    are reported by :func:`definition_from_dict`.
    """
    if not isinstance(data, Mapping):
        return ()
    return tuple(_items(data, "steps", Step, []))


def definition_from_dict(data: Any) -> WorkflowDefinition:
    """Build a definition from plain data, reporting every problem at once."""
    if not isinstance(data, Mapping):
        raise InvalidWorkflowDefinition([("", "must be a mapping")])
    problems: list[Problem] = [
        (str(key), "unknown field") for key in data if key not in _FIELDS
    ]
    name = data.get("name")
    if not isinstance(name, str):
        problems.append(
            (
                "name",
                "required string is missing" if name is None else "must be a string",
            )
        )
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        problems.append(("version", "must be an integer"))
    description = data.get("description", "")
    if not isinstance(description, str):
        problems.append(("description", "must be a string"))
    states = _items(data, "states", State, problems)
    steps = _items(data, "steps", Step, problems)
    if problems or not isinstance(name, str) or not isinstance(version, int):
        raise InvalidWorkflowDefinition(problems)
    try:
        return WorkflowDefinition(
            name=name,
            version=version,
            description=description,
            states=states,
            steps=steps,
        )
    except ValidationError as exc:  # pragma: no cover - types were checked above
        raise InvalidWorkflowDefinition(exc.problems) from None


def definition_to_json(
    definition: WorkflowDefinition, *, indent: int | None = 2
) -> str:
    """Return ``definition`` as JSON text."""
    return json.dumps(definition_to_dict(definition), indent=indent, ensure_ascii=False)


def _check_size(text: Any) -> None:
    if not isinstance(text, (str, bytes, bytearray)):
        raise InvalidWorkflowDefinition(
            [("", f"must be text, not {type(text).__name__}")]
        )
    if len(text) > _MAX_TEXT:
        raise InvalidWorkflowDefinition([("", f"larger than {_MAX_TEXT} characters")])


def _check_depth(data: Any) -> None:
    """Refuse data nested deeper than any definition is (checked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise InvalidWorkflowDefinition(
                [("", f"nested deeper than {_MAX_DEPTH} levels")]
            )
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def definition_from_json(text: str | bytes) -> WorkflowDefinition:
    """Parse a definition from JSON text."""
    _check_size(text)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InvalidWorkflowDefinition([("", f"not valid JSON ({exc})")]) from None
    _check_depth(data)
    return definition_from_dict(data)


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def definition_to_toml(definition: WorkflowDefinition) -> str:
    """Return ``definition`` as TOML text (TOML has no null: ``None`` is omitted)."""
    try:
        import tomli_w  # noqa: PLC0415 - optional dependency, the ``toml`` extra
    except ImportError as exc:
        msg = "dumping TOML needs tomli-w: install iso10002[toml]"
        raise ImportError(msg) from exc
    return tomli_w.dumps(_without_none(definition_to_dict(definition)))


def definition_from_toml(text: str) -> WorkflowDefinition:
    """Parse a definition from TOML text."""
    _check_size(text)
    if not isinstance(text, str):
        raise InvalidWorkflowDefinition([("", "TOML must be given as str")])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidWorkflowDefinition([("", f"not valid TOML ({exc})")]) from None
    except RecursionError:
        # tomllib recurses per nested array or table: refuse like too deep JSON.
        raise InvalidWorkflowDefinition(
            [("", f"nested deeper than {_MAX_DEPTH} levels")]
        ) from None
    _check_depth(data)
    return definition_from_dict(data)
