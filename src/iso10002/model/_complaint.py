"""The complaint aggregate and the intake form it is created from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.model._enums import Channel, Outcome
from iso10002.model._events import HistoryEvent
from iso10002.model._external import ExternalId, check_external_ids
from iso10002.model._fields import PERSONAL
from iso10002.model._form import ComplaintForm
from iso10002.model._history_data import (
    ALWAYS_WITHIN,
    DATA_CHARS,
    check_history,
    check_history_data,
    with_facts,
)
from iso10002.model._notes import StepNote
from iso10002.model._values import (
    Attachment,
    Classification,
    Complainant,
    Decision,
    DueDate,
    Link,
    RootCause,
    SatisfactionFeedback,
    Subject,
    WorkflowRef,
)
from iso10002.validators import (
    LONG_TEXT,
    aware,
    instance_of,
    json_chars,
    non_negative,
    optional,
    text,
    to_tuple,
    to_utc,
    tuple_of,
)
from iso10002.vocabulary import RECEIVED_EVENT, StandardState

__all__ = ["IMPORTED", "RECEIVED_EVENT", "Complaint", "ComplaintForm"]

"""Name of the first event in every complaint's history."""

IMPORTED = "import"
"""Key of the received event's data naming the source of an imported record.

.. versionadded:: 0.2.0
"""


