"""Free text a step records: a reason code in the event, the text as a personal note.

One rule for every free text a handler step accepts (see
:mod:`iso10002.model._notes`): the event data gets ``reason_code`` only, and
the text becomes a :class:`~iso10002.model.StepNote` in the complaint's
personal ``notes``, pointing at the event by its sequence.
"""

from __future__ import annotations

import attrs

from iso10002.errors import ValidationError
from iso10002.model import Complaint, StepNote, check_reason_code

__all__ = ["STATED", "PendingNote", "attach_note", "pending_note"]

STATED = "stated"
"""The reason code an event records when only free text was given."""

_MAX_TEXT = 2000
_SURROGATES = range(0xD800, 0xE000)
_CONTROL = frozenset(chr(i) for i in range(32)) - {"\t", "\n", "\r"}


@attrs.frozen
class PendingNote:
    """A reason code and text checked before the step runs."""

    code: str
    text: str | None


def _text(field: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError.single(field, "must be non-empty text")
    if len(value) > _MAX_TEXT:
        raise ValidationError.single(field, f"must be at most {_MAX_TEXT} characters")
    if any(c in _CONTROL or ord(c) in _SURROGATES for c in value):
        raise ValidationError.single(field, "must not hold control characters")
    return value


def pending_note(
    text: object, code: object, *, field: str = "reason"
) -> PendingNote | None:
    """Check a step's free text and reason code; ``None`` when neither is given.

    Raises:
        ValidationError: naming ``field`` for blank, oversized or control
            text, or ``reason_code`` for a value that is not a code.
    """
    if text is None and code is None:
        return None
    checked = None if text is None else _text(field, text)
    return PendingNote(
        code=STATED if code is None else check_reason_code(code), text=checked
    )


def attach_note(complaint: Complaint, note: PendingNote, sequence: int) -> Complaint:
    """Return ``complaint`` with ``note``'s text kept as a personal note."""
    if note.text is None:
        return complaint
    kept = StepNote(sequence=sequence, code=note.code, text=note.text)
    return attrs.evolve(complaint, notes=(*complaint.notes, kept))
