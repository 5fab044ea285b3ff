"""``iso10002 export``: stored complaints as JSON lines, redacted by default."""

from __future__ import annotations

import json
import sys
from contextlib import closing
from pathlib import Path
from typing import IO

import click
from tqdm import tqdm

from iso10002.calendars import WeekdayCalendar
from iso10002.cli._db import open_repository
from iso10002.cli._errors import CliError
from iso10002.handler import Actor, ComplaintsHandler, InMemoryHandlerStore
from iso10002.repositories import Query

__all__ = ["export"]

# The command line acts as the database's owner: an auditor sees no personal
# data; a data-protection officer may export it.
_AUDITOR = Actor("cli:export", roles={"auditor"})
_DPO = Actor("cli:export", roles={"data-protection-officer"})


def _write(handler: ComplaintsHandler, out: IO[str], *, personal: bool) -> int:
    total = handler.repository.count(Query())
    written = 0
    documents = handler.export(
        actor=_DPO if personal else _AUDITOR, include_personal_data=personal
    )
    with tqdm(total=total, unit="complaint", desc="exporting", disable=None) as bar:
        for document in documents:
            out.write(json.dumps(document, ensure_ascii=False, sort_keys=True))
            out.write("\n")
            written += 1
            bar.update()
    return written


@click.command()
@click.option(
    "--db",
    "db",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The iso10002 SQLite database to read (e.g. from 'iso10002 demo').",
)
@click.option(
    "--format",
    "fmt",
    default="jsonl",
    show_default=True,
    type=click.Choice(["jsonl"]),
    help="One JSON document per complaint per line.",
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
    "(redacted by default).",
)
def export(db: Path, fmt: str, output: Path | None, *, personal: bool) -> int:
    """Export every complaint of a database, oldest first, without personal data.

    Personal fields (names, contact details, descriptions, comments ...) are
    removed unless --include-personal-data is given; statuses, dates,
    classifications, decisions, due dates and history stay, so the export
    can be analysed.
    """
    del fmt  # one format today; the option keeps room for more
    with closing(open_repository(str(db))) as repository:
        handler = ComplaintsHandler(
            repository, calendar=WeekdayCalendar(), store=InMemoryHandlerStore()
        )
        if output is None:
            written = _write(handler, sys.stdout, personal=personal)
        else:
            try:
                with output.open("w", encoding="utf-8") as out:
                    written = _write(handler, out, personal=personal)
            except OSError as exc:
                msg = f"{output}: cannot write ({exc.strerror or exc})"
                raise CliError(msg) from None
            click.echo(f"{written:,} complaints written to {output}", err=True)
    return 0
