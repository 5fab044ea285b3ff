"""Read a generated step form back into step data."""

from __future__ import annotations

from typing import Any

from iso10002.errors import ValidationError
from iso10002.web._schema import FormField

__all__ = ["form_data"]


def _place(data: dict[str, Any], path: str, value: Any) -> None:
    """Put ``value`` at a dotted path; ``name[0]`` is the first item of a list."""
    target: Any = data
    *parents, last = path.split(".")
    for part in parents:
        key, bracket, _index = part.partition("[")
        if bracket:  # one item of a list of records (the desk asks for one)
            items = target.setdefault(key, [{}])
            target = items[0]
        else:
            target = target.setdefault(key, {})
    target[last] = value


def form_data(fields: list[FormField], submitted: Any) -> dict[str, Any]:
    """Return the nested step data of a submitted form.

    Empty inputs are left out (the model's default applies, or the library
    names the missing field); numbers are parsed; a list input is split at
    commas; a checkbox is ``True`` when sent.

    Raises:
        ValidationError: naming each number that is not one.
    """
    data: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for field in fields:
        raw = submitted.get(field.name)
        if field.kind == "checkbox":
            value: Any = raw is not None
        elif not isinstance(raw, str) or not raw.strip():
            continue
        elif field.kind == "number":
            try:
                value = int(raw.strip())
            except ValueError:
                problems.append((field.name, "must be a whole number"))
                continue
        elif field.kind == "list":
            value = [w.strip() for w in raw.split(",") if w.strip()]
        else:
            value = raw.strip()
        _place(data, field.name, value)
    if problems:
        raise ValidationError(problems)
    return data
