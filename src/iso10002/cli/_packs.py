"""``iso10002 packs``: the regulatory deadline packs and their limits."""

from __future__ import annotations

import click

from iso10002.cli._errors import CliError
from iso10002.deadlines import (
    Counting,
    Deadline,
    Measure,
    Pack,
    get_pack,
    list_packs,
    pack_table,
)
from iso10002.errors import ValidationError

__all__ = ["packs"]

_UNITS = {
    Measure.HOURS: "hour",
    Measure.CALENDAR_DAYS: "calendar day",
    Measure.BUSINESS_DAYS: "business day",
    Measure.WEEKS: "week",
}
_CLOCKS = {
    Counting.FROM_RECEIPT: "from receipt",
    Counting.FROM_DAY_AFTER_RECEIPT: "from the day after receipt",
    Counting.CLOSE_OF_BUSINESS: "to close of business",
}


def _amount(amount: int, measure: Measure) -> str:
    unit = _UNITS[measure]
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


def _limit(deadline: Deadline) -> str:
    text = f"{_amount(deadline.amount, deadline.measure)} {_CLOCKS[deadline.clock]}"
    extension = deadline.extension
    if extension is not None:
        events = ", ".join(m.event for m in extension.triggers)
        extended = _amount(extension.amount, extension.measure or deadline.measure)
        text += f"; {extended} after {events}"
    for override in deadline.overrides:
        changed = _amount(override.amount, override.measure or deadline.measure)
        text += f"; {changed} for {override.when.describe()}"
    return text


def _text(pack: Pack) -> list[str]:
    lines = [
        f"{pack.name} (version {pack.version}, from {pack.effective_from}): "
        + pack.title,
        (
            f"  source: {pack.source or 'organisation-defined'}; "
            f"pausing {'allowed' if pack.pausing_allowed else 'not allowed'}"
        ),
    ]
    width = max(len(d.step) for d in pack.deadlines)
    for deadline in pack.deadlines:
        pauses = ", pauses" if deadline.pausable else ""
        lines.append(
            f"  {deadline.step:<{width}}  {deadline.kind.value}{pauses}: "
            f"{_limit(deadline)} [{deadline.citation}]"
        )
    return lines


@click.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    type=click.Choice(["text", "markdown"]),
    help="Plain text, or Markdown tables as in the documentation.",
)
def packs(names: tuple[str, ...], fmt: str) -> int:
    """List the regulatory deadline packs (or only NAME ...) and their time limits."""
    try:
        chosen = [get_pack(n) for n in names] if names else list(list_packs())
    except ValidationError as exc:
        raise CliError("; ".join(m for _, m in exc.problems)) from None
    if fmt == "markdown":
        click.echo("\n".join(pack_table(p) for p in chosen), nl=False)
        return 0
    blocks = ["\n".join(_text(p)) for p in chosen]
    click.echo("\n\n".join(blocks))
    return 0
