"""Deadline rules as data: measures, counting rules, extensions, overrides and packs."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import attrs

from iso10002.errors import ValidationError
from iso10002.validators import (
    check_json,
    instance_of,
    optional,
    text,
    to_tuple,
    tuple_of,
)
from iso10002.vocabulary import Meaning, standard_event

__all__ = [
    "ClassificationMatch",
    "Counting",
    "Deadline",
    "DeadlineKind",
    "EventMatch",
    "Extension",
    "Measure",
    "Override",
    "Pack",
    "stated",
]

_MAX_AMOUNT = 3660
_MAX_NAME = 100
_PACK_NAME = re.compile(r"[a-z0-9]+([._-][a-z0-9]+)*")
_STEP = re.compile(r"[a-z][a-z0-9_]*")


class Measure(str, enum.Enum):
    """The unit a deadline's amount is counted in.

    .. versionadded:: 0.1.0
    """

    HOURS = "hours"
    CALENDAR_DAYS = "calendar_days"
    BUSINESS_DAYS = "business_days"
    WEEKS = "weeks"


class Counting(str, enum.Enum):
    """How the counting starts and where the last day ends.

    ``FROM_RECEIPT``: the amount runs from the instant of receipt (same local
    time of day on the last day; hours are elapsed hours).
    ``FROM_DAY_AFTER_RECEIPT``: day 1 is the day after the day of receipt; due
    at the end (23:59:59 local) of the last day.
    ``CLOSE_OF_BUSINESS``: due at close of business on the last day counted
    from the day after the day of receipt.

    .. versionadded:: 0.1.0
    """

    FROM_RECEIPT = "from_receipt"
    FROM_DAY_AFTER_RECEIPT = "from_day_after_receipt"
    CLOSE_OF_BUSINESS = "close_of_business"

    @property
    def ends(self) -> str:
        """Say when the last day ends (same time, end of day or close of business).

        A rule that says "by the end of" a day (DISP 1.6.2R, DISP 1.6.2AR)
        ends at the end of the day; one that says "by close of business"
        (DISP 1.5.1R) at the calendar's close of business.

        .. versionadded:: 0.2.0
        """
        return _ENDS[self.value]


_ENDS = {
    "from_receipt": "same time",
    "from_day_after_receipt": "end of day",
    "close_of_business": "close of business",
}


class DeadlineKind(str, enum.Enum):
    """What missing a deadline means.

    ``LIMIT``: a regulatory time limit (missing it is a breach). ``TARGET``: an
    organisation's own target (missing it is reported as breached too).
    ``WINDOW``: a fast path open until the due date (missing it only closes
    the window, it is never a breach).

    .. versionadded:: 0.1.0
    """

    LIMIT = "limit"
    TARGET = "target"
    WINDOW = "window"


def _json_mapping(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dict):
        raise ValidationError.single(attribute.name, "must be a mapping of JSON data")
    check_json(value, attribute.name)


def _event_name(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z][A-Za-z0-9]*", value):
        raise ValidationError.single(attribute.name, "must be a CamelCase event name")


def _amount(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError.single(
            attribute.name, f"must be an integer, not {type(value).__name__}"
        )
    if value < 1:
        raise ValidationError.single(
            attribute.name, "must be a positive amount (at least 1)"
        )
    if value > _MAX_AMOUNT:
        raise ValidationError.single(attribute.name, f"must be at most {_MAX_AMOUNT}")


def _step(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if (
        not isinstance(value, str)
        or not _STEP.fullmatch(value)
        or len(value) > _MAX_NAME
    ):
        raise ValidationError.single(attribute.name, "must be a snake_case step name")


def _copy_dict(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value


@attrs.frozen(kw_only=True)
class EventMatch:
    """A history event that meets or triggers something: its name and required data.

    Args:
        event: The ``HistoryEvent.name``, e.g. ``HoldingResponseSent``.
        data: Keys the event's data must hold with exactly these values.

    .. versionadded:: 0.1.0
    """

    event: str = attrs.field(validator=_event_name)
    data: dict[str, Any] = attrs.field(
        factory=dict, converter=_copy_dict, validator=_json_mapping
    )

    def matches(self, name: str, data: dict[str, Any]) -> bool:
        """Tell whether an event with ``name`` and ``data`` matches.

        Returns:
            ``True`` when the names are equal and every required key holds
            the required value.
        """
        if name != self.event:
            return False
        return all(
            key in data and data[key] == value for key, value in self.data.items()
        )


@attrs.frozen(kw_only=True)
class ClassificationMatch:
    """Which complaints an override applies to; every non-empty field must match.

    Args:
        categories: ``Classification.category`` values (any of them).
        tags: ``Classification.tags`` (the complaint must carry any of them).
        severities: ``Severity`` values such as ``"high"`` (any of them).
        products: ``Subject.product`` values (any of them).

    .. versionadded:: 0.1.0
    """

    categories: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    tags: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    severities: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )
    products: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str)
    )

    def __attrs_post_init__(self) -> None:
        """Refuse a match that would apply to every complaint."""
        if not (self.categories or self.tags or self.severities or self.products):
            raise ValidationError.single(
                "", "must name a category, tag, severity or product"
            )

    def describe(self) -> str:
        """Return a short text for tables, e.g. ``tags: hardship``."""
        parts = [
            f"{label}: {', '.join(values)}"
            for label, values in (
                ("category", self.categories),
                ("tags", self.tags),
                ("severity", self.severities),
                ("product", self.products),
            )
            if values
        ]
        return "; ".join(parts)


@attrs.frozen(kw_only=True)
class Override:
    """A different limit for complaints of some classification.

    Args:
        when: Which complaints it applies to.
        amount: The limit for them, in ``measure``.
        measure: The unit (the deadline's own when ``None``).
        citation: The rule that sets it.
        starts_at: Events that start the count for these complaints instead
            of receipt (the deadline's own when empty).
        restart_by: Events that start the count afresh for them (the
            deadline's own when empty).

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``starts_at`` and ``restart_by``.
    """

    when: ClassificationMatch = attrs.field(validator=instance_of(ClassificationMatch))
    amount: int = attrs.field(validator=_amount)
    measure: Measure | None = attrs.field(
        default=None, validator=optional(instance_of(Measure))
    )
    citation: str = attrs.field(
        default="", validator=text(allow_empty=True, max_length=300)
    )
    starts_at: tuple[EventMatch, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(EventMatch, max_items=20)
    )
    restart_by: tuple[EventMatch, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(EventMatch, max_items=20)
    )


@attrs.frozen(kw_only=True)
class Extension:
    """A second limit a step moves to when one of ``triggers`` happens.

    Args:
        amount: The extended limit, counted from receipt like the first one.
        measure: Its unit (the deadline's own when ``None``).
        triggers: Events that move the deadline (a holding response by default).
        by_original_due: Only a trigger at or before the first due date counts.
        citation: The rule that allows it.
        requires_data: Keys a trigger's data must hold with a non-empty value
            (e.g. ``reason``: a delay notice must give its reasons).
        until_key: A key of the trigger's data holding the new due instant
            (ISO 8601 with an offset, or a date: the end of that local day)
            instead of ``amount``: an open-ended extension such as RG 271's
            delay notification, bounded by the date the firm gave.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``requires_data`` and ``until_key``.
    """

    amount: int = attrs.field(validator=_amount)
    measure: Measure | None = attrs.field(
        default=None, validator=optional(instance_of(Measure))
    )
    triggers: tuple[EventMatch, ...] = attrs.field(
        default=(EventMatch(event=standard_event(Meaning.HOLDING_RESPONSE)),),
        converter=to_tuple,
        validator=tuple_of(EventMatch, max_items=20),
    )
    by_original_due: bool = attrs.field(default=True, validator=instance_of(bool))
    citation: str = attrs.field(
        default="", validator=text(allow_empty=True, max_length=300)
    )
    requires_data: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(str, max_items=20)
    )
    until_key: str | None = attrs.field(
        default=None, validator=optional(text(max_length=100))
    )

    def accepts(self, data: dict[str, Any]) -> bool:
        """Tell whether a trigger's data holds every required, non-empty value."""
        return all(
            stated(data, key) not in (None, "", False) for key in self.requires_data
        )


def stated(data: Mapping[str, Any], key: str) -> Any:
    """Return ``data[key]``; a ``reason`` is also stated by a ``reason_code``.

    Since 0.2.0 a step's free-text reason is a personal note and its event
    records ``reason_code`` (see :class:`iso10002.model.StepNote`).
    """
    value = data.get(key)
    if key == "reason" and value in (None, ""):
        return data.get("reason_code")
    return value


_DEFAULT_MET_BY = {
    "acknowledge": (EventMatch(event=standard_event(Meaning.ACKNOWLEDGED)),),
    "final_response": (EventMatch(event=standard_event(Meaning.COMMUNICATED)),),
}


@attrs.frozen(kw_only=True)
class Deadline:
    """One step's time limit: by when, counted how, met by which events.

    Args:
        step: The step's name, e.g. ``acknowledge`` or ``final_response``.
        measure: The unit of ``amount``.
        amount: How many units (at least 1).
        clock: How counting starts and ends.
        kind: A regulatory limit, an own target, or a fast-path window.
        pausable: Whether the clock stops while the complaint waits for the
            complainant (only if the pack allows pausing).
        deem_next_business_day: Treat a complaint received on a closed day or
            after close of business as received on the next business day.
        met_by: Events that meet the step (for ``acknowledge`` and
            ``final_response``, ``ComplaintAcknowledged`` and
            ``DecisionCommunicated`` when empty).
        extension: A second limit after a holding response, if allowed.
        overrides: Other limits for some classifications; the first match wins.
        summary: What the rule requires, in our words.
        citation: The rule, e.g. ``DISP 1.6.2R``.
        starts_at: Events that start the count instead of receipt (the
            first one; receipt until one happens), e.g. the CFPB's "sent to
            the company".
        restart_by: Events after which the count starts afresh from the
            event (the latest one before the due instant), e.g. information
            a hardship decision waited for.

    Raises:
        ValidationError: for negative or zero amounts and any other bad field.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``starts_at`` and ``restart_by``.
    """

    step: str = attrs.field(validator=_step)
    measure: Measure = attrs.field(validator=instance_of(Measure))
    amount: int = attrs.field(validator=_amount)
    clock: Counting = attrs.field(
        default=Counting.FROM_RECEIPT, validator=instance_of(Counting)
    )
    kind: DeadlineKind = attrs.field(
        default=DeadlineKind.LIMIT, validator=instance_of(DeadlineKind)
    )
    pausable: bool = attrs.field(default=True, validator=instance_of(bool))
    deem_next_business_day: bool = attrs.field(
        default=False, validator=instance_of(bool)
    )
    met_by: tuple[EventMatch, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(EventMatch, max_items=20)
    )
    extension: Extension | None = attrs.field(
        default=None, validator=optional(instance_of(Extension))
    )
    overrides: tuple[Override, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(Override, max_items=50)
    )
    summary: str = attrs.field(
        default="", validator=text(allow_empty=True, max_length=500)
    )
    citation: str = attrs.field(
        default="", validator=text(allow_empty=True, max_length=300)
    )
    starts_at: tuple[EventMatch, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(EventMatch, max_items=20)
    )
    restart_by: tuple[EventMatch, ...] = attrs.field(
        default=(), converter=to_tuple, validator=tuple_of(EventMatch, max_items=20)
    )

    def __attrs_post_init__(self) -> None:
        """Check that the step can be met by some event and hours count from receipt."""
        if self.measure is Measure.HOURS and self.clock is not Counting.FROM_RECEIPT:
            raise ValidationError.single("clock", "hours are counted from_receipt only")
        if not self.met_by and self.step not in _DEFAULT_MET_BY:
            raise ValidationError.single(
                "met_by", f"must list the events that meet {self.step!r}"
            )

    @property
    def meeting_events(self) -> tuple[EventMatch, ...]:
        """Return the events that meet this step (the defaults when none are listed)."""
        return self.met_by or _DEFAULT_MET_BY[self.step]


def _pack_name(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if (
        not isinstance(value, str)
        or not _PACK_NAME.fullmatch(value)
        or len(value) > _MAX_NAME
    ):
        raise ValidationError.single(
            attribute.name, "must be a dotted lowercase name such as 'uk.fca.disp'"
        )


def _version(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError.single(attribute.name, "must be an integer of at least 1")


@attrs.frozen(kw_only=True)
class Pack:
    """A versioned set of deadlines from one rulebook, with citations.

    Args:
        name: Dotted name, e.g. ``uk.fca.disp``.
        version: Version of this pack's data (higher is newer).
        title: Human title.
        effective_from: First day the rules apply.
        source: The rulebook, e.g. ``FCA Handbook, DISP 1``.
        pausing_allowed: Whether any clock may stop while waiting for the
            complainant; ``pausing_note`` says why or why not.
        pausing_note: The rule (or the lack of one) on stopping the clock.
        void_by: Events after which unmet steps no longer apply (withdrawal,
            not a complaint).
        deadlines: The steps' deadlines (unique step names).
        notes: Anything else a reader must know, paraphrased.

    Raises:
        ValidationError: for duplicate steps, a pausable deadline in a pack
            that forbids pausing, and any bad field.

    .. versionadded:: 0.1.0
    """

    name: str = attrs.field(validator=_pack_name)
    version: int = attrs.field(default=1, validator=_version)
    title: str = attrs.field(validator=text(max_length=200))
    effective_from: date = attrs.field(validator=instance_of(date))
    source: str = attrs.field(
        default="", validator=text(allow_empty=True, max_length=300)
    )
    pausing_allowed: bool = attrs.field(default=True, validator=instance_of(bool))
    pausing_note: str = attrs.field(
        default="", validator=text(allow_empty=True, max_length=500)
    )
    void_by: tuple[EventMatch, ...] = attrs.field(
        default=(
            EventMatch(event=standard_event(Meaning.WITHDRAWN)),
            EventMatch(event=standard_event(Meaning.REJECTED)),
        ),
        converter=to_tuple,
        validator=tuple_of(EventMatch, max_items=20),
    )
    deadlines: tuple[Deadline, ...] = attrs.field(
        converter=to_tuple, validator=tuple_of(Deadline, max_items=50)
    )
    notes: str = attrs.field(
        default="", validator=text(allow_empty=True, max_length=2000, multiline=True)
    )

    def __attrs_post_init__(self) -> None:
        """Check the rules that tie the deadlines to the pack."""
        problems: list[tuple[str, str]] = []
        if not self.deadlines:
            problems.append(("deadlines", "must hold at least one deadline"))
        seen: set[str] = set()
        for i, deadline in enumerate(self.deadlines):
            if deadline.step in seen:
                problems.append(
                    (f"deadlines[{i}].step", f"duplicate step {deadline.step!r}")
                )
            seen.add(deadline.step)
            if deadline.pausable and not self.pausing_allowed:
                problems.append(
                    (
                        f"deadlines[{i}].pausable",
                        "must be false: this pack forbids pausing",
                    )
                )
        if problems:
            raise ValidationError(problems)

    def deadline(self, step: str) -> Deadline:
        """Return the deadline of ``step``.

        Raises:
            ValidationError: if the pack has no such step.
        """
        for deadline in self.deadlines:
            if deadline.step == step:
                return deadline
        raise ValidationError.single("step", f"pack {self.name!r} has no step {step!r}")
