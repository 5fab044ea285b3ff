"""What firing a step returns (:class:`Transitioned`), and what an engine offers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

import attrs

from iso10002.model import Complaint, HistoryEvent
from iso10002.principles import Finding
from iso10002.workflow._context import NO_CONTEXT, StepContext
from iso10002.workflow._definition import WorkflowDefinition

__all__ = ["Transitioned", "WorkflowEngine"]


@attrs.frozen(kw_only=True)
class Transitioned:
    """The result of firing a step: the new complaint and what happened.

    Args:
        complaint: The new version of the complaint.
        events: The history events the step appended (one per step).
        findings: Non-blocking findings the guards returned.

    The complaints handler returns the same type
    (:data:`~iso10002.handler.StepResult`), its complaint redacted for the
    caller and its events committed.

    .. versionadded:: 0.1.0
    """

    complaint: Complaint
    events: tuple[HistoryEvent, ...]
    findings: tuple[Finding, ...] = ()


@runtime_checkable
class WorkflowEngine(Protocol):
    """What a complaints handler needs from a workflow engine.

    :class:`Workflow` implements it; a host application may plug in its own.

    .. versionadded:: 0.1.0
    """

    @property
    def definition(self) -> WorkflowDefinition:
        """Return the definition the engine runs."""
        ...

    def fire(  # noqa: PLR0913 - mirrors Workflow.fire
        self,
        complaint: Complaint,
        trigger: str,
        *,
        actor: str,
        at: datetime,
        roles: Iterable[str] = (),
        data: Mapping[str, Any] | None = None,
        context: StepContext = NO_CONTEXT,
    ) -> Transitioned:
        """Fire ``trigger`` on ``complaint`` and return the new version."""
        ...

    def allowed_triggers(
        self, complaint: Complaint, *, roles: Iterable[str] | None = None
    ) -> tuple[str, ...]:
        """Return the triggers the complaint's state allows."""
        ...
