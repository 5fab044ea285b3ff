"""The vocabularies this process knows, by workflow name and version."""

from __future__ import annotations

import threading
import warnings
from typing import TYPE_CHECKING

from iso10002.vocabulary._names import (
    SMALL_ORGANISATION_WORKFLOW_NAME,
    STANDARD_WORKFLOW_NAME,
)
from iso10002.vocabulary._vocabulary import STANDARD_VOCABULARY, Vocabulary

if TYPE_CHECKING:
    from iso10002.model import WorkflowRef
    from iso10002.workflow import WorkflowDefinition

__all__ = ["UnknownWorkflowWarning", "register_workflow", "vocabulary_for"]

_lock = threading.Lock()
_known: dict[tuple[str, int], Vocabulary] = {}


def register_workflow(definition: WorkflowDefinition) -> Vocabulary:
    """Make ``definition``'s meanings the ones its complaints are read with.

    Every :class:`~iso10002.workflow.Workflow` (so every handler) calls
    this for the definition it runs, the one that records its complaints;
    the last registered under a name and version wins. Call it yourself to
    analyse complaints of a workflow this process does not run. The
    shipped workflows' names are reserved: a definition reusing one is not
    registered (give a changed workflow its own name).

    Args:
        definition: The workflow definition.

    Returns:
        Its vocabulary.

    .. versionadded:: 0.2.0
    """
    vocabulary = Vocabulary.of(definition)
    if definition.name not in (
        STANDARD_WORKFLOW_NAME,
        SMALL_ORGANISATION_WORKFLOW_NAME,
    ):
        with _lock:
            _known[definition.name, definition.version] = vocabulary
    return vocabulary


def _shipped(name: str, version: int) -> Vocabulary | None:
    if name not in (STANDARD_WORKFLOW_NAME, SMALL_ORGANISATION_WORKFLOW_NAME):
        return None
    from iso10002 import workflow  # noqa: PLC0415 - workflow builds on this module

    for build in (workflow.standard_workflow, workflow.small_organisation_workflow):
        definition = build()
        if definition.name == name and definition.version == version:
            return Vocabulary.of(definition)
    return None


def vocabulary_for(workflow: WorkflowRef | None) -> Vocabulary:
    """Return the vocabulary of the workflow a complaint ran under.

    Args:
        workflow: The complaint's :class:`~iso10002.model.WorkflowRef`
            (``None``: the standard workflow).

    Returns:
        The vocabulary of that definition when this process knows it (the
        shipped ones, and every definition run or registered here),
        otherwise the standard vocabulary.

    .. versionadded:: 0.2.0
    """
    if workflow is None:
        return STANDARD_VOCABULARY
    key = (workflow.name, workflow.version)
    found = _known.get(key)
    if found is None:
        found = _shipped(*key)
        if found is None:
            _warn_unknown(key)
            return STANDARD_VOCABULARY
        with _lock:
            _known[key] = found
    return found


class UnknownWorkflowWarning(UserWarning):
    """A complaint ran under a workflow this process does not know.

    Its history is read with the standard meanings: events the standard
    workflow does not name count as nothing, so figures may be wrong. Build
    a :class:`~iso10002.workflow.Workflow` of that definition, or call
    :func:`register_workflow`, before analysing such complaints.

    .. versionadded:: 0.2.0
    """


_warned: set[tuple[str, int]] = set()


def _warn_unknown(key: tuple[str, int]) -> None:
    """Warn once per workflow that its complaints are read with standard meanings."""
    with _lock:
        if key in _warned:
            return
        _warned.add(key)
    warnings.warn(
        f"workflow {key[0]!r} version {key[1]} is not known to this process: "
        "its complaints are read with the standard workflow's meanings, so "
        "renamed events count as nothing; register the definition first "
        "(iso10002.vocabulary.register_workflow)",
        UnknownWorkflowWarning,
        stacklevel=3,
    )
