"""``iso10002 return fca`` and ``iso10002 return asic``: regulatory returns."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import click

from iso10002.analysis import Period, asic_return, fca_return
from iso10002.analysis.returns import AsicLayout, SupersededReturnWarning
from iso10002.cli._analysis import stream
from iso10002.cli._errors import CliError
from iso10002.cli._fca_table import fca_csv, fca_text
from iso10002.cli._inputs import load_mapping
from iso10002.cli._opening import checked_store
from iso10002.cli._options import db_option, period_option
from iso10002.cli._output import check_output, write_text
from iso10002.cli._provenance import counted, note_assumptions
from iso10002.cli._return_options import (
    OUT_HELP,
    PERIOD_HELP,
    firm_calendar,
    firm_zone_option,
    given_regimes,
    note_no_regime,
    regime_option,
    region_option,
)
from iso10002.errors import ValidationError
from iso10002.provenance import ProvenanceCounter
from iso10002.repositories import Query
from iso10002.serialization import to_dict

__all__ = ["returns"]


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
@period_option(required=True, help_text=PERIOD_HELP)
@firm_zone_option("Europe/London for GB-ENG")
@region_option()
@click.option(
    "--product-groups",
    "groups_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML or JSON table of product names to FCA product groups; "
    "unmapped products count under 'other'.",
)
@regime_option("uk.fca.disp")
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
    help=OUT_HELP,
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
    chosen = given_regimes(regimes)
    check_output(out)
    groups = load_mapping(groups_file)
    calendar = firm_calendar("fca", zone, region)
    reporting = Period.parse(period, calendar.zone)
    if fmt is None:
        suffix = "" if out is None else out.suffix.lower()
        fmt = {".json": "json", ".csv": "csv"}.get(suffix, "text")
    # Nothing is written inside: leaving the block means the store passed
    # the check on opening (run beside the return, see _opening).
    with (
        checked_store(db, schema) as repository,
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
    note_no_regime(chosen, not result.groups)
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
@period_option(required=True, help_text=PERIOD_HELP)
@firm_zone_option("Australia/Sydney for AU-NSW")
@region_option()
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
@regime_option("au.asic.rg271")
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
    help=OUT_HELP,
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
    chosen = given_regimes(regimes)
    check_output(out)
    products = load_mapping(products_file)
    issues = load_mapping(issues_file)
    layout = _load_layout(columns_file)
    calendar = firm_calendar("asic", zone, region)
    reporting = Period.parse(period, calendar.zone)
    provenance = ProvenanceCounter()
    # Nothing is written inside: leaving the block means the store passed
    # the check on opening (run beside the return, see _opening).
    with checked_store(db, schema) as repository:
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
    note_no_regime(chosen, not result.rows)
    note_assumptions(provenance.result(), "complaints read for this return")
    write_text(out, result.to_csv(layout), what="ASIC IDR data report", newline="")
    return 0
