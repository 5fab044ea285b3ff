"""Stateful property tests for any workflow definition (Hypothesis).

Test your own workflow configuration in three lines::

    from iso10002.testing.stateful import workflow_state_machine

    TestMyWorkflow = workflow_state_machine(my_definition, my_policies).TestCase

The machine receives a complaint under the definition and fires arbitrary
triggers (allowed or not) with arbitrary actors, roles, times and data, and
checks after every step: history length equals version, sequences are
contiguous, timestamps never go back, the status is a state of the definition,
terminal states absorb (only reopening and annotation steps touch them),
every state entered has the data its step requires, only the fields a step
sets change, :meth:`~iso10002.workflow.Workflow.can_fire` agrees with
:meth:`~iso10002.workflow.Workflow.fire`, a refused trigger changes nothing,
and every complaint version and event passes the model's own checked
constructors (the engine skips re-checking values it computed itself).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.testing._field_values import SETTABLE_FIELDS, field_values
from iso10002.testing._workflow_definitions import workflow_definitions
from iso10002.testing._workflow_machine import workflow_state_machine

__all__ = [
    "SETTABLE_FIELDS",
    "field_values",
    "workflow_definitions",
    "workflow_state_machine",
]

publish(globals())
