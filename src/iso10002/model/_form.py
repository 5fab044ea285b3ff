"""The intake form a complaint is created from: untrusted input, checked."""

from __future__ import annotations

import attrs

from iso10002.model._external import ExternalId, check_external_ids
from iso10002.model._fields import PERSONAL
from iso10002.model._values import Attachment, Complainant, Subject
from iso10002.validators import (
    LONG_TEXT,
    instance_of,
    optional,
    text,
    to_tuple,
    tuple_of,
)

__all__ = ["ComplaintForm"]


@attrs.frozen(kw_only=True)
class ComplaintForm:
    """What a complainant tells the organisation at intake (untrusted input).

    Build it from a web form or API payload with
    ``iso10002.serialization.from_dict(ComplaintForm, payload)``, which reports
    every problem at once as a :class:`~iso10002.errors.ValidationError`.

    .. versionadded:: 0.1.0
    """

    complainant: Complainant = attrs.field(validator=instance_of(Complainant))
    description: str = attrs.field(
        validator=text(max_length=LONG_TEXT, multiline=True), metadata=PERSONAL
    )
    desired_outcome: str | None = attrs.field(
        default=None,
        validator=optional(text(max_length=LONG_TEXT, multiline=True)),
        metadata=PERSONAL,
    )
    subject: Subject = attrs.field(factory=Subject, validator=instance_of(Subject))
    attachments: tuple[Attachment, ...] = attrs.field(
        default=(),
        converter=to_tuple,
        validator=tuple_of(Attachment, max_items=50),
        metadata=PERSONAL,
    )
    external_ids: tuple[ExternalId, ...] = attrs.field(
        default=(), converter=to_tuple, validator=check_external_ids
    )
