"""The one cattrs converter; ``to_dict``, ``from_dict``, ``to_json``, ``from_json``.

Documents use plain JSON types: datetimes as ISO 8601 strings with their UTC
offset, dates as ``YYYY-MM-DD``, enums by value, decimals as strings, tuples as
lists. Structuring is strict: wrong types, missing or unknown fields, unknown
enum values and naive datetimes are refused, and every problem is reported at
once in one :class:`~iso10002.errors.ValidationError` with its field path.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import enum
import json
import re
import sys
import typing
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, TypeVar, cast

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.fns import identity
from cattrs.gen import make_dict_structure_fn

if sys.version_info < (3, 11):  # pragma: no cover - exercised on Python 3.10 only
    from exceptiongroup import BaseExceptionGroup

from iso10002.errors import Problem, ValidationError

__all__ = ["from_dict", "from_json", "make_converter", "to_dict", "to_json"]

T = TypeVar("T")

# The largest JSON text ``from_json`` reads (characters of a str, bytes of
# bytes): four times the longest document the model can build (about 160
# million characters, see docs/storage.md "Limits"), so whatever can be
# built can be read back, in any encoding.
_MAX_DOCUMENT = 2**30


def _model_enums() -> tuple[type[enum.Enum], ...]:
    from iso10002.model import _enums  # noqa: PLC0415 - keep import light

    return tuple(
        value
        for value in vars(_enums).values()
        if isinstance(value, type)
        and issubclass(value, enum.Enum)
        and value is not enum.Enum
    )


def _structure_str(value: Any, target: Any) -> str:
    if target is not str and _is_enum(target):
        return _structure_enum(value, target)  # type: ignore[return-value]
    if not isinstance(value, str):
        msg = f"must be a string, not {type(value).__name__}"
        raise TypeError(msg)
    return value


def _structure_int(value: Any, target: Any) -> int:
    if target is not int and _is_enum(target):
        return _structure_enum(value, target)  # type: ignore[return-value]
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"must be an integer, not {type(value).__name__}"
        raise TypeError(msg)
    return value


def _structure_float(value: Any, _: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        msg = f"must be a number, not {type(value).__name__}"
        raise TypeError(msg)
    return float(value)


def _structure_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        msg = f"must be true or false, not {type(value).__name__}"
        raise TypeError(msg)
    return value


def _structure_datetime(value: Any, _: Any) -> datetime:
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


def _structure_date(value: Any, _: Any) -> date:
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


def _structure_timedelta(value: Any, _: Any) -> timedelta:
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


def _unstructure_timedelta(value: timedelta) -> str:
    """Write a duration as ISO 8601 (``P14D``, ``PT36H``, ``-P1DT0.5S``)."""
    if value < timedelta(0):
        return "-" + _unstructure_timedelta(-value)
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


def _structure_decimal(value: Any, _: Any) -> Decimal:
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


def _structure_enum(value: Any, target: type[enum.Enum]) -> enum.Enum:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        msg = f"must be one of {[m.value for m in target]}, not {type(value).__name__}"
        raise TypeError(msg)
    try:
        return target(value)
    except ValueError:
        msg = f"must be one of {[m.value for m in target]}, not {str(value)[:40]!r}"
        raise ValueError(msg) from None


def _unstructure_enum(value: enum.Enum) -> Any:
    return value.value


def make_converter(*, detailed_validation: bool = True) -> cattrs.Converter:
    """Build the project's converter, with strict hooks for every model type.

    Each call returns a new converter; hooks are registered on it alone, never
    on cattrs' global converter.

    Args:
        detailed_validation: Collect every problem with its path (slower), or
            stop at the first one.

    Returns:
        A configured :class:`cattrs.Converter`.

    .. versionadded:: 0.1.0
    """
    converter = cattrs.Converter(
        forbid_extra_keys=True,
        detailed_validation=detailed_validation,
        unstruct_collection_overrides={tuple: list},
    )
    # Primitive hooks go through singledispatch, which would also catch
    # ``(str, Enum)`` subclasses: model enums get exact hooks, others are
    # routed to the enum hook from inside the primitive hooks.
    for primitive, hook in (
        (str, _structure_str),
        (int, _structure_int),
        (float, _structure_float),
        (bool, _structure_bool),
    ):
        converter.register_structure_hook(primitive, hook)
    for enum_cls in _model_enums():
        converter.register_structure_hook(enum_cls, _structure_enum)
        converter.register_unstructure_hook(enum_cls, _unstructure_enum)
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_unstructure_hook(datetime, datetime.isoformat)
    converter.register_structure_hook(date, _structure_date)
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_structure_hook(timedelta, _structure_timedelta)
    converter.register_unstructure_hook(timedelta, _unstructure_timedelta)
    converter.register_unstructure_hook(Decimal, str)
    # Optional JSON scalars unstructure to themselves; cattrs inlines an
    # ``identity`` hook into the code it generates instead of calling it.
    converter.register_unstructure_hook_func(lambda t: t in _PASSTHROUGH, identity)
    converter.register_unstructure_hook_factory(
        _optional_model, lambda t: _unstructure_optional(converter, t)
    )
    converter.register_unstructure_hook_func(lambda t: t == dict[str, Any], _copy_json)
    converter.register_unstructure_hook_factory(
        _is_homogeneous_tuple, lambda t: _unstructure_tuple(converter, t)
    )

    def attrs_structure_factory(cl: type[Any]) -> Any:
        if detailed_validation:
            return _detailed_attrs_hook(cl, converter)
        if cl.__module__.startswith("iso10002."):
            return _fast_model_hook(cl, converter)
        inner = make_dict_structure_fn(cl, converter)

        def structure(value: Any, target: Any) -> Any:
            if not isinstance(value, Mapping):
                msg = f"must be an object, not {type(value).__name__}"
                raise TypeError(msg)
            return inner(value, target)

        return structure

    converter.register_structure_hook_factory(attrs.has, attrs_structure_factory)
    converter.register_structure_hook_factory(
        _is_homogeneous_tuple,
        _structure_list_as_tuple(converter, detailed=detailed_validation),
    )
    return converter


_PASSTHROUGH = frozenset({str, int, bool, str | None, int | None, bool | None})


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _copy_json(value: Any) -> Any:
    """Copy JSON data (event data), tuples as lists, as cattrs' own hooks would.

    The model checked the data is JSON when the event was built, so only the
    containers need copying; a scalar is returned as it is.
    """
    kind = type(value)
    if kind is dict:
        return {
            key: item if type(item) in _SCALARS else _copy_json(item)
            for key, item in value.items()
        }
    if kind is list or kind is tuple:
        return [item if type(item) in _SCALARS else _copy_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _copy_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy_json(item) for item in value]
    return value


def _optional_model(target: Any) -> bool:
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


def _unstructure_optional(converter: cattrs.Converter, target: Any) -> Any:
    """Unstructure ``X | None`` with ``X``'s own hook, without a runtime dispatch."""
    (inner,) = (a for a in target.__args__ if a is not type(None))
    hook = converter.get_unstructure_hook(inner)

    def unstructure(value: Any) -> Any:
        return None if value is None else hook(value)

    return unstructure


