"""The clause-7 vocabulary: what each step of a complaint's history means.

Deadlines, policies, KPIs, audit evidence, regulatory returns and the SQL
push-down never match event or state names of their own: they ask a
:class:`Vocabulary` what an event *means* (it acknowledged the complaint, it
communicated the decision, it closed it …) and which states end the handling
or stop the clock. A workflow definition declares the meanings its steps
carry (``meanings`` of :class:`iso10002.workflow.Step`) and flags its terminal and
paused states, so a renamed event or state keeps every figure right.

The standard names (those of :func:`iso10002.workflow.standard_workflow`) are
listed here once: :data:`STANDARD_EVENTS` maps each standard event to its
meaning, and a step that uses a standard event name carries that meaning
without declaring it.

A stored complaint records the workflow it ran under
(``workflow`` of :class:`iso10002.model.Complaint`); :func:`vocabulary_for` returns
that workflow's vocabulary, so an old history is read with its own meanings.
Every definition a :class:`~iso10002.workflow.Workflow` runs in the process
(a handler builds one) is known to it; the shipped ones always are.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.vocabulary._meanings import (
    CLAUSE_7_MEANINGS,
    MEANINGS,
    STANDARD_DESTINATIONS,
    STANDARD_EVENTS,
    MeaningInfo,
    declared_meanings,
    standard_event,
)
from iso10002.vocabulary._names import (
    RECEIVED_EVENT,
    SMALL_ORGANISATION_WORKFLOW_NAME,
    STANDARD_WORKFLOW_NAME,
    ClockEffect,
    Meaning,
    StandardState,
)
from iso10002.vocabulary._registry import (
    UnknownWorkflowWarning,
    register_workflow,
    vocabulary_for,
)
from iso10002.vocabulary._vocabulary import STANDARD_VOCABULARY, Vocabulary

__all__ = [
    "CLAUSE_7_MEANINGS",
    "MEANINGS",
    "RECEIVED_EVENT",
    "SMALL_ORGANISATION_WORKFLOW_NAME",
    "STANDARD_DESTINATIONS",
    "STANDARD_EVENTS",
    "STANDARD_VOCABULARY",
    "STANDARD_WORKFLOW_NAME",
    "ClockEffect",
    "Meaning",
    "MeaningInfo",
    "StandardState",
    "UnknownWorkflowWarning",
    "Vocabulary",
    "declared_meanings",
    "register_workflow",
    "standard_event",
    "vocabulary_for",
]

publish(globals())
