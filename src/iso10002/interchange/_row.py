"""Reading one source row: its cells as the values their fields need, its problems."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.interchange._fields import FieldKind, FieldSpec, field_spec
from iso10002.interchange._mapping import ImportMapping
from iso10002.interchange._sources import SourceRow
from iso10002.interchange._values import (
    CellError,
    cell_text,
    parse_amount,
    parse_bool,
    parse_choice,
    parse_date,
    parse_instant,
)

__all__ = ["RowProblem", "RowWork"]

# Required fields the model lets be None (it checks when): an anonymous
# complainant's name, an imported record's missing description.
_MAY_BE_NONE = frozenset({"name", "description"})


@attrs.frozen
class RowProblem:
    """One problem of one source row, naming the column it comes from.

    Args:
        row: The row's number (1 for the first record).
        column: The source column, or ``None`` when no column is at fault.
        field: The model field or mapping setting concerned.
        message: What is wrong.

    .. versionadded:: 0.2.0
    """

    row: int
    column: str | None
    field: str
    message: str

    @property
    def path(self) -> str:
        """Return where the problem is, e.g. ``row 12, column 'Date received'``."""
        if self.column is None:
            return f"row {self.row}, field {self.field!r}"
        return f"row {self.row}, column {self.column!r}"

    def error(self) -> ValidationError:
        """Return the problem as a :class:`~iso10002.errors.ValidationError`."""
        return ValidationError.single(self.path, self.message)


_REQUIRED: dict[type[Any], tuple[str, ...]] = {}


def _required(cls: type[Any]) -> tuple[str, ...]:
    """Return the names of the fields of ``cls`` without a default."""
    found = _REQUIRED.get(cls)
    if found is None:
        found = tuple(a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING)
        _REQUIRED[cls] = found
    return found


class RowWork:
    """The work on one row: values read so far, problems and assumptions."""

    def __init__(self, mapping: ImportMapping, row: SourceRow) -> None:
        self.m = mapping
        self.row = row
        self.problems: list[RowProblem] = []
        self.assumptions: list[str] = []

    def column_of(self, field: str) -> str | None:
        found = self.m.columns.get(field)
        return found[0] if found else None

    def fail(self, field: str, message: str, column: str | None = None) -> None:
        where = column if column is not None else self.column_of(field)
        self.problems.append(RowProblem(self.row.number, where, field, message))

    def cells(self, field: str) -> list[str]:
        out: list[str] = []
        for column in self.m.columns.get(field, ()):
            value = self.row.values.get(column)
            if isinstance(value, list) and _kind(field) is FieldKind.LIST:
                items = value
            else:
                items = [value]
            for item in items:
                try:
                    text = cell_text(item)
                except CellError as exc:
                    self.fail(field, str(exc), column)
                    continue
                if text:
                    out.append(text)
        return out

    def mapped(self, field: str, text: str) -> str:
        table = self.m.values.get(field)
        if not table:
            return text
        found = table.get(text, table.get("*"))
        return text if found is None else found

    def raw(self, field: str) -> list[str]:
        """Return the field's texts: its columns, else its constant or default."""
        if field in self.m.columns:
            texts = [t for t in (self.mapped(field, c) for c in self.cells(field)) if t]
            if texts:
                return texts
        elif field in self.m.constants:
            return [self.m.constants[field]]
        if field in self.m.defaults:
            self.assumptions.append(f"{field}: empty, the mapping's default used")
            return [self.m.defaults[field]]
        return []

    def value(self, field: str) -> Any:
        spec = _spec(field)
        if field not in self.m.used:
            return () if spec.kind is FieldKind.LIST else None
        texts = self.raw(field)
        if spec.kind is FieldKind.LIST:
            return tuple(texts)
        if not texts:
            return None
        text = texts[0]
        try:
            return self.read(field, text)
        except CellError as exc:
            self.fail(field, str(exc))
            return None

    def read(self, field: str, text: str) -> Any:
        spec = _spec(field)
        if spec.kind is FieldKind.ENUM and spec.choices is not None:
            return parse_choice(text, spec.choices)
        if spec.kind is FieldKind.BOOL:
            return parse_bool(text)
        if spec.kind is FieldKind.DECIMAL:
            return parse_amount(text)
        if spec.kind is FieldKind.DATE:
            return parse_date(text, self.m.date_formats)
        if spec.kind is FieldKind.DATETIME:
            return self.instant(field, text)
        return text

    def instant(self, what: str, text: str) -> tuple[datetime, bool]:
        at, day, naive = parse_instant(
            text, zone=self.m.tzinfo, formats=self.m.date_formats
        )
        if day:
            self.assumptions.append(
                f"{what}: date only, taken as the start of the day in {self.m.zone}"
            )
        elif naive:
            self.assumptions.append(f"{what}: no offset, read in {self.m.zone}")
        return at, day

    def build(self, make: type[Any], prefix: str, **values: Any) -> Any:
        """Call a model constructor; its problems name the fields' columns.

        ``None`` leaves a field with a default at its default; a required
        field gets it, and the model says whether it may be empty.
        """
        required = _required(make)
        given = {k: v for k, v in values.items() if v is not None or k in required}
        for name in required:
            if given.get(name) is None and name not in _MAY_BE_NONE:
                self.fail(f"{prefix}{name}", "is empty, and the model requires it")
                return None
        try:
            return make(**given)
        except ValidationError as exc:
            for path, message in exc.problems:
                field = f"{prefix}{path.split('.')[0].split('[')[0]}"
                self.fail(field, message)
            return None


def _spec(field: str) -> FieldSpec:
    spec = field_spec(field)
    if spec is None:  # pragma: no cover - the mapping checked every name
        msg = f"{field!r} is not an importable field"
        raise KeyError(msg)
    return spec


def _kind(field: str) -> FieldKind:
    return _spec(field).kind
