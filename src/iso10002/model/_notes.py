"""Step notes: the free text a step records, kept as personal data.

One rule for all free text a step records (a reason, a note): the history
event carries only a *reason code* (a short identifier from the host's
vocabulary, never prose), and the text itself is a :class:`StepNote` in the
complaint's ``notes`` field, which is personal data. Redaction hides it,
erasure removes it, and exports leave it out unless personal data is
included, like every other personal field; the salted commitment stored with
each event binds it.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.model._correspondence import MessageContent
from iso10002.model._fields import PERSONAL
from iso10002.validators import LONG_TEXT, instance_of, optional, text

__all__ = ["REASON_CODE_PATTERN", "StepNote", "check_reason_code"]

REASON_CODE_PATTERN = r"[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*"
"""What a reason code looks like: lower-case words joined by ``.``, ``_`` or ``-``.

At most 64 characters, starting with a letter, e.g. ``awaiting-third-party``
or ``fca.disp.delay``. A code is an identifier from the host's documented
vocabulary; a sentence, a phone number or an e-mail address is refused.

.. versionadded:: 0.2.0
"""

_CODE = re.compile(REASON_CODE_PATTERN)
_MAX_CODE = 64


def check_reason_code(value: Any, field: str = "reason_code") -> str:
    """Return ``value`` if it is a reason code, else refuse it.

    Args:
        value: The candidate code.
        field: The field named in the error.

    Returns:
        The code.

    Raises:
        ValidationError: naming ``field``, if ``value`` is not a string that
            matches :data:`REASON_CODE_PATTERN` within 64 characters.

    .. versionadded:: 0.2.0
    """
    if (
        not isinstance(value, str)
        or len(value) > _MAX_CODE
        or _CODE.fullmatch(value) is None
    ):
        raise ValidationError.single(
            field,
            "must be a reason code (lower-case letters and digits in words "
            "joined by '.', '_' or '-', at most 64 characters), not free text",
        )
    return value


def _code(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        check_reason_code(value, attribute.name)


def _sequence(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError.single(attribute.name, "must be a positive integer")


@attrs.frozen(kw_only=True)
class StepNote:
    """The free text of one step, kept out of the history (personal data).

    The step's event (``sequence``) records ``code`` as ``reason_code`` in
    its data; ``text`` is here only, in the complaint's personal ``notes``.
    The same holds for internal notes (a ``NoteRecorded`` event) and for
    messages in and out: the event records the message's facts, and
    ``message`` keeps what it said (see :class:`MessageContent`).

    Attributes:
        sequence: The sequence of the history event the note belongs to.
        code: The reason code the event records, if any.
        text: The free text (may hold personal data).
        message: What a message recorded by that event said, if it is one.

    .. versionadded:: 0.2.0
    """

    sequence: int = attrs.field(validator=_sequence)
    code: str | None = attrs.field(default=None, validator=_code)
    text: str | None = attrs.field(
        default=None,
        validator=optional(text(max_length=LONG_TEXT, multiline=True)),
        metadata=PERSONAL,
    )
    message: MessageContent | None = attrs.field(
        default=None,
        validator=optional(instance_of(MessageContent)),
        metadata=PERSONAL,
    )
