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

import enum
import threading
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from iso10002.model import WorkflowRef
    from iso10002.workflow import Step, WorkflowDefinition

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

STANDARD_WORKFLOW_NAME = "iso10002.standard"
"""The name of the standard workflow (:func:`iso10002.workflow.standard_workflow`)."""

SMALL_ORGANISATION_WORKFLOW_NAME = "iso10002.small_organisation"
"""The name of :func:`iso10002.workflow.small_organisation_workflow`'s definition."""

RECEIVED_EVENT = "ComplaintReceived"
"""The event intake records first in every history (clause 7.2)."""


class Meaning(str, enum.Enum):
    """What a history event means for the clause-7 process.

    ``INTERNAL`` is an organisation's own step that means nothing to the
    clause-7 figures (e.g. a mediation meeting); every other value is one
    clause-7 fact that deadlines, policies and analysis read.

    .. versionadded:: 0.2.0
    """

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    ASSESSED = "assessed"
    ASSIGNED = "assigned"
    INVESTIGATED = "investigated"
    ESCALATED = "escalated"
    INFORMATION_REQUESTED = "information_requested"
    INFORMATION_RECEIVED = "information_received"
    HOLDING_RESPONSE = "holding_response"
    DECIDED = "decided"
    COMMUNICATED = "communicated"
    ACCEPTED = "accepted"
    APPEALED = "appealed"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    REOPENED = "reopened"
    SATISFACTION_RECORDED = "satisfaction_recorded"
    LINKED = "linked"
    INTERNAL = "internal"


class ClockEffect(str, enum.Enum):
    """What an event does to the deadline clocks of a regulatory pack.

    .. versionadded:: 0.2.0
    """

    STARTS = "starts"
    MEETS = "meets"
    PAUSES = "pauses"
    RESUMES = "resumes"
    EXTENDS = "extends"
    VOIDS = "voids"


class StandardState(str, enum.Enum):
    """The state names of the shipped workflows.

    Only the shipped definitions and code that builds standard histories use
    them; everything that reads a history asks the workflow's
    :class:`Vocabulary` which states are terminal or paused.

    .. versionadded:: 0.2.0
    """

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    ASSESSED = "assessed"
    INVESTIGATING = "investigating"
    AWAITING_COMPLAINANT = "awaiting_complainant"
    ESCALATED = "escalated"
    DECIDED = "decided"
    DECISION_COMMUNICATED = "decision_communicated"
    INTERNAL_REVIEW = "internal_review"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"


@attrs.frozen(kw_only=True)
class MeaningInfo:
    """One meaning: its standard event, the clause it evidences, its effects.

    Args:
        meaning: The meaning.
        event: The event name the standard workflow records for it.
        clause: The ISO 10002 clause an event of this meaning evidences.
        clock: What it does to deadline clocks (empty: nothing).
        description: A sentence for people.

    .. versionadded:: 0.2.0
    """

    meaning: Meaning
    event: str
    clause: str
    clock: tuple[ClockEffect, ...] = ()
    description: str = ""


def _info(
    meaning: Meaning,
    event: str,
    clause: str,
    description: str,
    *clock: ClockEffect,
) -> MeaningInfo:
    return MeaningInfo(
        meaning=meaning,
        event=event,
        clause=clause,
        clock=clock,
        description=description,
    )