def _unstructure_tuple(converter: cattrs.Converter, target: Any) -> Any:
    """Unstructure ``tuple[X, ...]`` to a list, as cattrs would, without a generator."""
    item = target.__args__[0]
    if item in _PASSTHROUGH:
        return list
    hook = converter.get_unstructure_hook(item)

    def unstructure(value: tuple[Any, ...]) -> list[Any]:
        return [hook(element) for element in value]

    return unstructure


def _fast_datetime(value: Any, _: Any) -> datetime:
    return datetime.fromisoformat(value)


def _fast_model_hook(cl: type[Any], converter: cattrs.Converter) -> Any:
    """Structure one of our own model classes on the fast path.

    Our model fields validate their own types at construction (datetimes their
    awareness too), so primitives pass straight through and the class's
    validators refuse anything wrong. The fast path expects every field to be
    present, as ``to_dict`` writes them; anything else fails here and is then
    handled, and described in full, by the detailed converter.
    """
    fields = attrs.fields(attrs.resolve_types(cl))
    names = frozenset(a.name for a in fields)
    namespace: dict[str, Any] = {"cl": cl, "names": names}
    args = []
    for i, a in enumerate(fields):
        if a.validator is not None and a.type in _PASSTHROUGH:
            args.append(f"{a.name}=value[{a.name!r}]")
            continue
        if a.validator is not None and a.type is datetime:
            hook: Any = _fast_datetime
        elif a.validator is not None and a.type == datetime | None:
            hook = _optional(_fast_datetime)
        else:
            hook = converter.get_structure_hook(a.type)
        namespace[f"h{i}"], namespace[f"t{i}"] = hook, a.type
        args.append(f"{a.name}=h{i}(value[{a.name!r}], t{i})")
    source = (
        "def structure(value, _target):\n"
        "    if len(value) != len(names) or not names.issuperset(value):\n"
        "        raise KeyError('fields')\n"
        f"    return cl({', '.join(args)})\n"
    )
    exec(compile(source, f"<iso10002 structure {cl.__qualname__}>", "exec"), namespace)  # noqa: S102 - generated from our own field names
    return namespace["structure"]


