"""``iso10002 export``: complaints as JSON lines, JSON or CSV, redacted by default."""

from __future__ import annotations

import sys
from contextlib import closing
from pathlib import Path
from typing import IO, Any

import click
from tqdm import tqdm

from iso10002.calendars import WeekdayCalendar
from iso10002.cli._db import open_repository, store_options
from iso10002.cli._errors import CliError
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.interchange import FORMATS, write_records
from iso10002.repositories import Query

__all__ = ["PERSONAL_DATA_WARNING", "export"]

# The command line acts as the database's owner: an auditor sees no personal
# data; a data-protection officer may export it.
_AUDITOR = Actor("cli:export", roles={"auditor"})
_DPO = Actor("cli:export", roles={"data-protection-officer"})

PERSONAL_DATA_WARNING = (
    "warning: this export includes personal data (names, contact details, the "
    "complainants' own words); keep it as safely as the database"
)
"""Printed on stderr whenever ``--include-personal-data`` is given."""


def _write(
    handler: ComplaintsHandler, out: IO[str], *, personal: bool, fmt: str
) -> int:
    total = handler.repository.count(Query())
    documents = handler.export(
        actor=_DPO if personal else _AUDITOR, include_personal_data=personal
    )
    with tqdm(total=total, unit="complaint", desc="exporting", disable=None) as bar:

        def counted() -> Any:
            for document in documents:
                yield document
                bar.update()

        written = write_records(counted(), out, format=fmt)
    out.flush()
    return written


@click.command()
@store_options(help_text="The iso10002 store to read (e.g. from 'iso10002 demo').")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="jsonl: one JSON document per complaint per line; json: one array; "
    "csv: one row per complaint, structured fields as JSON. "
    "Default: by the suffix of --output, else jsonl.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option(
    "--include-personal-data",
    "personal",
    is_flag=True,
    help="Keep names, contact details and the complainants' own words "
    "(redacted by default; a warning is printed on standard error).",
)
def export(
    db: str, schema: str, fmt: str | None, output: Path | None, *, personal: bool
) -> int:
    """Export every complaint of a store, oldest first, without personal data.

    Personal fields (names, contact details, descriptions, comments ...) are
    removed unless --include-personal-data is given; statuses, dates,
    classifications, decisions, due dates and history stay, so the export
    can be analysed. 'iso10002 import' reads every format back (without a
    mapping) into the same complaints.
    """
    if fmt is None:
        suffix = "" if output is None else output.suffix.lower().lstrip(".")
        fmt = suffix if suffix in FORMATS else "jsonl"
    if personal:
        click.echo(PERSONAL_DATA_WARNING, err=True)
    with closing(open_repository(db, schema)) as repository:
        handler = ComplaintsHandler(
            repository, calendar=WeekdayCalendar(), store=InMemoryHandlerStore()
        )
        if output is None:
            written = _write(handler, sys.stdout, personal=personal, fmt=fmt)
        else:
            try:
                with output.open("w", encoding="utf-8", newline="") as out:
                    written = _write(handler, out, personal=personal, fmt=fmt)
            except OSError as exc:
                msg = f"{output}: cannot write ({exc.strerror or exc})"
                raise CliError(msg) from None
            click.echo(f"{written:,} complaints written to {output}", err=True)
    return 0
