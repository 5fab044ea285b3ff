"""``iso10002 import``: an organisation's records into a store, through a mapping."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import click
from tqdm import tqdm

from iso10002.cli._db import is_dsn, open_repository, store_options
from iso10002.interchange import (
    FORMATS,
    ImportSummary,
    RowResult,
    import_records,
    load_mapping,
    read_rows,
)
from iso10002.repositories import ComplaintRepository, InMemoryComplaintRepository

__all__ = ["import_command", "summary_lines"]


def _row_line(result: RowResult) -> list[str]:
    """Describe one row of a dry run: what would be stored, or every problem."""
    head = f"row {result.row} (key {result.key or '-'}): "
    complaint = result.complaint
    if complaint is None:
        return [head + "not stored"] + [
            f"  {p.path}: {p.message}" for p in result.problems
        ]
    outcome = "" if complaint.outcome is None else f", {complaint.outcome.value}"
    events = " > ".join(e.name for e in complaint.history)
    lines = [
        head + f"{complaint.id} {complaint.status}{outcome}, "
        f"received {complaint.received_at:%Y-%m-%d %H:%M} UTC: {events}"
    ]
    lines += [f"  assumed: {a}" for a in result.assumptions]
    return lines


def summary_lines(summary: ImportSummary) -> list[str]:
    """Describe an import in a few lines: read, stored, skipped, assumed."""
    verb = "would import" if summary.dry_run else "imported"
    skipped = ", ".join(
        f"{reason} {n:,}" for reason, n in sorted(summary.skipped.items())
    )
    lines = [
        f"{summary.rows_read:,} rows read, {verb} {summary.imported:,}, "
        f"skipped {sum(summary.skipped.values()):,}"
        + (f" ({skipped})" if skipped else "")
        + ("" if summary.dry_run else f" in {summary.chunks:,} transactions")
    ]
    if summary.assumptions:
        lines.append("assumptions applied (rows):")
        lines += [
            f"  {n:>8,}  {text}"
            for text, n in sorted(
                summary.assumptions.items(), key=lambda kv: (-kv[1], kv[0])
            )
        ]
    if summary.problems and not summary.dry_run:
        lines.append("problems of the skipped rows:")
        lines += [f"  {p.path}: {p.message}" for p in summary.problems]
    return lines


def _target(db: str, schema: str, *, dry_run: bool) -> ComplaintRepository:
    """Open the store; a dry run against a store not yet made checks against none."""
    if dry_run and not is_dsn(db) and not Path(db).exists():
        return InMemoryComplaintRepository()
    return open_repository(db, schema, create=not dry_run)


@click.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@store_options(
    must_exist=False,
    help_text="The store to import into (a missing SQLite file or PostgreSQL "
    "schema is created).",
)
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML file mapping the source's columns to complaint fields and "
    "history events. Without it, SOURCE must be an 'iso10002 export'.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="The source's format. Default: the mapping's, else by SOURCE's suffix.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Check every row and print what each would store; write nothing.",
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Skip rows with problems (listed at the end) instead of stopping at "
    "the first one.",
)
@click.option(
    "--chunk-size",
    default=1000,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Complaints per transaction: each chunk is stored whole or not at all.",
)
def import_command(  # noqa: PLR0913 - one parameter per option
    *,
    source: Path,
    db: str,
    schema: str,
    mapping_file: Path | None,
    fmt: str | None,
    dry_run: bool,
    skip_invalid: bool,
    chunk_size: int,
) -> int:
    """Import complaints from a CSV, JSON Lines or JSON file.

    With --mapping, each row becomes a complaint with the history its columns
    attest (see docs/howto/import.md); without, SOURCE is read as an
    'iso10002 export'. Each complaint's id comes from the source's key, so
    running the same import again skips what is stored: an interrupted
    import resumes where it stopped. Prints rows read, imported and skipped
    (with reasons) and every assumption applied, with counts.
    """
    mapping = None if mapping_file is None else load_mapping(mapping_file)
    if fmt is None and mapping is not None:
        fmt = mapping.format
    rows = read_rows(source, format=fmt)
    failed = False

    def report(result: RowResult) -> None:
        nonlocal failed
        failed = failed or result.complaint is None
        if dry_run:
            bar.write("\n".join(_row_line(result)))
        bar.update()

    with (
        closing(_target(db, schema, dry_run=dry_run)) as repository,
        tqdm(unit="row", desc="importing", disable=None) as bar,
    ):
        summary = import_records(
            repository,
            rows,
            mapping,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            chunk_size=chunk_size,
            on_row=report,
        )
    click.echo("\n".join(summary_lines(summary)))
    return 1 if failed else 0
