"""``iso10002 demo``: a simulated year of complaints in a SQLite file or PostgreSQL."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from iso10002 import __version__
from iso10002.cli._db import (
    BulkRepository,
    describe,
    is_demo_database,
    is_dsn,
    open_repository,
    remove_demo_database,
    store_options,
    write_demo_marker,
)
from iso10002.cli._errors import CliError
from iso10002.cli._simulate import SimulationResult, simulate
from iso10002.model import Channel
from iso10002.repositories import Query
from iso10002.repositories.sqlite import SQLiteComplaintRepository
from iso10002.vocabulary import StandardState

__all__ = ["demo"]

DEFAULT_DB = "iso10002-demo.db"
_MAX_COMPLAINTS = 1_000_000
_CLOSED, _WITHDRAWN, _REJECTED = (
    StandardState.CLOSED.value,
    StandardState.WITHDRAWN.value,
    StandardState.REJECTED.value,
)
_ENDED = (_CLOSED, _WITHDRAWN, _REJECTED)


def _advance(bar: tqdm[Any], done: int) -> None:
    bar.update(done)


def _prepare(path: Path) -> None:
    """Make room for a new demo database at ``path``, or refuse."""
    if path.exists() or path.is_symlink():
        if not path.is_file():
            msg = f"{path}: exists and is not a file; choose another --db"
            raise CliError(msg)
        if not is_demo_database(path):
            msg = (
                f"{path}: exists and was not written by 'iso10002 demo'; "
                "refusing to overwrite it (choose another --db)"
            )
            raise CliError(msg)
        remove_demo_database(path)
    elif not path.parent.is_dir():
        msg = f"{path.parent}: no such directory"
        raise CliError(msg)


def _summary(
    repository: BulkRepository, result: SimulationResult, where: str
) -> list[str]:
    count = repository.count
    total = count(Query())
    status = {s: count(Query(status_in=(s,))) for s in _ENDED}
    still_open = total - sum(status.values())
    channels = sorted(
        ((count(Query(channel=c)), c.value) for c in Channel), reverse=True
    )
    breached = count(Query(breached=True, as_of=result.end))
    last_day = result.end - timedelta(days=1)
    scores = result.satisfaction_scores
    steps = result.steps
    year = f"{result.start:%Y}"
    lines = [
        (
            f"Simulated {result.start:%Y-%m-%d} to {last_day:%Y-%m-%d}: "
            f"{total:,} complaints through the ISO 10002 standard workflow "
            f"({sum(steps.values()):,} handler calls)."
        ),
        "  channels:  " + ", ".join(f"{name} {n:,}" for n, name in channels if n),
        (
            f"  ended:     closed {status[_CLOSED]:,}, "
            f"withdrawn {status[_WITHDRAWN]:,} (duplicates {steps['link']:,}), "
            f"not a complaint {status[_REJECTED]:,}; still open {still_open:,}"
        ),
        (
            f"  along the way: {steps['escalate']:,} escalated, "
            f"{steps['request_information']:,} waited for the complainant, "
            f"{result.scenarios['appeal']:,} appealed, {steps['reopen']:,} reopened, "
            f"{steps['record_holding_response']:,} holding responses"
        ),
        (
            f"  deadlines: {breached:,} complaints missed a due date "
            f"(at the end of {last_day:%Y-%m-%d}, pack iso10002)"
        ),
    ]
    if scores:
        lines.append(
            f"  satisfaction: {len(scores):,} replies, mean "
            f"{statistics.fmean(scores):.1f} of 5"
        )
    if result.refused:
        lines.append(f"  refused steps: {sum(result.refused.values()):,}")
    lines += [
        f"Done in {result.seconds:.1f} s ({result.rate:,.0f} complaints/s).",
        f"Data: {where} (personal data is invented).",
        f"Next: iso10002 report --db {where} --period {year} --html review.html",
        f"      iso10002 audit --db {where} --period {year}",
    ]
    return lines


def _run(repository: BulkRepository, *, complaints: int, seed: int, where: str) -> None:
    with tqdm(
        total=complaints, unit="complaint", desc="simulating", disable=None
    ) as bar:
        result = simulate(
            repository,
            complaints=complaints,
            seed=seed,
            progress=lambda done: _advance(bar, done),
        )
    for line in _summary(repository, result, where):
        click.echo(line)


@click.command()
@store_options(
    default=DEFAULT_DB,
    must_exist=False,
    help_text="Where to write: a SQLite file is created (an earlier demo file "
    "is replaced, any other file is left alone); a PostgreSQL schema must "
    "hold no complaints yet.",
)
@click.option(
    "--complaints",
    default=2000,
    show_default=True,
    type=click.IntRange(1, _MAX_COMPLAINTS),
    help="How many complaints to receive over the simulated year.",
)
@click.option(
    "--seed",
    default=10002,
    show_default=True,
    type=click.IntRange(0),
    help="Random seed: the same seed gives the same data.",
)
def demo(db: str, schema: str, complaints: int, seed: int) -> int:
    """Run a simulated year of complaints through the standard workflow.

    Creates a SQLite file (or fills an empty PostgreSQL schema) and
    receives complaints over the year 2025 through mixed channels and
    categories, then acknowledges, assesses, investigates,
    decides, communicates and closes them with the ComplaintsHandler on a
    simulated clock: with withdrawals, escalations, appeals, requests for
    information, reopened complaints, a few missed deadlines and satisfaction
    replies. Prints what it did and where the data is.
    """
    if is_dsn(db):
        repository = open_repository(db, schema, create=True)
        where = f"{describe(db)} --schema {schema}"
        try:
            held = repository.count(Query())
            if held:
                msg = (
                    f"{describe(db)}: schema {schema} already holds {held:,} "
                    "complaints; choose another --schema"
                )
                raise CliError(msg)
            _run(repository, complaints=complaints, seed=seed, where=where)
        finally:
            repository.close()
        return 0
    path = Path(db).expanduser().absolute()
    if db == ":memory:":
        msg = "--db must name a file"
        raise CliError(msg)
    _prepare(path)
    write_demo_marker(
        path,
        {
            "complaints": str(complaints),
            "seed": str(seed),
            "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "version": __version__,
            "complete": "no",
        },
    )
    sqlite = SQLiteComplaintRepository(path, synchronous="OFF")
    try:
        _run(sqlite, complaints=complaints, seed=seed, where=str(path))
        write_demo_marker(path, {"complete": "yes"})
    finally:
        sqlite.close()
    return 0
