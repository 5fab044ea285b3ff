"""Take a workflow step from web input: the one place the desk fires steps.

Both the REST API and the staff console come here. The step is taken with
the handler's generic :meth:`~iso10002.ComplaintsHandler.step`: its keyword
data (:meth:`~iso10002.ComplaintsHandler.step_keywords`, e.g. ``outcome``,
``reasons``, ``root_cause``) as given, and any complaint fields given as raw
``data``, where the desk completes what a person does not type (when, and by
whom) and merges a record the complaint already holds (communicating a
decision adds how and when to the decision made).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from iso10002.errors import AccessDenied, Iso10002Error, ValidationError
from iso10002.handler import (
    READ_PERSONAL_DATA,
    REDACTED,
    Actor,
    ComplaintsHandler,
)
from iso10002.model import (
    Classification,
    Complaint,
    ContactMethod,
    Decision,
    LinkKind,
    SatisfactionFeedback,
)
from iso10002.serialization import from_dict, to_dict
from iso10002.web._schema import (
    FormField,
    _hints,
    _input,
    _item_record,
    _one_item,
    _optional,
    completes,
    field_type,
    form_fields,
    server_filled,
)

__all__ = [
    "PreconditionFailed",
    "keyword_type",
    "step_form",
    "step_keyword_values",
    "step_requires",
    "step_sets",
    "take_step",
]


class PreconditionFailed(Iso10002Error):
    """The complaint changed since the version the client named (``If-Match``)."""

    def __init__(self, complaint_id: str, *, expected: int, actual: int) -> None:
        """Create the error with both versions."""
        super().__init__(
            f"complaint {complaint_id!r} is at version {actual}, not {expected}"
        )
        self.complaint_id = complaint_id
        self.expected = expected
        self.actual = actual


def step_sets(handler: ComplaintsHandler, trigger: str) -> tuple[str, ...]:
    """Return the complaint fields ``trigger`` may set, in definition order."""
    steps = [s for s in handler.workflow.definition.steps if s.trigger == trigger]
    return tuple(dict.fromkeys(f for s in steps for f in s.sets))


def step_requires(handler: ComplaintsHandler, trigger: str) -> frozenset[str]:
    """Return the complaint fields (dotted paths) ``trigger`` requires."""
    steps = handler.workflow.definition.steps
    return frozenset(r for s in steps if s.trigger == trigger for r in s.requires)


# Keywords that are not a field of the complaint or of the records below:
# their type, and the complaint field they give.
_OTHER_KEYWORDS: dict[str, tuple[Any, str]] = {
    "via": (ContactMethod, "decision"),
    "to": (str, "links"),
    "kind": (LinkKind, "links"),
}
# The records whose fields a step's keywords give (classify, decide, rate).
_KEYWORD_RECORDS = (Classification, Decision, SatisfactionFeedback)


def keyword_type(name: str) -> Any:
    """Return the type of the step keyword ``name`` (``Any`` if unknown).

    A keyword is a complaint field (``root_cause``, ``assignee``, a ready
    ``decision``), a field of the record it builds (``reasons`` of the
    decision, ``score`` of the satisfaction feedback), or one of ``via``,
    ``to`` and ``kind``.
    """
    if name in _OTHER_KEYWORDS:
        return _OTHER_KEYWORDS[name][0]
    if name in _hints(Complaint):
        return field_type(name)
    for record in _KEYWORD_RECORDS:
        hints = _hints(record)
        if name in hints:
            return hints[name]
    return Any


def _keywords_for(name: str, takes: frozenset[str]) -> list[str]:
    """Return the keywords (in the record's field order) that give field ``name``.

    Parts of the record win over the ready record (``outcome``, ``summary``
    … rather than a whole ``decision``); a record no keyword takes apart
    (``root_cause``) is its own keyword; none: the step takes the field
    only as raw data.
    """
    record, _ = _optional(field_type(name))
    parts = (
        [f.name for f in attrs.fields(record) if f.name in takes]
        if attrs.has(record)
        else []
    )
    parts += [k for k, (_, f) in _OTHER_KEYWORDS.items() if f == name and k in takes]
    if parts:
        return parts
    return [name] if name in takes else []


def step_form(
    handler: ComplaintsHandler, trigger: str, complaint: Complaint
) -> list[FormField]:
    """Return the inputs of ``trigger``'s form, from the step's keyword data.

    Each complaint field the step sets is asked as the keywords
    (:meth:`~iso10002.ComplaintsHandler.step_keywords`) that give it: a
    deciding step asks ``outcome``, ``summary``, ``reasons``, one remedy and
    the ``escalation_route``, communicating it asks ``via``, closing asks
    the ``outcome`` and the ``root_cause``, whatever the steps are called.
    A field no keyword gives is asked as raw data
    (:func:`~iso10002.web._schema.form_fields`). A keyword is required when
    the step requires its field and the model has no default for it;
    inputs show the values the complaint holds (deciding again).
    """
    takes = handler.step_keywords(trigger)
    requires = step_requires(handler, trigger)
    found: list[FormField] = []
    for name in step_sets(handler, trigger):
        keywords = _keywords_for(name, takes)
        record, _ = _optional(field_type(name))
        if not keywords or (keywords == [name] and attrs.has(record)):
            found.extend(form_fields((name,), complaint, requires))
            continue
        held = getattr(complaint, name, None)
        defaults = (
            {f.name: f.default for f in attrs.fields(record)}
            if attrs.has(record)
            else {name: attrs.NOTHING}
        )
        for keyword in keywords:
            hint = keyword_type(keyword)
            item = _item_record(hint)
            if item is not None:
                found.extend(_one_item(f"{keyword}[0]", item))
                continue
            needed = name in requires and defaults.get(keyword, 0) is attrs.NOTHING
            current = held if keyword == name else getattr(held, keyword, None)
            made = _input(keyword, hint, required=needed, current=current)
            if made is not None:
                found.append(made)
    # A keyword giving two fields (a decision's outcome is the complaint's
    # too) is asked once.
    required = {f.name for f in found if f.required}
    unique = {f.name: attrs.evolve(f, required=f.name in required) for f in found}
    return list(unique.values())


def step_keyword_values(keywords: Mapping[str, Any]) -> dict[str, Any]:
    """Return keyword data read from JSON: records and lists of records built.

    Scalars and enum values are left to the handler, which names the
    keyword when one is wrong.

    Raises:
        ValidationError: naming each keyword whose value does not fit.
    """
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for name, given in keywords.items():
        inner, _ = _optional(keyword_type(name))
        item = _item_record(inner)
        try:
            if given is not None and isinstance(inner, type) and attrs.has(inner):
                values[name] = _record(inner, given, name)
            elif item is not None and isinstance(given, list):
                values[name] = tuple(
                    _record(item, one, f"{name}[{i}]") for i, one in enumerate(given)
                )
            else:
                values[name] = given
        except ValidationError as error:
            problems.extend(error.problems)
    if problems:
        raise ValidationError(problems)
    return values


def _record(cls: type, given: Any, path: str) -> Any:
    """Return ``given`` as a ``cls`` record, problems named under ``path``."""
    try:
        return from_dict(cls, given)
    except ValidationError as error:
        raise ValidationError(
            [(f"{path}.{f}" if f else path, m) for f, m in error.problems]
        ) from None


def _has_redacted(value: Any) -> bool:
    if isinstance(value, str):
        return value == REDACTED
    if isinstance(value, Mapping):
        return any(_has_redacted(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_redacted(v) for v in value)
    return False


def _complete(  # noqa: PLR0913 - the record, what the step needs, and who/when
    name: str,
    *,
    given: Any,
    current: Complaint,
    actor: Actor,
    now: datetime,
    requires: frozenset[str],
) -> Any:
    """Fill the sub-fields of record ``name`` that the desk provides."""
    inner, _ = _optional(field_type(name))
    if not (isinstance(inner, type) and attrs.has(inner)):
        return given
    if given is not None and not isinstance(given, Mapping):
        return given  # let the converter name the problem
    held = getattr(current, name, None)
    merged: dict[str, Any] = {}
    if held is not None and completes(name, requires):
        # The step completes the record the complaint holds (communicating
        # a decision); any other step that sets it records a new one.
        merged = to_dict(held)
        if _has_redacted(merged):
            raise AccessDenied(actor.name, READ_PERSONAL_DATA, current.id)
    merged.update(given or {})
    hints = _hints(inner)
    for sub in attrs.fields(inner):
        if merged.get(sub.name) is not None or not server_filled(sub, hints[sub.name]):
            continue
        needed = sub.default is attrs.NOTHING or f"{name}.{sub.name}" in requires
        if not needed:
            continue
        inner_sub, _ = _optional(hints[sub.name])
        merged[sub.name] = now.isoformat() if inner_sub is datetime else actor.name
    return merged


def take_step(  # noqa: PLR0913 - the step, its data, its reason and its precondition
    handler: ComplaintsHandler,
    complaint_id: str,
    trigger: str,
    *,
    actor: Actor,
    now: datetime,
    data: Mapping[str, Any] | None = None,
    keywords: Mapping[str, Any] | None = None,
    reason: str | None = None,
    reason_code: str | None = None,
    if_version: int | None = None,
) -> Complaint:
    """Take ``trigger`` on a complaint with web input.

    Args:
        handler: The handler.
        complaint_id: The complaint.
        trigger: The workflow trigger.
        actor: Who takes the step.
        now: The instant filled into the records the step needs it in.
        data: The complaint fields the step sets, as plain JSON data.
        keywords: The step's keyword data, as plain JSON data (see
            :func:`step_keyword_values`).
        reason: Free text kept as a personal note.
        reason_code: The reason code the event records.
        if_version: The version the client saw (``If-Match``), if any.

    Returns:
        What :meth:`~iso10002.ComplaintsHandler.step` returns.

    Raises:
        PreconditionFailed: if the complaint is no longer at ``if_version``.
        ValidationError: for data that is not a mapping.
        Iso10002Error: as :meth:`~iso10002.ComplaintsHandler.step`.
    """
    if data is not None and not isinstance(data, Mapping):
        raise ValidationError.single("data", "must be an object")
    fields = step_keyword_values(keywords or {})
    current = handler.get(complaint_id, actor=actor)
    if if_version is not None and current.version != if_version:
        raise PreconditionFailed(
            complaint_id, expected=if_version, actual=current.version
        )
    sets = step_sets(handler, trigger)
    requires = step_requires(handler, trigger)
    values = dict(data or {})
    for name in sets:
        if name in values or (
            getattr(current, name, None) is not None and completes(name, requires)
        ):
            values[name] = _complete(
                name,
                given=values.get(name),
                current=current,
                actor=actor,
                now=now,
                requires=requires,
            )
    takes = handler.step_keywords(trigger)
    # A complaint field that is also a keyword of the step (a ready
    # ``decision``, ``root_cause``) goes as that keyword.
    given = {n: values.pop(n) for n in list(values) if n in takes and n not in fields}
    fields.update(step_keyword_values(given))
    for name in [n for n in values if n in _hints(Complaint)]:
        # A record whose parts are the step's keywords (the satisfaction
        # feedback's ``score`` and ``comment``) goes as those keywords.
        record, _ = _optional(field_type(name))
        parts = attrs.fields_dict(record) if attrs.has(record) else {}
        lifted = takes & parts.keys() - fields.keys()
        if lifted and isinstance(values[name], Mapping):
            held = values.pop(name)
            fields.update({k: held[k] for k in lifted if k in held})
    held = values.get("decision")
    if "via" in takes and "via" not in fields and isinstance(held, Mapping):
        # The step records the decision's communication itself: how it went
        # is its ``via`` keyword, else the complainant's preferred contact.
        fields["via"] = held.get("communicated_via")
    return handler.step(
        trigger,
        complaint_id,
        actor=actor,
        data=values or None,
        reason=reason,
        reason_code=reason_code,
        **fields,
    ).complaint
