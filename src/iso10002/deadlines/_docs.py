"""Markdown tables of packs, generated from their data for the documentation."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from iso10002.deadlines._matches import EventMatch
from iso10002.deadlines._measures import Counting, Measure
from iso10002.deadlines._pack import Pack
from iso10002.deadlines._registry import BUILTIN_PACKS, get_pack
from iso10002.deadlines._rules import Deadline
from iso10002.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["pack_table", "packs_markdown"]

_UNITS = {
    Measure.HOURS: "hours",
    Measure.CALENDAR_DAYS: "calendar days",
    Measure.BUSINESS_DAYS: "business days",
    Measure.WEEKS: "weeks",
}
_CLOCKS = {
    Counting.FROM_RECEIPT: "from the instant of receipt",
    Counting.FROM_DAY_AFTER_RECEIPT: "counted from the day after the day of receipt",
    Counting.CLOSE_OF_BUSINESS: "counted from the day after the day of receipt",
}


def _amount(amount: int, measure: Measure) -> str:
    unit = _UNITS[measure]
    return f"{amount} {unit[:-1] if amount == 1 else unit}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _limit(deadline: Deadline) -> str:
    parts = [
        f"{_amount(deadline.amount, deadline.measure)} ({_CLOCKS[deadline.clock]})"
    ]
    if deadline.deem_next_business_day:
        parts.append(
            "receipt after close of business counts from the next business day"
        )
    parts.extend(_starts(deadline.starts_at, deadline.restart_by))
    extension = deadline.extension
    if extension is not None:
        limit = _amount(extension.amount, extension.measure or deadline.measure)
        if extension.until_key:
            limit = f"until its {extension.until_key}"
        events = ", ".join(m.event for m in extension.triggers)
        needs = ", ".join(extension.requires_data)
        with_data = f" with {needs}" if needs else ""
        parts.append(f"{limit} after {events}{with_data} ({extension.citation})")
    for o in deadline.overrides:
        extra = "".join(f" ({s})" for s in _starts(o.starts_at, o.restart_by))
        limit = _amount(o.amount, o.measure or deadline.measure)
        cited = f" ({o.citation})" if o.citation not in ("", deadline.citation) else ""
        parts.append(f"{limit} for {o.when.describe()}{extra}{cited}")
    return "; ".join(parts)


def _starts(
    starts_at: tuple[EventMatch, ...], restart_by: tuple[EventMatch, ...]
) -> list[str]:
    found = []
    if starts_at:
        found.append("counted from " + ", ".join(m.event for m in starts_at))
    if restart_by:
        found.append("counted afresh from " + ", ".join(m.event for m in restart_by))
    return found


def _met_by(deadline: Deadline) -> str:
    found = []
    for match in deadline.meeting_events:
        data = ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(match.data.items()))
        found.append(f"{match.event} ({data})" if data else match.event)
    return ", ".join(found)


def pack_table(pack: Pack) -> str:
    """Render one pack as a Markdown section: heading, facts and a table of rules.

    Args:
        pack: The pack.

    Returns:
        Markdown text ending with a newline.

    Raises:
        ValidationError: if ``pack`` is not a :class:`Pack`.

    .. versionadded:: 0.1.0
    """
    if not isinstance(pack, Pack):
        raise ValidationError.single("pack", "must be a Pack")
    lines = [
        f"## `{pack.name}`: {pack.title}",
        "",
        (
            f"Version {pack.version}, "
            f"in effect from {pack.effective_from.isoformat()}. "
            f"Source: {pack.source or 'organisation-defined'}."
        ),
        "",
        (
            f"Pausing: {'allowed' if pack.pausing_allowed else 'not allowed'}. "
            f"{pack.pausing_note}"
        ).rstrip(),
        "",
        "| step | kind | limit | ends | pauses | met by | rule | citation |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines.extend(
        "| "
        + " | ".join(
            _cell(cell)
            for cell in (
                d.step,
                d.kind.value,
                _limit(d),
                d.clock.ends,
                "yes" if d.pausable else "no",
                _met_by(d),
                d.summary,
                d.citation,
            )
        )
        + " |"
        for d in pack.deadlines
    )
    if pack.notes:
        lines += ["", pack.notes]
    return "\n".join(lines) + "\n"


def packs_markdown(names: Iterable[str] = BUILTIN_PACKS) -> str:
    """Render the tables of several registered packs, one section each.

    Args:
        names: Pack names (the shipped packs by default).

    Returns:
        Markdown text, sections separated by a blank line.

    Raises:
        ValidationError: for an unknown pack name.

    .. versionadded:: 0.1.0
    """
    return "\n".join(pack_table(get_pack(name)) for name in names)


_START = "<!-- packs:start -->"
_END = "<!-- packs:end -->"


def _rewrite(path: str) -> None:  # pragma: no cover - a maintainer's command
    from pathlib import Path  # noqa: PLC0415 - only for the command

    page = Path(path)
    text = page.read_text(encoding="utf-8")
    head, rest = text.split(_START, 1)
    tail = rest.split(_END, 1)[1]
    page.write_text(
        f"{head}{_START}\n\n{packs_markdown()}\n{_END}{tail}", encoding="utf-8"
    )


if __name__ == "__main__":  # pragma: no cover
    import sys

    _rewrite(sys.argv[1])
