"""The options ``report``, ``audit`` and ``return`` share, checked as they are read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from iso10002.analysis import Period
from iso10002.cli._db import store_options
from iso10002.errors import ValidationError
from iso10002.principles import POLICY_PACKS, Edition

__all__ = [
    "POLICY_SETS",
    "as_of_option",
    "db_option",
    "holidays_option",
    "period_option",
    "policies_option",
    "profile_option",
    "usage_error",
    "zone_option",
]

F = TypeVar("F", bound=Callable[..., Any])

POLICY_SETS: tuple[str, ...] = (
    *(e.value for e in Edition),
    "iso10002:2004",
    *POLICY_PACKS,
)
"""The policy sets ``--policies`` accepts: the editions and the regulatory packs."""


def usage_error(option: str, message: str) -> click.BadParameter:
    """Build a usage error about ``option`` (exit status 2, one line)."""
    return click.BadParameter(
        message, ctx=click.get_current_context(silent=True), param_hint=f"'{option}'"
    )


def _check_period(_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    if value is None:
        return None
    try:
        Period.parse(value)
    except ValidationError as exc:
        raise click.BadParameter(exc.problems[0][1]) from None
    return value


def _check_zone(_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    from iso10002.calendars import WeekdayCalendar  # noqa: PLC0415 - only when used

    try:
        WeekdayCalendar(zone=value)
    except ValidationError as exc:
        raise click.BadParameter(exc.problems[0][1]) from None
    return value


db_option = store_options(
    help_text="The iso10002 store to read (e.g. from 'iso10002 demo')."
)
"""``--db PATH|DSN`` and ``--schema``: an existing store (exit 2 for a missing file)."""


def period_option(*, required: bool, help_text: str) -> Callable[[F], F]:
    """Return the ``--period`` option (checked when the command line is read)."""
    return click.option(
        "--period",
        required=required,
        callback=_check_period,
        metavar="PERIOD",
        help=help_text,
    )


def zone_option(default: str) -> Callable[[F], F]:
    """Return the ``--zone`` option with the command's default zone."""
    return click.option(
        "--zone",
        default=default,
        show_default=True,
        callback=_check_zone,
        help="IANA time zone whose midnights bound periods and days.",
    )


holidays_option = click.option(
    "--holidays",
    "region",
    metavar="REGION",
    help="Also close the public holidays of REGION, e.g. GB-ENG or AU-NSW "
    "(needs the 'holidays' extra); weekdays only by default.",
)
"""``--holidays REGION``: public holidays in the business calendar."""

as_of_option = click.option(
    "--as-of",
    "as_of",
    metavar="WHEN",
    help="Instant the figures describe: a date (its local midnight) or an ISO "
    "datetime. Default: the end of --period when it is over, else now.",
)
"""``--as-of WHEN``: the instant of the figures."""

policies_option = click.option(
    "--policies",
    default="iso10002:2018",
    show_default=True,
    type=click.Choice(POLICY_SETS),
    help="Policy set whose findings make the audit evidence per principle.",
)
"""``--policies SET``: the policy set evaluated for the audit evidence."""


profile_option = click.option(
    "--profile",
    "profile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML or JSON file of the organisation profile the policies consult "
    "(channels, complaints policy, accountable manager, competences ...). "
    "Default: none, so the organisation-level checks report it missing.",
)
"""``--profile FILE``: the :class:`~iso10002.principles.OrganisationProfile`."""