def _structure_list_as_tuple(converter: cattrs.Converter, *, detailed: bool) -> Any:
    """Make the hook factory for ``tuple[X, ...]``: JSON arrays only, never strings."""

    def factory(target: Any) -> Any:
        item_type = target.__args__[0]
        item_hook = converter.get_structure_hook(item_type)

        def structure(value: Any, _target: Any) -> tuple[Any, ...]:
            if not isinstance(value, (list, tuple)):
                msg = f"must be a list, not {type(value).__name__}"
                raise TypeError(msg)
            if not detailed:
                return tuple([item_hook(item, item_type) for item in value])
            items, problems = [], []
            for i, item in enumerate(value):
                try:
                    items.append(item_hook(item, item_type))
                except Exception as exc:  # noqa: BLE001 - described below
                    problems += _problems(exc, f"[{i}]")
            if problems:
                raise ValidationError(problems)
            return tuple(items)

        return structure

    return factory


def _is_homogeneous_tuple(target: Any) -> bool:
    args = getattr(target, "__args__", ())
    return getattr(target, "__origin__", None) is tuple and args[1:] == (...,)


def _optional(hook: Any) -> Any:
    def structure(value: Any, type_: Any) -> Any:
        return None if value is None else hook(value, type_)

    return structure


def _detailed_attrs_hook(  # noqa: C901 - one branch per way a field can fail
    cl: type[Any], converter: cattrs.Converter
) -> Any:
    """Structure field by field, running each validator, to report every problem.

    cattrs alone stops before the class's validators run when any field fails
    to structure; this hook (used only to describe a failure) checks each
    field on its own so one error lists them all.
    """
    fields = attrs.fields(attrs.resolve_types(cl))
    names = {a.name for a in fields}

    def structure(value: Any, _target: Any) -> Any:  # noqa: C901 - see above
        if not isinstance(value, Mapping):
            msg = f"must be an object, not {type(value).__name__}"
            raise TypeError(msg)
        problems: list[Problem] = []
        kwargs: dict[str, Any] = {}
        for a in fields:
            if a.name not in value:
                if a.default is attrs.NOTHING:
                    problems.append((a.name, "required field is missing"))
                continue
            try:
                item = converter.structure(value[a.name], a.type)
                if callable(a.converter):
                    item = a.converter(item)
            except Exception as exc:  # noqa: BLE001 - described, then re-raised as one error
                problems += _problems(exc, a.name)
                continue
            try:
                if a.validator is not None:
                    a.validator(None, a, item)
            except ValidationError as exc:  # its paths already start at the field
                problems += exc.problems
            else:
                kwargs[a.name] = item
        problems += [
            (key, "unknown field") for key in sorted(set(value) - names, key=str)
        ]
        if problems:
            raise ValidationError(problems)
        return cl(**kwargs)

    return structure


@cache
def _fast() -> cattrs.Converter:
    return make_converter(detailed_validation=False)


@cache
def _detailed() -> cattrs.Converter:
    return make_converter(detailed_validation=True)


def _join(path: str, part: str) -> str:
    if not path:
        return part.lstrip(".")
    return path + part


