"""``iso10002 return fca`` and ``iso10002 return asic``: regulatory returns."""

from __future__ import annotations

import csv
import io
import json
import warnings
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar

import click

from iso10002.analysis import Period, asic_return, fca_return
from iso10002.analysis.returns import (
    AsicLayout,
    FcaFigures,
    FcaReturn,
    SupersededReturnWarning,
)
from iso10002.calendars import BusinessCalendar
from iso10002.cli._analysis import (
    check_output,
    db_option,
    load_mapping,
    period_option,
    stream,
    write_text,
)
from iso10002.cli._db import open_repository
from iso10002.cli._errors import CliError
from iso10002.cli._provenance import counted, note_assumptions
from iso10002.errors import ValidationError
from iso10002.provenance import ProvenanceCounter
from iso10002.repositories import Query
from iso10002.serialization import to_dict

__all__ = ["FCA_COLUMNS", "fca_csv", "fca_text", "firm_calendar", "returns"]

FCA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("product_group", "product group"),
    ("outstanding_at_start", "open at start"),
    ("opened", "opened"),
    ("closed", "closed"),
    ("closed_within_3_business_days", "<=3 bd"),
    ("closed_within_8_weeks", ">3 bd <=8 wk"),
    ("closed_after_8_weeks", ">8 wk"),
    ("upheld", "upheld"),
    ("redress_paid", "redress"),
    ("outstanding_at_end", "open at end"),
    ("eight_week_due", "8-wk due"),
    ("eight_week_met", "8-wk met"),
)
"""``(FcaFigures field, short heading)`` of the FCA table, in order; the form's
wording of each field is in :data:`iso10002.analysis.returns.FCA_FIELDS`."""

F = TypeVar("F", bound=Callable[..., Any])

_REGION_HELP = (
    "The firm's holiday region, e.g. GB-ENG or AU-NSW (needs the 'holidays' "
    "extra). Required: a return counts business days and days of receipt in "
    "the firm's own calendar."
)


def _zone_option(example: str) -> Callable[[F], F]:
    return click.option(
        "--zone",
        default=None,
        help=f"IANA time zone of the firm (default: the region's, e.g. {example}).",
    )


def _region_option() -> Callable[[F], F]:
    return click.option("--holidays", "region", metavar="REGION", help=_REGION_HELP)


_REGIME_HELP = (
    "Count only complaints whose recorded pack (their regime, recorded by a "
    "handler given a PackSelection) is NAME, e.g. {example}; repeat for "
    "several. Complaints with no recorded pack are then left out. Default: "
    "every complaint."
)


def _regime_option(example: str) -> Callable[[F], F]:
    return click.option(
        "--regime",
        "regimes",
        metavar="NAME",
        multiple=True,
        help=_REGIME_HELP.format(example=example),
    )


def _regimes(values: tuple[str, ...]) -> tuple[str, ...] | None:
    """Return the ``--regime`` names, or ``None`` (every complaint) when none.

    Raises:
        click.BadParameter: for a blank name (exit status 2, one line).
    """
    for value in values:
        if not value.strip():
            raise _usage("--regime", "must name a pack, e.g. uk.fca.disp")
    return values or None


def _note_empty(regimes: tuple[str, ...] | None, empty: bool) -> None:  # noqa: FBT001
    if regimes and empty:
        names = ", ".join(regimes)
        click.echo(
            f"No complaint of the period records the regime {names} (a handler "
            "records a complaint's pack when given a PackSelection)",
            err=True,
        )


