"""What ``report``, ``audit`` and ``return`` share: options, streams, files."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, TypeVar

import click
from tqdm import tqdm

from iso10002.analysis import KpiReport, KpiSpec, Period, kpis_from
from iso10002.analysis.evidence import OrganisationRecords
from iso10002.analysis.kpis import DayCalendar
from iso10002.analysis.review import Direction, Objective
from iso10002.cli._db import store_options
from iso10002.cli._errors import CliError
from iso10002.cli._files import is_json
from iso10002.errors import ValidationError
from iso10002.model import Complaint
from iso10002.principles import POLICY_PACKS, Edition, OrganisationProfile
from iso10002.repositories import ComplaintRepository, Query, iter_complaints
from iso10002.serialization import from_dict

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = [
    "DEFAULT_OBJECTIVES",
    "POLICY_SETS",
    "as_of_option",
    "calendar_for",
    "check_output",
    "db_option",
    "holidays_option",
    "load_mapping",
    "load_profile",
    "load_records",
    "parse_period",
    "period_option",
    "policies_option",
    "profile_option",
    "resolve_as_of",
    "store_kpis",
    "stream",
    "through",
    "write_text",
    "zone_option",
]

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")

POLICY_SETS: tuple[str, ...] = (
    *(e.value for e in Edition),
    "iso10002:2004",
    *POLICY_PACKS,
)
"""The policy sets ``--policies`` accepts: the editions and the regulatory packs."""

DEFAULT_OBJECTIVES: tuple[Objective, ...] = (
    Objective(
        metric="deadline_met_share",
        target=0.95,
        direction=Direction.AT_LEAST,
        label="Share of deadlines met (default objective)",
    ),
    Objective(
        metric="median_hours_to_acknowledge",
        target=24,
        direction=Direction.AT_MOST,
        label="Median hours to acknowledge (default objective)",
    ),
    Objective(
        metric="reopen_rate",
        target=0.05,
        direction=Direction.AT_MOST,
        label="Share of closed complaints reopened (default objective)",
    ),
    Objective(
        metric="satisfaction_mean",
        target=3.5,
        direction=Direction.AT_LEAST,
        label="Mean satisfaction, 1 to 5 (default objective)",
    ),
)
"""Objectives measured when the organisation's records set none."""

_PAGE = 1000
_JUST_AFTER = timedelta(microseconds=1)


def _usage(option: str, message: str) -> click.BadParameter:
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


def calendar_for(zone: str, region: str | None) -> DayCalendar:
    """Build the business calendar: weekdays in ``zone``, minus ``region``'s holidays.

    Raises:
        CliError: if ``--holidays`` is given without the ``holidays`` package.
        click.BadParameter: for an unknown region.
    """
    from iso10002.calendars import WeekdayCalendar  # noqa: PLC0415 - only when used

    if region is None:
        return WeekdayCalendar(zone=zone)
    try:
        from iso10002.calendars.holidays import HolidaysCalendar  # noqa: PLC0415
    except ImportError:
        msg = "--holidays needs the 'holidays' extra: pip install 'iso10002[holidays]'"
        raise CliError(msg) from None
    try:
        return HolidaysCalendar(region, zone=zone)
    except ValidationError as exc:
        raise _usage("--holidays", exc.problems[0][1]) from None


def parse_period(label: str | None, zone: tzinfo) -> Period | None:
    """Return the period named ``label`` with boundaries at midnight in ``zone``."""
    return None if label is None else Period.parse(label, zone)


def _instant(text: str, zone: tzinfo) -> datetime:
    value = text.strip()
    try:
        if len(value) == len("2026-01-01"):
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=zone)
        if value.endswith(("Z", "z")):  # Python 3.10 reads no "Z"
            value = value[:-1] + "+00:00"
        at = datetime.fromisoformat(value)
    except ValueError:
        msg = "must be a date (2026-01-01) or an ISO datetime (2026-01-01T09:00+00:00)"
        raise _usage("--as-of", msg) from None
    return at if at.utcoffset() is not None else at.replace(tzinfo=zone)


