"""The library's own records: complaint documents as CSV, JSON Lines or JSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from typing import IO, Any

import attrs

from iso10002.errors import ValidationError
from iso10002.interchange._convert import RowResult
from iso10002.interchange._row import RowProblem
from iso10002.interchange._sources import FORMATS, SourceRow
from iso10002.model import Complaint
from iso10002.serialization import from_dict

__all__ = ["CSV_COLUMNS", "complaint_from_record", "write_records"]

CSV_COLUMNS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Complaint))
"""The columns of a CSV export: one per complaint field, in field order.

Text, dates and choices are written as they are; structured values
(complainant, subject, classification, decision, history ...) as JSON.

.. versionadded:: 0.2.0
"""

_SCALAR = frozenset(
    {
        "id",
        "reference",
        "received_at",
        "channel",
        "received_by",
        "description",
        "desired_outcome",
        "status",
        "assignee",
        "outcome",
        "version",
    }
)


def _cell(name: str, value: Any) -> str:
    if name in _SCALAR:
        return "" if value is None else str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def write_records(
    documents: Iterable[Mapping[str, Any]],
    out: IO[str],
    *,
    format: str = "jsonl",  # noqa: A002 - the user's word for it
) -> int:
    """Write complaint documents (``to_dict`` output) as CSV, JSON Lines or JSON.

    Streams: one document at a time is held. Each format reads back with
    :func:`~iso10002.interchange.import_records` (no mapping) into equal
    complaints.

    Args:
        documents: The documents, e.g. from ``ComplaintsHandler.export``.
        out: A text stream (for CSV, opened with ``newline=""``).
        format: ``csv``, ``jsonl`` or ``json``.

    Returns:
        How many documents were written.

    Raises:
        ValidationError: for an unknown format.

    .. versionadded:: 0.2.0
    """
    if format not in FORMATS:
        raise ValidationError.single("format", f"must be one of {list(FORMATS)}")
    written = 0
    if format == "csv":
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for document in documents:
            writer.writerow([_cell(n, document.get(n)) for n in CSV_COLUMNS])
            written += 1
        return written
    if format == "json":
        out.write("[")
    for document in documents:
        if format == "json":
            out.write(",\n" if written else "\n")
        out.write(json.dumps(document, ensure_ascii=False, sort_keys=True))
        if format == "jsonl":
            out.write("\n")
        written += 1
    if format == "json":
        out.write("\n]\n" if written else "]\n")
    return written


def _document(values: Mapping[str, Any]) -> dict[str, Any]:
    """Undo the CSV flattening: JSON cells parsed, empty optional text ``None``."""
    if not all(isinstance(v, str) for v in values.values()):
        return dict(values)  # a JSON document already
    document: dict[str, Any] = {}
    for name, cell in values.items():
        if name not in CSV_COLUMNS:
            continue
        if name in _SCALAR:
            document[name] = (
                int(cell) if name == "version" and cell.isdigit() else cell or None
            )
        else:
            try:
                document[name] = json.loads(cell) if cell else None
            except ValueError:
                raise ValidationError.single(name, "is not JSON") from None
    return document


def complaint_from_record(row: SourceRow) -> RowResult:
    """Read one exported record back into the complaint it holds.

    Args:
        row: A record of a CSV, JSON Lines or JSON export.

    Returns:
        The complaint, keyed by its id; or the problems, each naming the
        record and the field.

    .. versionadded:: 0.2.0
    """
    key = str(row.values.get("id", ""))[:64]
    if row.problem is not None:
        problem = RowProblem(row.number, None, "row", row.problem)
        return RowResult(row.number, key, None, (problem,))
    try:
        complaint = from_dict(Complaint, _document(row.values))
    except ValidationError as exc:
        problems = tuple(
            RowProblem(row.number, path.split(".")[0].split("[")[0] or None, path, msg)
            for path, msg in exc.problems
        )
        return RowResult(row.number, key, None, problems)
    except RecursionError:
        problem = RowProblem(row.number, None, "row", "is nested too deeply")
        return RowResult(row.number, key, None, (problem,))
    return RowResult(row.number, complaint.id, complaint)
