"""The ASIC IDR data file's row, and the layout that names and orders its columns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from iso10002.errors import Problem, ValidationError
from iso10002.validators import text

__all__ = ["DEFAULT_ASIC_LAYOUT", "AsicLayout", "AsicRow"]

_MAX_HEADER = 500
_PAIR = 2


@attrs.frozen(kw_only=True)
class AsicRow:
    """One complaint's row of the IDR data file (columns as in :data:`ASIC_COLUMNS`).

    .. versionadded:: 0.1.0
    """

    complaint_id: str
    date_received: str
    channel: str
    status: str
    date_closed: str
    days_to_close: str
    closed_within_5_business_days: str
    product: str
    issue: str
    outcome: str
    financial_compensation: str
    remedies: str


_FIELDS: tuple[str, ...] = tuple(a.name for a in attrs.fields(AsicRow))
_HEADER = text(max_length=_MAX_HEADER, multiline=True)


def _to_pairs(value: Any) -> Any:
    """Turn a list of pairs (lists too, as JSON has them) into a tuple of tuples."""
    if isinstance(value, (list, tuple)):
        return tuple(tuple(p) if isinstance(p, list) else p for p in value)
    return value


@attrs.define
class _Seen:
    """Where each field and each heading first appeared, by position."""

    fields: dict[str, int] = attrs.field(factory=dict)
    headers: dict[str, int] = attrs.field(factory=dict)


def _pair_problems(
    attribute: attrs.Attribute[Any], i: int, pair: Any, seen: _Seen
) -> list[Problem]:
    """Check the ``(field, header)`` pair at position ``i``."""
    where = f"{attribute.name}[{i}]"
    if not isinstance(pair, tuple):
        return [(where, f"must be a (field, header) pair, not {type(pair).__name__}")]
    if len(pair) != _PAIR:
        return [(where, f"must be a (field, header) pair, not {len(pair)} items")]
    field, header = pair
    problems: list[Problem] = []
    if not isinstance(field, str):
        problems.append((where, f"field must be a string, not {type(field).__name__}"))
    elif field not in _FIELDS:
        valid = ", ".join(_FIELDS)
        problems.append((where, f"unknown field {field!r}; the fields are {valid}"))
    elif field in seen.fields:
        first = f"{attribute.name}[{seen.fields[field]}]"
        problems.append((where, f"field {field!r} is already in {first}"))
    else:
        seen.fields[field] = i
    try:
        _HEADER(None, attribute, header)
    except ValidationError as exc:
        problems.append((where, f"header of {field!r} {exc.problems[0][1]}"))
    else:
        if header in seen.headers:
            first = f"{attribute.name}[{seen.headers[header]}]"
            message = f"header {header!r} of {field!r} is already used by {first}"
            problems.append((where, message))
        else:
            seen.headers[header] = i
    return problems


def _check_columns(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple):
        raise ValidationError.single(
            attribute.name,
            f"must be a tuple of (field, header) pairs, not {type(value).__name__}",
        )
    if not value:
        raise ValidationError.single(
            attribute.name, "must hold at least one (field, header) pair"
        )
    seen = _Seen()
    problems = [
        problem
        for i, pair in enumerate(value)
        for problem in _pair_problems(attribute, i, pair, seen)
    ]
    if problems:
        raise ValidationError(problems)


@attrs.frozen(kw_only=True)
class AsicLayout:
    """The IDR data file's columns: which fields, in what order, under what heading.

    ASIC's IDR data reporting handbook sets the headings, and ASIC revises it;
    a layout holds the headings of one handbook version, supplied by the firm
    that lodges the file. The library ships none of them:
    :data:`DEFAULT_ASIC_LAYOUT` uses our own field names.

    Args:
        columns: ``(field, header)`` pairs in file order: an :class:`AsicRow`
            attribute name and the heading to write above it. Any subset of
            the fields, in any order; each field and each heading at most
            once. A heading is non-blank text of at most 500 characters
            (commas, quotes, line breaks and any script are fine; CSV quotes
            them). Lists are accepted and stored as tuples.
        name: What the layout follows, e.g. the handbook version; for people.

    Raises:
        ValidationError: listing every problem, each at its entry (e.g.
            ``columns[3]``): not a pair, an unknown field, a field given
            twice, an empty or non-string heading, a heading used twice, or
            no columns at all.

    .. versionadded:: 0.1.0
    """

    columns: tuple[tuple[str, str], ...] = attrs.field(
        converter=_to_pairs, validator=_check_columns
    )
    name: str = attrs.field(
        default="", validator=text(max_length=_MAX_HEADER, allow_empty=True)
    )

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str], *, name: str = "") -> AsicLayout:
        """Build a layout from field → heading, in the mapping's order.

        That is what a TOML table or a JSON object read from a file gives::

            AsicLayout.from_mapping({"complaint_id": "Reference"})

        Args:
            mapping: :class:`AsicRow` field names to headings, in file order.
            name: What the layout follows, e.g. the handbook version.

        Returns:
            The layout.

        Raises:
            ValidationError: if ``mapping`` is not a mapping, or for any
                problem :class:`AsicLayout` finds in its pairs.
        """
        if not isinstance(mapping, Mapping):
            raise ValidationError.single(
                "mapping",
                "must be a mapping of field names to headings, "
                f"not {type(mapping).__name__}",
            )
        return cls(columns=tuple(mapping.items()), name=name)

    @property
    def fields(self) -> tuple[str, ...]:
        """The :class:`AsicRow` fields written, in file order."""
        return tuple(field for field, _ in self.columns)

    @property
    def headers(self) -> tuple[str, ...]:
        """The header line's headings, in file order."""
        return tuple(header for _, header in self.columns)


DEFAULT_ASIC_LAYOUT = AsicLayout(
    columns=tuple((field, field) for field in _FIELDS),
    name="iso10002 field names",
)
"""Every :class:`AsicRow` field in :data:`ASIC_COLUMNS` order, headed by its own name.

These are the library's names, not ASIC's headings: map them to the headings
of the handbook you lodge against with your own :class:`AsicLayout`.

.. versionadded:: 0.1.0
"""