def resolve_as_of(
    text: str | None,
    period: Period | None,
    zone: tzinfo,
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> datetime:
    """Return the instant the figures describe (see ``--as-of``).

    Raises:
        click.BadParameter: for an unreadable instant or one before the period.
    """
    if text is not None:
        at = _instant(text, zone).astimezone(timezone.utc)
        if period is not None and at <= period.start:
            msg = f"is not after the start of period {period.label}"
            raise _usage("--as-of", msg)
        return at
    current = now()
    if period is not None and period.end <= current:
        return period.end
    return current


def through(as_of: datetime) -> Query:
    """Return the query of every complaint received by ``as_of`` (included)."""
    return Query(received_before=as_of + _JUST_AFTER)


def stream(
    repository: ComplaintRepository, query: Query, *, desc: str
) -> Iterator[Complaint]:
    """Yield the complaints matching ``query`` page by page, oldest first.

    Holds one page at a time; a progress bar shows on stderr when it is a
    terminal.
    """
    total = repository.count(query)
    with tqdm(total=total, unit="complaint", desc=desc, disable=None) as bar:
        for complaint in iter_complaints(repository, query, page_size=_PAGE):
            yield complaint
            bar.update()


def store_kpis(
    repository: ComplaintRepository, spec: KpiSpec, calendar: DayCalendar
) -> KpiReport:
    """Compute the KPIs in SQL when the store can, else by streaming to ``as_of``."""
    return kpis_from(
        repository,
        spec,
        calendar=calendar,
        fallback=lambda: stream(repository, through(spec.as_of), desc="kpis"),
    )


def check_output(path: Path | None) -> None:
    """Refuse an output whose directory is missing, before any work is done.

    (The options refuse directories themselves: ``click.Path(dir_okay=False)``.)

    Raises:
        CliError: if the directory of ``path`` does not exist.
    """
    if path is None or str(path) == "-":
        return
    if not path.parent.is_dir():
        msg = f"{path.parent}: no such directory"
        raise CliError(msg)


def write_text(path: Path | None, text: str, *, what: str, newline: str = "\n") -> None:
    """Write ``text`` to ``path`` (stdout for ``None`` or ``-``) and say so on stderr.

    Raises:
        CliError: if the file cannot be written.
    """
    if not text.endswith("\n"):
        text += "\n"  # the same text on stdout and in a file
    if path is None or str(path) == "-":
        click.echo(text, nl=False)
        return
    try:
        with path.open("w", encoding="utf-8", newline=newline) as out:
            out.write(text)
    except OSError as exc:
        msg = f"{path}: cannot write ({exc.strerror or exc})"
        raise CliError(msg) from None
    click.echo(f"{what} written to {path}", err=True)


def _as_json(value: Any) -> Any:
    """Turn TOML's dates and times into the ISO strings JSON files would hold."""
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if isinstance(value, (date, time)):  # datetime is a date
        return value.isoformat()
    return value


def _load_data(path: Path) -> Any:
    """Read a JSON or TOML file (by suffix, else by its first character).

    Raises:
        CliError: if it cannot be read or parsed.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{path}: not UTF-8 text ({exc.reason})"
        raise CliError(msg) from None
    as_json = is_json(path, text)
    try:
        return json.loads(text) if as_json else _as_json(tomllib.loads(text))
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        msg = f"{path}: not valid {'JSON' if as_json else 'TOML'} ({exc})"
        raise CliError(msg) from None
    except RecursionError:
        msg = f"{path}: not valid {'JSON' if as_json else 'TOML'} (nested too deeply)"
        raise CliError(msg) from None


def _load_model(path: Path, cls: type[M]) -> M:
    data = _load_data(path)
    try:
        return from_dict(cls, data)
    except ValidationError as exc:
        msg = f"{path}: {exc}"
        raise CliError(msg) from None


def load_records(path: Path | None) -> OrganisationRecords:
    """Load the organisation's records, or none declared when ``path`` is ``None``.

    Raises:
        CliError: for an unreadable file or one with wrong fields.
    """
    return (
        OrganisationRecords()
        if path is None
        else _load_model(path, OrganisationRecords)
    )


def load_profile(path: Path | None) -> OrganisationProfile | None:
    """Load the organisation profile the policies consult, if a file is given.

    Raises:
        CliError: for an unreadable file or one with wrong fields.
    """
    return None if path is None else _load_model(path, OrganisationProfile)


def load_mapping(path: Path | None) -> dict[str, str]:
    """Load a table of names to names (e.g. products to FCA product groups).

    Raises:
        CliError: for an unreadable file or a value that is not text.
    """
    if path is None:
        return {}
    data = _load_data(path)
    if not isinstance(data, dict):
        msg = f"{path}: must hold a table of names to names"
        raise CliError(msg)
    for key, value in data.items():
        if not isinstance(value, str):
            msg = f"{path}: {key}: must be text, not {type(value).__name__}"
            raise CliError(msg)
    return dict(data)
