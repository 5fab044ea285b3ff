"""ISO 10002 clause 7 as data, and the engine that runs it.

A :class:`WorkflowDefinition` lists states (initial, terminal, clock-paused)
and steps (trigger, sources, destination, history event, guards by policy id,
roles, the complaint fields a step sets and requires, the ISO clauses it
implements). It is validated when built, loaded from and dumped to dicts, JSON
and TOML, and drawn with :func:`to_mermaid` / :func:`to_dot`.
:func:`check_conformance` lists the clause-7 steps a customised definition
skips, and the guiding-principle guards (:data:`PRINCIPLE_GUARDS`) it turns
off; the shipped definitions carry them all. :class:`Workflow` compiles a
definition once and fires steps on frozen complaints, returning new versions.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.workflow._conformance import (
    CLAUSE_7_STEPS,
    ConformanceGap,
    check_conformance,
    conforming_definition,
)
from iso10002.workflow._context import StepContext
from iso10002.workflow._data import missing_requirements
from iso10002.workflow._definition import State, Step, WorkflowDefinition
from iso10002.workflow._diagrams import to_dot, to_mermaid
from iso10002.workflow._engine import Workflow
from iso10002.workflow._guards import (
    DEFAULT_REOPEN_WINDOW,
    REOPEN_WINDOW_POLICY_ID,
    ReopenWindow,
)
from iso10002.workflow._migration import MIGRATED_EVENT, WorkflowMigration
from iso10002.workflow._principle_guards import (
    GUARD_OFF,
    PRINCIPLE_GUARDS,
    expected_guards,
    guards_off,
)
from iso10002.workflow._results import Transitioned, WorkflowEngine
from iso10002.workflow._standard import (
    SMALL_ORGANISATION_WORKFLOW_NAME,
    STANDARD_WORKFLOW_NAME,
    small_organisation_workflow,
    standard_workflow,
)

__all__ = [
    "CLAUSE_7_STEPS",
    "DEFAULT_REOPEN_WINDOW",
    "GUARD_OFF",
    "MIGRATED_EVENT",
    "PRINCIPLE_GUARDS",
    "REOPEN_WINDOW_POLICY_ID",
    "SMALL_ORGANISATION_WORKFLOW_NAME",
    "STANDARD_WORKFLOW_NAME",
    "ConformanceGap",
    "ReopenWindow",
    "State",
    "Step",
    "StepContext",
    "Transitioned",
    "Workflow",
    "WorkflowDefinition",
    "WorkflowEngine",
    "WorkflowMigration",
    "check_conformance",
    "conforming_definition",
    "expected_guards",
    "guards_off",
    "missing_requirements",
    "small_organisation_workflow",
    "standard_workflow",
    "to_dot",
    "to_mermaid",
]

publish(globals())
