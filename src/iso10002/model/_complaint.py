"""The complaint aggregate and the intake form it is created from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.model._enums import Channel, Outcome
from iso10002.model._events import HistoryEvent
from iso10002.model._evolve import Check, plan_of
from iso10002.model._external import ExternalId, check_external_ids
from iso10002.model._fields import PERSONAL
from iso10002.model._form import ComplaintForm
from iso10002.model._history_data import (
    ALWAYS_WITHIN,
    DATA_CHARS,
    check_history,
    check_history_data,
    history_data_chars,
    receipt_data,
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
_NEW = object.__new__
_FIXED = frozenset({"version", "history"})
# Each field's converter and validator, looked up once (the same plan
# ``evolve`` uses): a step checks the fields it changes with them.
_COMPLAINT = plan_of(Complaint)
_EVENT = plan_of(HistoryEvent)
_CHECKS: dict[str, Check] = {
    name: check for name, check in _COMPLAINT.checks.items() if name not in _FIXED
}


def check_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Convert and validate new values for complaint fields, naming any bad one.

    Returns:
        The converted values, by field name.

    Raises:
        ValidationError: for an unknown field, ``version`` or ``history``, or
            a value its field's validator refuses.
    """
    checked: dict[str, Any] = {}
    for name, value in changes.items():
        plan = _CHECKS.get(name)
        if plan is None:
            if name in _FIXED:
                raise ValidationError.single(
                    name, "is not a field that a step can change"
                )
            raise ValidationError.single(name, "is not a field of Complaint")
        field, convert, validate = plan
        if convert is not None:
            value = convert(value)  # noqa: PLW2901 - the converted value is checked
        if validate is not None:
            validate(None, field, value)
        checked[name] = value
    return checked


def receive_checked(  # noqa: PLR0913 - the checked facts of receipt
    form: ComplaintForm,
    *,
    id: str,  # noqa: A002 - the field is called id
    reference: str,
    received_at: datetime,
    channel: Channel,
    received_by: str,
    status: str,
    workflow: WorkflowRef,
) -> Complaint:
    """Build version 1 from a form and receipt facts that are already checked.

    ``received_at`` must be an aware UTC datetime and every other value
    checked for its field (see :meth:`Complaint.receive`); only the class's
    cross-field checks run here.
    """
    # Every value passed its field's check already: the form's fields when
    # the form was built (the same checks as the complaint's), the facts of
    # receipt in the caller; the rest are constants.
    event = _EVENT.build(
        {
            "sequence": 1,
            "name": RECEIVED_EVENT,
            "at": received_at,
            "actor": received_by,
            "trigger": None,
            "from_state": None,
            "to_state": status,
            "data": receipt_data(
                reference, channel, workflow, form.subject, form.external_ids
            ),
        }
    )
    complaint: Complaint = _COMPLAINT.build(
        {
            "id": id,
            "reference": reference,
            "received_at": received_at,
            "channel": channel,
            "received_by": received_by,
            "complainant": form.complainant,
            "subject": form.subject,
            "description": form.description,
            "desired_outcome": form.desired_outcome,
            "attachments": form.attachments,
            "classification": None,
            "status": status,
            "workflow": workflow,
            "assignee": None,
            "deadlines": (),
            "decision": None,
            "outcome": None,
            "root_cause": None,
            "satisfaction": None,
            "links": (),
            "version": 1,
            "history": (event,),
            "notes": (),
            "external_ids": form.external_ids,
        }
    )
    return complaint


def advance(
    complaint: Complaint, event: HistoryEvent, status: str, checked: dict[str, Any]
) -> Complaint:
    """Return the next version of ``complaint``: the last step of the checked path.

    Every value must already be checked: ``event`` valid with sequence
    ``version + 1`` and a time not earlier than the last event (so the
    history's own checks hold without walking it), ``status`` and ``checked``
    through their fields' checks (:func:`check_changes`, or the workflow's
    setters, which use the same checks). The fields not changed are copied
    from ``complaint``, which was checked when it was built.
    """
    values = complaint.__dict__.copy()
    if checked:
        values.update(checked)
    values["status"] = status
    values["version"] = complaint.version + 1
    values["history"] = (*complaint.history, event)
    if complaint.version >= ALWAYS_WITHIN:
        total = history_data_chars(complaint) + json_chars(event.data)
        values[DATA_CHARS] = check_history_data(total)
    new: Complaint = _NEW(Complaint)
    _SETATTR(new, "__dict__", values)
    return new
