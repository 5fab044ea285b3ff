"""Random conforming workflows, and the same histories in the shipped meanings.

A host customises the clause-7 process (renames states and events, merges or
splits steps, adds its own steps such as a mediation, drops the pause,
escalation or appeal) and wants to know that the handler, the deadlines and
every figure still work on it. :func:`workflow_variants` generates such
customisations of a shipped workflow; each :class:`WorkflowVariant` can
translate a complaint handled under it back into its base workflow's names
(:meth:`WorkflowVariant.to_base`), so a property can compare the figures of
the same histories under both. :func:`walk` takes random valid steps through a
:class:`~iso10002.handler.ComplaintsHandler` with the data a conforming
process gives each step.

Example::

    from hypothesis import given
    from iso10002.testing.workflows import workflow_variants

    @given(workflow_variants())
    def test_every_state_can_end(variant):
        ...

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.testing._workflow_variants import WorkflowVariant, workflow_variants
from iso10002.testing._workflow_walk import (
    ESCALATION_ROUTE,
    conforming_step_data,
    walk,
)

__all__ = [
    "ESCALATION_ROUTE",
    "WorkflowVariant",
    "conforming_step_data",
    "walk",
    "workflow_variants",
]

publish(globals())