_M = Meaning
_C = ClockEffect
MEANINGS: Mapping[Meaning, MeaningInfo] = {
    info.meaning: info
    for info in (
        _info(_M.RECEIVED, RECEIVED_EVENT, "7.2", "Recorded at intake.", _C.STARTS),
        _info(
            _M.ACKNOWLEDGED,
            "ComplaintAcknowledged",
            "7.4",
            "Receipt acknowledged to the complainant.",
            _C.MEETS,
        ),
        _info(
            _M.ASSESSED, "ComplaintAssessed", "7.5", "Initially assessed, classified."
        ),
        _info(_M.ASSIGNED, "ComplaintAssigned", "7.3", "Given an owner (tracking)."),
        _info(_M.INVESTIGATED, "InvestigationStarted", "7.6", "Investigation began."),
        _info(
            _M.ESCALATED,
            "ComplaintEscalated",
            "7.6",
            "Referred to a higher authority inside the organisation.",
        ),
        _info(
            _M.INFORMATION_REQUESTED,
            "InformationRequested",
            "7.6",
            "The complainant was asked for information.",
            _C.PAUSES,
        ),
        _info(
            _M.INFORMATION_RECEIVED,
            "InformationReceived",
            "7.6",
            "The complainant's information arrived.",
            _C.RESUMES,
        ),
        _info(
            _M.HOLDING_RESPONSE,
            "HoldingResponseSent",
            "7.3",
            "The complainant was told the response is delayed, and why.",
            _C.EXTENDS,
        ),
        _info(_M.DECIDED, "DecisionMade", "7.7", "The decision was made."),
        _info(
            _M.COMMUNICATED,
            "DecisionCommunicated",
            "7.8",
            "The decision was sent to the complainant (the final response).",
            _C.MEETS,
        ),
        _info(
            _M.ACCEPTED, "ComplainantAccepted", "7.9", "The complainant accepted it."
        ),
        _info(
            _M.APPEALED,
            "ComplainantRejected",
            "7.9",
            "The complainant rejected the decision (an appeal).",
        ),
        _info(_M.CLOSED, "ComplaintClosed", "7.9", "Handling closed."),
        _info(
            _M.WITHDRAWN,
            "ComplaintWithdrawn",
            "7.9",
            "The complainant withdrew the complaint.",
            _C.VOIDS,
        ),
        _info(
            _M.REJECTED,
            "ComplaintRejected",
            "7.5",
            "The assessment found it is not a complaint.",
            _C.VOIDS,
        ),
        _info(
            _M.REOPENED,
            "ComplaintReopened",
            "7.9",
            "A closed complaint was reopened (a new spell of handling).",
            _C.STARTS,
        ),
        _info(
            _M.SATISFACTION_RECORDED,
            "SatisfactionRecorded",
            "8.4",
            "The complainant's satisfaction with the handling was recorded.",
        ),
        _info(_M.LINKED, "ComplaintLinked", "7.3", "Related to another complaint."),
    )
}
"""Every meaning but ``INTERNAL``, with its standard event, clause and effects."""

STANDARD_EVENTS: Mapping[str, Meaning] = {
    info.event: meaning for meaning, info in MEANINGS.items()
}
"""The standard event names and the meaning each carries."""

_S = StandardState
STANDARD_DESTINATIONS: Mapping[Meaning, StandardState] = {
    Meaning.ACKNOWLEDGED: _S.ACKNOWLEDGED,
    Meaning.ASSESSED: _S.ASSESSED,
    Meaning.INVESTIGATED: _S.INVESTIGATING,
    Meaning.ESCALATED: _S.ESCALATED,
    Meaning.INFORMATION_REQUESTED: _S.AWAITING_COMPLAINANT,
    Meaning.INFORMATION_RECEIVED: _S.INVESTIGATING,
    Meaning.DECIDED: _S.DECIDED,
    Meaning.COMMUNICATED: _S.DECISION_COMMUNICATED,
    Meaning.APPEALED: _S.INTERNAL_REVIEW,
    Meaning.CLOSED: _S.CLOSED,
    Meaning.WITHDRAWN: _S.WITHDRAWN,
    Meaning.REJECTED: _S.REJECTED,
    Meaning.REOPENED: _S.INVESTIGATING,
}
"""The standard state an event of each meaning leads to (in the standard workflow)."""

CLAUSE_7_MEANINGS: tuple[Meaning, ...] = (
    Meaning.ACKNOWLEDGED,
    Meaning.ASSESSED,
    Meaning.DECIDED,
    Meaning.COMMUNICATED,
    Meaning.CLOSED,
)
"""The meanings every conforming workflow carries: the figures count them."""


def standard_event(meaning: Meaning) -> str:
    """Return the event name the standard workflow records for ``meaning``.

    Raises:
        KeyError: for :attr:`Meaning.INTERNAL`, which has no standard event.

    .. versionadded:: 0.2.0
    """
    return MEANINGS[meaning].event


def declared_meanings(step: Step) -> frozenset[Meaning] | None:
    """Return the meanings ``step`` carries, or ``None`` when none is known.

    Declared meanings win; a step that declares none carries the meaning of
    its standard event name, if it has one.

    Args:
        step: A :class:`~iso10002.workflow.Step`.

    Returns:
        Its meanings, or ``None`` when it declares an unknown one or
        declares none and its event is not a standard one.

    .. versionadded:: 0.2.0
    """
    if step.meanings:
        found = set()
        for value in step.meanings:
            try:
                found.add(Meaning(value))
            except ValueError:
                return None
        return frozenset(found)
    standard = STANDARD_EVENTS.get(step.event)
    return None if standard is None else frozenset({standard})