# Not slotted: the engine makes a version per step by copying the instance
# dict (one ``dict.copy()``), a third of the cost of setting 24 slots, for
# about 120 more bytes per complaint.
@attrs.frozen(kw_only=True, slots=False)
class Complaint:
    """A complaint: an immutable value, changed only by returning a new version.

    Invariants checked at construction: ``version == len(history)``; history
    sequences run 1, 2, 3 … with non-decreasing timestamps; the first event is
    ``ComplaintReceived``; ``description`` is ``None`` only on an imported
    record whose source held none (the received event's data has
    :data:`IMPORTED`). Fields marked as personal data in their metadata are
    what redaction and erasure act on (:func:`iso10002.model.personal_fields`).

    Use :meth:`receive` to create one from a :class:`ComplaintForm`, and
    :meth:`next_version` (through the workflow engine) to make the next
    version: it checks only what changes.

    .. versionadded:: 0.1.0
    """

    id: str = attrs.field(validator=text(max_length=64))
    reference: str = attrs.field(validator=text(max_length=64))
    received_at: datetime = attrs.field(converter=to_utc, validator=aware)
    channel: Channel = attrs.field(validator=instance_of(Channel))
    received_by: str = attrs.field(validator=text(max_length=200))
    complainant: Complainant = attrs.field(
        validator=instance_of(Complainant), metadata=PERSONAL
    )
    subject: Subject = attrs.field(factory=Subject, validator=instance_of(Subject))
    description: str | None = attrs.field(
        validator=optional(text(max_length=LONG_TEXT, multiline=True)),
        metadata=PERSONAL,
    )
    desired_outcome: str | None = attrs.field(
        default=None,
        validator=optional(text(max_length=LONG_TEXT, multiline=True)),
        metadata=PERSONAL,
    )
    attachments: tuple[Attachment, ...] = attrs.field(
        default=(),
        converter=to_tuple,
        validator=tuple_of(Attachment, max_items=50),
        metadata=PERSONAL,
    )
    classification: Classification | None = attrs.field(
        default=None, validator=optional(instance_of(Classification))
    )
    status: str = attrs.field(validator=text(max_length=100))
    workflow: WorkflowRef = attrs.field(
        factory=WorkflowRef, validator=instance_of(WorkflowRef)
    )
    assignee: str | None = attrs.field(
        default=None, validator=optional(text(max_length=200))
    )
    deadlines: tuple[DueDate, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(DueDate, max_items=100)
    )
    decision: Decision | None = attrs.field(
        default=None, validator=optional(instance_of(Decision))
    )
    outcome: Outcome | None = attrs.field(
        default=None, validator=optional(instance_of(Outcome))
    )
    root_cause: RootCause | None = attrs.field(
        default=None, validator=optional(instance_of(RootCause))
    )
    satisfaction: SatisfactionFeedback | None = attrs.field(
        default=None, validator=optional(instance_of(SatisfactionFeedback))
    )
    links: tuple[Link, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(Link, max_items=1000)
    )
    version: int = attrs.field(validator=non_negative)
    history: tuple[HistoryEvent, ...] = attrs.field(
        converter=to_tuple, validator=check_history
    )
    notes: tuple[StepNote, ...] = attrs.field(
        default=(),
        converter=to_tuple,
        validator=tuple_of(StepNote, max_items=1000),
        metadata=PERSONAL,
    )
    external_ids: tuple[ExternalId, ...] = attrs.field(
        default=(), converter=to_tuple, validator=check_external_ids
    )

    def __attrs_post_init__(self) -> None:
        """Check the invariants that tie version and history together."""
        if self.version != len(self.history):
            raise ValidationError.single(
                "version",
                f"must equal the number of history events ({len(self.history)})",
            )
        if self.history and self.history[0].name != RECEIVED_EVENT:
            raise ValidationError.single(
                "history[0].name", f"must be {RECEIVED_EVENT!r}"
            )
        if len(self.history) > ALWAYS_WITHIN:
            total = sum(json_chars(event.data) for event in self.history)
            _SETATTR(self, DATA_CHARS, check_history_data(total))
        if self.description is None and not (
            self.history and IMPORTED in self.history[0].data
        ):
            raise ValidationError.single(
                "description",
                "may be missing only on an imported record (its received "
                f"event's data names the import under {IMPORTED!r})",
            )

    @classmethod
    def receive(  # noqa: PLR0913 - every argument is a required fact of receipt
        cls,
        form: ComplaintForm,
        *,
        id: str,  # noqa: A002 - the field is called id
        reference: str,
        received_at: datetime,
        channel: Channel,
        received_by: str,
        status: str = StandardState.RECEIVED.value,
        workflow: WorkflowRef | None = None,
    ) -> Complaint:
        """Create version 1 of a complaint from an intake form (ISO 10002 7.3).

        Args:
            form: What the complainant submitted.
            id: The new complaint's unique id (see :mod:`iso10002.ids`).
            reference: Human-facing reference, e.g. ``CMP-2026-000123``.
            received_at: When it was received (timezone-aware).
            channel: How it arrived.
            received_by: The actor that recorded it (a person or a system).
            status: The workflow's initial state.
            workflow: The workflow it runs under (the standard one by default).

        Returns:
            The complaint, at version 1 with one ``ComplaintReceived`` event.

        Raises:
            ValidationError: if any value is invalid.
        """
        if not isinstance(form, ComplaintForm):
            raise ValidationError.single("form", "must be a ComplaintForm")
        # The form's fields were validated when the form was built: only the
        # facts of receipt are checked here (this runs on every intake).
        receipt = {
            "id": id,
            "reference": reference,
            "received_at": received_at,
            "channel": channel,
            "received_by": received_by,
            "status": status,
            "workflow": WorkflowRef() if workflow is None else workflow,
        }
        from iso10002.model._checked import (  # noqa: PLC0415 - it imports this
            check_changes,
            receive_checked,
        )

        checked = check_changes(receipt)
        return receive_checked(form, **checked)

    def next_version(self, event: HistoryEvent, **changes: Any) -> Complaint:
        """Return the next version: ``changes`` applied and ``event`` appended.

        This is the fast, still fully checked way for engines to make a new
        version: only the changed fields are validated (the rest were
        validated when this version was built), and the new event must carry
        sequence ``version + 1`` and a time not earlier than the last event, so
        every invariant of the class holds without re-checking the history.

        Args:
            event: The history event of this step.
            **changes: New values for fields other than ``version`` and
                ``history``, e.g. ``status="acknowledged"``.

        Returns:
            The new complaint, at ``version + 1``.

        Raises:
            ValidationError: naming the field, if a change or the event is invalid.

        .. versionadded:: 0.1.0
        """
        if not isinstance(event, HistoryEvent):
            raise ValidationError.single("event", "must be a HistoryEvent")
        if event.sequence != self.version + 1:
            raise ValidationError.single(
                "event.sequence", f"must be {self.version + 1} (the next version)"
            )
        if self.history and event.at < self.history[-1].at:
            raise ValidationError.single(
                "event.at", "must not be earlier than the last history event"
            )
        from iso10002.model._checked import (  # noqa: PLC0415 - it imports this
            advance,
            check_changes,
        )

        if self.version == 0 and event.name != RECEIVED_EVENT:
            raise ValidationError.single("event.name", f"must be {RECEIVED_EVENT!r}")
        checked = check_changes(changes)
        if (
            "description" in checked
            and checked["description"] is None
            and not (self.history and IMPORTED in self.history[0].data)
        ):
            raise ValidationError.single(
                "description", "may be missing only on an imported record"
            )
        if self.version:
            event = with_facts(event, checked)
        status = checked.pop("status", self.status)
        return advance(self, event, status, checked)

    @property
    def last_event(self) -> HistoryEvent | None:
        """Return the most recent history event, if any."""
        return self.history[-1] if self.history else None


_SETATTR = object.__setattr__
