"""The declarative import mapping: source columns to model fields, as data."""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Mapping
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from iso10002.errors import ValidationError
from iso10002.interchange._fields import EVENTS, FIELDS, FieldKind, field_spec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["EventRule", "ImportMapping", "load_mapping"]

_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")
_MAX_COLUMN = 200
_MAX_ITEMS = 500
_CONTRADICTIONS = ("refuse", "keep-source-order")
_TOP_KEYS = frozenset(
    {
        "name",
        "format",
        "key",
        "zone",
        "date_formats",
        "actor",
        "contradictions",
        "pack",
        "columns",
        "constants",
        "defaults",
        "values",
        "events",
    }
)


@attrs.frozen(kw_only=True)
class EventRule:
    """Which source column says that a history event happened, and when.

    Args:
        event: The event's key in :data:`~iso10002.interchange.IMPORT_EVENTS`.
        column: The source column.
        when: When empty, the column holds the event's date or datetime.
            Otherwise the column holds a flag: the event happened when the
            value is one of these, and its instant is that of event ``at``
            (the instant is then recorded as unknown).
        at: The event whose instant a flagged event takes.

    .. versionadded:: 0.2.0
    """

    event: str
    column: str
    when: tuple[str, ...] = ()
    at: str | None = None


@attrs.frozen(kw_only=True, slots=False)
class ImportMapping:
    """How the rows of one source become complaints (see ``docs/howto/import.md``).

    Build it with :meth:`from_dict` or :func:`load_mapping`; every problem of
    a mapping is reported at once.

    Args:
        name: Names the source; recorded on every imported event and part of
            every imported complaint's id (so ids are stable across runs).
        key: The source column holding each row's unique key.
        format: ``csv``, ``jsonl`` or ``json``; by the file's suffix when ``None``.
        zone: The IANA zone of dates and datetimes written without an offset.
        date_formats: ``strptime`` formats tried in order after ISO 8601.
        actor: Who the imported events name as their actor.
        contradictions: ``refuse`` a row whose dates run backwards, or
            ``keep-source-order``: keep the events in their order, give the
            later one the earlier instant, and record the source's instant.
        pack: A deadline pack (e.g. ``us.cfpb``) whose due dates are
            projected on each complaint, counted on weekdays in ``zone``
            (a receipt known only to the day counts from that day's start).
        columns: Model field to source column(s).
        constants: Model field to a value used for every row.
        defaults: Model field to a value used when its column is empty.
        values: Model field to a table of source value to stored value
            (``"*"`` matches any other value).
        events: The history events to synthesise, in history order.

    .. versionadded:: 0.2.0
    """

    name: str
    key: str
    format: str | None = None
    zone: str = "UTC"
    date_formats: tuple[str, ...] = ()
    actor: str = "import"
    contradictions: str = "refuse"
    pack: str | None = None
    columns: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    constants: Mapping[str, str] = attrs.field(factory=dict)
    defaults: Mapping[str, str] = attrs.field(factory=dict)
    values: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    events: tuple[EventRule, ...] = ()

    @property
    def tzinfo(self) -> ZoneInfo:
        """Return the zone of naive dates."""
        return ZoneInfo(self.zone)

    @functools.cached_property
    def used(self) -> frozenset[str]:
        """Return the fields the mapping fills (by a column, constant or default)."""
        return frozenset({*self.columns, *self.constants, *self.defaults})

    @classmethod
    def from_dict(cls, data: Any) -> ImportMapping:
        """Build a mapping from plain data (a parsed TOML or JSON file).

        Args:
            data: The mapping's tables.

        Returns:
            The checked mapping.

        Raises:
            ValidationError: listing every problem, each at its path.

        .. versionadded:: 0.2.0
        """
        return _Reader().read(data)


