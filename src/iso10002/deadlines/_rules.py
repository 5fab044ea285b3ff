"""Deadline rules as data: a step's deadline, its extension and its overrides."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from iso10002.deadlines._matches import ClassificationMatch, EventMatch
from iso10002.deadlines._measures import Counting, DeadlineKind, Measure
from iso10002.deadlines._rule_checks import check_amount, check_step
from iso10002.errors import ValidationError
from iso10002.validators import (
    instance_of,
    optional,
    text,
    to_tuple,
    tuple_of,
)
from iso10002.vocabulary import Meaning, standard_event

__all__ = ["Deadline", "Extension", "Override", "stated"]


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
    amount: int = attrs.field(validator=check_amount)
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

    amount: int = attrs.field(validator=check_amount)
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

    step: str = attrs.field(validator=check_step)
    measure: Measure = attrs.field(validator=instance_of(Measure))
    amount: int = attrs.field(validator=check_amount)
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
