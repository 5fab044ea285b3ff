"""Say in one line what a command's figures rest on (imported records)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import click

from iso10002.model import Complaint
from iso10002.provenance import ImportedShare, ProvenanceCounter

__all__ = ["counted", "note_assumptions"]


def counted(
    complaints: Iterable[Complaint], counter: ProvenanceCounter
) -> Iterator[Complaint]:
    """Yield ``complaints``, counting each in ``counter`` as it passes."""
    for complaint in complaints:
        counter.add(complaint)
        yield complaint


def note_assumptions(share: ImportedShare, what: str) -> None:
    """Print one note on stderr when any of ``what`` rests on an assumption."""
    if share.any:
        click.echo(f"Note: of the {what}, {share.describe()}", err=True)
