"""What the engine's guards see besides the step: the organisation's setting."""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["StepContext"]


@attrs.frozen(kw_only=True)
class StepContext:
    """The setting a step is fired in, handed to every guard's policy context.

    The engine fills in the instant, actor, roles, trigger, the complaint
    before the step and the step's data; this adds what only the caller
    knows. A complaints handler builds one from its configuration.

    Args:
        organisation: The :class:`~iso10002.principles.OrganisationProfile`
            the policies check against, when known.
        calendar: The business calendar in force, when known.
        pack: The regulatory deadline pack in force, when known.

    .. versionadded:: 0.2.0
    """

    organisation: Any = None
    calendar: Any = None
    pack: Any = None


NO_CONTEXT = StepContext()
"""A step fired with nothing known about its setting."""