def load_mapping(path: str | Path) -> ImportMapping:
    """Read an import mapping from a TOML file (or a JSON one, by suffix).

    Args:
        path: The mapping file.

    Returns:
        The checked mapping.

    Raises:
        ValidationError: if the file cannot be read or parsed, or for every
            problem in it.

    .. versionadded:: 0.2.0
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
        data = (
            json.loads(text) if file.suffix.lower() == ".json" else tomllib.loads(text)
        )
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ValidationError.single(str(file), f"cannot be read ({exc})") from None
    return ImportMapping.from_dict(data)


def _plain(value: Any) -> Any:
    if isinstance(value, (date, time)):  # TOML dates; datetime is a date
        return value.isoformat()
    return value


class _Reader:
    """Collect every problem of a mapping while reading it."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def text(self, path: str, value: Any, *, limit: int = _MAX_COLUMN) -> str | None:
        value = _plain(value)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(path, f"must be text, not {type(value).__name__}")
            return None
        result = str(value)
        if len(result) > limit or any(ord(c) < 32 for c in result):  # noqa: PLR2004
            self.fail(path, f"must be one line of at most {limit} characters")
            return None
        return result

    def table(self, path: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, "must be a table")
            return {}
        if len(value) > _MAX_ITEMS:
            self.fail(path, f"must have at most {_MAX_ITEMS} entries")
            return {}
        return value

    def field(self, path: str, name: str) -> bool:
        if field_spec(name) is None:
            self.fail(
                path,
                f"is not an importable field (one of {sorted(FIELDS)}, or "
                "external_ids.<system> with a lower-case system code)",
            )
            return False
        return True

    def read(self, data: Any) -> ImportMapping:
        top = self.table("", data)
        for unknown in sorted(set(top) - _TOP_KEYS):
            self.fail(unknown, "is not a mapping setting")
        name: str | None = self.text("name", top.get("name", ""))
        if name is not None and not _NAME.fullmatch(name):
            self.fail("name", "must be 1-40 lowercase letters, digits, '.', '_', '-'")
        key = self.text("key", top.get("key"))
        if key == "":
            self.fail("key", "must name the column of each row's unique key")
        fmt = top.get("format")
        if fmt is not None and fmt not in ("csv", "jsonl", "json"):
            self.fail("format", "must be 'csv', 'jsonl' or 'json'")
        zone = self.text("zone", top.get("zone", "UTC")) or "UTC"
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail("zone", f"{zone!r} is not an IANA time zone")
        checked_formats = self.formats(top.get("date_formats", []))
        actor = self.text("actor", top.get("actor", "import")) or "import"
        pack = top.get("pack")
        if pack is not None:
            pack = self.pack(pack)
        contradictions = top.get("contradictions", "refuse")
        if contradictions not in _CONTRADICTIONS:
            self.fail("contradictions", f"must be one of {list(_CONTRADICTIONS)}")
        columns = self.columns(top.get("columns", {}))
        constants = self.scalars("constants", top.get("constants", {}))
        defaults = self.scalars("defaults", top.get("defaults", {}))
        values = self.values(top.get("values", {}))
        events = self.events(top.get("events", {}))
        if "received_at" not in columns and "received_at" not in constants:
            self.fail("columns.received_at", "is required (when was it received?)")
        if self.problems:
            raise ValidationError(self.problems)
        return ImportMapping(
            name=name or "",
            key=key or "",
            format=fmt,
            zone=zone,
            date_formats=tuple(checked_formats),
            actor=actor,
            contradictions=str(contradictions),
            pack=pack,
            columns=columns,
            constants=constants,
            defaults=defaults,
            values=values,
            events=events,
        )

    def pack(self, value: Any) -> str | None:
        from iso10002.deadlines import get_pack  # noqa: PLC0415 - only when named

        name = self.text("pack", value)
        if name is None:
            return None
        try:
            get_pack(name)
        except ValidationError as exc:
            self.fail("pack", exc.problems[0][1])
            return None
        return name

    def formats(self, formats: Any) -> list[str]:
        if not isinstance(formats, list) or len(formats) > _MAX_ITEMS:
            self.fail("date_formats", "must be a list of strptime formats")
            return []
        checked = []
        for i, item in enumerate(formats):
            text = self.text(f"date_formats[{i}]", item)
            if text is not None:
                if "%" not in text:
                    self.fail(f"date_formats[{i}]", "must be a strptime format")
                checked.append(text)
        return checked

    def columns(self, value: Any) -> dict[str, tuple[str, ...]]:
        result: dict[str, tuple[str, ...]] = {}
        for field, source in self.table("columns", value).items():
            path = f"columns.{field}"
            if not self.field(path, field):
                continue
            items = source if isinstance(source, list) else [source]
            spec = field_spec(field)
            many = spec is not None and spec.kind is FieldKind.LIST
            if len(items) != 1 and not many:
                self.fail(path, "must name one column")
                continue
            names = [self.text(f"{path}[{i}]", c) for i, c in enumerate(items)]
            if all(n for n in names):
                result[field] = tuple(n for n in names if n)
            else:
                self.fail(path, "must name a column")
        return result

    def scalars(self, where: str, value: Any) -> dict[str, str]:
        result: dict[str, str] = {}
        for field, item in self.table(where, value).items():
            path = f"{where}.{field}"
            if self.field(path, field):
                text = self.text(path, item, limit=20_000)
                if text is not None:
                    result[field] = text
        return result

    def values(self, value: Any) -> dict[str, dict[str, str]]:
        result: dict[str, dict[str, str]] = {}
        for field, table in self.table("values", value).items():
            path = f"values.{field}"
            if not self.field(path, field):
                continue
            entries: dict[str, str] = {}
            for source, target in self.table(path, table).items():
                text = self.text(f"{path}.{source}", target, limit=20_000)
                if text is not None:
                    entries[source] = text
            result[field] = entries
        return result

    def events(self, value: Any) -> tuple[EventRule, ...]:
        table = self.table("events", value)
        rules: list[EventRule] = []
        for event in EVENTS:
            if event not in table:
                continue
            path = f"events.{event}"
            item = table[event]
            if isinstance(item, dict):
                rules.append(self.flag(path, event, item))
            else:
                column = self.text(path, item)
                if column:
                    rules.append(EventRule(event=event, column=column))
        for event in sorted(set(table) - set(EVENTS)):
            self.fail(f"events.{event}", f"is not an event (one of {list(EVENTS)})")
        return tuple(rules)

    def flag(self, path: str, event: str, item: dict[str, Any]) -> EventRule:
        for extra in sorted(set(item) - {"column", "when", "at"}):
            self.fail(f"{path}.{extra}", "is not an event setting")
        column = self.text(f"{path}.column", item.get("column")) or ""
        when = item.get("when", [])
        if not isinstance(when, list) or not when:
            self.fail(f"{path}.when", "must list the values that mean it happened")
            when = []
        flags = tuple(t for t in (self.text(f"{path}.when", w) for w in when) if t)
        at = item.get("at")
        if at not in EVENTS or at == event:
            self.fail(f"{path}.at", f"must name another event (one of {list(EVENTS)})")
            at = None
        return EventRule(event=event, column=column, when=flags, at=at)
