"""Guards that see the handler's organisation, calendar and pack in their context."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from iso10002.model import Complaint
from iso10002.principles import Finding, Policy, PolicyContext

__all__ = ["ContextualPolicy", "with_context"]


@attrs.frozen
class ContextualPolicy:
    """Run ``inner`` with the handler's organisation, calendar and pack filled in.

    The workflow engine builds the guard context from the step alone; this
    wrapper adds what only the handler knows, leaving values the engine did
    set untouched.
    """

    inner: Policy
    organisation: Any
    calendar: Any
    pack: Any

    @property
    def id(self) -> str:
        """Return the wrapped policy's id."""
        return self.inner.id

    def evaluate(
        self, complaint: Complaint, context: PolicyContext
    ) -> Sequence[Finding]:
        """Evaluate the wrapped policy in the completed context."""
        context = attrs.evolve(
            context,
            organisation=context.organisation
            if context.organisation is not None
            else self.organisation,
            calendar=context.calendar
            if context.calendar is not None
            else self.calendar,
            pack=context.pack if context.pack is not None else self.pack,
        )
        return self.inner.evaluate(complaint, context)


def with_context(
    policies: Iterable[Policy] | Mapping[str, Policy],
    *,
    organisation: Any,
    calendar: Any,
    pack: Any,
) -> tuple[Policy, ...]:
    """Wrap every policy so that it sees the handler's context."""
    values = policies.values() if isinstance(policies, Mapping) else policies
    return tuple(
        ContextualPolicy(p, organisation, calendar, pack)
        if isinstance(p, Policy)
        else p
        for p in values
    )