def _problems(  # noqa: C901, PLR0911, PLR0912 - one case per cattrs error shape
    exc: BaseException, path: str = ""
) -> list[Problem]:
    if isinstance(exc, ValidationError):
        return [
            (_join(path, f".{p}" if p and not p.startswith("[") else p), m)
            for p, m in exc.problems
        ]
    if isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        found: list[Problem] = []
        for sub, note in with_notes:
            found += _problems(
                sub,
                _join(path, f".{note.name}"),
            )
        for sub in without:
            found += _problems(sub, path)
        return found
    if isinstance(exc, IterableValidationError):
        with_idx, without = exc.group_exceptions()
        found = []
        for sub, index_note in with_idx:
            found += _problems(sub, _join(path, f"[{index_note.index!r}]"))
        for sub in without:
            found += _problems(sub, path)
        return found
    if isinstance(exc, ForbiddenExtraKeysError):
        return [
            (_join(path, f".{key}"), "unknown field")
            for key in sorted(exc.extra_fields)
        ]
    if isinstance(exc, BaseExceptionGroup):
        return [p for sub in exc.exceptions for p in _problems(sub, path)]
    if isinstance(exc, KeyError):
        return [(path, "required field is missing")]
    if isinstance(exc, (TypeError, ValueError)) and str(exc).startswith("must"):
        return [(path, str(exc))]
    if isinstance(exc, ValueError):
        return [(path, f"invalid value ({exc})")]
    if isinstance(exc, TypeError):
        return [(path, "invalid type")]
    return [(path, f"invalid ({type(exc).__name__})")]


def to_dict(obj: Any) -> dict[str, Any]:
    """Turn a model object into a JSON-ready dict.

    Args:
        obj: An instance of any model class.

    Returns:
        A new dict of plain JSON types.

    Raises:
        ValidationError: if ``obj`` is not an attrs model object.

    .. versionadded:: 0.1.0
    """
    if not attrs.has(type(obj)):
        raise ValidationError.single("", f"cannot serialise {type(obj).__name__}")
    result: dict[str, Any] = _fast().unstructure(obj)
    return result


def from_dict(cls: type[T], data: Any) -> T:
    """Build a model object of type ``cls`` from untrusted data.

    Args:
        cls: The model class, e.g. :class:`~iso10002.model.ComplaintForm`.
        data: A mapping, typically decoded JSON.

    Returns:
        The validated object.

    Raises:
        ValidationError: listing every problem, each with its field path.

    .. versionadded:: 0.1.0
    """
    if not attrs.has(cls):
        raise ValidationError.single("", f"cannot deserialise into {cls!r}")
    try:
        return cast("T", _fast().structure(data, cls))
    except Exception:  # noqa: BLE001, S110 - the detailed pass below decides and describes
        pass
    try:
        result = _detailed().structure(data, cls)
    except Exception as exc:
        problems = _problems(exc)
        raise ValidationError(problems or [("", "invalid")]) from exc
    return cast("T", result)  # e.g. a partial document relying on field defaults


def to_json(obj: Any, *, indent: int | None = None) -> str:
    """Serialise a model object to a JSON string.

    Args:
        obj: An instance of any model class.
        indent: Pretty-print with this indent; compact when ``None``.

    Returns:
        The JSON text (UTF-8 safe, non-ASCII kept as is).

    .. versionadded:: 0.1.0
    """
    separators = None if indent else (",", ":")
    return json.dumps(
        to_dict(obj), ensure_ascii=False, indent=indent, separators=separators
    )


def from_json(cls: type[T], text: str | bytes) -> T:
    """Parse JSON text into a model object of type ``cls``.

    Args:
        cls: The model class.
        text: JSON text (``str`` or UTF-8 ``bytes``).

    Returns:
        The validated object.

    Raises:
        ValidationError: if the text is not JSON or the document is invalid.

    .. versionadded:: 0.1.0
    """
    if not isinstance(text, (str, bytes, bytearray)):
        raise ValidationError.single(
            "", f"must be JSON text, not {type(text).__name__}"
        )
    if len(text) > _MAX_DOCUMENT:
        raise ValidationError.single(
            "", f"document larger than {_MAX_DOCUMENT} characters"
        )
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ValidationError.single("", f"not valid JSON ({exc})") from None
    return from_dict(cls, data)
