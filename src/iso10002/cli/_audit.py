"""``iso10002 audit``: evidence per step and principle, and the self-assessment."""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from iso10002.analysis import KpiSpec, Period, collect_evidence, self_assess
from iso10002.analysis.evidence import (
    EvidenceReport,
    EvidenceStatus,
    IntegrityEvidence,
    SelfAssessment,
)
from iso10002.cli._analysis import (
    calendar_for,
    parse_period,
    resolve_as_of,
    store_kpis,
    stream,
    through,
)
from iso10002.cli._db import check_store, open_repository
from iso10002.cli._errors import CliError
from iso10002.cli._inputs import load_profile, load_records
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
from iso10002.cli._provenance import counted
from iso10002.cli._workflow import _load as load_workflow
from iso10002.errors import IntegrityError, InvalidWorkflowDefinition
from iso10002.integrity import IntegrityReport
from iso10002.principles import Finding, PolicyContext, policies_for
from iso10002.provenance import ProvenanceCounter
from iso10002.repositories import Query
from iso10002.serialization import to_dict
from iso10002.workflow import WorkflowDefinition, guards_off, standard_workflow

__all__ = ["audit"]

_SHOWN_IDS = 10


def _evidence_query(as_of: datetime, period: Period | None) -> Query:
    """Select the complaints audited: received in the period, and by ``as_of``."""
    query = through(as_of)
    if period is None:
        return query
    before = min(period.end, query.received_before or period.end)
    return Query(received_from=period.start, received_before=before)


def _pct(value: float | None) -> str:
    return "    -" if value is None else f"{value:6.1%}"


def _status(status: EvidenceStatus) -> str:
    return status.value.replace("_", " ")


def _ids(ids: Sequence[str]) -> str:
    if not ids:
        return ""
    shown = ", ".join(ids[:_SHOWN_IDS])
    more = len(ids) - _SHOWN_IDS
    return f"\n      {shown}" + (
        f" and {more:,} more (--json lists all)" if more > 0 else ""
    )


def _text(
    evidence: EvidenceReport,
    assessment: SelfAssessment,
    *,
    period: str | None,
    policies: str,
) -> list[str]:
    """Describe the evidence and the self-assessment as text."""
    lines = [
        (
            f"Audit evidence for {period or 'all complaints'}, as of "
            f"{evidence.as_of:%Y-%m-%d %H:%M} UTC: {evidence.complaints:,} complaints, "
            f"policy set {policies}"
        ),
        "Steps (ISO 10002 clause 7), conforming of applicable; non-conforming ids:",
    ]
    lines += [
        f"  {c.clause:<4} {c.id:<37} {c.conforming:>7,} of {c.applicable:<7,} "
        f"{_pct(c.proportion)}{_ids(c.nonconforming_ids)}"
        for c in evidence.checks
    ]
    lines.append("Guiding principles (clause 4), complaints without a warning:")
    lines += [
        f"  {p.principle:<42} {p.conforming:>7,} of {p.evaluated:<7,} "
        f"{_pct(p.proportion)}{_ids(p.nonconforming_ids)}"
        for p in evidence.principles
    ]
    lines.append("Policy findings:")
    lines += [
        f"  {f.severity.value:<8} {f.clause:<5} {f.policy_id}/{f.code}: "
        f"{f.count:,} x {f.message}{_ids(f.complaint_ids)}"
        for f in evidence.findings
    ] or ["  none"]
    lines.append("Self-assessment (ISO 10002 clauses 4 to 8):")
    for clause in assessment.clauses:
        lines.append(f"  {clause.clause} {clause.title}: {_status(clause.status)}")
        lines += [
            f"    {item.clause:<4} {_status(item.status):<17} {item.requirement} "
            f"({item.source}: {item.detail})"
            for item in clause.items
        ]
    return lines


def _workflow(path: Path | None) -> WorkflowDefinition:
    """Load the definition given, or the standard workflow.

    Raises:
        CliError: naming the file and its first problem.
    """
    if path is None:
        return standard_workflow()
    try:
        return load_workflow(path)
    except InvalidWorkflowDefinition as exc:
        where, problem = exc.problems[0]
        at = f" at {where}" if where else ""
        msg = f"{path}: not a valid workflow definition{at}: {problem}"
        raise CliError(msg) from None


def _guard_lines(definition: WorkflowDefinition, off: Sequence[Finding]) -> list[str]:
    """Describe the principle guards of the workflow the complaints ran under."""
    head = f"Workflow guards ({definition.name} version {definition.version}):"
    if not off:
        return [head, "  every principle guard is on"]
    return [
        head,
        *(f"  {f.severity.value:<8} {f.clause:<5} {f.code}: {f.message}" for f in off),
    ]


def _document(
    evidence: EvidenceReport,
    assessment: SelfAssessment,
    *,
    period: Period | None,
    policies: str,
) -> dict[str, Any]:
    return {
        "as_of": to_dict(evidence)["as_of"],
        "period": None if period is None else to_dict(period),
        "policies": policies,
        "evidence": to_dict(evidence),
        "self_assessment": to_dict(assessment),
    }


