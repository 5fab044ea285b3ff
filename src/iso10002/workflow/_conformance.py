"""Hold a workflow definition to ISO 10002 clause 7: which steps does it skip?"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from iso10002.errors import InvalidWorkflowDefinition, Problem
from iso10002.vocabulary import (
    CLAUSE_7_MEANINGS,
    MEANINGS,
    Meaning,
    declared_meanings,
)
from iso10002.workflow._definition import Step, WorkflowDefinition
from iso10002.workflow._principle_guards import PRINCIPLE_GUARDS, guards_off

__all__ = [
    "CLAUSE_7_STEPS",
    "ConformanceGap",
    "check_conformance",
    "conforming_definition",
]

CLAUSE_7_STEPS: dict[str, str] = {
    "7.4": "acknowledgement",
    "7.5": "initial assessment",
    "7.6": "investigation",
    "7.7": "response (decision)",
    "7.8": "communicating the decision",
    "7.9": "closing",
}
"""The clause-7 steps a conforming workflow implements, by clause."""

# (earlier, later, code): every path to a ``later`` step passes an ``earlier`` one.
_ORDER = (
    ("7.4", "7.7", "decision-before-acknowledgement"),
    ("7.5", "7.7", "decision-before-assessment"),
    ("7.7", "7.8", "communication-before-decision"),
    ("7.8", "7.9", "closing-before-communication"),
)
# (clause, path, code): steps implementing ``clause`` must require ``path``.
_DATA = (
    ("7.7", "decision", "decision-not-required"),
    ("7.8", "decision.communicated_at", "communication-not-required"),
    ("7.9", "outcome", "outcome-not-required"),
)


@attrs.frozen(kw_only=True)
class ConformanceGap:
    """One way a workflow definition falls short of ISO 10002 clause 7.

    Args:
        clause: The clause concerned, e.g. ``7.4``.
        code: A stable code, e.g. ``decision-before-acknowledgement``.
        message: A sentence for people.
        triggers: The steps concerned, if any.

    .. versionadded:: 0.1.0
    """

    clause: str
    code: str
    message: str
    triggers: tuple[str, ...] = ()


def _implements(step: Step, clause: str, terminal: frozenset[str]) -> bool:
    if clause not in step.clauses:
        return False
    # Closing (7.9) ends the handling; reopening carries 7.9 but ends nothing.
    return clause != "7.9" or (
        step.destination is not None and step.destination in terminal
    )


def _reachable_without(definition: WorkflowDefinition, clause: str) -> set[str]:
    """States reachable from the initial state without taking a ``clause`` step."""
    edges: dict[str, set[str]] = {}
    for step in definition.steps:
        if clause in step.clauses:
            continue
        for source in step.sources:
            edges.setdefault(source, set()).add(step.destination_from(source))
    seen = {definition.initial_state}
    queue = deque(seen)
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _names(steps: Iterable[Step]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s.trigger for s in steps))


# A step implementing one of these clauses records this meaning, or the
# figures miss what the step did.
_CLAUSE_MEANING = {
    "7.4": Meaning.ACKNOWLEDGED,
    "7.7": Meaning.DECIDED,
    "7.8": Meaning.COMMUNICATED,
    "7.9": Meaning.CLOSED,
}


def _clause_meaning_gaps(definition: WorkflowDefinition) -> list[ConformanceGap]:
    """Name the steps that implement a clause without carrying its meaning."""
    terminal = definition.terminal_states
    gaps = []
    for clause, meaning in _CLAUSE_MEANING.items():
        lax = [
            s
            for s in definition.steps
            if _implements(s, clause, terminal)
            and meaning not in (declared_meanings(s) or ())
        ]
        if lax:
            gaps.append(
                ConformanceGap(
                    clause=clause,
                    code="meaning-not-carried",
                    message=(
                        f"{CLAUSE_7_STEPS[clause]} ({clause}) is implemented by a "
                        f"step whose event does not mean {meaning.value!r}"
                    ),
                    triggers=_names(lax),
                )
            )
    return gaps


def _meaning_gaps(steps: Iterable[Step]) -> list[ConformanceGap]:
    """Name each clause-7 meaning no step carries (its figures would read 0)."""
    carried: set[Meaning] = set()
    for step in steps:
        carried |= declared_meanings(step) or frozenset()
    return [
        ConformanceGap(
            clause=MEANINGS[meaning].clause,
            code="missing-meaning",
            message=(
                f"no step carries the meaning {meaning.value!r} "
                f"({MEANINGS[meaning].clause}): its figures would count nothing"
            ),
        )
        for meaning in CLAUSE_7_MEANINGS
        if meaning not in carried
    ]


def check_conformance(definition: WorkflowDefinition) -> tuple[ConformanceGap, ...]:
    """List the clause-7 steps ``definition`` skips or lets be skipped.

    A step implements a clause when the clause is in its ``clauses``. The
    checks: every clause-7 step from acknowledgement (7.4) to closing (7.9) is
    implemented; every clause-7 meaning the figures count
    (:data:`~iso10002.vocabulary.CLAUSE_7_MEANINGS`) is carried by a step,
    and a step implementing acknowledgement, decision, communication or
    closing carries that meaning;
    no decision can be reached without acknowledging and
    assessing; no decision can be communicated before it is made; closing
    cannot be reached without communicating a decision; deciding,
    communicating and closing require the decision, its communication time and
    the outcome; and every step runs the guiding-principle guards that protect
    it (:data:`~iso10002.workflow.PRINCIPLE_GUARDS`): a guard a host turned
    off is a ``guard-off`` gap under the principle's clause, naming the steps.

    Args:
        definition: The workflow to check (valid by construction).

    Returns:
        The gaps, empty when the definition conforms.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``guard-off`` gaps; a clause-7 meaning no step carries
       (``missing-meaning``) and a step implementing a clause without its
       meaning (``meaning-not-carried``).
    """
    terminal = definition.terminal_states
    gaps: list[ConformanceGap] = _meaning_gaps(definition.steps)
    gaps += _clause_meaning_gaps(definition)
    for clause, what in CLAUSE_7_STEPS.items():
        if not any(_implements(s, clause, terminal) for s in definition.steps):
            gaps.append(
                ConformanceGap(
                    clause=clause,
                    code="missing-step",
                    message=f"no step implements {what}",
                )
            )
    for earlier, later, code in _ORDER:
        reachable = _reachable_without(definition, earlier)
        offending = [
            s
            for s in definition.steps
            if _implements(s, later, terminal)
            and earlier not in s.clauses
            and not reachable.isdisjoint(s.sources)
        ]
        if offending:
            gaps.append(
                ConformanceGap(
                    clause=earlier,
                    code=code,
                    message=(
                        f"{CLAUSE_7_STEPS[later]} ({later}) can be reached without "
                        f"{CLAUSE_7_STEPS[earlier]} ({earlier})"
                    ),
                    triggers=_names(offending),
                )
            )
    for clause, path, code in _DATA:
        lax = [
            s
            for s in definition.steps
            if _implements(s, clause, terminal) and path not in s.requires
        ]
        if lax:
            gaps.append(
                ConformanceGap(
                    clause=clause,
                    code=code,
                    message=f"{CLAUSE_7_STEPS[clause]} ({clause}) must require "
                    f"{path!r}",
                    triggers=_names(lax),
                )
            )
    return (*gaps, *_guard_gaps(definition))


def _guard_gaps(definition: WorkflowDefinition) -> list[ConformanceGap]:
    """One gap per principle guard left out, naming the steps without it."""
    by_guard: dict[str, tuple[str, list[str]]] = {}
    for finding in guards_off(definition):
        guard = str(finding.evidence["guard"])
        _, triggers = by_guard.setdefault(guard, (finding.clause, []))
        triggers.append(str(finding.evidence["trigger"]))
    return [
        ConformanceGap(
            clause=clause,
            code="guard-off",
            message=(
                f"the guard {guard!r} ({PRINCIPLE_GUARDS[guard]}) is off: those "
                "steps are accepted without it"
            ),
            triggers=tuple(dict.fromkeys(triggers)),
        )
        for guard, (clause, triggers) in by_guard.items()
    ]


def _gap_problems(
    gaps: Iterable[ConformanceGap], steps: tuple[Step, ...]
) -> list[Problem]:
    problems: list[Problem] = []
    for gap in gaps:
        where = [
            f"steps[{i}]" for i, s in enumerate(steps) if s.trigger in gap.triggers
        ]
        named = f" (step {', '.join(map(repr, gap.triggers))})" if gap.triggers else ""
        message = f"{gap.code}: {gap.message}{named}"
        problems += [(w, message) for w in where] or [("steps", message)]
    return problems


def conforming_definition(
    data: Mapping[str, Any] | WorkflowDefinition,
) -> WorkflowDefinition:
    """Load a definition and hold it to clause 7, reporting every problem at once.

    One :class:`~iso10002.errors.InvalidWorkflowDefinition` lists what makes
    the definition invalid (unknown or inconsistent event meanings,
    unreachable states …) together with its conformance gaps (a clause-7
    meaning no step carries, a decision reachable without acknowledgement
    …), each at the path of its step. Use it where a configuration must
    be fit for the figures, e.g. when a host loads its workflow file.

    Args:
        data: The definition as plain data (or an already built one).

    Returns:
        The valid, conforming definition.

    Raises:
        InvalidWorkflowDefinition: listing every problem and gap.

    .. versionadded:: 0.2.0
    """
    from iso10002.workflow._io import definition_from_dict, steps_of  # noqa: PLC0415

    if isinstance(data, WorkflowDefinition):
        definition: WorkflowDefinition | None = data
        problems: list[Problem] = []
        steps = data.steps
    else:
        try:
            definition = definition_from_dict(data)
        except InvalidWorkflowDefinition as exc:
            definition = None
            problems = list(exc.problems)
            steps = steps_of(data)
        else:
            problems = []
            steps = definition.steps
    if definition is None:
        gaps: Iterable[ConformanceGap] = _meaning_gaps(steps)
    else:
        gaps = check_conformance(definition)
    problems += _gap_problems(gaps, steps)
    if problems:
        raise InvalidWorkflowDefinition(problems)
    assert definition is not None  # noqa: S101 - no problems means it was built
    return definition
