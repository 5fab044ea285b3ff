"""Read source rows from CSV, JSON Lines or JSON, one at a time."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import attrs

from iso10002.errors import ValidationError

__all__ = ["FORMATS", "SourceRow", "format_of", "read_rows"]

FORMATS: tuple[str, ...] = ("csv", "json", "jsonl")
"""The formats records are read from and written to.

.. versionadded:: 0.2.0
"""

_SUFFIXES = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_MAX_CELL = 1_000_000


@attrs.frozen
class SourceRow:
    """One record of a source file.

    Args:
        number: Its place in the file: 1 for the first record (after a CSV
            header).
        values: Column name to value (text for CSV, JSON values otherwise).
        problem: Why the record could not be read, if it could not.

    .. versionadded:: 0.2.0
    """

    number: int
    values: Mapping[str, Any]
    problem: str | None = None


def format_of(path: str | Path, given: str | None = None) -> str:
    """Return the format of a source: ``given``, else by the file's suffix.

    Raises:
        ValidationError: for an unknown format or suffix.

    .. versionadded:: 0.2.0
    """
    if given is not None:
        if given not in FORMATS:
            raise ValidationError.single("format", f"must be one of {list(FORMATS)}")
        return given
    found = _SUFFIXES.get(Path(path).suffix.lower())
    if found is None:
        raise ValidationError.single(
            "format", f"{Path(path).name}: give the format (one of {list(FORMATS)})"
        )
    return found


def _csv_rows(stream: IO[str], delimiter: str) -> Iterator[SourceRow]:
    previous = csv.field_size_limit(_MAX_CELL)
    try:
        reader = csv.reader(stream, delimiter=delimiter)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            problem = f"cannot be read ({exc})"
            raise ValidationError.single("row 0 (header)", problem) from None  # noqa: TRY003
        if not header:
            return
        number = 0
        while True:
            number += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                problem = f"cannot be read ({exc})"
                raise ValidationError.single(f"row {number}", problem) from None  # noqa: TRY003
            if not cells:
                number -= 1
                continue
            values = dict(zip(header, cells, strict=False))
            width = None
            if len(cells) != len(header):
                width = f"has {len(cells)} cells, the header {len(header)}"
            yield SourceRow(number, values, width)
    finally:
        csv.field_size_limit(previous)


def _jsonl_rows(stream: IO[str]) -> Iterator[SourceRow]:
    number = 0
    for line in stream:
        if not line.strip():
            continue
        number += 1
        try:
            value = json.loads(line)
        except ValueError as exc:
            yield SourceRow(number, {}, f"is not JSON ({exc})")
            continue
        except RecursionError:
            yield SourceRow(number, {}, "is nested too deeply")
            continue
        if isinstance(value, dict):
            yield SourceRow(number, value)
        else:
            yield SourceRow(number, {}, "is not a JSON object")


def _json_rows(stream: IO[str]) -> Iterator[SourceRow]:
    try:
        value = json.load(stream)
    except ValueError as exc:
        raise ValidationError.single("file", f"is not JSON ({exc})") from None
    except RecursionError:
        raise ValidationError.single("file", "is nested too deeply") from None
    if not isinstance(value, list):
        raise ValidationError.single("file", "must hold a JSON array of objects")
    for number, item in enumerate(value, start=1):
        if isinstance(item, dict):
            yield SourceRow(number, item)
        else:
            yield SourceRow(number, {}, "is not a JSON object")


def read_rows(
    source: str | Path | IO[str],
    *,
    format: str | None = None,  # noqa: A002 - the user's word for it
    delimiter: str = ",",
    encoding: str = "utf-8-sig",
) -> Iterator[SourceRow]:
    """Yield the records of a CSV, JSON Lines or JSON source, one at a time.

    CSV and JSON Lines are streamed; a JSON array is parsed whole.

    Args:
        source: A path, or an open text stream (then ``format`` is required).
        format: ``csv``, ``jsonl`` or ``json``; by the suffix when ``None``.
        delimiter: The CSV delimiter.
        encoding: The file's encoding (a UTF-8 byte-order mark is skipped).

    Yields:
        Each record, numbered from 1.

    Raises:
        ValidationError: naming the row, for a file that cannot be read on.

    .. versionadded:: 0.2.0
    """
    if isinstance(source, (str, Path)):
        fmt = format_of(source, format)
        try:
            with Path(source).open(encoding=encoding, newline="") as stream:
                yield from _rows(stream, fmt, delimiter)
        except UnicodeDecodeError as exc:
            raise ValidationError.single(
                str(source), f"is not {encoding} text ({exc.reason})"
            ) from None
        return
    if format is None:
        raise ValidationError.single("format", "is required for a stream")
    yield from _rows(source, format_of("", format), delimiter)


def _rows(stream: IO[str], fmt: str, delimiter: str) -> Iterator[SourceRow]:
    if fmt == "csv":
        return _csv_rows(stream, delimiter)
    if fmt == "jsonl":
        return _jsonl_rows(stream)
    return _json_rows(stream)
