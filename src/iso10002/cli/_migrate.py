"""``iso10002 migrate-history``: record the facts of histories from before 0.2.0."""

from __future__ import annotations

from contextlib import closing
from datetime import datetime, timezone

import click

from iso10002.cli._db import open_repository, store_options
from iso10002.cli._errors import CliError
from iso10002.migration import migrate_history

__all__ = ["migrate_history_command"]


@click.command("migrate-history")
@store_options(help_text="The iso10002 store to migrate.")
@click.option(
    "--dry-run", is_flag=True, help="Only say which complaints would be migrated."
)
@click.option(
    "--actor",
    default="system:migration",
    show_default=True,
    help="Who records the facts (the FactsRecorded events' actor).",
)
def migrate_history_command(db: str, schema: str, *, dry_run: bool, actor: str) -> None:
    """Give every complaint whose history predates facts a FactsRecorded event.

    Histories recorded before 0.2.0 cannot be folded: their complaints are
    listed as unreplayable by the integrity check, and the regulatory returns
    read their current values. This states each one's facts, as its document
    holds them, in one FactsRecorded event, and says what was not recovered.
    """
    with closing(open_repository(db, schema)) as repository:
        report = migrate_history(
            repository, at=datetime.now(timezone.utc), actor=actor, dry_run=dry_run
        )
    verb = "would record" if dry_run else "recorded"
    click.echo(
        f"checked {report.checked} complaints; {verb} the facts of "
        f"{len(report.migrated)} (one FactsRecorded event each); "
        f"{report.checked - len(report.migrated) - len(report.changed_meanwhile)} "
        "already carried them"
    )
    for complaint_id in report.migrated:
        click.echo(f"  {complaint_id}")
    if report.migrated:
        click.echo(f"not recovered: {report.not_recovered}")
    if report.changed_meanwhile:
        msg = (
            "changed by another writer meanwhile (run again): "
            f"{', '.join(report.changed_meanwhile)}"
        )
        raise CliError(msg)
