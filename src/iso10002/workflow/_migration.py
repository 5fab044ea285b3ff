"""Move complaints in flight from one workflow version to another, explicitly."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from iso10002.errors import (
    InvalidWorkflowDefinition,
    Problem,
    TransitionNotAllowed,
    ValidationError,
)
from iso10002.model import Complaint, HistoryEvent, WorkflowRef
from iso10002.workflow._definition import WorkflowDefinition
from iso10002.workflow._results import Transitioned

__all__ = ["MIGRATED_EVENT", "WorkflowMigration"]

MIGRATED_EVENT = "WorkflowMigrated"
"""Name of the history event a migration appends."""


def _problems(
    source: WorkflowDefinition, target: WorkflowDefinition, states: Mapping[str, str]
) -> list[Problem]:
    problems: list[Problem] = []
    if (source.name, source.version) == (target.name, target.version):
        problems.append(("target", "must be a different workflow or version"))
    old = {s.name: s for s in source.states}
    new = {s.name: s for s in target.states}
    problems += [
        (f"states.{k}", "not a state of the source workflow")
        for k in states
        if k not in old
    ]
    for name, state in old.items():
        where = f"states.{name}"
        if name not in states:
            problems.append(
                (where, "every state of the source workflow must be mapped")
            )
            continue
        mapped = new.get(states[name])
        if mapped is None:
            problems.append(
                (where, f"{states[name]!r} is not a state of the target workflow")
            )
        elif mapped.terminal != state.terminal:
            kind = "terminal" if state.terminal else "open"
            problems.append((where, f"an {kind} state must map to an {kind} state"))
    return problems


@attrs.frozen
class WorkflowMigration:
    """A validated mapping that moves complaints from one definition to another.

    Complaints in flight keep running under the definition they started with
    until migrated; a migration is explicit and total: every state of the
    source is mapped to a state of the target, open to open and terminal to
    terminal.

    Args:
        source: The definition complaints run under now.
        target: The definition to move them to.
        states: ``source state -> target state`` for every source state.

    Raises:
        InvalidWorkflowDefinition: listing every problem of the mapping.

    .. versionadded:: 0.1.0
    """

    source: WorkflowDefinition
    target: WorkflowDefinition
    states: Mapping[str, str] = attrs.field(converter=dict)

    def __attrs_post_init__(self) -> None:
        """Check the mapping."""
        problems = _problems(self.source, self.target, self.states)
        if problems:
            raise InvalidWorkflowDefinition(problems)

    def apply(
        self,
        complaint: Complaint,
        *,
        actor: str,
        at: datetime,
        data: Mapping[str, Any] | None = None,
    ) -> Transitioned:
        """Move ``complaint`` to the target definition.

        Args:
            complaint: A complaint running under the source definition.
            actor: Who migrates it.
            at: When (not before its last event).
            data: JSON data for the history event.

        Returns:
            The new version, recording the target workflow and the mapped
            state, with one ``WorkflowMigrated`` event.

        Raises:
            TransitionNotAllowed: if the complaint runs under another workflow.
            ValidationError: if ``at`` or ``data`` is invalid.
        """
        ref = WorkflowRef(name=self.source.name, version=self.source.version)
        if complaint.workflow != ref or complaint.status not in self.states:
            msg = f"complaint does not run under {ref.name!r} version {ref.version}"
            raise TransitionNotAllowed(
                msg,
                trigger="migrate",
                state=complaint.status,
                complaint_id=complaint.id,
            )
        if complaint.history and at < complaint.history[-1].at:
            raise ValidationError.single(
                "at", "must not be earlier than the last event"
            )
        to_state = self.states[complaint.status]
        event = HistoryEvent(
            sequence=complaint.version + 1,
            name=MIGRATED_EVENT,
            at=at,
            actor=actor,
            from_state=complaint.status,
            to_state=to_state,
            data={
                **(data or {}),
                "from_workflow": {"name": ref.name, "version": ref.version},
                "to_workflow": {
                    "name": self.target.name,
                    "version": self.target.version,
                },
            },
        )
        migrated = attrs.evolve(
            complaint,
            status=to_state,
            workflow=WorkflowRef(name=self.target.name, version=self.target.version),
            version=complaint.version + 1,
            history=(*complaint.history, event),
        )
        return Transitioned(complaint=migrated, events=(event,))
