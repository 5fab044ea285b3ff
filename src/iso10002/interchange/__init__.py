"""Data in and out: import an organisation's records, export complaints that round-trip.

:func:`import_records` stores the rows of a CSV, JSON Lines or JSON source
(read by :func:`read_rows`) as complaints, through a declarative
:class:`ImportMapping` (a TOML file: source column to model field, value
maps, date formats and the zone of naive dates, constants, and which history
events to synthesise from which columns). A dry run reports every problem
without writing; a real run is all or nothing per chunk and idempotent on the
source key, so an interrupted import resumes by running it again.
:func:`write_records` writes complaint documents in the same formats, and
:func:`import_records` without a mapping reads them back into equal
complaints. :func:`imported_share` says how many complaints of an analysis
rest on what an import assumed. Built on the public API only: see
``docs/howto/import.md``.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.interchange._convert import (
    RowResult,
    complaint_id,
    convert_row,
)
from iso10002.interchange._fields import EVENTS as _EVENTS
from iso10002.interchange._fields import FIELDS as _FIELDS
from iso10002.interchange._importer import (
    ALREADY_IMPORTED,
    INVALID,
    REPEATED_KEY,
    ImportSummary,
    import_records,
)
from iso10002.interchange._mapping import EventRule, ImportMapping, load_mapping
from iso10002.interchange._native import (
    CSV_COLUMNS,
    complaint_from_record,
    write_records,
)
from iso10002.interchange._row import RowProblem
from iso10002.interchange._sources import FORMATS, SourceRow, format_of, read_rows
from iso10002.provenance import ImportedShare, imported_share

__all__ = [
    "ALREADY_IMPORTED",
    "CSV_COLUMNS",
    "FORMATS",
    "IMPORT_EVENTS",
    "IMPORT_FIELDS",
    "INVALID",
    "REPEATED_KEY",
    "EventRule",
    "ImportMapping",
    "ImportSummary",
    "ImportedShare",
    "RowProblem",
    "RowResult",
    "SourceRow",
    "complaint_from_record",
    "complaint_id",
    "convert_row",
    "format_of",
    "import_records",
    "imported_share",
    "load_mapping",
    "read_rows",
    "write_records",
]

IMPORT_FIELDS: tuple[str, ...] = tuple(_FIELDS)
"""The model fields a mapping's ``[columns]``, ``[constants]``, ``[defaults]``
and ``[values]`` may name.

.. versionadded:: 0.2.0
"""

IMPORT_EVENTS: tuple[str, ...] = tuple(_EVENTS)
"""The history events a mapping's ``[events]`` may synthesise, in history order.

.. versionadded:: 0.2.0
"""

publish(globals())