@click.command()
@db_option
@period_option(
    required=False,
    help_text="Audit the complaints received in this period (2025, 2025-H1, "
    "2025-Q2, 2025-03 ...). Default: every complaint received by --as-of.",
)
@as_of_option
@zone_option("UTC")
@holidays_option
@policies_option
@profile_option
@click.option(
    "--organisation",
    "organisation",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML or JSON file of the organisation's records for the "
    "self-assessment. Default: none declared (clauses 5 and 6 show missing).",
)
@click.option(
    "--json",
    "json_file",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Write the evidence and self-assessment as JSON ('-' for stdout) "
    "instead of the text.",
)
@click.option(
    "--workflow",
    "workflow_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The workflow definition (JSON or TOML) the complaints were handled "
    "under; each principle guard it turns off is reported. Default: the "
    "standard workflow, every guard on.",
)
@click.option(
    "--skip-integrity",
    "skip_integrity",
    is_flag=True,
    help="Do not run the integrity check; information integrity (4.9) is then "
    "reported as not evidenced.",
)
def audit(  # noqa: PLR0913 - one parameter per option
    *,
    db: str,
    schema: str,
    skip_integrity: bool,
    period: str | None,
    as_of: str | None,
    zone: str,
    region: str | None,
    policies: str,
    profile: Path | None,
    organisation: Path | None,
    json_file: Path | None,
    workflow_file: Path | None,
) -> int:
    """Collect audit evidence (ISO 10002 8.5) and assess readiness per clause.

    For each clause-7 step and each guiding principle: how many complaints
    show it done right, and the ids of those that do not (ids only, no
    personal data); the findings of the policy set; and the self-assessment
    of clauses 4 to 8 (evidenced, partly evidenced, missing) from the
    organisation's records and the complaint data. It also runs the store's
    integrity check (hash chains, documents and indexes against their
    histories): information integrity (4.9) is evidenced only when it passes,
    and the command exits with status 1 when it fails. The principle guards
    the workflow turns off (``--workflow``) are listed: what they would have
    refused can only be found afterwards.
    """
    check_output(json_file)
    definition = _workflow(workflow_file)
    off = guards_off(definition)
    records = load_records(organisation)
    organisation_profile = load_profile(profile)
    calendar = calendar_for(zone, region)
    reporting = parse_period(period, calendar.zone)
    instant = resolve_as_of(as_of, reporting, calendar.zone)
    spec = KpiSpec(as_of=instant, period=reporting)
    # The integrity check is reported (4.9), not a refusal: the audit goes on
    # over a store whose records read but do not verify. One whose records
    # cannot be read fails as every other command does.
    with closing(open_repository(db, schema, verify=False)) as repository:
        try:
            # Two passes over the database rather than one list in memory: the
            # evidence covers the period only, the KPIs also the backlog.
            provenance = ProvenanceCounter()
            evidence = collect_evidence(
                counted(
                    stream(
                        repository,
                        _evidence_query(instant, reporting),
                        desc="auditing",
                    ),
                    provenance,
                ),
                as_of=instant,
                policies=policies_for(policies),
                context=PolicyContext(
                    now=instant, organisation=organisation_profile, calendar=calendar
                ),
            )
            kpis = store_kpis(repository, spec, calendar)
        except IntegrityError:
            check_store(db, repository)  # raises the one-line refusal
            raise
        if skip_integrity:
            integrity = IntegrityEvidence(
                checked=False, reason="skipped with --skip-integrity"
            )
            report = None
        else:
            report = repository.verify_integrity()
            integrity = IntegrityEvidence.from_report(report)
    assessment = self_assess(records, kpis, evidence, integrity)
    failed = 1 if report is not None and not report.ok else 0
    share = provenance.result()
    if json_file is None:
        lines = _text(evidence, assessment, period=period, policies=policies)
        if share.any:
            lines = [*lines, "", f"Assumptions: {share.describe()}"]
        lines += ["", *_guard_lines(definition, off)]
        click.echo("\n".join([*lines, "", *_integrity_lines(report, integrity)]))
        return failed
    document = _document(evidence, assessment, period=reporting, policies=policies)
    document["assumptions"] = to_dict(share)
    document["workflow"] = {
        "name": definition.name,
        "version": definition.version,
        "guards_off": [to_dict(f) for f in off],
    }
    document["integrity"] = (
        {"checked": False, "reason": integrity.reason}
        if report is None
        else {
            "checked": True,
            "ok": report.ok,
            "complaints_checked": report.complaints_checked,
            "events_checked": report.events_checked,
            "problems": [to_dict(p) for p in report.problems],
            "unreplayable": list(report.unreplayable),
        }
    )
    text = json.dumps(document, ensure_ascii=False, indent=2)
    write_text(json_file, text + "\n", what="Audit evidence (JSON)")
    return failed


_SHOWN_PROBLEMS = 20


def _integrity_lines(
    report: IntegrityReport | None, integrity: IntegrityEvidence
) -> list[str]:
    """Describe the integrity check (4.9) as text."""
    if report is None:
        return [f"Integrity check (4.9): not run ({integrity.reason})."]
    head = (
        f"Integrity check (4.9): {report.complaints_checked:,} complaints, "
        f"{report.events_checked:,} events checked: "
    )
    if report.ok:
        lines = [head + "every history, document and index verifies."]
    else:
        lines = [head + f"{len(report.problems):,} problem(s):"]
        lines += [
            f"  {p.complaint_id or '(store)'}: {p.message}"
            for p in report.problems[:_SHOWN_PROBLEMS]
        ]
        if len(report.problems) > _SHOWN_PROBLEMS:
            lines.append(f"  … and {len(report.problems) - _SHOWN_PROBLEMS:,} more")
    if report.unreplayable:
        lines.append(
            f"  {len(report.unreplayable):,} complaint(s) have histories recorded "
            "before events carried their facts (see iso10002.history.record_facts)."
        )
    return lines