@attrs.frozen
class Vocabulary:
    """The meanings of one workflow's events, and its terminal and paused states.

    Build one with :meth:`of`; read a history with :meth:`meanings_of`.
    An event the workflow does not record (an engine or pack event, or a
    history from before a migration) carries its standard meaning, if any.

    Args:
        events: Each event name and the meanings it carries.
        terminal_states: States in which handling has ended.
        paused_states: States in which deadline clocks stop.

    .. versionadded:: 0.2.0
    """

    events: Mapping[str, frozenset[Meaning]] = attrs.field(eq=False)
    terminal_states: frozenset[str]
    paused_states: frozenset[str]
    _key: tuple[tuple[str, tuple[str, ...]], ...] = attrs.field(init=False, repr=False)
    _lookup: dict[str, frozenset[Meaning]] = attrs.field(
        init=False, repr=False, eq=False
    )

    def __attrs_post_init__(self) -> None:
        """Precompute the lookup table (standard names, then the workflow's)."""
        lookup = {name: frozenset({m}) for name, m in STANDARD_EVENTS.items()}
        lookup.update(self.events)
        object.__setattr__(self, "_lookup", lookup)
        key = tuple(
            sorted((n, tuple(sorted(m.value for m in ms))) for n, ms in lookup.items())
        )
        object.__setattr__(self, "_key", key)

    @classmethod
    def of(cls, definition: WorkflowDefinition) -> Vocabulary:
        """Return the vocabulary a workflow definition declares.

        Args:
            definition: A :class:`~iso10002.workflow.WorkflowDefinition`.

        Returns:
            Its events' meanings (steps with no known meaning are left out)
            and its terminal and paused states.
        """
        events: dict[str, frozenset[Meaning]] = {}
        for step in definition.steps:
            found = declared_meanings(step)
            if found is not None:
                events[step.event] = events.get(step.event, frozenset()) | found
        return cls(
            events,
            frozenset(s.name for s in definition.states if s.terminal),
            frozenset(s.name for s in definition.states if s.clock_paused),
        )

    def meanings_of(self, event: str) -> frozenset[Meaning]:
        """Return the meanings of the event called ``event`` (empty: none)."""
        return self._lookup.get(event, _NOTHING)

    def means(self, event: str, meaning: Meaning) -> bool:
        """Tell whether the event called ``event`` carries ``meaning``."""
        return meaning in self._lookup.get(event, _NOTHING)

    def events_meaning(self, meaning: Meaning) -> frozenset[str]:
        """Return the names of every event that carries ``meaning``."""
        return frozenset(n for n, ms in self._lookup.items() if meaning in ms)

    def standard_names(self, event: str) -> tuple[str, ...]:
        """Return ``event`` and the standard event name of each of its meanings.

        Deadline packs name the standard events (``ComplaintAcknowledged``
        meets the acknowledgement); through this, a renamed event that means
        the same meets it too.
        """
        names = [event]
        for meaning in self._lookup.get(event, _NOTHING):
            info = MEANINGS.get(meaning)
            if info is not None and info.event != event:
                names.append(info.event)
        return tuple(names)

    def standard_states(self, event: str) -> frozenset[str]:
        """Return the standard states an event called ``event`` leads to.

        A policy configured with standard state names (``closed``,
        ``investigating``) recognises a renamed state by the event that
        entered it: a state entered by an event meaning ``closed`` plays
        the standard ``closed`` state.
        """
        return frozenset(
            STANDARD_DESTINATIONS[m].value
            for m in self._lookup.get(event, _NOTHING)
            if m in STANDARD_DESTINATIONS
        )

    def ends(self, event: str, to_state: str | None) -> bool:
        """Tell whether an event ends the handling (closing, withdrawal, rejection).

        An event ends it when it means closed, withdrawn or rejected, or
        when it leads to a terminal state.
        """
        return (
            not _ENDING.isdisjoint(self._lookup.get(event, _NOTHING))
            or to_state in self.terminal_states
        )


_NOTHING: frozenset[Meaning] = frozenset()
_ENDING = frozenset({Meaning.CLOSED, Meaning.WITHDRAWN, Meaning.REJECTED})

STANDARD_VOCABULARY = Vocabulary(
    {},
    frozenset(
        s.value
        for s in (StandardState.CLOSED, StandardState.WITHDRAWN, StandardState.REJECTED)
    ),
    frozenset({StandardState.AWAITING_COMPLAINANT.value}),
)
"""The standard workflow's vocabulary: what a history of unknown workflow means."""

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