def _usage(option: str, message: str) -> click.BadParameter:
    return click.BadParameter(
        message, ctx=click.get_current_context(silent=True), param_hint=f"'{option}'"
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
        raise _usage("--holidays", msg)
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
        raise _usage(option, problem) from None


_PERIOD_HELP = "Reporting period, e.g. 2025-H1 (also 2025, 2025-Q2, 2025-03 ...)."
_OUT_HELP = "Write to this file instead of standard output."


def _cells(figures: FcaFigures) -> list[str]:
    return [str(getattr(figures, name)) for name, _ in FCA_COLUMNS]


def fca_text(result: FcaReturn, zone: str) -> str:
    """Render an FCA return as a table, with its counting rules.

    Args:
        result: The return.
        zone: The name of the zone the period was parsed in.
    """
    rows = [[heading for _, heading in FCA_COLUMNS]]
    rows += [_cells(g) for g in (*result.groups, result.total)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(FCA_COLUMNS))]

    def line(row: Sequence[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = (
            cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        )
        return "  ".join((first, *rest)).rstrip()

    lines = [
        (
            f"FCA complaints return (DISP 1.10), period {result.period.label} in "
            f"{zone}, redress in {result.currency}"
        ),
        line(rows[0]),
        *(line(row) for row in rows[1:]),
    ]
    if result.other_currency_redress:
        other = ", ".join(f"{c} {v}" for c, v in result.other_currency_redress.items())
        lines.append(f"Redress in other currencies (not in the table): {other}")
    lines.append("Counting rules:")
    lines += [f"  - {rule}" for rule in result.rules]
    return "\n".join(lines) + "\n"


def fca_csv(result: FcaReturn) -> str:
    """Render an FCA return as CSV: one row per product group, then the total."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["period", *(name for name, _ in FCA_COLUMNS)])
    for figures in (*result.groups, result.total):
        writer.writerow([result.period.label, *_cells(figures)])
    return out.getvalue()


def _received_before(period: Period) -> Query:
    return Query(received_before=period.end)


def _load_layout(path: Path | None) -> AsicLayout | None:
    """Load the ``--columns`` table of field → heading, in file order.

    Raises:
        CliError: naming the option and the file, for a file that cannot be
            read or a table that is not a valid :class:`AsicLayout`.
    """
    if path is None:
        return None
    try:
        return AsicLayout.from_mapping(load_mapping(path))
    except CliError as exc:
        msg = f"--columns: {exc.message}"
        raise CliError(msg) from None
    except ValidationError as exc:
        msg = f"--columns: {path}: {exc}"
        raise CliError(msg) from None


@click.group(name="return")
def returns() -> None:
    """Regulatory complaints returns: fca (UK, DISP 1.10) and asic (Australia, RG 271).

    Both read the database once per run and contain no personal data: counts,
    dates, products, categories and complaint references only.
    """


@returns.command()
@db_option
@period_option(required=True, help_text=_PERIOD_HELP)
@_zone_option("Europe/London for GB-ENG")
@_region_option()
@click.option(
    "--product-groups",
    "groups_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML or JSON table of product names to FCA product groups; "
    "unmapped products count under 'other'.",
)
@_regime_option("uk.fca.disp")
@click.option(
    "--currency",
    default="GBP",
    show_default=True,
    help="Currency of the redress column (ISO 4217).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    help="Output format. Default: by the suffix of --out (.json, .csv), else text.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help=_OUT_HELP,
)
def fca(  # noqa: PLR0913 - one parameter per option
    *,
    db: str,
    schema: str,
    period: str,
    zone: str | None,
    region: str | None,
    groups_file: Path | None,
    regimes: tuple[str, ...],
    currency: str,
    fmt: str | None,
    out: Path | None,
) -> int:
    """Count the UK FCA complaints return figures per product group.

    Opened, closed (within 3 business days, within 8 weeks, after), upheld,
    redress paid, outstanding and the 8-week rule, per product group and in
    total, with the counting rules (the fields and their DISP 1 Annex 1R
    wording are in the library's FCA_FIELDS). --holidays (e.g. GB-ENG) is
    required; the zone is the region's unless --zone says otherwise.
    --regime restricts the return to the complaints of one pack, e.g.
    uk.fca.disp without the payment-services complaints of uk.fca.disp.psd.
    """
    chosen = _regimes(regimes)
    check_output(out)
    groups = load_mapping(groups_file)
    calendar = firm_calendar("fca", zone, region)
    reporting = Period.parse(period, calendar.zone)
    if fmt is None:
        suffix = "" if out is None else out.suffix.lower()
        fmt = {".json": "json", ".csv": "csv"}.get(suffix, "text")
    with (
        closing(open_repository(db, schema)) as repository,
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always", SupersededReturnWarning)
        provenance = ProvenanceCounter()
        result = fca_return(
            counted(
                stream(repository, _received_before(reporting), desc="counting"),
                provenance,
            ),
            period=reporting,
            calendar=calendar,
            product_groups=groups,
            currency=currency,
            regimes=chosen,
        )
    for warning in caught:
        if issubclass(warning.category, SupersededReturnWarning):
            click.echo(f"Note: {warning.message}", err=True)
        else:  # pragma: no cover - passed on as it came
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    _note_empty(chosen, not result.groups)
    note_assumptions(provenance.result(), "complaints read for this return")
    if fmt == "json":
        text = json.dumps(to_dict(result), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "csv":
        text = fca_csv(result)
    else:
        text = fca_text(result, str(calendar.zone))
    write_text(out, text, what="FCA return", newline="" if fmt == "csv" else "\n")
    return 0


@returns.command()
@db_option
@period_option(required=True, help_text=_PERIOD_HELP)
@_zone_option("Australia/Sydney for AU-NSW")
@_region_option()
@click.option(
    "--product-codes",
    "products_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML or JSON table of product names to ASIC product codes.",
)
@click.option(
    "--issue-codes",
    "issues_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML or JSON table of complaint categories to ASIC issue codes.",
)
@_regime_option("au.asic.rg271")
@click.option(
    "--columns",
    "columns_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML or JSON table of report fields to the column headings of the "
    "ASIC handbook you lodge against, in file order; only these columns are "
    "written. Default: every field, headed by its own name.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help=_OUT_HELP,
)
def asic(  # noqa: PLR0913 - one parameter per option
    *,
    db: str,
    schema: str,
    period: str,
    zone: str | None,
    region: str | None,
    products_file: Path | None,
    issues_file: Path | None,
    regimes: tuple[str, ...],
    columns_file: Path | None,
    out: Path | None,
) -> int:
    """Write the ASIC IDR data report (RG 271) as CSV, one row per complaint.

    Rows: complaints received before the period's end and not closed before
    its start. Unmapped products and categories are written as recorded.
    Complainant demographics are never exported. The header line holds the
    library's field names unless --columns maps them to ASIC's headings.
    --regime restricts the rows to the complaints of one pack, e.g.
    au.asic.rg271.
    """
    chosen = _regimes(regimes)
    check_output(out)
    products = load_mapping(products_file)
    issues = load_mapping(issues_file)
    layout = _load_layout(columns_file)
    calendar = firm_calendar("asic", zone, region)
    reporting = Period.parse(period, calendar.zone)
    provenance = ProvenanceCounter()
    with closing(open_repository(db, schema)) as repository:
        result = asic_return(
            counted(
                stream(repository, _received_before(reporting), desc="collecting"),
                provenance,
            ),
            period=reporting,
            calendar=calendar,
            product_codes=products,
            issue_codes=issues,
            regimes=chosen,
        )
    _note_empty(chosen, not result.rows)
    note_assumptions(provenance.result(), "complaints read for this return")
    write_text(out, result.to_csv(layout), what="ASIC IDR data report", newline="")
    return 0
