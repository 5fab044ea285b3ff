"""The converter's hooks for JSON scalars, times, durations, decimals and enums.

Structuring is strict: each hook accepts only the JSON type its target is
written as and raises ``TypeError``/``ValueError`` with a message starting
with "must", which becomes the problem's message (see ``_errors``).
"""

from __future__ import annotations

import enum
import operator
import re
import typing
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

__all__ = [
    "PASSTHROUGH",
    "copy_json",
    "is_homogeneous_tuple",
    "is_optional",
    "model_enums",
    "optional_model",
    "structure_bool",
    "structure_date",
    "structure_datetime",
    "structure_decimal",
    "structure_enum",
    "structure_float",
    "structure_int",
    "structure_str",
    "structure_timedelta",
    "unstructure_enum",
    "unstructure_timedelta",
]


def model_enums() -> tuple[type[enum.Enum], ...]:
    from iso10002 import model  # noqa: PLC0415 - keep import light

    found = (getattr(model, name) for name in model.__all__)
    return tuple(
        value
        for value in found
        if isinstance(value, type)
        and issubclass(value, enum.Enum)
        and value is not enum.Enum
    )


def structure_str(value: Any, target: Any) -> str:
    if target is not str and _is_enum(target):
        return structure_enum(value, target)  # type: ignore[return-value]
    if not isinstance(value, str):
        msg = f"must be a string, not {type(value).__name__}"
        raise TypeError(msg)
    return value


def structure_int(value: Any, target: Any) -> int:
    if target is not int and _is_enum(target):
        return structure_enum(value, target)  # type: ignore[return-value]
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"must be an integer, not {type(value).__name__}"
        raise TypeError(msg)
    return value


def structure_float(value: Any, _: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        msg = f"must be a number, not {type(value).__name__}"
        raise TypeError(msg)
    return float(value)


def structure_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        msg = f"must be true or false, not {type(value).__name__}"
        raise TypeError(msg)
    return value


def structure_datetime(value: Any, _: Any) -> datetime:
    if not isinstance(value, str):
        msg = f"must be an ISO 8601 string, not {type(value).__name__}"
        raise TypeError(msg)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        msg = f"must be an ISO 8601 date-time, not {value[:40]!r}"
        raise ValueError(msg) from None
    if parsed.utcoffset() is None:
        msg = "must carry a UTC offset (naive date-times are refused)"
        raise ValueError(msg)
    return parsed.astimezone(timezone.utc)


def structure_date(value: Any, _: Any) -> date:
    if not isinstance(value, str):
        msg = f"must be a YYYY-MM-DD string, not {type(value).__name__}"
        raise TypeError(msg)
    try:
        return date.fromisoformat(value)
    except ValueError:
        msg = f"must be a YYYY-MM-DD date, not {value[:40]!r}"
        raise ValueError(msg) from None


_DURATION = re.compile(
    r"(?P<sign>-?)P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?"
)


def structure_timedelta(value: Any, _: Any) -> timedelta:
    if not isinstance(value, str):
        kind = type(value).__name__
        msg = f"must be an ISO 8601 duration string such as 'P14D', not {kind}"
        raise TypeError(msg)
    found = _DURATION.fullmatch(value)
    if found is None or value.lstrip("-") in {"P", "PT"} or value.endswith("T"):
        msg = (
            "must be an ISO 8601 duration in weeks, days, hours, minutes and "
            f"seconds such as 'P14D' or 'PT36H', not {value[:40]!r}"
        )
        raise ValueError(msg)
    groups = found.groupdict()
    sign = -1 if groups.pop("sign") else 1
    parts = {k: float(v) for k, v in groups.items() if v is not None}
    try:
        return sign * timedelta(**parts)
    except OverflowError:
        msg = f"is too long a duration: {value[:40]!r}"
        raise ValueError(msg) from None


def unstructure_timedelta(value: timedelta) -> str:
    """Write a duration as ISO 8601 (``P14D``, ``PT36H``, ``-P1DT0.5S``)."""
    if value < timedelta(0):
        return "-" + unstructure_timedelta(-value)
    days, seconds, micros = value.days, value.seconds, value.microseconds
    hours, rest = divmod(seconds, 3600)
    minutes, whole = divmod(rest, 60)
    time = ""
    if hours:
        time += f"{hours}H"
    if minutes:
        time += f"{minutes}M"
    if whole or micros:
        time += f"{whole}.{micros:06d}".rstrip("0").rstrip(".") + "S"
    text = "P" + (f"{days}D" if days else "")
    if time:
        text += "T" + time
    return text if text != "P" else "PT0S"


def structure_decimal(value: Any, _: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        msg = f"must be a decimal string, not {type(value).__name__}"
        raise TypeError(msg)
    try:
        return Decimal(value)
    except InvalidOperation:
        msg = f"must be a decimal number, not {str(value)[:40]!r}"
        raise ValueError(msg) from None


def _is_enum(target: Any) -> bool:
    return isinstance(target, type) and issubclass(target, enum.Enum)


def structure_enum(value: Any, target: type[enum.Enum]) -> enum.Enum:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        msg = f"must be one of {[m.value for m in target]}, not {type(value).__name__}"
        raise TypeError(msg)
    try:
        return target(value)
    except ValueError:
        msg = f"must be one of {[m.value for m in target]}, not {str(value)[:40]!r}"
        raise ValueError(msg) from None


# An enum's value, read from the member's own slot: ``Enum.value`` is a
# Python-level descriptor, several times slower on every unstructured field.
unstructure_enum: typing.Callable[[enum.Enum], Any] = operator.attrgetter("_value_")


PASSTHROUGH = frozenset({str, int, bool, str | None, int | None, bool | None})


_SCALARS = frozenset({str, int, float, bool, type(None)})


def copy_json(value: Any) -> Any:
    """Copy JSON data (event data), tuples as lists, as cattrs' own hooks would.

    The model checked the data is JSON when the event was built, so only the
    containers need copying; a scalar is returned as it is.
    """
    kind = type(value)
    if kind is dict:
        return {
            key: item if type(item) in _SCALARS else copy_json(item)
            for key, item in value.items()
        }
    if kind is list or kind is tuple:
        return [item if type(item) in _SCALARS else copy_json(item) for item in value]
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [copy_json(item) for item in value]
    return value


def optional_model(target: Any) -> bool:
    """Tell whether ``target`` is ``X | None`` for a model class or enum ``X``."""
    args = getattr(target, "__args__", ())
    if len(args) != 2 or type(None) not in args:  # noqa: PLR2004 - X and None
        return False
    (inner,) = (a for a in args if a is not type(None))
    # On Python 3.10 ``tuple[X, ...]`` passes ``isinstance(_, type)``: exclude it.
    return (
        isinstance(inner, type)
        and typing.get_origin(inner) is None
        and (attrs.has(inner) or issubclass(inner, enum.Enum))
    )


def is_optional(target: Any) -> bool:
    """Tell whether ``target`` is ``X | None`` for one type ``X``."""
    args = typing.get_args(target)
    return len(args) == 2 and type(None) in args  # noqa: PLR2004 - X and None


def is_homogeneous_tuple(target: Any) -> bool:
    args = getattr(target, "__args__", ())
    return getattr(target, "__origin__", None) is tuple and args[1:] == (...,)
