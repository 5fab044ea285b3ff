"""Keyword data of a handler step, turned into the fields the step sets.

Which keywords a step takes follows from the complaint fields its definition
says it ``sets``: a step setting ``classification`` takes ``category``,
``severity`` … whatever its trigger is called, so named methods and
:meth:`ComplaintsHandler.step` accept the same data for any definition.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import attrs

from iso10002.errors import ValidationError
from iso10002.model import (
    Classification,
    Complaint,
    ContactMethod,
    Decision,
    Link,
    LinkKind,
    Outcome,
    Priority,
    SatisfactionFeedback,
    Severity,
)
from iso10002.workflow import Step, WorkflowDefinition

__all__ = ["enum_value", "keywords_of", "step_values"]

_E = TypeVar("_E", bound=enum.Enum)
Values = dict[str, Any]
Build = Callable[[Mapping[str, Any], Complaint, datetime, str], Values]


def enum_value(cls: type[_E], value: Any, field: str) -> _E:
    """Return ``cls(value)``, or a ValidationError naming ``field``."""
    try:
        return cls(value)
    except ValueError:
        allowed = [m.value for m in cls]
        raise ValidationError.single(field, f"must be one of {allowed}") from None


def _classification(kw: Mapping[str, Any], *_: Any) -> Values:
    ready = kw.get("classification")
    if ready is not None:
        return {"classification": ready}
    if kw.get("category") is None:
        raise ValidationError.single("category", "is required to classify")
    return {
        "classification": Classification(
            category=kw["category"],
            severity=enum_value(Severity, kw.get("severity", "medium"), "severity"),
            priority=enum_value(Priority, kw.get("priority", "normal"), "priority"),
            tags=tuple(kw.get("tags", ())),
            subcategory=kw.get("subcategory"),
        )
    }


def _decision(kw: Mapping[str, Any], _c: Complaint, at: datetime, who: str) -> Values:
    if kw.get("decision") is not None:
        ready = kw["decision"]
        return {"decision": ready, "outcome": getattr(ready, "outcome", None)}
    if "outcome" not in kw:
        raise ValidationError.single("outcome", "is required to decide")
    outcome = enum_value(Outcome, kw["outcome"], "outcome")
    decision = Decision(
        outcome=outcome,
        summary=kw.get("summary", ""),
        reasons=kw.get("reasons", ""),
        remedies=tuple(kw.get("remedies", ())),
        decided_by=who,
        decided_at=at,
        escalation_route=kw.get("escalation_route"),
    )
    return {"decision": decision, "outcome": outcome}


def _communication(
    kw: Mapping[str, Any], current: Complaint, at: datetime, _w: str
) -> Values:
    if current.decision is None:
        return {}
    via = kw.get("via")
    method = (
        current.complainant.preferred_contact
        if via is None
        else enum_value(ContactMethod, via, "via")
    )
    sent = attrs.evolve(current.decision, communicated_at=at, communicated_via=method)
    return {"decision": sent}


def _outcome(kw: Mapping[str, Any], *_: Any) -> Values:
    if kw.get("outcome") is None:
        return {}
    return {"outcome": enum_value(Outcome, kw["outcome"], "outcome")}


def _plain(field: str) -> Build:
    def build(kw: Mapping[str, Any], *_: Any) -> Values:
        return {} if kw.get(field) is None else {field: kw[field]}

    return build


def _satisfaction(
    kw: Mapping[str, Any], _c: Complaint, at: datetime, _w: str
) -> Values:
    if "score" not in kw:
        raise ValidationError.single("score", "is required to record satisfaction")
    feedback = SatisfactionFeedback(
        score=kw["score"], received_at=at, comment=kw.get("comment")
    )
    return {"satisfaction": feedback}


def _links(kw: Mapping[str, Any], current: Complaint, *_: Any) -> Values:
    if kw.get("to") is None:
        raise ValidationError.single("to", "is required to link")
    kind = enum_value(LinkKind, kw.get("kind", LinkKind.RELATED_TO), "kind")
    return {"links": (*current.links, Link(kind=kind, complaint_id=kw["to"]))}


_ALWAYS = ""  # in a keyword group: the group builds values with no keyword given
_CLASSIFY = (
    "classification",
    "category",
    "severity",
    "priority",
    "tags",
    "subcategory",
)
_DECIDE = ("decision", "outcome", "summary", "reasons", "remedies", "escalation_route")

# field a step sets -> (keywords it takes, how they become values)
_BY_FIELD: dict[str, tuple[tuple[str, ...], Build]] = {
    "classification": (_CLASSIFY, _classification),
    "assignee": (("assignee",), _plain("assignee")),
    "root_cause": (("root_cause",), _plain("root_cause")),
    "satisfaction": (("score", "comment"), _satisfaction),
    "links": (("to", "kind"), _links),
}


def _builders(step: Step) -> list[tuple[tuple[str, ...], Build]]:
    """The keyword groups of one step, by the fields it sets."""
    found = [_BY_FIELD[f] for f in step.sets if f in _BY_FIELD]
    if "decision" in step.sets:
        if "decision.communicated_at" in step.requires:
            found.append((("via", _ALWAYS), _communication))
        else:
            found.append((_DECIDE, _decision))
    elif "outcome" in step.sets:
        found.append((("outcome",), _outcome))
    return found


# keyword -> its enum, converted before the complaint is even loaded
_ENUMS: dict[str, type[enum.Enum]] = {
    "severity": Severity,
    "priority": Priority,
    "outcome": Outcome,
    "via": ContactMethod,
    "kind": LinkKind,
}
# field a step requires -> (keyword named when missing, keywords that give it)
_NEEDED: dict[str, tuple[str, frozenset[str]]] = {
    "classification": ("category", frozenset({"category", "classification"})),
    "decision": ("outcome", frozenset({"outcome", "decision"})),
    "satisfaction": ("score", frozenset({"score"})),
    "links": ("to", frozenset({"to"})),
}


def _precheck(steps: list[Step], given: dict[str, Any], trigger: str) -> None:
    """Convert enum keywords and insist on what every step of the trigger needs.

    Raises:
        ValidationError: naming the keyword.
    """
    for name, cls in _ENUMS.items():
        if name in given:
            given[name] = enum_value(cls, given[name], name)
    for field, (named, gives) in _NEEDED.items():
        if (
            all(field in s.requires and field in s.sets for s in steps)
            and gives.isdisjoint(given)
            and not all("decision.communicated_at" in s.requires for s in steps)
        ):
            raise ValidationError.single(named, f"is required by step {trigger!r}")


def _steps(definition: WorkflowDefinition, trigger: str) -> list[Step]:
    return [s for s in definition.steps if s.trigger == trigger]


def keywords_of(definition: WorkflowDefinition, trigger: str) -> frozenset[str]:
    """Return the keyword data ``trigger`` takes under ``definition``."""
    return frozenset(
        k
        for s in _steps(definition, trigger)
        for ks, _ in _builders(s)
        for k in ks
        if k != _ALWAYS
    )


def step_values(
    definition: WorkflowDefinition,
    trigger: str,
    fields: Mapping[str, Any],
    *,
    who: str,
    extra: Mapping[str, Any] | None = None,
) -> Callable[[Complaint, datetime], Values] | Values | None:
    """Return the step data for ``fields``: values, or a function of now.

    Keywords left ``None`` count as not given.

    Raises:
        ValidationError: naming a keyword ``trigger`` does not take (and the
            step), or ``data`` when ``extra`` is not a mapping.
    """
    if extra is not None and not isinstance(extra, Mapping):
        raise ValidationError.single("data", "must be a mapping of JSON event data")
    given = {k: v for k, v in fields.items() if v is not None}
    steps = _steps(definition, trigger)
    if not steps:  # an unknown trigger: the engine says so, naming the state
        return dict(extra) if extra else None
    takes = keywords_of(definition, trigger)
    unknown = sorted(set(given) - takes)
    if unknown:
        listed = ", ".join(sorted(takes)) or "no keyword data"
        raise ValidationError(
            (name, f"is not data of step {trigger!r} (it takes: {listed})")
            for name in unknown
        )
    _precheck(steps, given, trigger)
    if not given and not any(_ALWAYS in ks for s in steps for ks, _ in _builders(s)):
        return dict(extra) if extra else None

    def values(current: Complaint, at: datetime) -> Values:
        step = next((s for s in steps if current.status in s.sources), steps[0])
        out: Values = dict(extra or {})
        for keywords, build in _builders(step):
            if _ALWAYS in keywords or not given.keys().isdisjoint(keywords):
                out.update(build(given, current, at, who))
        return out

    return values
