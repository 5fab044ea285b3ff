"""How the library makes a version: the one checked path, for engines and codecs.

A host changes a model value with :func:`iso10002.model.evolve`. The names
here are for code that builds versions itself, as the workflow engine and the
serialization converter do: each class's :class:`Plan` of checks (looked up
once, by :func:`plan_of`), :func:`check_changes` for new complaint field
values, :func:`receive_checked` for version 1, :func:`advance` for the
next version from values that are already checked and :func:`checked_event`
for its event. Nothing here skips a check: a value passes its field's
converter and validator exactly once.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.model._checked import advance, check_changes, receive_checked
from iso10002.model._events import checked_event
from iso10002.model._evolve import Check, Plan, plan_of

__all__ = [
    "Check",
    "Plan",
    "advance",
    "check_changes",
    "checked_event",
    "plan_of",
    "receive_checked",
]

publish(globals())
