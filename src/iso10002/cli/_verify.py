"""``iso10002 verify``: the deep integrity check, and the checkpoint it can record."""

from __future__ import annotations

from contextlib import closing

import click

from iso10002.cli._db import describe, open_repository, store_options

__all__ = ["verify"]


@click.command("verify")
@store_options(help_text="The iso10002 store to check.")
@click.option(
    "--checkpoint",
    is_flag=True,
    help="If the store is sound, seal every complaint, so that the quick check "
    "every command opens the store with can vouch for it by comparing digests "
    "(writers wait while it runs).",
)
def verify(db: str, schema: str, *, checkpoint: bool) -> int:
    """Check the whole store deeply; exit 1 if anything is wrong.

    Every document is loaded through the model and checked against the fold
    of its history, every hash chain and commitment recomputed, and the KPI
    fact rows, search index and indexed columns recomputed from the
    documents. Every other command opens a store with a quicker check; see
    the integrity page of the documentation for what each catches.
    """
    with closing(open_repository(db, schema, verify=False)) as repository:
        report = (
            repository.record_checkpoint()
            if checkpoint
            else repository.verify_integrity()
        )
    click.echo(
        f"{describe(db)}: checked {report.complaints_checked} complaints and "
        f"{report.events_checked} events; {len(report.problems)} problem(s)"
    )
    for problem in report.problems:
        at = "" if problem.sequence is None else f" (event {problem.sequence})"
        click.echo(f"  {problem.complaint_id or '-'}{at}: {problem.message}")
    if report.unreplayable:
        click.echo(
            f"{len(report.unreplayable)} complaint(s) have histories from before "
            "0.2.0 (see 'iso10002 migrate-history')"
        )
    if not report.ok:
        return 1
    if checkpoint:
        click.echo(f"sealed {report.complaints_checked} complaints (checkpoint)")
    return 0
