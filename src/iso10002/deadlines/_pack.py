"""A regulatory pack: a versioned set of deadlines from one rulebook."""

from __future__ import annotations

from datetime import date

import attrs

from iso10002.deadlines._matches import EventMatch
from iso10002.deadlines._rule_checks import check_pack_name, check_version
from iso10002.deadlines._rules import Deadline
from iso10002.errors import ValidationError
from iso10002.validators import instance_of, text, to_tuple, tuple_of
from iso10002.vocabulary import Meaning, standard_event

__all__ = ["Pack"]


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

    name: str = attrs.field(validator=check_pack_name)
    version: int = attrs.field(default=1, validator=check_version)
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
