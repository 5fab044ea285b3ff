"""``iso10002 workflow check`` and ``iso10002 workflow diagram``."""

from __future__ import annotations

from pathlib import Path

import click

from iso10002.cli._errors import EXIT_FAILURE, CliError
from iso10002.cli._files import is_json
from iso10002.cli._graphviz import IMAGE_FORMATS, render_image
from iso10002.errors import InvalidWorkflowDefinition, Problem, ValidationError
from iso10002.principles import POLICY_PACKS, Edition, policies_for
from iso10002.workflow import (
    ConformanceGap,
    Workflow,
    WorkflowDefinition,
    check_conformance,
    standard_workflow,
    to_dot,
    to_mermaid,
)

__all__ = ["workflow"]

_POLICY_SETS = (*(e.value for e in Edition), "iso10002:2004", *POLICY_PACKS)


def _load(path: Path) -> WorkflowDefinition:
    """Parse a JSON or TOML definition (by suffix, else by its first character).

    Raises:
        InvalidWorkflowDefinition: for unreadable text or an invalid definition.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidWorkflowDefinition(
            [("", f"not UTF-8 text ({exc.reason})")]
        ) from None
    as_json = is_json(path, text)
    if as_json:
        return WorkflowDefinition.from_json(text)
    return WorkflowDefinition.from_toml(text)


def _guard_problems(definition: WorkflowDefinition, policies: str) -> list[Problem]:
    try:
        Workflow(definition, policies_for(policies))
    except InvalidWorkflowDefinition as exc:
        return list(exc.problems)
    return []


def _gap_line(gap: ConformanceGap) -> str:
    where = f" (steps: {', '.join(gap.triggers)})" if gap.triggers else ""
    return f"clause {gap.clause} [{gap.code}]: {gap.message}{where}"


@click.group()
def workflow() -> None:
    """Validate and draw workflow definitions (JSON or TOML files)."""


@workflow.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--policies",
    default="iso10002:2018",
    show_default=True,
    type=click.Choice(_POLICY_SETS),
    help="The policy set the guards must name policies of.",
)
@click.option(
    "--ignore",
    "ignored",
    multiple=True,
    metavar="CODE",
    help="Accept a conformance gap by its code, e.g. missing-step (repeatable).",
)
def check(file: Path, policies: str, ignored: tuple[str, ...]) -> int:
    """Validate FILE and hold it to ISO 10002 clause 7; exit 1 listing every problem.

    Reports every structural problem (unknown or unreachable states,
    ambiguous triggers, unknown fields ...), guards naming policies the
    policy set lacks, and every conformance gap (a clause-7 step missing or
    skippable). Meant for a host application's CI.
    """
    try:
        definition = _load(file)
    except InvalidWorkflowDefinition as exc:
        problems = [f"{p}: {m}" if p else m for p, m in exc.problems]
    else:
        problems = [
            f"{p}: {m}" if p else m for p, m in _guard_problems(definition, policies)
        ]
        problems += [
            _gap_line(gap)
            for gap in check_conformance(definition)
            if gap.code not in ignored
        ]
    if problems:
        for problem in problems:
            click.echo(f"{file}: {problem}")
        noun = "problem" if len(problems) == 1 else "problems"
        click.echo(f"{file}: {len(problems)} {noun} found", err=True)
        return EXIT_FAILURE
    click.echo(
        f"{file}: ok: {definition.name} version {definition.version}, "
        f"{len(definition.states)} states, {len(definition.steps)} steps, "
        "conforms to ISO 10002 clause 7"
    )
    return 0


@workflow.command()
@click.argument(
    "file",
    required=False,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--format",
    "fmt",
    default="mermaid",
    show_default=True,
    type=click.Choice(["mermaid", "dot", *IMAGE_FORMATS]),
    help="Mermaid stateDiagram-v2, Graphviz DOT, or a picture drawn by "
    "Graphviz's dot program (svg, png).",
)
@click.option(
    "--internal",
    is_flag=True,
    help="Also draw steps that keep the state (assign, link ...).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of stdout.",
)
def diagram(file: Path | None, fmt: str, *, internal: bool, output: Path | None) -> int:
    """Print a diagram of FILE (the standard workflow when no FILE is given)."""
    if file is None:
        definition = standard_workflow()
    else:
        try:
            definition = _load(file)
        except (InvalidWorkflowDefinition, ValidationError) as exc:
            msg = (
                f"{file}: not a valid workflow ({exc}); "
                f"run 'iso10002 workflow check {file}'"
            )
            raise CliError(msg) from None
    render = to_mermaid if fmt == "mermaid" else to_dot
    text = render(definition, internal=internal)
    drawn = render_image(text, fmt) if fmt in IMAGE_FORMATS else text.encode("utf-8")
    if output is None:
        click.echo(drawn, nl=False)
    else:
        output.write_bytes(drawn)
    return 0
