"""Draw a workflow from its data: Mermaid and Graphviz DOT text."""

from __future__ import annotations

from iso10002.workflow._definition import WorkflowDefinition

__all__ = ["to_dot", "to_mermaid"]


def _edges(
    definition: WorkflowDefinition, *, internal: bool
) -> list[tuple[str, str, str]]:
    """Return ``(source, destination, label)``; triggers on one edge are merged."""
    labels: dict[tuple[str, str], list[str]] = {}
    for step in definition.steps:
        for source in step.sources:
            destination = step.destination_from(source)
            if destination == source and not internal:
                continue
            labels.setdefault((source, destination), []).append(step.trigger)
    return [(s, d, ", ".join(names)) for (s, d), names in labels.items()]


def to_mermaid(definition: WorkflowDefinition, *, internal: bool = False) -> str:
    """Render ``definition`` as a Mermaid ``stateDiagram-v2``.

    Args:
        definition: The workflow to draw.
        internal: Also draw steps that keep the state (``assign``, ``link`` …).

    Returns:
        The diagram text, ending with a newline.

    .. versionadded:: 0.1.0
    """
    lines = [
        "stateDiagram-v2",
        f"    %% {definition.name} version {definition.version}",
        f"    [*] --> {definition.initial_state}",
    ]
    lines += [
        f"    {source} --> {destination} : {label}"
        for source, destination, label in _edges(definition, internal=internal)
    ]
    for state in definition.states:
        if state.terminal:
            lines.append(f"    {state.name} --> [*]")
        if state.clock_paused:
            lines.append(f"    note right of {state.name} : clock paused")
    return "\n".join(lines) + "\n"


def to_dot(definition: WorkflowDefinition, *, internal: bool = False) -> str:
    """Render ``definition`` as a Graphviz ``digraph``.

    Terminal states are drawn as double circles, clock-paused states dashed,
    the initial state bold.

    Args:
        definition: The workflow to draw.
        internal: Also draw steps that keep the state.

    Returns:
        The DOT text, ending with a newline.

    .. versionadded:: 0.1.0
    """
    lines = [
        f'digraph "{definition.name} v{definition.version}" {{',
        "    rankdir=LR;",
        "    node [shape=box, style=rounded];",
    ]
    for state in definition.states:
        attributes = []
        if state.terminal:
            attributes.append("shape=doublecircle")
        if state.clock_paused:
            attributes.append('style="rounded,dashed"')
        if state.initial:
            attributes.append("penwidth=2")
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f'    "{state.name}"{suffix};')
    lines += [
        f'    "{source}" -> "{destination}" [label="{label}"];'
        for source, destination, label in _edges(definition, internal=internal)
    ]
    lines.append("}")
    return "\n".join(lines) + "\n"
