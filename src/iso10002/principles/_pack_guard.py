"""The escalation-route wording rule of whichever regulatory pack is in force."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import ClassVar

import attrs

from iso10002.model import Complaint
from iso10002.principles._base import BasePolicy, check_id
from iso10002.principles._policy import Finding, Policy, PolicyContext
from iso10002.principles._principle import Principle

__all__ = ["PackEscalationWording"]


@cache
def _rules() -> Mapping[str, Policy]:
    """Each pack's wording rule, by pack name (built once, on first use)."""
    from iso10002.principles._sets import POLICY_PACKS, policies_for  # noqa: PLC0415

    return {
        pack: policies_for(pack)[f"{pack}.escalation-route-wording"]
        for pack in POLICY_PACKS
    }


def _pack_name(pack: object) -> str | None:
    if isinstance(pack, str):
        return pack
    name = getattr(pack, "name", None)
    return name if isinstance(name, str) else None


@attrs.frozen(kw_only=True)
class PackEscalationWording(BasePolicy):
    """Check the final response's wording against the pack in force.

    A guard for the step that communicates the decision (7.8) whatever the
    pack: it runs the wording rule of
    the regulatory pack in the context (e.g. the FCA's ombudsman and
    six-month wording under ``uk.fca.disp``) and returns that rule's
    findings, under the rule's own id; with no pack, or a pack without a
    wording rule (``iso10002``), it finds nothing.

    Args:
        id: The policy id.
        edition: The edition findings are reported under.

    .. versionadded:: 0.2.0
    """

    PRINCIPLE: ClassVar[Principle] = Principle.CUSTOMER_FOCUSED_APPROACH
    SUMMARY: ClassVar[str] = (
        "The decision's escalation route has the wording the regulatory pack in "
        "force requires."
    )

    id: str = attrs.field(
        default="iso10002.packs.escalation-route-wording", validator=check_id
    )

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Return the findings of the pack's wording rule, if the pack has one.

        Args:
            complaint: The complaint (its decision is checked).
            context: Supplies the pack in force.

        Returns:
            The pack rule's findings, or none.
        """
        rule = _rules().get(_pack_name(context.pack) or "")
        return () if rule is None else tuple(rule.evaluate(complaint, context))
