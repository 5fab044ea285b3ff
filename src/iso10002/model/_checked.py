"""The checked path of complaint versions: version 1, and the next from checked values.

:meth:`Complaint.receive <iso10002.model.Complaint.receive>` and
:meth:`~iso10002.model.Complaint.next_version` check what a caller gives and
end here, as the workflow engine does (through
:mod:`iso10002.model.versions`): every value passes its field's converter and
validator once, and the fields a version copies are not checked again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from iso10002.errors import ValidationError
from iso10002.model._complaint import Complaint
from iso10002.model._enums import Channel
from iso10002.model._events import HistoryEvent, checked_event
from iso10002.model._evolve import Check, plan_of
from iso10002.model._form import ComplaintForm
from iso10002.model._history_data import (
    ALWAYS_WITHIN,
    DATA_CHARS,
    check_history_data,
    history_data_chars,
    receipt_data,
)
from iso10002.model._values import WorkflowRef
from iso10002.validators import json_chars
from iso10002.vocabulary import RECEIVED_EVENT

__all__ = ["advance", "check_changes", "receive_checked"]

_NEW = object.__new__
_SETATTR = object.__setattr__
_FIXED = frozenset({"version", "history"})
# Each field's converter and validator, looked up once (the same plan
# ``evolve`` uses): a step checks the fields it changes with them.
_COMPLAINT = plan_of(Complaint)
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
    checked for its field (see :meth:`Complaint.receive`). The class's
    cross-field checks hold by construction (see below), so nothing is
    checked again here.
    """
    # Every value passed its field's check already: the form's fields when
    # the form was built (the same checks as the complaint's), the facts of
    # receipt in the caller; the rest are constants. The class's cross-field
    # checks hold by construction, so they are not run: version 1 with one
    # event, that event named RECEIVED_EVENT, and the form's description (a
    # checked, non-empty string) present.
    event = checked_event(
        sequence=1,
        name=RECEIVED_EVENT,
        at=received_at,
        actor=received_by,
        trigger=None,
        from_state=None,
        to_state=status,
        data=receipt_data(
            reference, channel, workflow, form.subject, form.external_ids
        ),
    )
    complaint: Complaint = _NEW(Complaint)
    _SETATTR(
        complaint,
        "__dict__",
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
        },
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
