"""``iso10002 report``: the management review pack, or a KPI summary."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import attrs
import click

from iso10002.analysis import (
    Granularity,
    KpiReport,
    KpiSpec,
    Period,
    build_management_review,
    render_html,
)
from iso10002.analysis.evidence import OrganisationRecords
from iso10002.analysis.kpis import DayCalendar, granularity_for
from iso10002.analysis.pushdown import (
    evidence_checks_from,
    policy_evidence_from,
    provenance_from,
    remedies_from,
)
from iso10002.analysis.review import (
    ManagementReview,
    Objective,
    evaluate_objectives,
    review_to_json,
)
from iso10002.cli._analysis import (
    DEFAULT_OBJECTIVES,
    calendar_for,
    parse_period,
    resolve_as_of,
    store_kpis,
    stream,
)
from iso10002.cli._errors import CliError
from iso10002.cli._inputs import load_profile, load_records
from iso10002.cli._opening import checked_store
from iso10002.cli._options import (
    as_of_option,
    db_option,
    holidays_option,
    period_option,
    policies_option,
    profile_option,
    zone_option,
)
from iso10002.cli._output import check_output, write_text
from iso10002.cli._report_summary import in_period, summary_of
from iso10002.errors import ValidationError
from iso10002.labels import check_locale
from iso10002.principles import PolicyContext, PolicyRegistry, policies_for
from iso10002.repositories import ComplaintRepository

__all__ = ["report"]

_AUTO = "auto"


def _check_report_extra() -> None:
    """Refuse ``--html`` before the pack is built if the ``report`` extra is missing."""
    try:
        import jinja2  # noqa: F401, PLC0415 - optional, the ``report`` extra
        import matplotlib as mpl  # noqa: F401, PLC0415 - optional, same extra
    except ImportError as exc:
        msg = (
            f"--html needs the 'report' extra ({exc.name or 'a module'} is "
            "missing): pip install 'iso10002[report]'"
        )
        raise CliError(msg) from None


def _kpis(
    repository: ComplaintRepository,
    calendar: DayCalendar,
    reporting: Period | None,
    instant: datetime,
    granularity: str,
) -> tuple[KpiReport, KpiSpec]:
    """Compute the KPIs (in SQL when the store can) at the granularity asked.

    'auto' takes the period's days when there is a period, else the days
    from the first complaint to ``instant``: monthly KPIs are computed first
    and computed again only when another granularity suits the range.
    """
    if granularity != _AUTO:
        spec = KpiSpec(as_of=instant, period=reporting, granularity=granularity)
        return store_kpis(repository, spec, calendar), spec
    zone = calendar.zone
    last = instant.astimezone(zone).date() + timedelta(days=1)
    chosen = Granularity.MONTH
    if reporting is not None:
        first = reporting.start.astimezone(zone).date()
        end = min(reporting.end.astimezone(zone).date(), last)
        chosen = granularity_for(first, end) if end > first else chosen
    spec = KpiSpec(as_of=instant, period=reporting, granularity=chosen)
    kpis = store_kpis(repository, spec, calendar)
    if reporting is None and kpis.series:
        first = Period.parse(kpis.series[0].period, zone).start.date()
        chosen = granularity_for(first, max(last, first + timedelta(days=1)))
        if chosen is not Granularity.MONTH:
            spec = attrs.evolve(spec, granularity=chosen)
            kpis = store_kpis(repository, spec, calendar)
    return kpis, spec


def _locale(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    try:
        return check_locale(value)
    except ValidationError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@db_option
@period_option(
    required=False,
    help_text="Reporting period: 2025, 2025-H1, 2025-Q2, 2025-W09, 2025-03 or "
    "2025-03-06. Default: every complaint received by --as-of.",
)
@as_of_option
@zone_option("UTC")
@holidays_option
@click.option(
    "--granularity",
    default=_AUTO,
    show_default=True,
    type=click.Choice([_AUTO, *(g.value for g in Granularity)]),
    help="Period length of the trends and control charts; 'auto' suits it to "
    "the range: days for a month, weeks for a quarter, months for a few years, "
    "quarters beyond.",
)
@click.option(
    "--ids",
    "ids_shown",
    default=20,
    show_default=True,
    type=click.IntRange(min=0),
    help="Complaint ids listed at most per audit check and finding in the pack "
    "(counts stay complete; 'iso10002 audit' lists every id).",
)
@policies_option
@profile_option
@click.option(
    "--organisation",
    "organisation",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML or JSON file of the organisation's records (commitment, policy, "
    "objectives, audits, improvement actions). Default: none declared.",
)
@click.option(
    "--html",
    "html",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Write the pack as one printable HTML page ('-' for stdout).",
)
@click.option(
    "--locale",
    default="en",
    show_default=True,
    callback=_locale,
    help="Language of the HTML pack's words (e.g. fr), from the catalogues the "
    "letters use.",
)
@click.option(
    "--json",
    "json_file",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Write the pack as JSON ('-' for stdout).",
)
def report(  # noqa: PLR0913 - one parameter per option
    *,
    db: str,
    schema: str,
    period: str | None,
    as_of: str | None,
    zone: str,
    region: str | None,
    granularity: str,
    ids_shown: int,
    policies: str,
    profile: Path | None,
    organisation: Path | None,
    html: Path | None,
    locale: str,
    json_file: Path | None,
) -> int:
    """Report on complaints handling: KPIs, or the management review pack.

    Without --html or --json, prints a summary of the KPIs and the objectives.
    With them, writes the management review pack (ISO 10002 8.6): summary,
    objectives, volumes, timeliness, outcomes and redress, control charts,
    categories and root causes, satisfaction, backlog and workload, audit
    evidence, improvement actions and the self-assessment per clause 4 to 8.
    Objectives come from --organisation; when it sets none, four default
    objectives are measured and labelled as defaults. Nothing in the output
    is personal data: counts, durations, categories, complaint ids, handler
    ids and the organisation's own records only.
    """
    if html is not None and json_file is not None and str(html) == str(json_file):
        msg = "--html and --json must name different files"
        raise click.UsageError(msg, ctx=click.get_current_context())
    for path in (html, json_file):
        check_output(path)
    records = load_records(organisation)
    organisation_profile = load_profile(profile)
    calendar = calendar_for(zone, region)
    reporting = parse_period(period, calendar.zone)
    instant = resolve_as_of(as_of, reporting, calendar.zone)
    objectives = records.objectives or DEFAULT_OBJECTIVES
    title = "Complaints handling: management review"
    # Nothing is printed or written inside the block: leaving it means the
    # store passed the check on opening (run beside the report, see _opening).
    with checked_store(db, schema) as repository:
        if html is not None:
            # Inside: the check process starts before matplotlib is imported.
            _check_report_extra()
        kpis, spec = _kpis(repository, calendar, reporting, instant, granularity)
        if html is None and json_file is None:
            summary = summary_of(
                repository,
                kpis,
                spec,
                evaluate_objectives(kpis, objectives),
                defaults=not records.objectives,
            )
        else:
            review = _review(
                repository,
                spec,
                kpis,
                title=f"{title}, {period}" if period else title,
                ids_shown=ids_shown,
                policies=policies_for(policies),
                context=PolicyContext(
                    now=instant, organisation=organisation_profile, calendar=calendar
                ),
                objectives=objectives,
                records=records,
            )
            page = None if html is None else render_html(review, locale=locale)
            document = None if json_file is None else review_to_json(review)
    if html is None and json_file is None:
        click.echo(summary)
        return 0
    if page is not None:
        write_text(html, page, what="Management review (HTML)")
    if document is not None:
        write_text(json_file, document, what="Management review (JSON)")
    return 0


def _review(  # noqa: PLR0913 - what the pack is built from
    repository: ComplaintRepository,
    spec: KpiSpec,
    kpis: KpiReport,
    *,
    title: str,
    ids_shown: int,
    policies: PolicyRegistry,
    context: PolicyContext,
    objectives: tuple[Objective, ...],
    records: OrganisationRecords,
) -> ManagementReview:
    """Build the management review pack, counted in SQL when the store can."""
    instant, reporting = spec.as_of, spec.period
    checks = evidence_checks_from(
        repository, instant, period=reporting, ids_shown=ids_shown
    )
    # With the default policies and no --profile, a SQL store counts the
    # findings, the provenance and the remedies too: no complaint is read.
    found = policy_evidence_from(
        repository,
        instant,
        policies=policies,
        context=context,
        period=reporting,
        ids_shown=ids_shown,
    )
    imported = provenance_from(repository, instant, period=reporting)
    remedies = remedies_from(repository, spec)
    counted = None not in (checks, found, imported, remedies)
    return build_management_review(
        # Push-down gave the KPIs: at most the period's complaints are read.
        () if counted else stream(repository, in_period(spec), desc="reviewing"),
        spec,
        kpis=kpis,
        ids_shown=ids_shown,
        title=title,
        calendar=context.calendar,
        policies=policies,
        context=context,
        objectives=objectives,
        records=records,
        checks=checks,
        policy_evidence=found,
        assumptions=imported,
        remedies=remedies,
    )
