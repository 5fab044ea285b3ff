"""The options both returns take: the firm's calendar, the regimes, period, output."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from iso10002.calendars import BusinessCalendar
from iso10002.cli._errors import CliError
from iso10002.cli._options import usage_error
from iso10002.errors import ValidationError

__all__ = [
    "OUT_HELP",
    "PERIOD_HELP",
    "firm_calendar",
    "firm_zone_option",
    "given_regimes",
    "note_no_regime",
    "regime_option",
    "region_option",
]

F = TypeVar("F", bound=Callable[..., Any])

_REGION_HELP = (
    "The firm's holiday region, e.g. GB-ENG or AU-NSW (needs the 'holidays' "
    "extra). Required: a return counts business days and days of receipt in "
    "the firm's own calendar."
)


def firm_zone_option(example: str) -> Callable[[F], F]:
    """Return the ``--zone`` option, the region's zone by default."""
    return click.option(
        "--zone",
        default=None,
        help=f"IANA time zone of the firm (default: the region's, e.g. {example}).",
    )


def region_option() -> Callable[[F], F]:
    """Return the ``--holidays REGION`` option, the firm's business calendar."""
    return click.option("--holidays", "region", metavar="REGION", help=_REGION_HELP)


_REGIME_HELP = (
    "Count only complaints whose recorded pack (their regime, recorded by a "
    "handler given a PackSelection) is NAME, e.g. {example}; repeat for "
    "several. Complaints with no recorded pack are then left out. Default: "
    "every complaint."
)


def regime_option(example: str) -> Callable[[F], F]:
    """Return the repeatable ``--regime NAME`` option."""
    return click.option(
        "--regime",
        "regimes",
        metavar="NAME",
        multiple=True,
        help=_REGIME_HELP.format(example=example),
    )


def given_regimes(values: tuple[str, ...]) -> tuple[str, ...] | None:
    """Return the ``--regime`` names, or ``None`` (every complaint) when none.

    Raises:
        click.BadParameter: for a blank name (exit status 2, one line).
    """
    for value in values:
        if not value.strip():
            raise usage_error("--regime", "must name a pack, e.g. uk.fca.disp")
    return values or None


def note_no_regime(regimes: tuple[str, ...] | None, empty: bool) -> None:  # noqa: FBT001
    """Say on stderr when the ``--regime`` names left the return empty."""
    if regimes and empty:
        names = ", ".join(regimes)
        click.echo(
            f"No complaint of the period records the regime {names} (a handler "
            "records a complaint's pack when given a PackSelection)",
            err=True,
        )


def firm_calendar(
    command: str, zone: str | None, region: str | None
) -> BusinessCalendar:
    """Build the firm's calendar from ``--holidays`` (and ``--zone``), or refuse.

    Raises:
        click.BadParameter: without ``--holidays``, or for a region or zone
            the calendar refuses (exit status 2, one line).
        CliError: without the ``holidays`` extra.
    """
    if region is None:
        msg = (
            f"return {command} needs the firm's business calendar: give "
            "--holidays REGION (e.g. GB-ENG, AU-NSW); weekdays in UTC would "
            "misplace days of receipt and ignore bank holidays"
        )
        raise usage_error("--holidays", msg)
    try:
        from iso10002.calendars.holidays import HolidaysCalendar  # noqa: PLC0415
    except ImportError:
        msg = "--holidays needs the 'holidays' extra: pip install 'iso10002[holidays]'"
        raise CliError(msg) from None
    try:
        return HolidaysCalendar(region, zone=zone)
    except ValidationError as exc:
        field, problem = exc.problems[0]
        option = "--zone" if field == "zone" and zone is not None else "--holidays"
        raise usage_error(option, problem) from None


PERIOD_HELP = "Reporting period, e.g. 2025-H1 (also 2025, 2025-Q2, 2025-03 ...)."
OUT_HELP = "Write to this file instead of standard output."
