"""The history is the record: the facts each event carries, and the fold over them.

Every step records in its :class:`~iso10002.model.HistoryEvent` the values of
the complaint fields it set (its *facts*), as plain JSON data under the
field's own name in ``event.data``: ``{"outcome": "upheld", "decision": {...}}``.
The receipt event records the facts of receipt (reference, channel, workflow,
subject). A complaint's state is then a pure fold of its history
(:func:`replay`), so any past state is exact (:func:`state_at`) and the
stored document is a projection that :func:`differences` checks against the
fold.

Personal data never enters the history: a fact's personal parts (the
satisfaction comment, the subject's references) are left out of the event,
and the complainant, description, desired outcome and attachments are not
facts at all, nor are a step's free-text notes (an event records only their
reason code, see :class:`~iso10002.model.StepNote`). The fold takes those
from the complaint as it is now; they are bound by the salted commitment
every stored event carries instead (see :mod:`iso10002.repositories`).

A history recorded before events carried facts (before 0.2.0) has a receipt
event without a ``reference``: :func:`is_replayable` is then false, and
:func:`record_facts` appends one ``FactsRecorded`` event that states the
facts the document holds, from which the fold can start.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

from iso10002._publish import publish
from iso10002.history._facts import (
    FACT_FIELDS,
    FACTS_RECORDED_EVENT,
    fact_value,
    receipt_facts,
    step_facts,
)
from iso10002.history._fold import differences, is_replayable, replay_document
from iso10002.history._record import amend, record_facts
from iso10002.history._replay import replay, state_at

__all__ = [
    "FACTS_RECORDED_EVENT",
    "FACT_FIELDS",
    "amend",
    "differences",
    "fact_value",
    "is_replayable",
    "receipt_facts",
    "record_facts",
    "replay",
    "replay_document",
    "state_at",
    "step_facts",
]

publish(globals())
