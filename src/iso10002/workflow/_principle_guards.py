"""Which guiding-principle policies guard which clause-7 steps, by default.

A conforming workflow refuses a step that would leave a blocking finding for
the audit to report later: a step implementing the investigation (7.6) needs
an owner, a decision (7.7) needs reasons and an escalation route from someone
not conflicted, closing (7.9) an upheld complaint needs a root cause, and no
step may record a charge. :func:`expected_guards` says which policy ids a
step of any definition should name, by the clauses it implements and the
fields it sets; the shipped definitions carry them, and :func:`guards_off`
reports each one a definition leaves out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

import attrs

from iso10002.errors import ValidationError
from iso10002.principles import Finding, FindingSeverity, default_policies
from iso10002.workflow._definition import Step, WorkflowDefinition

__all__ = [
    "GUARD_OFF",
    "PRINCIPLE_GUARDS",
    "expected_guards",
    "guards_off",
    "with_principle_guards",
]

OWNER_ASSIGNED = "iso10002.accountability.owner-assigned"
DECISION_REASONS = "iso10002.customer-focus.decision-reasons"
ESCALATION_ROUTE = "iso10002.customer-focus.escalation-route"
NOT_CONFLICTED = "iso10002.objectivity.handler-not-conflicted"
ROOT_CAUSE = "iso10002.improvement.root-cause-recorded"
NO_FEE = "iso10002.charges.no-fee"
PACK_WORDING = "iso10002.packs.escalation-route-wording"

GUARD_OFF = "iso10002.workflow.guard-off"
"""Policy id of the findings :func:`guards_off` returns.

.. versionadded:: 0.2.0
"""

_Rule = Callable[[Step, WorkflowDefinition], bool]


def _investigates(step: Step, definition: WorkflowDefinition) -> bool:
    """Start or carry on an investigation (7.6), not a pause or its end."""
    if "7.6" not in step.clauses or step.destination is None:
        return False
    paused = definition.paused_states
    return (
        step.destination not in paused
        and step.destination not in definition.terminal_states
        and not set(step.sources) <= paused
    )


def _decides(step: Step, _definition: WorkflowDefinition) -> bool:
    return "7.7" in step.clauses


def _communicates(step: Step, _definition: WorkflowDefinition) -> bool:
    """Tell the complainant the decision (7.8): the final response the rules govern."""
    return "7.8" in step.clauses


def _owns_or_decides(step: Step, definition: WorkflowDefinition) -> bool:
    return _decides(step, definition) or "assignee" in step.sets


def _closes(step: Step, definition: WorkflowDefinition) -> bool:
    return "7.9" in step.clauses and step.destination in definition.terminal_states


def _every(_step: Step, _definition: WorkflowDefinition) -> bool:
    return True


_RULES: dict[str, tuple[_Rule, str]] = {
    NO_FEE: (_every, "every step"),
    OWNER_ASSIGNED: (_investigates, "investigating (7.6)"),
    NOT_CONFLICTED: (_owns_or_decides, "assigning an owner and deciding (7.7)"),
    DECISION_REASONS: (_decides, "deciding (7.7)"),
    ESCALATION_ROUTE: (_decides, "deciding (7.7)"),
    PACK_WORDING: (
        _communicates,
        (
            "communicating the decision (7.8): the pack's wording, in the final "
            "response letter when one is recorded, else in the escalation route"
        ),
    ),
    ROOT_CAUSE: (_closes, "closing (7.9)"),
}

PRINCIPLE_GUARDS: Mapping[str, str] = MappingProxyType(
    {policy_id: what for policy_id, (_, what) in _RULES.items()}
)
"""The blocking policies a conforming workflow runs as guards, and on which steps.

The ids are those of :func:`~iso10002.principles.policies_for`, the same in
every edition, and the guard that applies the escalation-route wording of the
regulatory pack in force
(:class:`~iso10002.principles.packs.PackEscalationWording`).

.. versionadded:: 0.2.0
"""


def expected_guards(step: Step, definition: WorkflowDefinition) -> tuple[str, ...]:
    """Return the principle guards ``step`` of ``definition`` should name.

    Args:
        step: One of the definition's steps.
        definition: The workflow (its terminal and paused states count).

    Returns:
        Policy ids of :data:`PRINCIPLE_GUARDS`, in that order.

    .. versionadded:: 0.2.0
    """
    return tuple(
        policy_id
        for policy_id, (applies, _) in _RULES.items()
        if applies(step, definition)
    )


def disabled_set(disabled: Iterable[str]) -> frozenset[str]:
    """Check the ids a host turns off: known principle guards only."""
    if isinstance(disabled, (str, bytes)):
        raise ValidationError.single(
            "disabled_guards", "must be a collection of policy ids, not one string"
        )
    chosen = frozenset(disabled)
    unknown = sorted(str(g) for g in chosen - PRINCIPLE_GUARDS.keys())
    if unknown:
        known = ", ".join(PRINCIPLE_GUARDS)
        raise ValidationError.single(
            "disabled_guards", f"unknown principle guard(s) {unknown}; known: {known}"
        )
    return chosen


def with_principle_guards(
    definition: WorkflowDefinition, disabled: Iterable[str] = ()
) -> WorkflowDefinition:
    """Add the expected principle guards to every step, except those ``disabled``.

    Raises:
        ValidationError: naming ``disabled_guards`` for an unknown id.
    """
    off = disabled_set(disabled)
    steps = []
    for step in definition.steps:
        added = tuple(
            g
            for g in expected_guards(step, definition)
            if g not in off and g not in step.guards
        )
        steps.append(attrs.evolve(step, guards=(*step.guards, *added)))
    return attrs.evolve(definition, steps=tuple(steps))


def guards_off(definition: WorkflowDefinition) -> tuple[Finding, ...]:
    """Report each principle guard a step of ``definition`` does not run.

    Each is a warning attributed to the principle of the guard left out:
    the workflow accepts the step without the check, and the audit can only
    find the problem afterwards.

    Args:
        definition: Any workflow definition.

    Returns:
        One finding per step and missing guard, in definition order.

    .. versionadded:: 0.2.0
    """
    if not isinstance(definition, WorkflowDefinition):
        raise ValidationError.single("definition", "must be a WorkflowDefinition")
    known = default_policies()
    found = []
    for step in definition.steps:
        for policy_id in expected_guards(step, definition):
            if policy_id in step.guards:
                continue
            policy = known[policy_id]
            principle = getattr(policy, "principle", None)
            found.append(
                Finding(
                    policy_id=GUARD_OFF,
                    principle=str(getattr(principle, "value", "accountability")),
                    clause=str(getattr(policy, "clause", "4")),
                    code="guard-off",
                    severity=FindingSeverity.WARNING,
                    message=(
                        f"Step {step.trigger!r} of {definition.name!r} does not run "
                        f"the guard {policy_id!r} ({PRINCIPLE_GUARDS[policy_id]}): "
                        "the handler accepts the step without it."
                    ),
                    evidence={
                        "workflow": definition.name,
                        "version": definition.version,
                        "trigger": step.trigger,
                        "guard": policy_id,
                    },
                )
            )
    return tuple(found)
